"""Generating statements: the parcels due to each community (delivered, past the return window, in no
statement yet), a draft per community and period, refunds after a statement taken back from the next one;
and reading statements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Row, Select, Subquery, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from orders.earnings import Earnings, commission, fulfilment_earnings
from orders.errors import PayoutNotFound
from orders.models import Fulfilment, FulfilmentEvent, FulfilmentStatus, Order, PaymentMethod, Refund
from orders.payments.models import AlertKind, PaymentAlert
from orders.payouts.models import Payout, PayoutAdjustment, PayoutLine, PayoutMethod, PayoutStatus
from orders.payouts.paying import _lock
from orders.payouts.period import period_bounds
from producers.models import CONNECTED_ACCOUNT, Community
from shop import audit
from shop.db import db, transaction, utcnow
from shop.i18n import VILNIUS, vilnius_midnight
from shop.models import User

#: How often a payout run is retried when another run, at the same moment, wrote the same statement.
_ATTEMPTS = 3


# ---------------------------------------------------------------------------------------------- generating


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


def _due_fulfilments(start: datetime | None, end: datetime) -> list[DeliveredParcel]:
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


def _split_by_hold(dues: list[DeliveredParcel], days: int) -> tuple[list[DeliveredParcel], Held]:
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
    _due, held = _split_by_hold(
        _due_fulfilments(None if include_earlier else start, end), hold_days() if hold is None else hold
    )
    return held


@dataclass(frozen=True)
class PayoutRun:
    """What one payout run did: the period's statements (any status), and what it added."""

    payouts: list[Payout]
    new_statements: int  #: drafts made by this run
    new_lines: int  #: parcels put into drafts by this run
    held: Held  #: delivered parcels left out because the return window is still open


def generate_payouts(
    period_start: date,
    period_end: date,
    *,
    by: User | None,
    include_earlier: bool = True,
    hold: int | None = None,
) -> list[Payout]:
    """Draft a statement for every community with money due for the period; returns the period's statements.

    Due: a parcel delivered (its move to `delivered`) before the period ends and before the return window
    closed (`hold` days, `PAYOUT_HOLD_DAYS` by default, counted up to the moment of this run: see the
    module's notes), in no statement yet, whose order has no open `dispute` alert. With `include_earlier`
    (the default) a parcel delivered before the period that is still unpaid — held back by a dispute or
    the return window, or missed because its period's statement was already approved — is carried into
    this statement, so no earned money is ever stranded; with `include_earlier=False` only parcels
    delivered within the period count.

    Safe to repeat: a second run adds only what became due since, to the period's **draft** (its totals
    and method recomputed); an approved or paid statement is never touched (what would have gone into it
    waits for a later period). A community with nothing due gets no statement. Method: `stripe` when the
    community has a Stripe connected account and every line's order was paid by card, `bank` otherwise.
    Two runs at the same moment are safe: one of them retries after the other's commit.

    Returns every statement of the period (any status), in community name order.
    """
    return run_payouts(period_start, period_end, by=by, include_earlier=include_earlier, hold=hold).payouts


def run_payouts(
    period_start: date,
    period_end: date,
    *,
    by: User | None,
    include_earlier: bool = True,
    hold: int | None = None,
) -> PayoutRun:
    """`generate_payouts`, telling also how many statements and parcels it added and what it held back."""
    start, end = period_bounds(period_start, period_end)
    days = hold_days() if hold is None else max(0, hold)
    for attempt in range(_ATTEMPTS):
        try:
            with transaction():
                made, added, held = _generate(
                    period_start, period_end, None if include_earlier else start, end, days, by
                )
            break
        except IntegrityError:  # another run wrote the same statement or line first: start again
            if attempt == _ATTEMPTS - 1:
                raise
    return PayoutRun(list_payouts(period_start, period_end), made, added, held)


def _generate(
    period_start: date,
    period_end: date,
    start: datetime | None,
    end: datetime,
    days: int,
    by: User | None,
) -> tuple[int, int, Held]:
    """Inside a transaction: the drafts; returns how many statements and lines were added, and the held."""
    dues, held = _split_by_hold(_due_fulfilments(start, end), days)
    due_by_community: dict[int, list[DeliveredParcel]] = defaultdict(list)
    for due in dues:
        due_by_community[due.community_id].append(due)
    made = added = 0
    if not due_by_community:
        return made, added, held
    communities = {
        community.id: community
        for community in db.session.scalars(
            select(Community).where(Community.id.in_(due_by_community)).order_by(Community.id)
        )
    }
    for community_id, dues in sorted(due_by_community.items()):
        community = communities[community_id]
        payout = db.session.scalars(
            select(Payout)
            .where(
                Payout.community_id == community_id,
                Payout.period_start == period_start,
                Payout.period_end == period_end,
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        if payout is None:
            payout = Payout(
                community_id=community_id,
                period_start=period_start,
                period_end=period_end,
                status=PayoutStatus.DRAFT,
                method=PayoutMethod.BANK,
                created_by_id=by.id if by else None,
            )
            db.session.add(payout)
            made += 1
        elif payout.status is not PayoutStatus.DRAFT:
            continue  # approved or paid: fixed for good
        before = {"lines": len(payout.lines), "amount_cents": payout.amount_cents} if payout.id else {}
        for due in dues:
            earnings = due.earnings(community.commission_bp)
            payout.lines.append(
                PayoutLine(
                    fulfilment_id=due.fulfilment_id,
                    delivered_at=due.delivered_at,
                    goods_cents=earnings.goods_cents,
                    refunded_goods_cents=earnings.refunded_goods_cents,
                    commission_cents=earnings.commission_cents,
                    delivery_cents=earnings.delivery_cents,
                    refunded_delivery_cents=earnings.refunded_delivery_cents,
                    amount_cents=earnings.payable_cents,
                )
            )
            added += 1
        db.session.flush()
        _recount(payout, community, take_back=True)
        audit.record(
            "payout.generate",
            "payout",
            payout.id,
            by=by,
            before=before,
            after={"lines": len(payout.lines), "amount_cents": payout.amount_cents, "method": payout.method},
        )
    return made, added, held


def _recount(payout: Payout, community: Community, *, take_back: bool = False) -> None:
    """Inside a transaction, on a draft: its totals are its lines' sums less the money taken back for
    earlier parcels (with `take_back`, the community's waiting adjustments join it first); adjustments
    go in oldest first while the amount stays ≥ 0, the rest wait. Its method follows its orders."""
    db.session.flush()  # the lines as they are; the totals change below, after the queries
    candidates = list(payout.adjustments)
    if take_back:
        candidates += db.session.scalars(
            select(PayoutAdjustment)
            .where(PayoutAdjustment.community_id == community.id, PayoutAdjustment.payout_id.is_(None))
            .with_for_update()
        )
    methods = set(
        db.session.scalars(
            select(Order.payment_method)
            .join(Fulfilment, Fulfilment.order_id == Order.id)
            .join(PayoutLine, PayoutLine.fulfilment_id == Fulfilment.id)
            .where(PayoutLine.payout_id == payout.id)
        )
    )
    lines = payout.lines
    earned = sum(line.amount_cents for line in lines)
    taken = 0
    for adjustment in sorted(candidates, key=lambda a: a.id):
        fits = earned + taken + adjustment.amount_cents >= 0
        adjustment.payout = payout if fits else None
        taken += adjustment.amount_cents if fits else 0
    payout.goods_cents = sum(line.goods_cents for line in lines)
    payout.refunds_cents = sum(line.earnings.refunded_cents for line in lines)
    payout.commission_cents = sum(line.commission_cents for line in lines)
    payout.delivery_cents = sum(line.delivery_cents for line in lines)
    payout.adjustments_cents = taken
    payout.amount_cents = earned + taken
    # Money taken back is settled by bank: a Stripe transfer per parcel cannot carry a deduction.
    by_stripe = (
        bool(CONNECTED_ACCOUNT.match(community.stripe_account_id or ""))
        and methods == {PaymentMethod.CARD}
        and not taken
    )
    payout.method = PayoutMethod.STRIPE if by_stripe else PayoutMethod.BANK


def take_back_refund(refund: Refund) -> PayoutAdjustment | None:
    """Inside the refund's transaction: a refund of a parcel already in a statement changes what it earned.

    In a **draft**, the parcel's line is counted again (refunds, commission, amount) and the draft's
    totals with it. In an **approved or paid** statement nothing changes; instead a `PayoutAdjustment`
    records what the community must give back — the refund less the commission the VVG returns on it —
    and the community's next statement deducts it (as far as that statement has room: never below 0;
    the rest waits for the one after). Returns the adjustment, if one was needed.

    The commission returned is what the line kept (less what earlier refunds returned) minus the
    commission on the goods the customer keeps at the community's rate **today**: after a change of rate
    the statement's own rate is not the one used.
    """
    if refund.fulfilment_id is None:
        return None
    line = db.session.scalars(
        select(PayoutLine).where(PayoutLine.fulfilment_id == refund.fulfilment_id).with_for_update()
    ).first()
    if line is None:
        return None  # not in a statement yet: the run counts the refund when it writes the line
    payout = _lock(line.payout_id)
    community = payout.community
    refunds = db.session.execute(
        select(
            func.coalesce(func.sum(Refund.goods_cents), 0), func.coalesce(func.sum(Refund.delivery_cents), 0)
        ).where(Refund.fulfilment_id == refund.fulfilment_id)
    ).one()
    if payout.status is PayoutStatus.DRAFT:
        earnings = fulfilment_earnings(
            goods_cents=line.goods_cents,
            refunded_goods_cents=int(refunds[0]),
            delivery_cents=line.delivery_cents,
            refunded_delivery_cents=int(refunds[1]),
            commission_bp=community.commission_bp,
        )
        line.refunded_goods_cents = earnings.refunded_goods_cents
        line.refunded_delivery_cents = earnings.refunded_delivery_cents
        line.commission_cents = earnings.commission_cents
        line.amount_cents = earnings.payable_cents
        db.session.flush()
        _recount(payout, community)
        return None
    earlier = db.session.scalars(
        select(PayoutAdjustment).where(PayoutAdjustment.fulfilment_id == refund.fulfilment_id)
    ).all()
    commission_kept = line.commission_cents - sum(a.commission_returned_cents for a in earlier)
    commission_now = commission(line.goods_cents - int(refunds[0]), community.commission_bp)
    returned = max(0, min(commission_kept - commission_now, commission_kept, refund.goods_cents))
    adjustment = PayoutAdjustment(
        community_id=community.id,
        fulfilment_id=refund.fulfilment_id,
        refund_id=refund.id,
        refunded_cents=refund.amount_cents,
        commission_returned_cents=returned,
        amount_cents=returned - refund.amount_cents,
    )
    db.session.add(adjustment)
    db.session.flush()
    return adjustment


def list_payouts(period_start: date, period_end: date) -> list[Payout]:
    """The period's statements (any status), in community name order, with their communities."""
    return list(
        db.session.scalars(
            select(Payout)
            .join(Payout.community)
            .where(Payout.period_start == period_start, Payout.period_end == period_end)
            .options(joinedload(Payout.community))
            .order_by(Community.name, Payout.id)
        )
    )


def line_counts(payout_ids: Sequence[int]) -> dict[int, int]:
    """How many parcels each of these statements holds (one query for a whole page)."""
    if not payout_ids:
        return {}
    rows = db.session.execute(
        select(PayoutLine.payout_id, func.count())
        .where(PayoutLine.payout_id.in_(payout_ids))
        .group_by(PayoutLine.payout_id)
    )
    return {payout_id: int(count) for payout_id, count in rows}


def get_payout(payout_id: int) -> Payout:
    """One statement with its community; PayoutNotFound if there is none."""
    payout = db.session.scalars(
        select(Payout).where(Payout.id == payout_id).options(joinedload(Payout.community))
    ).first()
    if payout is None:
        raise PayoutNotFound(payout_id)
    return payout


def payout_with_lines(payout_id: int, *, community_id: int | None = None) -> Payout:
    """One statement with its community, lines and the money it takes back (each with its parcel and
    order), for its page; with `community_id`, only that community's (another's is PayoutNotFound, as if
    there were none)."""
    query = select(Payout).where(Payout.id == payout_id)
    if community_id is not None:
        query = query.where(Payout.community_id == community_id)
    payout = db.session.scalars(
        query.options(
            joinedload(Payout.community),
            selectinload(Payout.lines).joinedload(PayoutLine.fulfilment).joinedload(Fulfilment.order),
            selectinload(Payout.adjustments)
            .joinedload(PayoutAdjustment.fulfilment)
            .joinedload(Fulfilment.order),
        )
    ).first()
    if payout is None:
        raise PayoutNotFound(payout_id)
    return payout
