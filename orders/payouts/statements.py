"""Statements: a draft per community and period made from the parcels due (`orders.payouts.dues`), its
totals recounted from its lines and the money taken back; and reading them (a period's, one with its
lines).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from orders.earnings import Earnings
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
    """Inside a transaction: the drafts; returns how many statements and lines were added, and the held.

    The same few statements for 2 communities as for 150, whatever their parcels: the period's statements
    locked in one, their lines' sums and the money taken back read in one each, the totals counted here,
    the new drafts inserted in one and the others updated in one, every line in one, the audit in one."""
    dues, held = split_by_hold(due_fulfilments(start, end), days)
    due_by_community: dict[int, list[DeliveredParcel]] = defaultdict(list)
    for due in dues:
        due_by_community[due.community_id].append(due)
    if not due_by_community:
        return 0, 0, held
    communities = {
        community.id: community
        for community in db.session.scalars(select(Community).where(Community.id.in_(due_by_community)))
    }
    # Locked in their communities' order, as every run locks them: two runs at once wait, never deadlock.
    statements = {
        payout.community_id: payout
        for payout in db.session.scalars(
            select(Payout)
            .where(
                Payout.community_id.in_(due_by_community),
                Payout.period_start == period_start,
                Payout.period_end == period_end,
            )
            .order_by(Payout.community_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    # an approved or paid statement is fixed for good: what would have gone into it waits for a later one
    existing = {
        payout.community_id: payout for payout in statements.values() if payout.status is PayoutStatus.DRAFT
    }
    due_by_community = {
        community_id: parcels
        for community_id, parcels in sorted(due_by_community.items())
        if community_id not in statements or community_id in existing
    }
    sums = _line_sums([payout.id for payout in existing.values()])
    before = {
        payout.id: {"lines": sums[payout.id].lines, "amount_cents": payout.amount_cents}
        for payout in existing.values()
    }
    taken_back = _adjustments([payout.id for payout in existing.values()], list(due_by_community))
    totals: dict[int, _Sums] = {}
    values: dict[int, dict[str, Any]] = {}
    fitting: dict[int, list[PayoutAdjustment]] = {}
    lines: list[tuple[int, dict[str, Any]]] = []
    for community_id, parcels in due_by_community.items():
        community = communities[community_id]
        total = totals[community_id] = (
            sums[existing[community_id].id] if community_id in existing else _Sums()
        )
        for due in parcels:
            earnings = due.earnings(community.commission_bp)
            total.add(earnings, due.payment_method)
            lines.append((community_id, _line(due, earnings)))
        values[community_id], fitting[community_id] = _settle(community, total, taken_back[community_id])
    ids = {community_id: payout.id for community_id, payout in existing.items()}
    if existing:  # the drafts already there, in one UPDATE
        db.session.execute(update(Payout), [{"id": ids[c], **values[c]} for c in existing])
        for payout in existing.values():
            db.session.expire(payout)  # written past the session: read again if asked
    made = [community_id for community_id in due_by_community if community_id not in existing]
    if made:  # the new drafts in one INSERT, matched to their ids by community (one a period each)
        rows = db.session.execute(
            insert(Payout).returning(Payout.community_id, Payout.id),
            [
                {
                    "community_id": community_id,
                    "period_start": period_start,
                    "period_end": period_end,
                    "status": PayoutStatus.DRAFT,
                    "created_by_id": by.id if by else None,
                    **values[community_id],
                }
                for community_id in made
            ],
        )
        ids.update((community_id, payout_id) for community_id, payout_id in rows)
    for community_id, adjustments in taken_back.items():  # those that do not fit wait for a later statement
        for adjustment in adjustments:
            adjustment.payout_id = ids[community_id] if adjustment in fitting[community_id] else None
    if lines:
        db.session.execute(insert(PayoutLine), [{"payout_id": ids[c], **line} for c, line in lines])
    audit.record_each(
        "payout.generate",
        "payout",
        [
            (
                ids[c],
                before.get(ids[c], {}),
                {
                    "lines": totals[c].lines,
                    "amount_cents": values[c]["amount_cents"],
                    "method": values[c]["method"],
                },
            )
            for c in due_by_community
        ],
        by=by,
    )
    return len(made), len(lines), held


def recount(payout: Payout, community: Community) -> None:
    """Inside a transaction, on a draft: its totals are its lines' sums less the money taken back for
    earlier parcels already in it (`_settle`); its method follows its orders."""
    db.session.flush()  # the lines as they are; the totals change below, after the queries
    candidates = _adjustments([payout.id], [])[community.id]
    values, fitting = _settle(community, _line_sums([payout.id])[payout.id], candidates)
    for name, value in values.items():
        setattr(payout, name, value)
    for adjustment in candidates:
        adjustment.payout = payout if adjustment in fitting else None


@dataclass
class _Sums:
    """A statement's lines added up, and how their orders were paid."""

    lines: int = 0
    goods_cents: int = 0
    refunds_cents: int = 0
    commission_cents: int = 0
    delivery_cents: int = 0
    amount_cents: int = 0
    methods: set[PaymentMethod] = field(default_factory=set)

    def add(self, earnings: Earnings, method: PaymentMethod) -> None:
        self.lines += 1
        self.goods_cents += earnings.goods_cents
        self.refunds_cents += earnings.refunded_cents
        self.commission_cents += earnings.commission_cents
        self.delivery_cents += earnings.delivery_cents
        self.amount_cents += earnings.payable_cents
        self.methods.add(method)


def _line_sums(payout_ids: Sequence[int]) -> defaultdict[int, _Sums]:
    """These statements' lines added up as they are stored, in one grouped query (none for no ids)."""
    sums: defaultdict[int, _Sums] = defaultdict(_Sums)
    if not payout_ids:
        return sums
    rows = db.session.execute(
        select(
            PayoutLine.payout_id,
            Order.payment_method,
            func.count(),
            func.sum(PayoutLine.goods_cents),
            func.sum(PayoutLine.refunded_goods_cents + PayoutLine.refunded_delivery_cents),
            func.sum(PayoutLine.commission_cents),
            func.sum(PayoutLine.delivery_cents),
            func.sum(PayoutLine.amount_cents),
        )
        .join(Fulfilment, Fulfilment.id == PayoutLine.fulfilment_id)
        .join(Order, Order.id == Fulfilment.order_id)
        .where(PayoutLine.payout_id.in_(payout_ids))
        .group_by(PayoutLine.payout_id, Order.payment_method)
    )
    for payout_id, method, lines, goods, refunds, commission, delivery, amount in rows:
        total = sums[payout_id]
        total.lines += lines
        total.goods_cents += int(goods)
        total.refunds_cents += int(refunds)
        total.commission_cents += int(commission)
        total.delivery_cents += int(delivery)
        total.amount_cents += int(amount)
        total.methods.add(method)
    return sums


def _adjustments(
    payout_ids: Sequence[int], community_ids: Sequence[int]
) -> defaultdict[int, list[PayoutAdjustment]]:
    """The money taken back already in these drafts, and what waits for a statement of these communities:
    locked, by community, oldest first (one query)."""
    taken_back: defaultdict[int, list[PayoutAdjustment]] = defaultdict(list)
    for adjustment in db.session.scalars(
        select(PayoutAdjustment)
        .where(
            or_(
                PayoutAdjustment.payout_id.in_(payout_ids),
                and_(PayoutAdjustment.payout_id.is_(None), PayoutAdjustment.community_id.in_(community_ids)),
            )
        )
        .order_by(PayoutAdjustment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ):
        taken_back[adjustment.community_id].append(adjustment)
    return taken_back


def _settle(
    community: Community, total: _Sums, candidates: list[PayoutAdjustment]
) -> tuple[dict[str, Any], list[PayoutAdjustment]]:
    """A draft's totals from its lines' sums (`total`) and the money taken back, and which of the
    `candidates` go in: oldest first, while the amount stays ≥ 0 (the rest waits for a later statement).
    Its method follows its orders."""
    taken, fitting = 0, []
    for adjustment in candidates:
        if total.amount_cents + taken + adjustment.amount_cents >= 0:
            taken += adjustment.amount_cents
            fitting.append(adjustment)
    # Money taken back is settled by bank: a Stripe transfer per parcel cannot carry a deduction.
    by_stripe = (
        bool(CONNECTED_ACCOUNT.match(community.stripe_account_id or ""))
        and total.methods == {PaymentMethod.CARD}
        and not taken
    )
    values = {
        "goods_cents": total.goods_cents,
        "refunds_cents": total.refunds_cents,
        "commission_cents": total.commission_cents,
        "delivery_cents": total.delivery_cents,
        "adjustments_cents": taken,
        "amount_cents": total.amount_cents + taken,
        "method": PayoutMethod.STRIPE if by_stripe else PayoutMethod.BANK,
    }
    return values, fitting


def _line(due: DeliveredParcel, earnings: Earnings) -> dict[str, Any]:
    """A parcel's line as it is inserted (its statement's id added then)."""
    return {
        "fulfilment_id": due.fulfilment_id,
        "delivered_at": due.delivered_at,
        "goods_cents": earnings.goods_cents,
        "refunded_goods_cents": earnings.refunded_goods_cents,
        "commission_cents": earnings.commission_cents,
        "delivery_cents": earnings.delivery_cents,
        "refunded_delivery_cents": earnings.refunded_delivery_cents,
        "amount_cents": earnings.payable_cents,
    }


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
