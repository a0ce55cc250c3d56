"""What is due to the communities, and what is held back: delivered parcels, when each becomes payable
(after the return window, `PAYOUT_HOLD_DAYS`), and those a run would take or leave out today.

`delivered_parcels` and `refunded_by_fulfilment` are also the base of a community's unpaid earnings
(`orders.overview`) and of the sales reports' refunds (`orders.reports`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Row, Select, Subquery, func, select

from orders.earnings import Earnings, fulfilment_earnings
from orders.models import Fulfilment, FulfilmentEvent, FulfilmentStatus, Order, PaymentMethod, Refund
from orders.payments.models import AlertKind, PaymentAlert
from orders.payouts.models import PayoutLine
from orders.payouts.period import period_bounds
from shop.db import db, utcnow
from shop.i18n import VILNIUS, vilnius_midnight


def hold_days() -> int:
    """The return window, in days after delivery (`PAYOUT_HOLD_DAYS`; 0 = none)."""
    return max(0, int(current_app.config.get("PAYOUT_HOLD_DAYS", 14)))


def payable_on(delivered_at: datetime, days: int) -> date:
    """The Vilnius day from which a parcel delivered at `delivered_at` is due for payout: the day after
    the last of `days` whole days after the day of delivery (that day itself does not count); with no
    hold, the day of delivery."""
    delivered_on = delivered_at.astimezone(VILNIUS).date()
    return delivered_on + timedelta(days=days + 1) if days > 0 else delivered_on


def due_before(now: datetime, days: int) -> datetime | None:
    """Parcels delivered before this moment are past the return window at `now` (None: no hold).

    Due on `payable_on(at) <= today` ⇔ the day of delivery + days + 1 <= today ⇔ delivered before the
    midnight that starts the day `today − days`."""
    if days <= 0:
        return None
    return vilnius_midnight(now.astimezone(VILNIUS).date() - timedelta(days=days))


@dataclass(frozen=True)
class DeliveredParcel:
    """A delivered parcel, when it was delivered and what was refunded of it: a row of `delivered_parcels`."""

    fulfilment_id: int
    community_id: int
    order_number: str
    payment_method: PaymentMethod
    delivered_at: datetime
    goods_cents: int
    delivery_cents: int
    refunded_goods_cents: int
    refunded_delivery_cents: int

    @classmethod
    def of(cls, row: Row[Any]) -> DeliveredParcel:
        return cls(
            fulfilment_id=row.fulfilment_id,
            community_id=row.community_id,
            order_number=row.order_number,
            payment_method=row.payment_method,
            delivered_at=row.delivered_at,
            goods_cents=row.goods_cents,
            delivery_cents=row.delivery_cents,
            refunded_goods_cents=int(row.refunded_goods_cents),
            refunded_delivery_cents=int(row.refunded_delivery_cents),
        )

    def earnings(self, commission_bp: int) -> Earnings:
        """What the community earns from it today, at this commission rate (`orders.earnings`)."""
        return fulfilment_earnings(
            goods_cents=self.goods_cents,
            refunded_goods_cents=self.refunded_goods_cents,
            delivery_cents=self.delivery_cents,
            refunded_delivery_cents=self.refunded_delivery_cents,
            commission_bp=commission_bp,
        )


def delivered_at_by_fulfilment() -> Subquery:
    """(fulfilment_id, at): when each parcel was marked delivered."""
    return (
        select(
            FulfilmentEvent.fulfilment_id.label("fulfilment_id"),
            func.max(FulfilmentEvent.created_at).label("at"),
        )
        .where(FulfilmentEvent.to_status == FulfilmentStatus.DELIVERED)
        .group_by(FulfilmentEvent.fulfilment_id)
        .subquery()
    )


def refunded_by_fulfilment() -> Subquery:
    """(fulfilment_id, goods, delivery): what was refunded of each parcel, goods and delivery apart."""
    return (
        select(
            Refund.fulfilment_id.label("fulfilment_id"),
            func.sum(Refund.goods_cents).label("goods"),
            func.sum(Refund.delivery_cents).label("delivery"),
        )
        .where(Refund.fulfilment_id.is_not(None))
        .group_by(Refund.fulfilment_id)
        .subquery()
    )


def delivered_parcels(*, since: datetime | None = None, before: datetime | None = None) -> Select[Any]:
    """Delivered parcels (delivered from `since`, before `before`, if given) in the order they were
    delivered: the columns of `DeliveredParcel` (`DeliveredParcel.of(row)`), for callers to narrow
    (`.where`) and to add to (`.add_columns`). Every move to delivered writes its event, so every
    delivered parcel has its time."""
    delivered = delivered_at_by_fulfilment()
    refunded = refunded_by_fulfilment()
    query = (
        select(
            Fulfilment.id.label("fulfilment_id"),
            Fulfilment.community_id,
            Order.number.label("order_number"),
            Order.payment_method,
            delivered.c.at.label("delivered_at"),
            Fulfilment.goods_cents,
            Fulfilment.delivery_cents,
            func.coalesce(refunded.c.goods, 0).label("refunded_goods_cents"),
            func.coalesce(refunded.c.delivery, 0).label("refunded_delivery_cents"),
        )
        .join(Fulfilment.order)
        .join(delivered, delivered.c.fulfilment_id == Fulfilment.id)
        .outerjoin(refunded, refunded.c.fulfilment_id == Fulfilment.id)
        .where(Fulfilment.status == FulfilmentStatus.DELIVERED)
        .order_by(delivered.c.at, Fulfilment.id)
    )
    if since is not None:
        query = query.where(delivered.c.at >= since)
    if before is not None:
        query = query.where(delivered.c.at < before)
    return query


def due_fulfilments(start: datetime | None, end: datetime) -> list[DeliveredParcel]:
    """Delivered parcels (delivery before `end`, and from `start` on if given) in no statement yet,
    whose order has no open dispute, with what was refunded of them, in the order they were delivered.

    The return window is the caller's to apply (`due_before`): this is every candidate, held or not."""
    in_a_statement = select(PayoutLine.id).where(PayoutLine.fulfilment_id == Fulfilment.id).exists()
    disputed = (
        select(PaymentAlert.id)
        .where(
            PaymentAlert.order_id == Fulfilment.order_id,
            PaymentAlert.kind == AlertKind.DISPUTE,
            PaymentAlert.resolved_at.is_(None),
        )
        .exists()
    )
    query = delivered_parcels(since=start, before=end).where(~in_a_statement, ~disputed)
    return [DeliveredParcel.of(row) for row in db.session.execute(query)]


@dataclass(frozen=True)
class Held:
    """Delivered parcels still in the return window: how many, and the day the last becomes due."""

    parcels: int
    until: date | None


def split_by_hold(dues: list[DeliveredParcel], days: int) -> tuple[list[DeliveredParcel], Held]:
    """The parcels due now, and what is held of the rest while a return window of `days` is open."""
    cutoff = due_before(utcnow(), days)
    due = [d for d in dues if cutoff is None or d.delivered_at < cutoff]
    held = [d for d in dues if cutoff is not None and d.delivered_at >= cutoff]
    until = max((payable_on(d.delivered_at, days) for d in held), default=None)
    return due, Held(len(held), until)


def held_in_return_window(
    period_start: date, period_end: date, *, include_earlier: bool = True, hold: int | None = None
) -> Held:
    """What a payout run for this period would leave out today because the return window is still open."""
    start, end = period_bounds(period_start, period_end)
    _due, held = split_by_hold(
        due_fulfilments(None if include_earlier else start, end), hold_days() if hold is None else hold
    )
    return held
