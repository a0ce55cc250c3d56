"""The community workspace's orders side: every query is scoped to one community, every move delegated.

A community sees its own paid parcels only: an `awaiting_payment` parcel, or one of an order cancelled
before it was paid, is nobody's business (the community was never told of it). An id of another
community's parcel, or of an unpaid one, is simply not found. The moves themselves (accept, ship, deliver,
cancel) are the order services', which lock the order, record who and when, and mail the customer.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from catalogue.models import Product, ProductStatus, Variant
from orders import refunds, reports, services
from orders.earnings import Earnings
from orders.models import (
    CommunityTransfer,
    Fulfilment,
    FulfilmentEvent,
    FulfilmentStatus,
    Order,
    Payout,
    PayoutAdjustment,
    PayoutLine,
    PayoutStatus,
    Refund,
    TransferStatus,
)
from orders.payouts.statements import (
    DeliveredParcel,
    delivered_parcels,
    hold_days,
    payable_on,
    payout_with_lines,
)
from orders.services import OrderProblem
from producers.models import Community, DeliveryMethod
from shop.db import db
from shop.i18n import VILNIUS
from shop.models import User
from shop.pagination import Page

#: The most of a low stock a community is warned about: three left or fewer.
LOW_STOCK = 3

#: Parcels per page of the orders list.
PAGE_SIZE = 30

#: A community's parcels: every one that was paid (an unpaid one may never be).
PAID_STATUSES = frozenset(FulfilmentStatus) - {FulfilmentStatus.AWAITING_PAYMENT}


class StatusFilter(enum.StrEnum):
    """The orders list's views: what needs doing (the default), one status, or everything paid."""

    TODO = "todo"
    NEW = "new"
    ACCEPTED = "accepted"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    ALL = "all"

    @property
    def statuses(self) -> frozenset[FulfilmentStatus]:
        if self is StatusFilter.TODO:
            return frozenset({FulfilmentStatus.NEW, FulfilmentStatus.ACCEPTED})
        if self is StatusFilter.ALL:
            return PAID_STATUSES
        return frozenset({FulfilmentStatus(self.value)})


class Carrier(enum.StrEnum):
    """How a parcel left: the value is what the fulfilment stores and the customer sees (brands as is)."""

    OMNIVA = "Omniva"
    LP_EXPRESS = "LP Express"
    DPD = "DPD"
    VENIPAK = "Venipak"
    OWN = "own-delivery"  # the community takes it to the customer itself
    PICKUP = "pickup"  # the parcel waits at the community's pickup point

    @property
    def needs_tracking_number(self) -> bool:
        return self not in {Carrier.OWN, Carrier.PICKUP}


#: No paid parcel of this community has this id: the same error as the order services' for no parcel.
FulfilmentNotFound = services.FulfilmentNotFound


class CarrierNotAllowed(OrderProblem):
    """A pickup parcel is only ever "ready for pickup"; a parcel to send goes with a carrier."""


class TrackingNumberMissing(OrderProblem):
    """A carrier's parcel needs its tracking number: the customer follows it with that."""


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


# ---------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class ParcelRow:
    """A parcel as the lists show it."""

    fulfilment: Fulfilment
    item_count: int  #: pieces still to send (all of them, for a cancelled parcel)
    waiting_since: datetime  #: when the community was told (paid), for its age


def _row(fulfilment: Fulfilment) -> ParcelRow:
    live = [line for line in fulfilment.lines if line.cancelled_at is None] or fulfilment.lines
    order = fulfilment.order
    return ParcelRow(fulfilment, sum(line.quantity for line in live), order.paid_at or order.created_at)


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
    """The community's paid parcels in this view, newest first, one page of them (a page out of range
    gives the nearest real one)."""
    where = Fulfilment.status.in_(status.statuses)
    total = (
        db.session.scalar(
            select(func.count())
            .select_from(Fulfilment)
            .join(Fulfilment.order)
            .where(*_is_own_and_paid(community_id), where)
        )
        or 0
    )
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(page, 1), pages)
    parcels = db.session.scalars(
        _own_parcels(community_id)
        .where(where)
        .options(joinedload(Fulfilment.order), selectinload(Fulfilment.lines))
        .order_by(Order.created_at.desc(), Fulfilment.id.desc())
        .limit(PAGE_SIZE)
        .offset((number - 1) * PAGE_SIZE)
    ).all()
    return Page(items=[_row(f) for f in parcels], number=number, size=PAGE_SIZE, total=total)


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


# ---------------------------------------------------------------------------------------------- moves


def accept(community_id: int, fulfilment_id: int, *, by: User | None) -> Fulfilment:
    """The community will pack this parcel (TransitionNotAllowed if it is past that)."""
    _check_own(community_id, fulfilment_id)
    return services.accept_fulfilment(fulfilment_id, by=by)


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
    return services.ship_fulfilment(
        fulfilment_id,
        carrier=carrier.value,
        tracking_number=tracking_number if carrier.needs_tracking_number else "",
        by=by,
    )


def deliver(community_id: int, fulfilment_id: int, *, by: User | None) -> Fulfilment:
    """The customer has the parcel."""
    _check_own(community_id, fulfilment_id)
    return services.mark_delivered(fulfilment_id, by=by)


def cancel(community_id: int, fulfilment_id: int, *, reason: str, by: User | None) -> Refund | None:
    """The community cannot send this parcel: cancelled, refunded, stock back, the customer told why."""
    _check_own(community_id, fulfilment_id)
    return refunds.cancel_fulfilment(fulfilment_id, reason=reason.strip(), by=by)


# ---------------------------------------------------------------------------------------------- today


def month_days(now: datetime) -> tuple[date, date]:
    """The first and the last day of the Lithuanian calendar month `now` falls in."""
    local = now.astimezone(VILNIUS)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return date(local.year, local.month, 1), date(year, month, 1) - timedelta(days=1)


def _waiting(community_id: int, status: FulfilmentStatus) -> list[ParcelRow]:
    since = func.coalesce(Order.paid_at, Order.created_at)
    parcels = db.session.scalars(
        _own_parcels(community_id)
        .where(Fulfilment.status == status)
        .options(joinedload(Fulfilment.order), selectinload(Fulfilment.lines))
        .order_by(since, Fulfilment.id)
    ).all()
    return [_row(f) for f in parcels]


def list_low_stock(community_id: int) -> Sequence[Variant]:
    """Variants of the community's products on sale with at most LOW_STOCK left (made-to-order ones
    take no stock), the emptiest first."""
    return db.session.scalars(
        select(Variant)
        .join(Variant.product)
        .where(
            Product.community_id == community_id,
            Product.status == ProductStatus.ACTIVE,
            Variant.is_made_to_order.is_(False),
            Variant.stock <= LOW_STOCK,
        )
        .options(joinedload(Variant.product))
        .order_by(Variant.stock, Product.name_lt, Variant.position, Variant.id)
    ).all()


def sales_between(community_id: int, first_day: date, last_day: date) -> int:
    """The community's net sales paid from `first_day` to `last_day` (Vilnius days, both included), in
    cents: the sales reports' definition of a sale (`orders.reports`), so the workspace and the VVG's
    report of the same community and days agree — paid lines, on the day of payment, less refunded goods."""
    wanted = reports.SalesFilter(first_day, last_day, community_id=community_id)
    return reports.sales_totals(wanted).net_cents


@dataclass(frozen=True)
class Dashboard:
    to_accept: list[ParcelRow]  #: oldest first
    to_ship: list[ParcelRow]  #: oldest first
    low_stock: Sequence[Variant]
    month_sales_cents: int  #: net sales paid this Lithuanian calendar month (`sales_between`)
    next_payout_cents: int  #: delivered, not yet paid out, less what is to be taken back


def dashboard(community: Community, now: datetime) -> Dashboard:
    """What a community needs to see first: parcels waiting for it, stock running out, money."""
    return Dashboard(
        to_accept=_waiting(community.id, FulfilmentStatus.NEW),
        to_ship=_waiting(community.id, FulfilmentStatus.ACCEPTED),
        low_stock=list_low_stock(community.id),
        month_sales_cents=sales_between(community.id, *month_days(now)),
        next_payout_cents=unpaid_earnings(community).total_cents,
    )


# ---------------------------------------------------------------------------------------------- payouts


@dataclass(frozen=True)
class UnpaidParcel:
    """One delivered parcel not yet paid out, with what the community earns from it and when."""

    fulfilment_id: int
    order_number: str
    delivered_at: datetime
    earnings: Earnings  #: as its statement holds them, if it is in one; else as they are today
    payable_on: date  #: the first day it can go into a payout (after the return window)
    payout: Payout | None  #: the statement (draft or approved) it is already in, if any

    @property
    def delivered_on(self) -> date:
        return self.delivered_at.astimezone(VILNIUS).date()


@dataclass(frozen=True)
class Unpaid:
    """What a community is still to be paid: its delivered parcels not paid out, less the refunds of
    parcels paid out earlier that are still to be taken back (`PayoutAdjustment`, each with its parcel's
    order and the unpaid statement deducting it, if any)."""

    parcels: list[UnpaidParcel]
    taken_back: list[PayoutAdjustment]

    @property
    def total_cents(self) -> int:
        earned = sum(parcel.earnings.payable_cents for parcel in self.parcels)
        return earned + sum(adjustment.amount_cents for adjustment in self.taken_back)


def unpaid_earnings(community: Community) -> Unpaid:
    """The community's delivered parcels not yet paid out (no transfer sent or on its way, in no paid
    statement), in the order they were delivered, each with its earnings (a statement's figures once it is
    in one, `orders.earnings` until then), the day it becomes payable (`payouts.payable_on`) and the unpaid
    statement it is in, if any; and the money to be taken back that no paid statement has deducted yet."""
    paid_out = or_(
        select(CommunityTransfer.id)
        .where(
            CommunityTransfer.fulfilment_id == Fulfilment.id,
            CommunityTransfer.status != TransferStatus.FAILED,
        )
        .exists(),
        select(PayoutLine.id)  # in a statement already paid (by bank: no transfer row)
        .join(PayoutLine.payout)
        .where(PayoutLine.fulfilment_id == Fulfilment.id, Payout.status == PayoutStatus.PAID)
        .exists(),
    )
    rows = db.session.execute(
        delivered_parcels()
        .add_columns(PayoutLine, Payout)
        .outerjoin(PayoutLine, PayoutLine.fulfilment_id == Fulfilment.id)
        .outerjoin(Payout, Payout.id == PayoutLine.payout_id)
        .where(Fulfilment.community_id == community.id, ~paid_out)
    ).all()
    hold = hold_days()
    parcels = []
    for row in rows:
        parcel, line = DeliveredParcel.of(row), row.PayoutLine
        parcels.append(
            UnpaidParcel(
                fulfilment_id=parcel.fulfilment_id,
                order_number=parcel.order_number,
                delivered_at=parcel.delivered_at,
                earnings=line.earnings if line else parcel.earnings(community.commission_bp),
                payable_on=payable_on(parcel.delivered_at, hold),
                payout=row.Payout,
            )
        )
    taken_back = db.session.scalars(
        select(PayoutAdjustment)
        .outerjoin(PayoutAdjustment.payout)
        .where(
            PayoutAdjustment.community_id == community.id,
            or_(PayoutAdjustment.payout_id.is_(None), Payout.status != PayoutStatus.PAID),
        )
        .options(
            contains_eager(PayoutAdjustment.payout),
            joinedload(PayoutAdjustment.fulfilment).joinedload(Fulfilment.order),
        )
        .order_by(PayoutAdjustment.id)
    ).all()
    return Unpaid(parcels, list(taken_back))


def list_payouts(community_id: int) -> list[Payout]:
    """The community's own statements, the latest period first."""
    return list(
        db.session.scalars(
            select(Payout)
            .where(Payout.community_id == community_id)
            .order_by(Payout.period_start.desc(), Payout.period_end.desc(), Payout.id.desc())
        )
    )


def get_payout(community_id: int, payout_id: int) -> Payout:
    """One of the community's own statements with its lines; another community's raises PayoutNotFound."""
    return payout_with_lines(payout_id, community_id=community_id)
