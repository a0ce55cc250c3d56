"""Withdrawing from the contract for a parcel's lines, and what follows: the return, the refund.

The right runs from payment until the end of the 14th Vilnius day after the parcel's delivery (the day of
delivery is day 0); a parcel not delivered yet may be withdrawn from too. Personalised lines (a message
written into a card) and lines made to the customer's order are exempt (Art. 16(c) of Directive
2011/83/EU) and never offered.

A parcel that has not left is simply cancelled for those lines: their money goes back at once, their stock
too (`orders.refunds.cancel_lines`). A parcel that has left makes a return to expect; the refund owed is
the withdrawn lines' goods plus, when every line of the parcel still standing is withdrawn, its delivery
fee (the shop offers one delivery per method, so the fee paid is the standard one; a partial withdrawal
refunds goods only). Staff refund it through `orders.refunds.refund_sent`, so credit notes and payouts
taken back follow as for any other refund. Every withdrawal is acknowledged to the customer by mail at
once, and the community and the VVG are told; a repeat changes nothing and mails nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from orders.errors import (
    LinesExempt,
    NoLinesChosen,
    WithdrawalAlreadyRefunded,
    WithdrawalNotFound,
    WithdrawalNotOpen,
    WithdrawalPeriodOver,
)
from orders.lifecycle import lock_fulfilment, mail_customer
from orders.models import Fulfilment, FulfilmentStatus, Order, OrderLine, OrderStatus, Refund
from orders.refunds import after_commit, cancel_lines, refund_sent, refundable_left
from orders.withdrawals.models import ExemptReason, Withdrawal, WithdrawalLine, WithdrawalStatus
from shop import audit, outbox
from shop.db import db, transaction, utcnow
from shop.i18n import VILNIUS, vilnius_midnight
from shop.models import Operator, OutboxMessage, User

#: Days after delivery the customer may withdraw (Art. 9(1)); counted in Vilnius calendar days.
WITHDRAWAL_DAYS = 14

#: Parcels that may be withdrawn from, once the order is paid (a cancelled one has nothing left).
WITHDRAWABLE = frozenset(
    {FulfilmentStatus.NEW, FulfilmentStatus.ACCEPTED, FulfilmentStatus.SHIPPED, FulfilmentStatus.DELIVERED}
)
NOT_SENT = frozenset({FulfilmentStatus.NEW, FulfilmentStatus.ACCEPTED})


def withdrawal_ends_at(delivered_at: datetime) -> datetime:
    """The moment (UTC) the right of withdrawal ends for a parcel delivered at `delivered_at`: midnight
    in Vilnius after the 14th day following the day of delivery."""
    delivered_on = delivered_at.astimezone(VILNIUS).date()
    return vilnius_midnight(delivered_on + timedelta(days=WITHDRAWAL_DAYS + 1))


def delivered_at(fulfilment: Fulfilment) -> datetime | None:
    """When the parcel was marked delivered (its DELIVERED event), or None if it has not been."""
    moments = [
        event.created_at for event in fulfilment.events if event.to_status is FulfilmentStatus.DELIVERED
    ]
    return moments[-1] if moments else None


def exempt_reason(line: OrderLine) -> ExemptReason | None:
    """Why the right of withdrawal does not cover this line, or None when it does."""
    if line.is_made_to_order:
        return ExemptReason.MADE_TO_ORDER
    if line.gift_message and line.is_card:
        return ExemptReason.PERSONALISED
    return None


def exempt_lines(order: Order) -> list[tuple[OrderLine, ExemptReason]]:
    """The order's lines the right of withdrawal does not cover, each with why (the order mails list them)."""
    return [
        (line, reason) for line in order.lines if not line.cancelled_at and (reason := exempt_reason(line))
    ]


@dataclass(frozen=True)
class WithdrawalOffer:
    """What the customer may withdraw from in one parcel now, and if nothing, why not."""

    fulfilment: Fulfilment
    lines: list[OrderLine]  #: may be withdrawn now
    exempt: list[tuple[OrderLine, ExemptReason]]  #: never offered
    withdrawn: list[tuple[OrderLine, Withdrawal]] = field(default_factory=list)
    ends_at: datetime | None = None  #: when the right ends (None: not delivered yet, or not paid)
    #: None when something may be withdrawn; else "unpaid", "cancelled", "over" or "nothing_left"
    closed_because: str | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_because is None

    @property
    def last_moment(self) -> datetime | None:
        """The last second of the right (its day is the last day to withdraw, in Vilnius)."""
        return self.ends_at - timedelta(seconds=1) if self.ends_at else None

    def withdrawal_of(self, line: OrderLine) -> Withdrawal | None:
        return next((withdrawal for withdrawn, withdrawal in self.withdrawn if withdrawn.id == line.id), None)


def offer_for(
    fulfilment: Fulfilment, withdrawals: Sequence[Withdrawal] | None = None, now: datetime | None = None
) -> WithdrawalOffer:
    """What the parcel's page offers: the lines that may be withdrawn now, the exempt ones, the withdrawn.

    `withdrawals` are the parcel's, when the page has read them already (`withdrawals_by_parcel`).
    """
    now = now or utcnow()
    if withdrawals is None:
        withdrawals = list_withdrawals(fulfilment.id)
    withdrawn_by_line = {
        line.order_line_id: withdrawal for withdrawal in withdrawals for line in withdrawal.lines
    }
    withdrawn = [
        (line, withdrawn_by_line[line.id]) for line in fulfilment.lines if line.id in withdrawn_by_line
    ]
    live = [(line, exempt_reason(line)) for line in fulfilment.lines if line.cancelled_at is None]
    exempt = [(line, reason) for line, reason in live if reason]
    lines = [line for line, reason in live if reason is None and line.id not in withdrawn_by_line]
    ends_at = _ends_at(fulfilment)
    closed_because = _closed_because(fulfilment, ends_at, now)
    if closed_because is None and not lines:
        closed_because = "nothing_left"
    return WithdrawalOffer(fulfilment, lines, exempt, withdrawn, ends_at, closed_because)


def _ends_at(fulfilment: Fulfilment) -> datetime | None:
    delivered = delivered_at(fulfilment)
    return withdrawal_ends_at(delivered) if delivered else None


def _closed_because(fulfilment: Fulfilment, ends_at: datetime | None, now: datetime) -> str | None:
    """Why the parcel takes no withdrawal now ("unpaid", "cancelled", "over"), or None while it does: the
    one rule the page's offer and the withdrawal itself both follow."""
    if fulfilment.order.status not in {OrderStatus.PAID, OrderStatus.COMPLETED}:
        return "cancelled" if fulfilment.order.status is OrderStatus.CANCELLED else "unpaid"
    if fulfilment.status not in WITHDRAWABLE:
        return "cancelled"
    if ends_at is not None and now >= ends_at:
        return "over"
    return None


@dataclass(frozen=True)
class WithdrawalResult:
    withdrawal: Withdrawal
    is_new: bool  #: False when every line asked for was already withdrawn: nothing changed, nothing mailed


def withdraw(fulfilment_id: int, line_ids: Collection[int], *, order_id: int) -> WithdrawalResult:
    """The customer withdraws from the contract for these lines of one parcel of their order.

    Refused with nothing changed: a parcel of another order (FulfilmentNotFound), an unpaid or cancelled
    one (WithdrawalNotOpen), after the 14 days (WithdrawalPeriodOver), exempt lines (LinesExempt), no line,
    or a line not of this parcel (NoLinesChosen). Lines already withdrawn or cancelled are left out; when
    that leaves none, the last withdrawal is returned and nothing is done (a double click, a replayed form).
    """
    with transaction():
        fulfilment = lock_fulfilment(fulfilment_id, order_id=order_id)
        db.session.expire(fulfilment)  # read again under the lock, whatever the page loaded before
        db.session.refresh(fulfilment.order)
        lines = list(
            db.session.scalars(
                select(OrderLine)
                .where(OrderLine.fulfilment_id == fulfilment.id)
                .order_by(OrderLine.id)
                .execution_options(populate_existing=True)
            )
        )
        wanted = set(line_ids)
        if not wanted or not wanted <= {line.id for line in lines}:
            raise NoLinesChosen()  # none, or one of another parcel: nothing is guessed
        chosen = [line for line in lines if line.id in wanted]
        already = set(
            db.session.scalars(
                select(WithdrawalLine.order_line_id).where(
                    WithdrawalLine.order_line_id.in_([line.id for line in lines])
                )
            )
        )
        fresh = [line for line in chosen if line.id not in already and line.cancelled_at is None]
        if not fresh:
            previous = _last_withdrawal_of(fulfilment.id, [line.id for line in chosen])
            if previous is None:
                raise WithdrawalNotOpen(fulfilment.status)  # only cancelled lines were asked for
            return WithdrawalResult(previous, is_new=False)
        now = utcnow()
        ends_at = _ends_at(fulfilment)
        closed_because = _closed_because(fulfilment, ends_at, now)
        if closed_because == "over" and ends_at is not None:
            raise WithdrawalPeriodOver(ends_at)
        if closed_because is not None:
            raise WithdrawalNotOpen(fulfilment.status)
        exempt = [line.id for line in fresh if exempt_reason(line)]
        if exempt:
            raise LinesExempt(exempt)
        withdrawal = _record(fulfilment, fresh, lines, already, now)
        messages = _mail_everyone(withdrawal)
    after_commit(withdrawal.refund, messages)
    return WithdrawalResult(withdrawal, is_new=True)


def mark_return_received(
    withdrawal_id: int, *, by: User | None, community_id: int | None = None, fulfilment_id: int | None = None
) -> Withdrawal:
    """The withdrawn lines came back. In the workspace, `community_id` and `fulfilment_id` keep it to the
    community's own parcel (another's withdrawal: WithdrawalNotFound). Said twice, or after the refund:
    nothing changes."""
    with transaction():
        withdrawal = _lock(withdrawal_id, community_id=community_id, fulfilment_id=fulfilment_id)
        if withdrawal.status is WithdrawalStatus.RETURN_EXPECTED:
            withdrawal.move_to(WithdrawalStatus.RECEIVED)
            withdrawal.received_at = utcnow()
            withdrawal.received_by = by
            audit.record("withdrawal.received", "withdrawal", withdrawal.id, by=by)
    return withdrawal


def refund_withdrawal(withdrawal_id: int, *, by: User | None) -> Withdrawal:
    """Staff refund what a withdrawal owes, through the refund rules of a parcel that has left.

    What was refunded of the parcel meanwhile in other ways is not refunded twice: the amount is capped at
    what is left of its goods and of its delivery fee. Twice (a double click): WithdrawalAlreadyRefunded.
    """
    with transaction():
        withdrawal = _lock(withdrawal_id)
        if withdrawal.status is WithdrawalStatus.REFUNDED:
            raise WithdrawalAlreadyRefunded()
        fulfilment = withdrawal.fulfilment
        goods_left, delivery_left = refundable_left(fulfilment)
        goods = min(withdrawal.goods_cents, goods_left)
        delivery = min(withdrawal.delivery_cents, delivery_left)
        refund: Refund | None = None
        messages: list[OutboxMessage | None] = []
        if goods + delivery > 0:
            refund, messages = refund_sent(
                fulfilment, goods_cents=goods, delivery_cents=delivery, reason=_reason(withdrawal), by=by
            )
        withdrawal.move_to(WithdrawalStatus.REFUNDED)
        withdrawal.refund = refund
        withdrawal.refunded_at = utcnow()
    after_commit(refund, messages)
    return withdrawal


def get_withdrawal(withdrawal_id: int, *, order_id: int) -> Withdrawal | None:
    """The order's withdrawal with this id, or None (another order's too)."""
    return db.session.scalars(
        select(Withdrawal).where(Withdrawal.id == withdrawal_id, Withdrawal.order_id == order_id)
    ).first()


def list_withdrawals(fulfilment_id: int) -> Sequence[Withdrawal]:
    """A parcel's withdrawals, oldest first, with their lines."""
    return db.session.scalars(
        select(Withdrawal)
        .where(Withdrawal.fulfilment_id == fulfilment_id)
        .options(selectinload(Withdrawal.lines).joinedload(WithdrawalLine.order_line))
        .order_by(Withdrawal.id)
    ).all()


def withdrawals_by_parcel(*order_ids: int) -> dict[int, list[Withdrawal]]:
    """Every withdrawal of the orders, by parcel id (a parcel without any is not a key), in one read."""
    found: dict[int, list[Withdrawal]] = {}
    if not order_ids:
        return found
    for withdrawal in db.session.scalars(
        select(Withdrawal)
        .where(Withdrawal.order_id.in_(order_ids))
        .options(
            selectinload(Withdrawal.lines).joinedload(WithdrawalLine.order_line),
            selectinload(Withdrawal.refund),
        )
        .order_by(Withdrawal.id)
    ):
        found.setdefault(withdrawal.fulfilment_id, []).append(withdrawal)
    return found


def list_open_withdrawals() -> Sequence[Withdrawal]:
    """Withdrawals whose money has not gone back yet, oldest first: what staff still have to refund."""
    return db.session.scalars(
        select(Withdrawal)
        .where(Withdrawal.status != WithdrawalStatus.REFUNDED)
        .options(
            selectinload(Withdrawal.fulfilment).joinedload(Fulfilment.community),
            selectinload(Withdrawal.order),
        )
        .order_by(Withdrawal.created_at)
    ).all()


def count_open_withdrawals() -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(Withdrawal).where(Withdrawal.status != WithdrawalStatus.REFUNDED)
        )
        or 0
    )


def _last_withdrawal_of(fulfilment_id: int, line_ids: list[int]) -> Withdrawal | None:
    return db.session.scalars(
        select(Withdrawal)
        .join(Withdrawal.lines)
        .where(Withdrawal.fulfilment_id == fulfilment_id, WithdrawalLine.order_line_id.in_(line_ids))
        .order_by(Withdrawal.id.desc())
        .limit(1)
    ).first()


def _lock(
    withdrawal_id: int, *, community_id: int | None = None, fulfilment_id: int | None = None
) -> Withdrawal:
    query = select(Withdrawal.fulfilment_id).where(Withdrawal.id == withdrawal_id)
    if community_id is not None:
        query = query.join(Withdrawal.fulfilment).where(Fulfilment.community_id == community_id)
    if fulfilment_id is not None:
        query = query.where(Withdrawal.fulfilment_id == fulfilment_id)
    fulfilment_id = db.session.scalar(query)
    if fulfilment_id is None:
        raise WithdrawalNotFound(withdrawal_id)
    lock_fulfilment(fulfilment_id)
    return db.session.scalars(
        select(Withdrawal)
        .where(Withdrawal.id == withdrawal_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _record(
    fulfilment: Fulfilment, fresh: list[OrderLine], lines: list[OrderLine], already: set[int], now: datetime
) -> Withdrawal:
    """Inside the transaction: the withdrawal, and for a parcel not sent, the lines cancelled and refunded."""
    standing = {line.id for line in lines if line.cancelled_at is None}
    whole = standing <= already | {line.id for line in fresh}
    goods = sum(line.total_cents for line in fresh)
    withdrawal = Withdrawal(
        order_id=fulfilment.order_id,
        fulfilment=fulfilment,
        status=WithdrawalStatus.RETURN_EXPECTED,
        goods_cents=goods,
        delivery_cents=min(fulfilment.delivery_cents, refundable_left(fulfilment)[1]) if whole else 0,
        created_at=now,
        lines=[WithdrawalLine(order_line_id=line.id) for line in fresh],
    )
    db.session.add(withdrawal)
    db.session.flush()
    if fulfilment.status in NOT_SENT:
        withdrawal.refund = cancel_lines(fulfilment, fresh, reason=_reason(withdrawal), by=None)
        withdrawal.move_to(WithdrawalStatus.REFUNDED)
        withdrawal.refunded_at = now
    return withdrawal


def _reason(withdrawal: Withdrawal) -> str:
    # Stored with the refund and shown to staff, who read Lithuanian.
    return f"Sutarties atsisakymas Nr. {withdrawal.id}"


def _mail_everyone(withdrawal: Withdrawal) -> list[OutboxMessage | None]:
    """The acknowledgement on a durable medium to the customer; the notices to the community and the VVG."""
    order: Order = withdrawal.order
    fulfilment = withdrawal.fulfilment
    context: dict[str, object] = {"withdrawal": withdrawal, "fulfilment": fulfilment}
    messages = [
        mail_customer(
            order,
            event="withdrawal",
            template="withdrawal",
            key=withdrawal.id,
            withdrawal=withdrawal,
            fulfilment=fulfilment,
        )
    ]
    recipients = [("community", fulfilment.community.email)]
    operator = db.session.scalar(select(Operator).order_by(Operator.id).limit(1))
    if operator is not None and operator.email:
        recipients.append(("vvg", operator.email))
    for who, address in recipients:
        messages.append(
            outbox.enqueue(
                dedup_key=f"withdrawal-{who}:{withdrawal.id}",
                recipient=address,
                template="orders/withdrawal_notice",
                language="lt",  # communities and the VVG work in Lithuanian
                context={"order": order, **context},
                order_id=order.id,
            )
        )
    return messages
