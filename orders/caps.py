"""What one visitor's orders may hold while unpaid: how many unpaid orders an e-mail address and a client IP
address may have at a time, how much of a variant's stock one order may take, and the most of one line.

Without these one script could reserve a community's whole stock with a few unpaid bank-transfer orders
(and mail strangers with each). The settings are `UNPAID_ORDERS_PER_EMAIL`, `UNPAID_ORDERS_PER_IP`,
`UNPAID_STOCK_SHARE` and `MAX_LINE_QUANTITY` (`shop.config`).
"""

from __future__ import annotations

import hashlib

from flask import current_app
from sqlalchemy import ColumnElement, func, select, text

from orders.errors import ShareOfStockExceeded, TooManyUnpaidOrders
from orders.models import Order, OrderStatus
from shop.db import db


def max_line_quantity() -> int:
    """The most of one variant a single order (and the cart) may hold: more is a wholesale enquiry."""
    return int(current_app.config["MAX_LINE_QUANTITY"])


def allowed_of(stock: int) -> int:
    """How many units of a variant with `stock` on sale one order may take: a share of it, at least one,
    never more than a line's maximum."""
    share = float(current_app.config["UNPAID_STOCK_SHARE"])
    return min(max(1, int(stock * share)), max_line_quantity())


def check_share(variant_id: int, quantity: int, stock_before: int) -> None:
    """Refuse an order taking more of a variant than its share of the stock that was on sale."""
    allowed = allowed_of(stock_before)
    if quantity > allowed:
        raise ShareOfStockExceeded(variant_id, allowed)


def check_unpaid_orders(email: str, client_ip: str) -> None:
    """Refuse a new order while the address (or the client's IP address) has its fill of unpaid orders.

    Runs inside the placing transaction. On PostgreSQL it first takes a transaction-level advisory lock per
    address, so that two checkouts of one address at the same moment count one after the other (the
    second sees the first's order); SQLite lets one writer in at a time already (BEGIN IMMEDIATE). An
    order placed without a client address (the demo, scripts) is not counted by IP.
    """
    email = email.strip().lower()
    keys = [f"unpaid-email:{email}"] + ([f"unpaid-ip:{client_ip}"] if client_ip else [])
    _lock(keys)
    per_email = int(current_app.config["UNPAID_ORDERS_PER_EMAIL"])
    if _unpaid(func.lower(Order.email) == email) >= per_email:
        raise TooManyUnpaidOrders("email", per_email)
    per_ip = int(current_app.config["UNPAID_ORDERS_PER_IP"])
    if client_ip and _unpaid(Order.client_ip == client_ip) >= per_ip:
        raise TooManyUnpaidOrders("ip", per_ip)


def _unpaid(condition: ColumnElement[bool]) -> int:
    unpaid = select(func.count(Order.id)).where(Order.status == OrderStatus.PENDING_PAYMENT, condition)
    return db.session.scalar(unpaid) or 0


def _lock(keys: list[str]) -> None:
    """PostgreSQL advisory locks on these names until the transaction ends, always taken in one order (no
    two checkouts wait for each other in a circle)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted({_lock_number(key) for key in keys}):
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _lock_number(key: str) -> int:
    """A name as the signed 64-bit number PostgreSQL's advisory locks take."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)
