"""Paying the communities: a statement per community and period, approved by staff, paid by bank or Stripe.

The life of a statement (`Payout`):

1. `generate_payouts` makes a **draft** for every community that has money due: its delivered parcels in
   no statement yet, past the return window, whose order is not under an open dispute. Each parcel
   becomes one `PayoutLine` with its earnings from `orders.earnings.fulfilment_earnings` (goods − refunds
   − commission + delivery); `payout_lines.fulfilment_id` is unique, so the database itself refuses to
   pay a parcel twice.
2. Staff check it and `approve_payout` it: from then on it never changes.
3. It is paid: by bank (`sepa_pain001` writes the bank's file, staff upload it, then `mark_payout_paid`
   with the bank's reference), or, for a community with a Stripe account whose lines were all paid by
   card, by `pay_by_stripe` (one Stripe transfer per line, each at most once).

Periods are Lithuanian calendar days: `period_start` is the first day, `period_end` the day after the
last (exclusive), both read in Europe/Vilnius time. Every state change runs in `shop.db.transaction()`;
amounts are integer euro cents.

**The return window** (RELIABILITY M7). A customer may withdraw from a purchase for 14 days after the
parcel arrives, so a delivered parcel is held back for `PAYOUT_HOLD_DAYS` (default 14, 0 = no hold) whole
Vilnius days: the day of delivery does not count (as EU periods are counted), and the parcel becomes due
at the start of the next day after the last day of the hold — delivered on 10 March, due from 25 March.
The hold is measured against the moment of the run, not the end of the period: a run on 2 April for
March takes the parcels delivered up to 18 March; the rest wait in no statement and go into the next run
(`include_earlier`), so nothing is stranded. `payable_on` tells a community the day.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from babel.dates import format_interval, format_skeleton
from flask import current_app, render_template
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, Select, Subquery, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from orders.earnings import Earnings, commission, fulfilment_earnings
from orders.models import (
    AlertKind,
    CommunityTransfer,
    Fulfilment,
    FulfilmentEvent,
    FulfilmentStatus,
    Order,
    PaymentAlert,
    PaymentMethod,
    Payout,
    PayoutAdjustment,
    PayoutLine,
    PayoutMethod,
    PayoutStatus,
    Refund,
    TransferStatus,
)
from orders.services import OrderProblem
from orders.transfers import transfer_earnings
from producers.iban import is_valid_iban, normalise_iban
from producers.models import CONNECTED_ACCOUNT, Community
from shop import audit
from shop.db import db, transaction, utcnow
from shop.i18n import N_, VILNIUS, current_language, vilnius_midnight
from shop.models import Operator, User
from shop.money import decimal_text
from shop.spreadsheet import excel_csv

PAIN_001_001_03 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"

#: How often a payout run is retried when another run, at the same moment, wrote the same statement.
_ATTEMPTS = 3


#: How a statement is paid, as people read it.
PAYOUT_METHOD_LABELS = {
    PayoutMethod.BANK: _l("Bank transfer"),
    PayoutMethod.STRIPE: "Stripe",
}


# ---------------------------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """A statement's days: `start` the first, `end` the day after the last (as `Payout` keeps them)."""

    start: date  #: the first day
    end: date  #: the day after the last

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self.end == _month_after(self.start)

    @property
    def args(self) -> dict[str, Any]:
        """The query arguments naming this period in a link (and the period form's values)."""
        if self.is_month:
            return {"month": f"{self.start:%Y-%m}"}
        return {"first_day": self.start.isoformat(), "last_day": self.last.isoformat()}

    @property
    def slug(self) -> str:
        """The period in a file name: `2027-03`, or `2027-03-01-2027-03-15`."""
        if self.is_month:
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}-{self.last.isoformat()}"

    @classmethod
    def month(cls, first: date) -> Period:
        return cls(first, _month_after(first))

    @classmethod
    def of(cls, payout: Payout) -> Period:
        return cls(payout.period_start, payout.period_end)


def _month_after(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def period_name(start: date, end: date) -> str:
    """ "March 2027" for a calendar month, "Mar 1 – 15, 2027" for other days (`end` is the day after);
    a template global (`payouts_backoffice` registers it for the whole app)."""
    period = Period(start, end)
    if period.is_month:
        return str(format_skeleton("yMMMM", start, locale=current_language()))
    if period.start == period.last:
        return str(format_date(start, "medium"))
    return str(format_interval(start, period.last, "yMMMd", locale=current_language()))


def render_statement(template: str, payout: Payout, status_labels: Mapping[PayoutStatus, Any]) -> str:
    """A statement's page (`template` includes `orders/_payout_statement.html`), its status in the words
    of its reader: staff or the community."""
    return render_template(
        template,
        payout=payout,
        period=Period.of(payout),
        payout_labels=status_labels,
        method_labels=PAYOUT_METHOD_LABELS,
        iban_valid=is_valid_iban(payout.community.iban),
    )


# ---------------------------------------------------------------------------------------------- errors


class PayoutProblem(OrderProblem):
    """Something staff must be told about a statement; `message` is the English msgid (see `str()`)."""

    message: ClassVar[str] = N_("The payout cannot be changed.")

    def __str__(self) -> str:
        return self.message


class PayoutNotFound(PayoutProblem):
    message = N_("There is no such payout.")


class PeriodNotValid(PayoutProblem):
    """A period that ends before it begins: a payout's (`period_bounds`) or a sales report's
    (`orders.reports.SalesFilter`), the one error for both."""

    message = N_("The payout period must end after it starts.")


class PayoutNotDraft(PayoutProblem):
    """Approving a statement already paid."""

    message = N_("This payout has already been paid.")


class PayoutNotApproved(PayoutProblem):
    """Paying a statement staff have not approved."""

    message = N_("Approve the payout before paying it.")


class WrongPayoutMethod(PayoutProblem):
    """Marking a Stripe statement paid by bank, or sending a bank statement through Stripe."""

    message = N_("This payout is not paid this way.")


class BankReferenceMissing(PayoutProblem):
    message = N_("Enter the bank's reference of the transfer.")


class OperatorIbanNotValid(PayoutProblem):
    message = N_("The shop's own IBAN is missing or not valid.")


class NothingToPayByBank(PayoutProblem):
    message = N_("None of these payouts can be paid by bank transfer now.")


class MessageIdNotValid(PayoutProblem):
    message = N_("The bank file's message id must be 1 to 35 characters.")


# ---------------------------------------------------------------------------------------------- generating


def period_bounds(period_start: date, period_end: date) -> tuple[datetime, datetime]:
    """The period's first and (exclusive) last moment in UTC: midnights in Vilnius."""
    if period_start >= period_end:
        raise PeriodNotValid(period_start, period_end)
    return vilnius_midnight(period_start), vilnius_midnight(period_end)


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


# ---------------------------------------------------------------------------------------------- paying


def _lock(payout_id: int) -> Payout:
    payout = db.session.scalars(
        select(Payout)
        .where(Payout.id == payout_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if payout is None:
        raise PayoutNotFound(payout_id)
    return payout


def approve_payout(payout_id: int, by: User | None) -> Payout:
    """Staff agree to a draft statement: it is fixed from now on. Approving it again changes nothing;
    a paid one raises PayoutNotDraft."""
    with transaction():
        payout = _lock(payout_id)
        if payout.status is PayoutStatus.DRAFT:
            payout.move_to(PayoutStatus.APPROVED, by=by)
            audit.record(
                "payout.approve",
                "payout",
                payout.id,
                by=by,
                before={"status": PayoutStatus.DRAFT},
                after={"status": PayoutStatus.APPROVED, "amount_cents": payout.amount_cents},
            )
        elif payout.status is PayoutStatus.PAID:
            raise PayoutNotDraft(payout_id)
    return payout


def mark_payout_paid(payout_id: int, *, bank_reference: str, by: User | None) -> Payout:
    """Staff sent an approved bank statement's money: record the bank's reference of the transfer.

    Saying so again changes nothing (the first reference stays). A draft raises PayoutNotApproved, a
    Stripe statement WrongPayoutMethod (it is paid by `pay_by_stripe`), an empty reference
    BankReferenceMissing.
    """
    reference = " ".join(bank_reference.split())[:120]
    with transaction():
        payout = _lock(payout_id)
        if payout.status is PayoutStatus.PAID:
            return payout
        if payout.status is not PayoutStatus.APPROVED:
            raise PayoutNotApproved(payout_id)
        if payout.method is not PayoutMethod.BANK:
            raise WrongPayoutMethod(payout_id)
        if not reference:
            raise BankReferenceMissing(payout_id)
        payout.move_to(PayoutStatus.PAID, by=by)
        payout.bank_reference = reference
        audit.record(
            "payout.mark_paid",
            "payout",
            payout.id,
            by=by,
            before={"status": PayoutStatus.APPROVED},
            after={
                "status": PayoutStatus.PAID,
                "amount_cents": payout.amount_cents,
                "bank_reference": reference,
            },
        )
    return payout


def pay_by_stripe(payout_id: int, by: User | None) -> Payout:
    """Send an approved Stripe statement: one transfer per line (`orders.transfers.transfer_earnings`).

    Lines of 0 € send nothing. The statement turns paid once every transfer is sent; while Stripe is
    away (or refused one, see the transfer's `last_error`) it stays approved, and calling again sends the
    rest, a refused one anew: each transfer is recorded once per parcel with its own idempotency key, so
    nothing is sent twice. A paid statement is returned as it is. A draft raises PayoutNotApproved, a bank
    statement WrongPayoutMethod; a community without a connected account raises
    `transfers.NotPayableByStripe`.
    """
    payout = db.session.get(Payout, payout_id)
    if payout is None:
        raise PayoutNotFound(payout_id)
    if payout.status is PayoutStatus.PAID:
        return payout
    if payout.method is not PayoutMethod.STRIPE:
        raise WrongPayoutMethod(payout_id)
    if payout.status is not PayoutStatus.APPROVED:
        raise PayoutNotApproved(payout_id)
    lines = [(line.fulfilment_id, line.amount_cents) for line in payout.lines if line.amount_cents > 0]
    db.session.rollback()  # no transaction stays open while Stripe is asked
    sent = True
    for fulfilment_id, amount_cents in lines:
        transfer = transfer_earnings(fulfilment_id, amount_cents=amount_cents)
        sent = sent and transfer.status is TransferStatus.SENT and transfer.amount_cents == amount_cents
    if sent:
        with transaction():
            payout = _lock(payout_id)
            if payout.status is PayoutStatus.APPROVED:
                payout.move_to(PayoutStatus.PAID, by=by)
                audit.record(
                    "payout.pay_by_stripe",
                    "payout",
                    payout.id,
                    by=by,
                    before={"status": PayoutStatus.APPROVED},
                    after={"status": PayoutStatus.PAID, "amount_cents": payout.amount_cents},
                )
    return db.session.get_one(Payout, payout_id)


def refused_transfers(payout_id: int) -> list[CommunityTransfer]:
    """The Stripe transfers of a statement's parcels that Stripe refused (each with its `last_error`)."""
    return list(
        db.session.scalars(
            select(CommunityTransfer)
            .join(PayoutLine, PayoutLine.fulfilment_id == CommunityTransfer.fulfilment_id)
            .where(PayoutLine.payout_id == payout_id, CommunityTransfer.status == TransferStatus.FAILED)
            .order_by(CommunityTransfer.id)
        )
    )


# ---------------------------------------------------------------------------------------------- exports


def payouts_csv(payouts: Sequence[Payout]) -> str:
    """The statements for a spreadsheet, `;`-separated, amounts like `12,50`, with a UTF-8 byte order mark
    so that Excel reads the Lithuanian letters (headers in the current language).

    One row per parcel, in community name order, then one per refund taken back from these statements
    (its refund under "Refunds", the commission the VVG returns on it as a negative "Commission"), so that
    on every row, and in every column's sum, amount = goods − refunds − commission + delivery fee, and the
    amounts add up to what the statements pay.
    """
    ids = [payout.id for payout in payouts]
    in_order = (Community.name, Payout.id)
    lines = db.session.execute(
        select(Community.name, Order.number, PayoutLine)
        .join(PayoutLine.payout)
        .join(Payout.community)
        .join(PayoutLine.fulfilment)
        .join(Fulfilment.order)
        .where(PayoutLine.payout_id.in_(ids))
        .order_by(*in_order, PayoutLine.delivered_at, PayoutLine.id)
    ).all()
    adjustments = db.session.execute(
        select(Community.name, Order.number, PayoutAdjustment)
        .join(PayoutAdjustment.payout)
        .join(Payout.community)
        .join(PayoutAdjustment.fulfilment)
        .join(Fulfilment.order)
        .where(PayoutAdjustment.payout_id.in_(ids))
        .order_by(*in_order, PayoutAdjustment.id)
    ).all()
    header = [
        _("Community"),
        _("Order"),
        _("Delivered on"),
        _("Goods"),
        _("Refunds"),
        _("Commission"),
        _("Delivery fee"),
        _("Amount"),
    ]
    rows = [
        [
            community,
            number,
            line.delivered_at.astimezone(VILNIUS).date().isoformat(),
            *(
                decimal_text(cents)
                for cents in (
                    line.goods_cents,
                    line.earnings.refunded_cents,
                    line.commission_cents,
                    line.delivery_cents,
                    line.amount_cents,
                )
            ),
        ]
        for community, number, line in lines
    ]
    rows += [
        [
            community,
            number,
            "",
            "",
            decimal_text(adjustment.refunded_cents),
            decimal_text(-adjustment.commission_returned_cents),
            "",
            decimal_text(adjustment.amount_cents),
        ]
        for community, number, adjustment in adjustments
    ]
    return excel_csv([header, *rows])


@dataclass(frozen=True)
class SkippedPayout:
    """A statement left out of the bank file, and why (an English msgid for staff)."""

    payout: Payout
    reason: str


@dataclass(frozen=True)
class SepaFile:
    """A pain.001.001.03 credit transfer file, the statements in it, and those left out."""

    xml: bytes
    included: list[Payout]
    skipped: list[SkippedPayout]

    @property
    def total_cents(self) -> int:
        return sum(payout.amount_cents for payout in self.included)


def bank_file_plan(payouts: Sequence[Payout]) -> tuple[list[tuple[Payout, str]], list[SkippedPayout]]:
    """Which statements a bank file would pay (each with its community's IBAN, normalised) and which it
    leaves out, with the reason (an English msgid): not approved (or already paid), paid through Stripe,
    nothing to pay, or the community's IBAN missing or not valid."""
    included: list[tuple[Payout, str]] = []
    skipped: list[SkippedPayout] = []
    for payout in payouts:
        reason = ""
        if payout.status is not PayoutStatus.APPROVED:
            reason = N_("The payout is not approved, or already paid.")
        elif payout.method is not PayoutMethod.BANK:
            reason = N_("The payout is paid through Stripe.")
        elif payout.amount_cents <= 0:
            reason = N_("The payout has nothing to pay.")
        else:
            try:
                included.append((payout, normalise_iban(payout.community.iban)))
            except ValueError:
                reason = N_("The community has no valid IBAN.")
        if reason:
            skipped.append(SkippedPayout(payout, reason))
    return included, skipped


def next_business_day(day: date) -> date:
    """The first banking day after `day`: not a weekend, a Lithuanian public holiday, nor a day the euro
    payment system (TARGET2) is closed. The default execution date of a bank file."""
    day += timedelta(days=1)
    while day.weekday() >= 5 or day in _bank_holidays(day.year):
        day += timedelta(days=1)
    return day


def _easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _bank_holidays(year: int) -> set[date]:
    """Lithuanian public holidays (those always on a Sunday need no listing) and TARGET2's closing days."""
    fixed = [(1, 1), (2, 16), (3, 11), (5, 1), (6, 24), (7, 6), (8, 15), (11, 1), (11, 2), (12, 24)]
    fixed += [(12, 25), (12, 26)]
    easter = _easter(year)
    return {date(year, month, day) for month, day in fixed} | {
        easter - timedelta(days=2),  # Good Friday: TARGET2 closed
        easter + timedelta(days=1),  # Easter Monday
    }


def bank_file_message_id(period_start: date, period_end: date, now: datetime) -> str:
    """A new message id for a bank file: `KM-2027-03-20270402093015-7f` for a calendar month,
    `KM-270301-270315-20270402093015-7f` for other days; the time in Vilnius and a random tail keep two
    files apart (banks refuse a message id they have seen), and it stays within SEPA's 35 characters."""
    period = Period(period_start, period_end)
    days = f"{period.start:%Y-%m}" if period.is_month else f"{period.start:%y%m%d}-{period.last:%y%m%d}"
    return f"KM-{days}-{now.astimezone(VILNIUS):%Y%m%d%H%M%S}-{secrets.token_hex(1)}"


def export_bank_file(
    period_start: date, period_end: date, *, operator: Operator | None, execution_date: date, by: User | None
) -> SepaFile:
    """The bank file of the period's approved bank statements (`sepa_pain001`) under a new message id;
    which statements went into which file is written to the audit log, so a bank statement line can be
    traced back. Raises what `sepa_pain001` raises (OperatorIbanNotValid also with no operator at all)."""
    if operator is None:
        raise OperatorIbanNotValid(None)
    message_id = bank_file_message_id(period_start, period_end, utcnow())
    sepa = sepa_pain001(
        list_payouts(period_start, period_end),
        operator=operator,
        execution_date=execution_date,
        message_id=message_id,
    )
    with transaction():
        audit.record(
            "payout.bank_file",
            "period",
            f"{period_start.isoformat()}/{period_end.isoformat()}",
            by=by,
            after={
                "message_id": message_id,
                "execution_date": execution_date,
                "payouts": [payout.id for payout in sepa.included],
                "amount_cents": sepa.total_cents,
            },
        )
    return sepa


def period_label(payout: Payout) -> str:
    """`2026-11-01–2026-11-30`: the statement's days, the last one included."""
    period = Period.of(payout)
    return f"{period.start.isoformat()}–{period.last.isoformat()}"


def sepa_pain001(
    payouts: Sequence[Payout], *, operator: Operator, execution_date: date, message_id: str
) -> SepaFile:
    """The bank file that pays these statements from the VVG's account: ISO 20022 pain.001.001.03 (SEPA).

    One credit transfer per **approved bank** statement with something to pay, to the community's IBAN,
    named by its legal name, with "Kaimo mugė išmoka <period>" as the remittance text and
    `KM-PAYOUT-<id>` as the end-to-end id (it comes back on the bank statement). Every other statement
    is left out and listed in `skipped` with the reason: not approved (or already paid), paid through
    Stripe, nothing to pay, or the community's IBAN missing or not valid. Upload the file at the bank,
    then mark each included statement paid (`mark_payout_paid`).

    Raises MessageIdNotValid (it must be unique per file, 1–35 characters), OperatorIbanNotValid, and
    NothingToPayByBank when no statement can go into the file (a file needs at least one transfer).
    """
    message_id = message_id.strip()
    if not 1 <= len(message_id) <= 35:
        raise MessageIdNotValid(message_id)
    try:
        debtor_iban = normalise_iban(operator.iban)
    except ValueError as error:
        raise OperatorIbanNotValid(operator.iban) from error
    included, skipped = bank_file_plan(payouts)
    if not included:
        raise NothingToPayByBank([s.payout.id for s in skipped])
    count = str(len(included))
    total = decimal_text(sum(payout.amount_cents for payout, _iban in included), ".")

    ET.register_namespace("", PAIN_001_001_03)

    def el(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        child = ET.SubElement(parent, f"{{{PAIN_001_001_03}}}{tag}", attributes)
        if text is not None:
            child.text = text
        return child

    def path(parent: ET.Element, tags: str, text: str) -> ET.Element:
        *outer, last = tags.split("/")
        for tag in outer:
            parent = el(parent, tag)
        return el(parent, last, text)

    document = ET.Element(f"{{{PAIN_001_001_03}}}Document")
    initiation = el(document, "CstmrCdtTrfInitn")
    header = el(initiation, "GrpHdr")
    el(header, "MsgId", message_id)
    el(header, "CreDtTm", utcnow().astimezone(VILNIUS).replace(microsecond=0, tzinfo=None).isoformat())
    el(header, "NbOfTxs", count)
    el(header, "CtrlSum", total)
    path(header, "InitgPty/Nm", _name(operator.name))

    batch = el(initiation, "PmtInf")
    el(batch, "PmtInfId", message_id)
    el(batch, "PmtMtd", "TRF")
    el(batch, "BtchBookg", "false")  # one entry per community on the VVG's statement: easy to match
    el(batch, "NbOfTxs", count)
    el(batch, "CtrlSum", total)
    path(batch, "PmtTpInf/SvcLvl/Cd", "SEPA")
    el(batch, "ReqdExctnDt", execution_date.isoformat())
    path(batch, "Dbtr/Nm", _name(operator.name))
    path(batch, "DbtrAcct/Id/IBAN", debtor_iban)
    path(batch, "DbtrAgt/FinInstnId/Othr/Id", "NOTPROVIDED")
    el(batch, "ChrgBr", "SLEV")
    for payout, iban in included:
        transfer = el(batch, "CdtTrfTxInf")
        path(transfer, "PmtId/EndToEndId", f"KM-PAYOUT-{payout.id}")
        el(el(transfer, "Amt"), "InstdAmt", decimal_text(payout.amount_cents, "."), Ccy="EUR")
        path(transfer, "Cdtr/Nm", _name(payout.community.legal_name or payout.community.name))
        path(transfer, "CdtrAcct/Id/IBAN", iban)
        path(transfer, "RmtInf/Ustrd", f"Kaimo mugė išmoka {period_label(payout)}"[:140])
    xml = ET.tostring(document, encoding="UTF-8", xml_declaration=True)
    return SepaFile(xml=xml, included=[payout for payout, _iban in included], skipped=skipped)


def _name(text: str) -> str:
    """A party's name as SEPA takes it: one line, at most 70 characters."""
    return " ".join(text.split())[:70]


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
