"""What a community sees at a glance: its dashboard (parcels waiting, low stock, this month's sales), the
earnings not yet paid out, and its statements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from catalogue.models import Product, ProductStatus, Variant
from orders import reports
from orders.earnings import Earnings
from orders.fulfilments import SOONEST_SHIP_BY, ParcelRow, _own_parcels, _row, count_returns_expected
from orders.models import Fulfilment, FulfilmentStatus, Order
from orders.payouts.dues import DeliveredParcel, delivered_parcels, hold_days, payable_on
from orders.payouts.models import (
    CommunityTransfer,
    Payout,
    PayoutAdjustment,
    PayoutLine,
    PayoutStatus,
    TransferStatus,
)
from orders.payouts.statements import payout_with_lines
from producers.models import Community
from shop.db import db
from shop.i18n import VILNIUS

#: The most of a low stock a community is warned about: three left or fewer.
LOW_STOCK = 3


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
        .order_by(*SOONEST_SHIP_BY, since, Fulfilment.id)
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
    to_accept: list[ParcelRow]  #: soonest ship-by first, then oldest
    to_ship: list[ParcelRow]  #: soonest ship-by first, then oldest
    low_stock: Sequence[Variant]
    month_sales_cents: int  #: net sales paid this Lithuanian calendar month (`sales_between`)
    next_payout_cents: int  #: delivered, not yet paid out, less what is to be taken back
    returns_expected: int = 0  #: parcels customers withdrew from after they left, still to come back


def dashboard(community: Community, now: datetime) -> Dashboard:
    """What a community needs to see first: parcels waiting for it, stock running out, money."""
    return Dashboard(
        to_accept=_waiting(community.id, FulfilmentStatus.NEW),
        to_ship=_waiting(community.id, FulfilmentStatus.ACCEPTED),
        low_stock=list_low_stock(community.id),
        month_sales_cents=sales_between(community.id, *month_days(now)),
        next_payout_cents=unpaid_earnings(community).total_cents,
        returns_expected=count_returns_expected(community.id),
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
    in one, `orders.earnings` until then), the day it becomes payable (`payouts.dues.payable_on`) and the
    unpaid statement it is in, if any; and the money to be taken back that no paid statement has deducted
    yet."""
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
