"""Unpaid bank-transfer orders: the customer's word that they have paid ("Sumokėjau"), and staff's view of
unpaid orders per e-mail address and per client address, with a batch cancel.

An unpaid transfer holds its stock only `TRANSFER_HOLD_HOURS` (`orders.placing.transfer_hold`); the
customer who has paid says so on the order's page, which holds the stock until the transfer deadline and
puts the order in front of staff (the dashboard, and one mail to the VVG). The expiry job
(`orders.lifecycle.expire_unpaid_orders`) cancels the rest.

Card orders are left out of the groups: their hold ends with Stripe's payment page within the hour, and
cancelling one needs Stripe asked first (the customer's own cancel does that).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from orders.errors import OrderNotAwaitingPayment, OrderNotFound
from orders.lifecycle import cancel_unpaid, lock_order
from orders.models import CancelReason, Fulfilment, Order, OrderStatus, PaymentMethod
from orders.payments.alerts import raise_alert
from orders.payments.models import AlertKind, PaymentAlert
from orders.placing import transfer_deadline
from shop import audit, outbox
from shop.db import db, transaction, utcnow
from shop.models import Operator, OutboxMessage, User

#: The most groups of each kind the page lists (the biggest first).
GROUP_LIMIT = 50


# ---------------------------------------------------------------------------------------------- "I have paid"


def claim_transfer_paid(order_id: int) -> bool:
    """The customer says they have paid by transfer: the order holds its stock until the transfer deadline
    and staff are told to look for the money (one mail to the VVG). True the first time; saying it again
    changes nothing.

    OrderNotAwaitingPayment when the order is not an unpaid transfer (paid, cancelled, or paid by card).
    """
    messages: list[OutboxMessage | None] = []
    with transaction():
        order = lock_order(order_id)
        if order is None:
            raise OrderNotFound(order_id)
        if (
            order.status is not OrderStatus.PENDING_PAYMENT
            or order.payment_method is not PaymentMethod.BANK_TRANSFER
        ):
            raise OrderNotAwaitingPayment(order.status)
        if order.payment_claimed_at is not None:
            return False
        order.payment_claimed_at = utcnow()
        deadline = transfer_deadline(order.created_at)
        if order.expires_at is None or order.expires_at < deadline:
            order.expires_at = deadline
        operator = db.session.scalars(select(Operator).order_by(Operator.id).limit(1)).first()
        if operator is not None and operator.email:
            messages.append(
                outbox.enqueue(
                    dedup_key=f"payment-claimed:{order.id}",
                    recipient=operator.email,
                    template="orders/payment_claimed",
                    language="lt",  # the VVG's staff work in Lithuanian
                    context={"order": order},
                    order_id=order.id,
                )
            )
    outbox.send_now(messages)
    return True


# ---------------------------------------------------------------------------------------------- the groups


class GroupKind(enum.StrEnum):
    EMAIL = "email"
    CLIENT_IP = "ip"


@dataclass(frozen=True)
class UnpaidGroup:
    """Unpaid transfer orders sharing an e-mail address or a client address, oldest first."""

    kind: GroupKind
    key: str
    orders: list[Order]

    @property
    def count(self) -> int:
        return len(self.orders)

    @property
    def oldest(self) -> datetime:
        return self.orders[0].created_at

    @property
    def held_cents(self) -> int:
        """What the orders are worth: the money they would bring, and the goods they keep off sale."""
        return sum(order.total_cents for order in self.orders)

    @property
    def emails(self) -> int:
        """How many e-mail addresses the orders were placed under (many from one client address: a script)."""
        return len({order.email.casefold() for order in self.orders})

    @property
    def held_units(self) -> int:
        """How many pieces of stock they hold (made-to-order lines hold none)."""
        return sum(
            line.quantity for order in self.orders for line in order.lines if not line.is_made_to_order
        )


@dataclass(frozen=True)
class UnpaidGroups:
    by_email: list[UnpaidGroup]
    by_client_ip: list[UnpaidGroup]
    orders: int  #: unpaid transfer orders in all


def list_unpaid_groups() -> UnpaidGroups:
    """Every unpaid transfer order, grouped by e-mail address and by client address: the biggest groups
    first (then the oldest), at most GROUP_LIMIT of each kind. Orders with no client address recorded
    (the demo, scripts) are grouped by e-mail only."""
    orders = _unpaid_transfers()
    by_email: dict[str, list[Order]] = {}
    by_ip: dict[str, list[Order]] = {}
    for order in orders:
        by_email.setdefault(order.email.casefold(), []).append(order)
        if order.client_ip:
            by_ip.setdefault(order.client_ip, []).append(order)
    return UnpaidGroups(
        by_email=_biggest(GroupKind.EMAIL, by_email),
        by_client_ip=_biggest(GroupKind.CLIENT_IP, by_ip),
        orders=len(orders),
    )


def get_unpaid_group(kind: GroupKind, key: str) -> UnpaidGroup:
    """The unpaid transfer orders of one e-mail address (any case) or client address (maybe none)."""
    key = key.strip()
    if kind is GroupKind.EMAIL:
        orders = list(_unpaid_transfers(func.lower(Order.email) == key.lower())) if key else []
    else:
        orders = list(_unpaid_transfers(Order.client_ip == key)) if key else []
    return UnpaidGroup(kind, key, orders)


def _unpaid_transfers(*where: object) -> Sequence[Order]:
    return db.session.scalars(
        select(Order)
        .where(
            Order.status == OrderStatus.PENDING_PAYMENT,
            Order.payment_method == PaymentMethod.BANK_TRANSFER,
            *where,  # type: ignore[arg-type]
        )
        .options(selectinload(Order.fulfilments).selectinload(Fulfilment.lines))
        .order_by(Order.created_at, Order.id)
    ).all()


def _biggest(kind: GroupKind, groups: dict[str, list[Order]]) -> list[UnpaidGroup]:
    found = [UnpaidGroup(kind, key, orders) for key, orders in groups.items()]
    found.sort(key=lambda group: (-group.count, group.oldest))
    return found[:GROUP_LIMIT]


# ---------------------------------------------------------------------------------------------- batch cancel


@dataclass(frozen=True)
class BatchCancelled:
    """What a batch cancel did: the orders it cancelled (their numbers), and how many were not unpaid any
    more (paid, or cancelled already: by a colleague, the expiry job, the customer, a second submit)."""

    numbers: list[str]
    skipped: int


def cancel_unpaid_orders(
    order_ids: Iterable[int], *, kind: GroupKind, key: str, note: str, by: User | None
) -> BatchCancelled:
    """Cancel these unpaid bank-transfer orders of one group (its `kind` and `key`) in one transaction, each
    through `lifecycle.cancel_unpaid`: stock back and the customer mailed once per order (its usual
    cancellation mail, with `note`), each cancellation audit-logged, and the batch too.

    An order that is no longer unpaid, or not of the group (an id posted by hand), is left as it is, so a
    second submit, or a colleague's cancel at the same moment, changes nothing more.
    """
    numbers: list[str] = []
    skipped = 0
    messages: list[OutboxMessage | None] = []
    with transaction():
        for order_id in sorted(set(order_ids)):  # one lock order: two batches at once cannot deadlock
            order = lock_order(order_id)
            # Only unpaid transfers: a card order's page must be closed at Stripe first (its own cancel).
            if (
                order is None
                or order.payment_method is not PaymentMethod.BANK_TRANSFER
                or not _of_group(order, kind, key)
            ):
                skipped += 1
                continue
            cancelled = cancel_unpaid(order_id, reason=CancelReason.STAFF, note=note, by=by)
            if cancelled is None:
                skipped += 1
                continue
            numbers.append(order.number)
            messages.extend(cancelled)
        if numbers:
            audit.record(
                "order.cancel_batch",
                "orders",
                len(numbers),
                by=by,
                after={"orders": numbers, "group": f"{kind.value}:{key}", "note": note.strip()[:1000]},
            )
    outbox.send_now(messages)
    return BatchCancelled(numbers, skipped)


def _of_group(order: Order, kind: GroupKind, key: str) -> bool:
    if kind is GroupKind.EMAIL:
        return order.email.lower() == key.strip().lower()
    return bool(key) and order.client_ip == key.strip()


# ---------------------------------------------------------------------------------------------- late money


def record_late_transfer(
    order_id: int, *, amount_cents: int, reference: str, by: User | None
) -> PaymentAlert:
    """A transfer arrived for an order already cancelled unpaid (its hold ran out, or it was cancelled):
    the order is not paid, since its stock went back on sale and may be sold again; a payment alert asks
    staff to send the money back (the VVG mailed once). Recording the same transfer again (a double
    submit) returns the alert already open.

    OrderNotAwaitingPayment for an order that is not a cancelled transfer order (e.g. paid already).
    """
    reference = reference.strip()[:120]
    with transaction():
        order = lock_order(order_id)
        if order is None:
            raise OrderNotFound(order_id)
        if (
            order.status is not OrderStatus.CANCELLED
            or order.payment_method is not PaymentMethod.BANK_TRANSFER
        ):
            raise OrderNotAwaitingPayment(order.status)
        for alert in order.payment_alerts:
            if (
                alert.kind is AlertKind.UNEXPECTED_PAYMENT
                and alert.resolved_at is None
                and (alert.amount_cents, alert.reference) == (amount_cents, reference)
            ):
                return alert
        messages = raise_alert(order, AlertKind.UNEXPECTED_PAYMENT, amount_cents, reference)
        alert = order.payment_alerts[-1]
        audit.record(
            "order.late_transfer",
            "order",
            order.number,
            by=by,
            after={"amount_cents": amount_cents, "reference": reference, "status": order.status},
        )
    outbox.send_now(messages)
    return alert
