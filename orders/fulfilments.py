"""Parcels (fulfilments): accepted, sent and delivered, each move guarded by its transition table and
mailed to the customer; and a community's own parcels, listed and moved only by that community."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from orders import refunds
from orders.errors import CarrierNotAllowed, FulfilmentNotFound, TrackingNumberMissing
from orders.lifecycle import lock_fulfilment, mail_customer, settle_order
from orders.models import (
    Carrier,
    Fulfilment,
    FulfilmentEvent,
    FulfilmentStatus,
    Order,
    Refund,
)
from orders.withdrawals.models import Withdrawal, WithdrawalStatus
from producers.models import DeliveryMethod
from shop import outbox
from shop.db import db, transaction
from shop.models import OutboxMessage, User
from shop.pagination import Page


def accept_fulfilment(fulfilment_id: int, *, by: User | None) -> Fulfilment:
    """The community has seen the parcel and will pack it; the customer hears it is being packed."""
    with transaction():
        fulfilment = lock_fulfilment(fulfilment_id)
        fulfilment.move_to(FulfilmentStatus.ACCEPTED, by=by)
        messages = [_mail_parcel(fulfilment, "fulfilment-accepted", "fulfilment_accepted")]
    outbox.send_now(messages)
    return fulfilment


def ship_fulfilment(fulfilment_id: int, *, carrier: str, tracking_number: str, by: User | None) -> Fulfilment:
    """The parcel has left (or waits at the pickup point), with its carrier and tracking number."""
    with transaction():
        fulfilment = lock_fulfilment(fulfilment_id)
        fulfilment.move_to(FulfilmentStatus.SHIPPED, by=by)
        fulfilment.carrier = carrier.strip()[:60]
        fulfilment.tracking_number = tracking_number.strip()[:80]
        messages = [_mail_parcel(fulfilment, "fulfilment-shipped", "fulfilment_shipped")]
    outbox.send_now(messages)
    return fulfilment


def mark_delivered(fulfilment_id: int, *, by: User | None) -> Fulfilment:
    """The customer has the parcel; when every parcel is settled, the order is complete."""
    with transaction():
        fulfilment = lock_fulfilment(fulfilment_id)
        fulfilment.move_to(FulfilmentStatus.DELIVERED, by=by)
        settle_order(fulfilment.order)
        messages = [_mail_parcel(fulfilment, "fulfilment-delivered", "fulfilment_delivered")]
    outbox.send_now(messages)
    return fulfilment


def _mail_parcel(fulfilment: Fulfilment, event: str, template: str) -> OutboxMessage | None:
    """Inside the parcel's transaction: tell the customer, in the order's language, once per parcel."""
    return mail_customer(
        fulfilment.order, event=event, template=template, key=fulfilment.id, fulfilment=fulfilment
    )


#: Parcels per page of the orders list.
PAGE_SIZE = 30


#: A community's parcels: every one that was paid (an unpaid one may never be).
PAID_STATUSES = frozenset(FulfilmentStatus) - {FulfilmentStatus.AWAITING_PAYMENT}


#: Parcels to send, the one to hand over soonest first (those placed before promises had none: last).
SOONEST_SHIP_BY = (Fulfilment.ship_by.is_(None), Fulfilment.ship_by)


class StatusFilter(enum.StrEnum):
    """The orders list's views: what needs doing (the default), one status, the parcels with a return to
    expect (a customer withdrew after they left), or everything paid."""

    TODO = "todo"
    NEW = "new"
    ACCEPTED = "accepted"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    RETURNS = "returns"
    CANCELLED = "cancelled"
    ALL = "all"

    @property
    def statuses(self) -> frozenset[FulfilmentStatus]:
        if self is StatusFilter.TODO:
            return frozenset({FulfilmentStatus.NEW, FulfilmentStatus.ACCEPTED})
        if self in (StatusFilter.ALL, StatusFilter.RETURNS):
            return PAID_STATUSES
        return frozenset({FulfilmentStatus(self.value)})

    def order(self) -> list[Any]:
        """The view's order: parcels still to send by their ship-by day (soonest first, older orders without
        one last), the others newest first."""
        if self.statuses <= {FulfilmentStatus.NEW, FulfilmentStatus.ACCEPTED}:
            return [*SOONEST_SHIP_BY, Order.created_at, Fulfilment.id]
        return [Order.created_at.desc(), Fulfilment.id.desc()]

    def where(self) -> list[ColumnElement[bool]]:
        """The view's condition on a parcel."""
        wanted: list[ColumnElement[bool]] = [Fulfilment.status.in_(self.statuses)]
        if self is StatusFilter.RETURNS:
            wanted.append(Fulfilment.id.in_(_returns_expected()))
        return wanted


def carriers_for(method: DeliveryMethod) -> list[Carrier]:
    """The ways a parcel with this delivery can leave."""
    if method is DeliveryMethod.PICKUP:
        return [Carrier.PICKUP]
    return [Carrier.OMNIVA, Carrier.LP_EXPRESS, Carrier.DPD, Carrier.VENIPAK, Carrier.OWN]


def usual_carrier(method: DeliveryMethod) -> Carrier | None:
    """The carrier a parcel with this delivery most likely leaves with (offered first), if any."""
    return {
        DeliveryMethod.PICKUP: Carrier.PICKUP,
        DeliveryMethod.OMNIVA: Carrier.OMNIVA,
        DeliveryMethod.LP_EXPRESS: Carrier.LP_EXPRESS,
        DeliveryMethod.DPD: Carrier.DPD,
    }.get(method)


@dataclass(frozen=True)
class ParcelRow:
    """A parcel as the lists show it."""

    fulfilment: Fulfilment
    item_count: int  #: pieces still to send (all of them, for a cancelled parcel)
    waiting_since: datetime  #: when the community was told (paid), for its age
    return_expected: bool = False  #: a customer withdrew from some of it after it left: it comes back


def _row(fulfilment: Fulfilment, returning: frozenset[int] = frozenset()) -> ParcelRow:
    live = [line for line in fulfilment.lines if line.cancelled_at is None] or fulfilment.lines
    order = fulfilment.order
    return ParcelRow(
        fulfilment,
        sum(line.quantity for line in live),
        order.paid_at or order.created_at,
        return_expected=fulfilment.id in returning,
    )


def _returns_expected() -> Select[int]:
    """The ids of parcels with a withdrawal whose lines are still to come back."""
    return select(Withdrawal.fulfilment_id).where(Withdrawal.status == WithdrawalStatus.RETURN_EXPECTED)


def count_returns_expected(community_id: int) -> int:
    """How many of the community's parcels it should expect back (in part or whole) from customers."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Fulfilment)
            .join(Fulfilment.order)
            .where(*_is_own_and_paid(community_id), Fulfilment.id.in_(_returns_expected()))
        )
        or 0
    )


def _is_own_and_paid(community_id: int) -> list[ColumnElement[bool]]:
    """A parcel of this community whose order was paid (an unpaid order cancelled or expired never was)."""
    return [
        Fulfilment.community_id == community_id,
        Fulfilment.status.in_(PAID_STATUSES),
        Order.paid_at.is_not(None),
    ]


def _own_parcels(community_id: int) -> Select[Fulfilment]:
    return select(Fulfilment).join(Fulfilment.order).where(*_is_own_and_paid(community_id))


def list_fulfilments(community_id: int, status: StatusFilter, page: int = 1) -> Page[ParcelRow]:
    """The community's paid parcels in this view, in the view's order (`StatusFilter.order`), one page of
    them (a page out of range gives the nearest real one)."""
    where = status.where()
    total = (
        db.session.scalar(
            select(func.count())
            .select_from(Fulfilment)
            .join(Fulfilment.order)
            .where(*_is_own_and_paid(community_id), *where)
        )
        or 0
    )
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(page, 1), pages)
    parcels = db.session.scalars(
        _own_parcels(community_id)
        .where(*where)
        .options(joinedload(Fulfilment.order), selectinload(Fulfilment.lines))
        .order_by(*status.order())
        .limit(PAGE_SIZE)
        .offset((number - 1) * PAGE_SIZE)
    ).all()
    ids = [f.id for f in parcels]
    returning = frozenset(
        db.session.scalars(_returns_expected().where(Withdrawal.fulfilment_id.in_(ids))).all() if ids else []
    )
    return Page(items=[_row(f, returning) for f in parcels], number=number, size=PAGE_SIZE, total=total)


def get_fulfilment(community_id: int, fulfilment_id: int) -> Fulfilment:
    """One of the community's paid parcels with everything its page shows; FulfilmentNotFound otherwise."""
    fulfilment = db.session.scalars(
        _own_parcels(community_id)
        .where(Fulfilment.id == fulfilment_id)
        .options(
            joinedload(Fulfilment.order),
            joinedload(Fulfilment.community),
            selectinload(Fulfilment.lines),
            selectinload(Fulfilment.events).joinedload(FulfilmentEvent.actor),
        )
    ).first()
    if fulfilment is None:
        raise FulfilmentNotFound(fulfilment_id)
    return fulfilment


def list_refunds(fulfilment: Fulfilment) -> Sequence[Refund]:
    """The refunds made for this parcel (its lines or the whole of it), oldest first."""
    return db.session.scalars(
        select(Refund)
        .where(Refund.fulfilment_id == fulfilment.id)
        .options(joinedload(Refund.order_line), joinedload(Refund.created_by))
        .order_by(Refund.id)
    ).all()


def _check_own(community_id: int, fulfilment_id: int) -> None:
    """The parcel is this community's and paid, or FulfilmentNotFound (a community never changes)."""
    found = db.session.scalar(
        select(Fulfilment.id)
        .join(Fulfilment.order)
        .where(Fulfilment.id == fulfilment_id, *_is_own_and_paid(community_id))
    )
    if found is None:
        raise FulfilmentNotFound(fulfilment_id)


def accept(community_id: int, fulfilment_id: int, *, by: User | None) -> Fulfilment:
    """The community will pack this parcel (TransitionNotAllowed if it is past that)."""
    _check_own(community_id, fulfilment_id)
    return accept_fulfilment(fulfilment_id, by=by)


def ship(
    community_id: int, fulfilment_id: int, *, carrier: Carrier, tracking_number: str, by: User | None
) -> Fulfilment:
    """The parcel has left with `carrier` (a pickup parcel: is ready to collect)."""
    _check_own(community_id, fulfilment_id)
    method = db.session.scalars(
        select(Fulfilment.delivery_method).where(Fulfilment.id == fulfilment_id)
    ).one()
    if carrier not in carriers_for(method):
        raise CarrierNotAllowed(carrier)
    tracking_number = " ".join(tracking_number.split())
    if carrier.needs_tracking_number and not tracking_number:
        raise TrackingNumberMissing(carrier)
    return ship_fulfilment(
        fulfilment_id,
        carrier=carrier.value,
        tracking_number=tracking_number if carrier.needs_tracking_number else "",
        by=by,
    )


def deliver(community_id: int, fulfilment_id: int, *, by: User | None) -> Fulfilment:
    """The customer has the parcel."""
    _check_own(community_id, fulfilment_id)
    return mark_delivered(fulfilment_id, by=by)


def cancel(community_id: int, fulfilment_id: int, *, reason: str, by: User | None) -> Refund | None:
    """The community cannot send this parcel: cancelled, refunded, stock back, the customer told why."""
    _check_own(community_id, fulfilment_id)
    return refunds.cancel_fulfilment(fulfilment_id, reason=reason.strip(), by=by)
