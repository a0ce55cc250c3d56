"""What the shop holds about an e-mail address: its orders not yet anonymised, and which of them are still
open (and so cannot be erased yet), with how long their accounting records must stay."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from orders.models import Fulfilment, FulfilmentStatus, Order, OrderStatus, RefundStatus
from orders.payouts.dues import hold_days, payable_on
from shop.db import db
from shop.i18n import VILNIUS

#: Parcels still on their way to the customer: their order needs its delivery details.
UNDER_WAY = frozenset(
    {
        FulfilmentStatus.AWAITING_PAYMENT,
        FulfilmentStatus.NEW,
        FulfilmentStatus.ACCEPTED,
        FulfilmentStatus.SHIPPED,
    }
)
#: Refunds whose money has not yet reached the customer.
UNSETTLED_REFUNDS = frozenset({RefundStatus.PENDING, RefundStatus.FAILED, RefundStatus.OWED})


class OpenReason(enum.StrEnum):
    """Why an order's customer details cannot be erased yet."""

    AWAITING_PAYMENT = "awaiting_payment"  # placed, not paid, not expired: the customer may still pay
    UNDER_WAY = "under_way"  # paid; a parcel is being prepared or is on its way
    RETURN_WINDOW = "return_window"  # delivered, and the 14 days to return it have not passed
    REFUND_UNSETTLED = "refund_unsettled"  # money is still to be returned to the customer
    PAYMENT_ALERT = "payment_alert"  # staff are settling something about its payment (a dispute)


@dataclass(frozen=True)
class HeldOrder:
    order: Order
    open_reason: OpenReason | None  #: None: closed, erasable now
    open_until: date | None  #: the Vilnius day it closes, when known (the payment deadline, the window's end)
    kept_until: date  #: the last day its accounting records must be kept

    @property
    def is_open(self) -> bool:
        return self.open_reason is not None


@dataclass(frozen=True)
class Holdings:
    """The orders held for one address, oldest first."""

    address: str
    orders: list[HeldOrder]

    @property
    def closed(self) -> list[HeldOrder]:
        return [held for held in self.orders if not held.is_open]

    @property
    def still_open(self) -> list[HeldOrder]:
        return [held for held in self.orders if held.is_open]

    @property
    def kept_until(self) -> date | None:
        """The last day any of these orders' accounting records must be kept."""
        return max((held.kept_until for held in self.orders), default=None)


def normal_address(email: str) -> str:
    """An e-mail address as the shop compares it: without spaces around, in lower case."""
    return email.strip().lower()


def orders_of(address: str) -> Select[Order]:
    """The orders placed with this address whose customer has not been anonymised, oldest first, with all
    their rows (parcels, lines, moves, payments, refunds, alerts, card payment pages)."""
    return _with_their_rows(
        select(Order).where(func.lower(Order.email) == normal_address(address), Order.anonymised_at.is_(None))
    )


def orders_of_ids(ids: Sequence[int], *, lock: bool = False) -> Select[Order]:
    """These orders (not yet anonymised) with all their rows; `lock`: as `holdings_of`."""
    statement = _with_their_rows(select(Order).where(Order.id.in_(ids), Order.anonymised_at.is_(None)))
    return statement.with_for_update(of=Order) if lock else statement


def _with_their_rows(statement: Select[Order]) -> Select[Order]:
    return statement.options(
        selectinload(Order.fulfilments).selectinload(Fulfilment.lines),
        selectinload(Order.fulfilments).selectinload(Fulfilment.events),
        selectinload(Order.fulfilments).joinedload(Fulfilment.community),
        selectinload(Order.payments),
        selectinload(Order.refunds),
        selectinload(Order.payment_alerts),
        selectinload(Order.card_checkouts),
    ).order_by(Order.created_at, Order.id)


def holds_orders(address: str) -> bool:
    """Whether any order not yet anonymised was placed with this address."""
    found = db.session.scalar(
        select(Order.id)
        .where(func.lower(Order.email) == normal_address(address), Order.anonymised_at.is_(None))
        .limit(1)
    )
    return found is not None


def holdings_of(address: str, now: datetime, *, lock: bool = False) -> Holdings:
    """The orders held for `address` at `now`, each with why it is still open; `lock`: their rows locked for
    the transaction that anonymises them (PostgreSQL; SQLite's transaction holds the whole database)."""
    statement = orders_of(address)
    if lock:
        statement = statement.with_for_update(of=Order)
    orders = db.session.scalars(statement).unique().all()
    return Holdings(address=normal_address(address), orders=[held(order, now) for order in orders])


def held(order: Order, now: datetime) -> HeldOrder:
    reason, until = why_open(order, now)
    return HeldOrder(
        order=order, open_reason=reason, open_until=until, kept_until=accounting_kept_until(order)
    )


def why_open(order: Order, now: datetime) -> tuple[OpenReason | None, date | None]:
    """Why the order still needs its customer's details at `now`, and until when if that is known."""
    if order.status is OrderStatus.PENDING_PAYMENT:
        return OpenReason.AWAITING_PAYMENT, order.expires_at.astimezone(
            VILNIUS
        ).date() if order.expires_at else None
    if any(fulfilment.status in UNDER_WAY for fulfilment in order.fulfilments):
        return OpenReason.UNDER_WAY, None
    window_ends = _return_window_end(order)
    if window_ends is not None and now.astimezone(VILNIUS).date() < window_ends:
        return OpenReason.RETURN_WINDOW, window_ends
    if any(refund.status in UNSETTLED_REFUNDS for refund in order.refunds):
        return OpenReason.REFUND_UNSETTLED, None
    if any(alert.resolved_at is None for alert in order.payment_alerts):
        return OpenReason.PAYMENT_ALERT, None
    return None, None


def accounting_kept_until(order: Order) -> date:
    """The last day the order's accounting records are kept: the end of the ACCOUNTING_RETENTION_YEARS-th
    year after the year it was placed in (Lithuanian practice counts the years from the next 1 January)."""
    year = order.created_at.astimezone(VILNIUS).year + accounting_years()
    return date(year, 12, 31)


def accounting_years() -> int:
    return int(current_app.config.get("ACCOUNTING_RETENTION_YEARS", 10))


def _return_window_end(order: Order) -> date | None:
    """The first Vilnius day after the return window of the order's last delivered parcel (None: nothing
    was delivered, or there is no window)."""
    days = hold_days()
    delivered = [
        event.created_at
        for fulfilment in order.fulfilments
        if fulfilment.status is FulfilmentStatus.DELIVERED
        for event in fulfilment.events
        if event.to_status is FulfilmentStatus.DELIVERED
    ]
    if not delivered or days <= 0:
        return None
    return payable_on(max(delivered), days)
