"""What needs the VVG's attention now, and chasing a late parcel.

The dashboard lists, oldest first and each with its age: bank transfers the customer says they have paid
(staff look for the money), bank transfers unpaid for more than N days,
paid parcels not accepted by their community within N days, accepted parcels not sent within N days; and
counts what waits elsewhere (listings to moderate, listings on sale missing product-safety information,
payment alerts, bank refunds to send). The three N are
the operator's (`operators.*_days`, 3/2/5 by default), changed by staff and written to the audit log.

A late parcel can be chased: its community gets a reminder mail (in Lithuanian, through the outbox) and
the parcel remembers when (`fulfilments.reminded_at`); the audit log keeps every reminder. A reminder is
not a status change, so it is not a `FulfilmentEvent` (those are the parcel's moves, which other parts
read as such, e.g. when it was accepted or delivered).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import contains_eager, joinedload

from catalogue.models import Product, ProductStatus
from catalogue.safety import count_on_sale_missing_safety
from orders.errors import AlreadyReminded, DaysNotValid, NotLate, OperatorMissing
from orders.lifecycle import lock_fulfilment
from orders.models import (
    Fulfilment,
    FulfilmentEvent,
    FulfilmentStatus,
    Order,
    OrderStatus,
    PaymentMethod,
    Refund,
    RefundStatus,
)
from orders.payments.models import PaymentAlert
from shop import audit, outbox
from shop.db import db, transaction, utcnow
from shop.models import Operator, User
from shop.operator import get_operator

#: The most rows each attention list shows (the rest are counted).
LIST_LIMIT = 50
#: Whole days a threshold may be.
FEWEST_DAYS, MOST_DAYS = 1, 60
#: Parcels that can be chased: paid and not yet sent.
CHASEABLE = frozenset({FulfilmentStatus.NEW, FulfilmentStatus.ACCEPTED})


@dataclass(frozen=True)
class Thresholds:
    """After how many whole days something is late."""

    unpaid_transfer_days: int = 3
    unaccepted_days: int = 2
    unshipped_days: int = 5

    def __post_init__(self) -> None:
        for field in fields(self):
            days = getattr(self, field.name)
            if not FEWEST_DAYS <= days <= MOST_DAYS:
                raise DaysNotValid(field.name, days)

    def as_dict(self) -> dict[str, int]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


T = TypeVar("T")


@dataclass(frozen=True)
class Late(Generic[T]):
    """The oldest rows of one attention list (at most LIST_LIMIT) and how many there are in all."""

    rows: list[T]
    total: int


@dataclass(frozen=True)
class LateOrder:
    order: Order
    since: datetime  #: placed (a claimed transfer: when the customer said they had paid)


@dataclass(frozen=True)
class LateParcel:
    fulfilment: Fulfilment
    since: datetime  #: paid (to accept) or accepted (to send)

    @property
    def reminded_at(self) -> datetime | None:
        return self.fulfilment.reminded_at


@dataclass(frozen=True)
class Attention:
    thresholds: Thresholds
    #: transfers the customer says they have paid ("Sumokėjau"): staff look for the money, oldest claim first
    claimed_transfers: Late[LateOrder]
    unpaid_transfers: Late[LateOrder]
    unaccepted: Late[LateParcel]
    unshipped: Late[LateParcel]
    listings_waiting: int
    listings_flagged: int  #: on sale, but missing product-safety information
    open_alerts: int
    owed_refunds: int


# ---------------------------------------------------------------------------------------------- thresholds


def get_thresholds() -> Thresholds:
    """The operator's thresholds (the defaults before the shop has an operator)."""
    operator = get_operator()
    if operator is None:
        return Thresholds()
    return Thresholds(operator.unpaid_transfer_days, operator.unaccepted_days, operator.unshipped_days)


def set_thresholds(thresholds: Thresholds, *, by: User | None) -> Thresholds:
    """Keep new thresholds on the operator's row; the change is written to the audit log."""
    with transaction():
        operator = db.session.scalars(
            select(Operator).order_by(Operator.id).limit(1).with_for_update()
        ).first()
        if operator is None:
            raise OperatorMissing()
        before = {name: getattr(operator, name) for name in thresholds.as_dict()}
        if before != thresholds.as_dict():
            for name, days in thresholds.as_dict().items():
                setattr(operator, name, days)
            audit.record(
                "operator.attention_days",
                "operator",
                operator.id,
                by=by,
                before=before,
                after=thresholds.as_dict(),
            )
    return thresholds


# ---------------------------------------------------------------------------------------------- the lists


def list_attention(now: datetime | None = None) -> Attention:
    """Everything late or waiting, as of `now`."""
    now = now or utcnow()
    thresholds = get_thresholds()
    late = now - timedelta(days=thresholds.unpaid_transfer_days)
    return Attention(
        thresholds=thresholds,
        # said to be paid lately, then (claimed or not) unpaid for too long: no order is in both lists
        claimed_transfers=_unpaid_transfers(
            Order.payment_claimed_at.is_not(None), Order.created_at >= late, since=Order.payment_claimed_at
        ),
        unpaid_transfers=_unpaid_transfers(Order.created_at < late, since=Order.created_at),
        unaccepted=_unaccepted(now - timedelta(days=thresholds.unaccepted_days)),
        unshipped=_unshipped(now - timedelta(days=thresholds.unshipped_days)),
        listings_waiting=_count(
            select(func.count(Product.id)).where(Product.status == ProductStatus.PENDING_REVIEW)
        ),
        listings_flagged=count_on_sale_missing_safety(),
        open_alerts=_count(select(func.count(PaymentAlert.id)).where(PaymentAlert.resolved_at.is_(None))),
        owed_refunds=_count(select(func.count(Refund.id)).where(Refund.status == RefundStatus.OWED)),
    )


def _count(query: Select[int]) -> int:
    return int(db.session.scalar(query) or 0)


#: How many rows a list's query finds in all, beside each of the first LIST_LIMIT it returns: one
#: statement for a list and its count (the window is worked out before the LIMIT).
_IN_ALL = func.count().over().label("in_all")


def _in_all(rows: Sequence[Any]) -> int:
    """The count of all the rows a list's query found (`_IN_ALL`), none when it found none."""
    return int(rows[0].in_all) if rows else 0


def _unpaid_transfers(*where: ColumnElement[bool], since: Any) -> Late[LateOrder]:
    """Unpaid bank-transfer orders meeting `where`, the oldest `since` first, each with that moment."""
    rows = db.session.execute(
        select(Order, _IN_ALL)
        .where(
            Order.status == OrderStatus.PENDING_PAYMENT,
            Order.payment_method == PaymentMethod.BANK_TRANSFER,
            *where,
        )
        .order_by(since, Order.id)
        .limit(LIST_LIMIT)
    ).all()
    return Late(
        [LateOrder(order, cast(datetime, getattr(order, since.key))) for order, _n in rows],
        _in_all(rows),
    )


def _unaccepted(paid_before: datetime) -> Late[LateParcel]:
    """Paid parcels not accepted, paid before `paid_before`, the longest paid first."""
    rows = db.session.execute(
        select(Fulfilment, _IN_ALL)
        .join(Fulfilment.order)
        .where(
            Fulfilment.status == FulfilmentStatus.NEW,
            Order.paid_at.is_not(None),
            Order.paid_at < paid_before,
        )
        .options(contains_eager(Fulfilment.order), joinedload(Fulfilment.community))
        .order_by(Order.paid_at, Fulfilment.id)
        .limit(LIST_LIMIT)
    ).all()
    # The query takes paid orders only: paid_at is set.
    return Late([LateParcel(f, cast(datetime, f.order.paid_at)) for f, _n in rows], _in_all(rows))


def _unshipped(accepted_before: datetime) -> Late[LateParcel]:
    """Accepted parcels not sent, accepted before `accepted_before`, the longest waiting first."""
    # When each accepted parcel was accepted (its last move to accepted): read from the few parcels that
    # are accepted now (`ix_fulfilments_status`), not grouped over every parcel's events.
    accepted = (
        select(
            FulfilmentEvent.fulfilment_id.label("fulfilment_id"),
            func.max(FulfilmentEvent.created_at).label("at"),
        )
        .join(Fulfilment, Fulfilment.id == FulfilmentEvent.fulfilment_id)
        .where(
            Fulfilment.status == FulfilmentStatus.ACCEPTED,
            FulfilmentEvent.to_status == FulfilmentStatus.ACCEPTED,
        )
        .group_by(FulfilmentEvent.fulfilment_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Fulfilment, accepted.c.at, _IN_ALL)
        .join(accepted, accepted.c.fulfilment_id == Fulfilment.id)
        .where(accepted.c.at < accepted_before)
        .options(joinedload(Fulfilment.order), joinedload(Fulfilment.community))
        .order_by(accepted.c.at, Fulfilment.id)
        .limit(LIST_LIMIT)
    ).all()
    return Late([LateParcel(fulfilment, at) for fulfilment, at, _n in rows], _in_all(rows))


# ---------------------------------------------------------------------------------------------- chasing


def remind_community(fulfilment_id: int, *, seen_reminded_at: datetime | None, by: User | None) -> Fulfilment:
    """Mail the parcel's community a reminder to accept it or send it, and note when.

    `seen_reminded_at` is the last reminder the staff member saw: if another was sent since (a double
    click, a colleague), nothing is sent and AlreadyReminded says when it was.
    """
    with transaction():
        fulfilment = lock_fulfilment(fulfilment_id)  # FulfilmentNotFound if there is no such parcel
        if fulfilment.status not in CHASEABLE:  # (a new or accepted parcel's order is paid)
            raise NotLate(fulfilment.status)
        if fulfilment.reminded_at is not None and fulfilment.reminded_at != seen_reminded_at:
            raise AlreadyReminded(fulfilment.reminded_at)
        now = utcnow()
        before = fulfilment.reminded_at
        fulfilment.reminded_at = now
        order = fulfilment.order
        message = outbox.enqueue(
            dedup_key=f"parcel-reminder:{fulfilment.id}:{now.isoformat()}",
            recipient=fulfilment.community.email,
            template="orders/parcel_reminder",
            language="lt",  # communities work in Lithuanian
            context={"order": order, "fulfilment": fulfilment},
            order_id=order.id,
        )
        audit.record(
            "fulfilment.remind",
            "fulfilment",
            fulfilment.id,
            by=by,
            before={"status": fulfilment.status, "reminded_at": before},
            after={"order": order.number, "community": fulfilment.community.name, "reminded_at": now},
        )
    outbox.send_now([message])
    return fulfilment
