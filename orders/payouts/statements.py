"""Statements: a draft per community and period made from the parcels due (`orders.payouts.dues`), its
totals recounted from its lines and the money taken back; and reading them (a period's, one with its
lines).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from orders.errors import PayoutNotFound
from orders.models import Fulfilment, Order, PaymentMethod
from orders.payouts.dues import DeliveredParcel, Held, due_fulfilments, hold_days, split_by_hold
from orders.payouts.models import Payout, PayoutAdjustment, PayoutLine, PayoutMethod, PayoutStatus
from orders.payouts.period import period_bounds
from producers.models import CONNECTED_ACCOUNT, Community
from shop import audit
from shop.db import db, transaction
from shop.models import User

#: How often a payout run is retried when another run, at the same moment, wrote the same statement.
_ATTEMPTS = 3


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
    dues, held = split_by_hold(due_fulfilments(start, end), days)
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
        db.session.flush()  # a new statement gets its id
        lines = []
        for due in dues:
            earnings = due.earnings(community.commission_bp)
            lines.append(
                {
                    "payout_id": payout.id,
                    "fulfilment_id": due.fulfilment_id,
                    "delivered_at": due.delivered_at,
                    "goods_cents": earnings.goods_cents,
                    "refunded_goods_cents": earnings.refunded_goods_cents,
                    "commission_cents": earnings.commission_cents,
                    "delivery_cents": earnings.delivery_cents,
                    "refunded_delivery_cents": earnings.refunded_delivery_cents,
                    "amount_cents": earnings.payable_cents,
                }
            )
        # one statement for all the lines (the ORM sent an INSERT per line: 500 parcels, 500 statements)
        db.session.execute(insert(PayoutLine), lines)
        db.session.expire(payout, ["lines"])
        added += len(lines)
        recount(payout, community, take_back=True)
        audit.record(
            "payout.generate",
            "payout",
            payout.id,
            by=by,
            before=before,
            after={"lines": len(payout.lines), "amount_cents": payout.amount_cents, "method": payout.method},
        )
    return made, added, held


def recount(payout: Payout, community: Community, *, take_back: bool = False) -> None:
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
