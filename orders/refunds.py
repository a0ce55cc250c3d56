"""Taking a line or a whole parcel out of a paid order: stock back, exactly its money back, the customer told.

A cancelled line refunds its goods; a cancelled parcel refunds the goods still in it and its delivery fee.
The refund is recorded in the same transaction as the cancellation, then sent to Stripe with the refund's
own idempotency key (`refund-<id>`), so a retry after a crash or an outage never refunds twice. A bank
transfer cannot be reversed by us: its refund is recorded as owed until staff say they sent it.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import select

from orders.errors import LineNotFound, NotCancellable, NotRefundable, RefundNotFound, RefundTooLarge
from orders.invoices.issuing import credit_note_of, invoice_attachment, issue_credit_note
from orders.lifecycle import give_back, lock_fulfilment, mail_customer, settle_order
from orders.models import (
    Fulfilment,
    FulfilmentStatus,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    Refund,
    RefundStatus,
)
from orders.payments import gateway
from orders.payments.alerts import raise_alert
from orders.payments.models import AlertKind
from orders.payouts.adjustments import take_back_refund
from shop import audit, outbox
from shop.db import db, transaction, utcnow
from shop.models import OutboxMessage, User

#: Parcels that have not left yet; a shipped parcel comes back as a return, not a cancellation.
CANCELLABLE = frozenset({FulfilmentStatus.NEW, FulfilmentStatus.ACCEPTED})


#: Parcels that have left: their money comes back by a refund of an amount (a return, a broken card).
REFUNDABLE_AFTER_SENDING = frozenset({FulfilmentStatus.SHIPPED, FulfilmentStatus.DELIVERED})


def cancel_fulfilment(
    fulfilment_id: int, *, order_id: int | None = None, reason: str, by: User | None
) -> Refund | None:
    """Cancel a paid parcel that has not left: its remaining goods and its delivery fee are refunded.

    With `order_id`, a parcel of another order is not found (FulfilmentNotFound), as no parcel at all.
    """
    with transaction():
        fulfilment = lock_fulfilment(fulfilment_id, order_id=order_id)
        _check_cancellable(fulfilment)
        refund, messages = _cancel_parcel(fulfilment, reason=reason, by=by)
    after_commit(refund, messages)
    return refund


def cancel_paid_order(order_id: int, *, reason: str, by: User | None) -> list[Refund]:
    """Cancel every parcel of a paid order that has not left yet, in one go; each refunds its part."""
    with transaction():
        fulfilment_ids = list(
            db.session.scalars(
                select(Fulfilment.id).where(
                    Fulfilment.order_id == order_id, Fulfilment.status.in_(list(CANCELLABLE))
                )
            )
        )
        if not fulfilment_ids:
            status = db.session.scalar(select(Fulfilment.status).where(Fulfilment.order_id == order_id))
            raise NotCancellable(status or FulfilmentStatus.CANCELLED)
        results = []
        for fulfilment_id in fulfilment_ids:
            fulfilment = lock_fulfilment(fulfilment_id)
            _check_cancellable(fulfilment)
            results.append(_cancel_parcel(fulfilment, reason=reason, by=by))
    made: list[Refund] = []
    for refund, messages in results:
        after_commit(refund, messages)
        if refund is not None:
            made.append(refund)
    return made


def cancel_line(line_id: int, *, order_id: int | None = None, reason: str, by: User | None) -> Refund | None:
    """Cancel one line of a paid parcel that has not left; the parcel's last line cancels the parcel.

    With `order_id`, a line of another order is not found (LineNotFound), as no line at all.
    """
    query = select(OrderLine.fulfilment_id).join(OrderLine.fulfilment).where(OrderLine.id == line_id)
    if order_id is not None:
        query = query.where(Fulfilment.order_id == order_id)
    fulfilment_id = db.session.scalar(query)
    if fulfilment_id is None:
        raise LineNotFound(line_id)
    with transaction():
        fulfilment = lock_fulfilment(fulfilment_id)
        _check_cancellable(fulfilment)
        line = next(line for line in fulfilment.lines if line.id == line_id)
        live = _live_lines(fulfilment)
        if line not in live:
            raise NotCancellable(fulfilment.status)
        if live == [line]:
            refund, messages = _cancel_parcel(fulfilment, reason=reason, by=by)
        else:
            refund = _record_refund(fulfilment, [line], delivery_cents=0, reason=reason, by=by)
            messages = [_mail_refund(refund)] if refund else []
    after_commit(refund, messages)
    return refund


def refundable_left(fulfilment: Fulfilment) -> tuple[int, int]:
    """(goods, delivery) cents of the parcel not refunded yet: the most a further refund may return.

    Cancelled lines were refunded in full when they were cancelled, so their refunds take them out too
    (`goods_cents` is every line's goods, as sold).
    """
    refunds = [refund for refund in fulfilment.order.refunds if refund.fulfilment_id == fulfilment.id]
    goods = fulfilment.goods_cents - sum(r.goods_cents for r in refunds)
    return goods, fulfilment.delivery_cents - sum(r.delivery_cents for r in refunds)


def refund_sent_parcel(
    fulfilment_id: int, *, goods_cents: int, delivery_cents: int = 0, reason: str, by: User | None
) -> Refund:
    """Money back for a parcel that has left (shipped or delivered): a return, or a card that arrived broken.

    Any amount up to what is left of its goods and of its delivery fee; nothing goes back into stock (the
    community decides what came back whole). Paid by card: refunded through Stripe after the commit; by
    bank: owed until staff send it. The customer is mailed; the community's earnings for the parcel drop
    by the refund (and by the commission on it, which the VVG gives back).
    """
    if goods_cents < 0 or delivery_cents < 0:
        raise RefundTooLarge(0, 0)
    with transaction():
        fulfilment = lock_fulfilment(fulfilment_id)
        if fulfilment.status not in REFUNDABLE_AFTER_SENDING or fulfilment.order.status not in {
            OrderStatus.PAID,
            OrderStatus.COMPLETED,
        }:
            raise NotRefundable(fulfilment.status)
        refund, messages = refund_sent(
            fulfilment, goods_cents=goods_cents, delivery_cents=delivery_cents, reason=reason, by=by
        )
    after_commit(refund, messages)
    return refund


def refund_sent(
    fulfilment: Fulfilment, *, goods_cents: int, delivery_cents: int, reason: str, by: User | None
) -> tuple[Refund, list[OutboxMessage | None]]:
    """Inside a transaction, the parcel locked: `refund_sent_parcel`'s work; the mails to send after it.

    Also how a withdrawal's refund is made (`orders.withdrawals`), so it follows the same rules.
    """
    goods_left, delivery_left = refundable_left(fulfilment)
    if goods_cents + delivery_cents == 0 or goods_cents > goods_left or delivery_cents > delivery_left:
        raise RefundTooLarge(goods_left, delivery_left)
    refund = _new_refund(
        fulfilment, None, goods_cents=goods_cents, delivery_cents=delivery_cents, reason=reason, by=by
    )
    audit.record(
        "fulfilment.refund",
        "fulfilment",
        fulfilment.id,
        by=by,
        after={"goods_cents": goods_cents, "delivery_cents": delivery_cents, "reason": reason},
    )
    issue_credit_note(refund)
    take_back_refund(refund)  # already in a statement: counted again, or taken back later
    return refund, [_mail_refund(refund)]


def cancel_lines(
    fulfilment: Fulfilment, lines: list[OrderLine], *, reason: str, by: User | None
) -> Refund | None:
    """Inside a transaction, the parcel locked and not sent: these live lines cancelled, refunded, restocked.

    When they are all its live lines, the parcel is cancelled and its delivery fee refunded too. No mail:
    the caller tells the customer in its own words (a withdrawal's acknowledgement).
    """
    _check_cancellable(fulfilment)
    live = _live_lines(fulfilment)
    if any(line not in live for line in lines):
        raise NotCancellable(fulfilment.status)
    if set(lines) == set(live):
        refund, _messages = _cancel_parcel(fulfilment, reason=reason, by=by, mail=False)
        return refund
    return _record_refund(fulfilment, lines, delivery_cents=0, reason=reason, by=by)


def submit_refund(refund_id: int) -> Refund:
    """Ask Stripe to return a pending card refund; safe to repeat (its idempotency key never changes).

    Stripe away: it stays pending for `flask orders refunds`. Stripe refusing: it is marked failed.
    """
    refund = db.session.get(Refund, refund_id)
    if refund is None:
        raise RefundNotFound(refund_id)
    if refund.method is not PaymentMethod.CARD or refund.status is not RefundStatus.PENDING:
        return refund
    payment_intent = db.session.scalar(
        select(Payment.stripe_payment_intent)
        .where(Payment.order_id == refund.order_id, Payment.stripe_payment_intent.is_not(None))
        .order_by(Payment.id)
        .limit(1)
    )
    params = {
        "payment_intent": payment_intent,
        "amount": refund.amount_cents,
        "reason": "requested_by_customer",
        "metadata": {"order_id": str(refund.order_id), "refund_id": str(refund.id)},
    }
    key = refund.idempotency_key
    db.session.rollback()  # no transaction stays open while Stripe is asked
    try:
        answer = gateway.create_refund(params, idempotency_key=key)
    except gateway.StripeUnavailable:
        return db.session.get_one(Refund, refund_id)
    except gateway.StripeRefused as error:
        with transaction():
            refund = db.session.get_one(Refund, refund_id)
            refund.status = RefundStatus.FAILED
            refund.last_error = str(error)[:300]
            messages = raise_alert(refund.order, AlertKind.REFUND_FAILED, refund.amount_cents, key)
        outbox.send_now(messages)
        return refund
    with transaction():
        refund = db.session.get_one(Refund, refund_id)
        refund.stripe_refund_id = answer["id"]
        if answer.get("status") == "succeeded":
            refund.status, refund.completed_at = RefundStatus.SUCCEEDED, utcnow()
        elif answer.get("status") in {"failed", "canceled"}:
            refund.status, refund.last_error = RefundStatus.FAILED, str(answer.get("failure_reason") or "")
    return refund


def submit_pending_refunds() -> int:
    """For cron: send every card refund still pending (Stripe was away); returns how many Stripe took."""
    pending = list(
        db.session.scalars(
            select(Refund.id).where(
                Refund.method == PaymentMethod.CARD,
                Refund.status == RefundStatus.PENDING,
                Refund.stripe_refund_id.is_(None),
            )
        )
    )
    db.session.rollback()
    return sum(submit_refund(refund_id).status is not RefundStatus.PENDING for refund_id in pending)


def list_owed_bank_refunds() -> Sequence[Refund]:
    """Refunds of bank-transfer orders that staff still have to send, oldest first."""
    return db.session.scalars(
        select(Refund).where(Refund.status == RefundStatus.OWED).order_by(Refund.created_at)
    ).all()


def mark_bank_refund_sent(refund_id: int, *, by: User | None) -> Refund:
    """Staff sent an owed refund from the bank; saying so twice changes nothing."""
    with transaction():
        refund = db.session.get(Refund, refund_id)
        if refund is None:
            raise RefundNotFound(refund_id)
        if refund.status is RefundStatus.OWED:
            refund.status = RefundStatus.SENT
            refund.completed_at = utcnow()
            audit.record(
                "refund.mark_sent",
                "refund",
                refund.id,
                by=by,
                before={"status": RefundStatus.OWED},
                after={"status": RefundStatus.SENT, "amount_cents": refund.amount_cents},
            )
    return refund


def _check_cancellable(fulfilment: Fulfilment) -> None:
    if fulfilment.order.status is not OrderStatus.PAID or fulfilment.status not in CANCELLABLE:
        raise NotCancellable(fulfilment.status)


def _live_lines(fulfilment: Fulfilment) -> list[OrderLine]:
    return [line for line in fulfilment.lines if line.cancelled_at is None]


def _cancel_parcel(
    fulfilment: Fulfilment, *, reason: str, by: User | None, mail: bool = True
) -> tuple[Refund | None, list[OutboxMessage | None]]:
    refund = _record_refund(
        fulfilment, _live_lines(fulfilment), delivery_cents=fulfilment.delivery_cents, reason=reason, by=by
    )
    fulfilment.move_to(FulfilmentStatus.CANCELLED, by=by, note=reason)
    settle_order(fulfilment.order)
    return refund, [_mail_refund(refund)] if refund and mail else []


def _record_refund(
    fulfilment: Fulfilment, lines: list[OrderLine], *, delivery_cents: int, reason: str, by: User | None
) -> Refund | None:
    """Inside a transaction: the lines are cancelled, their stock (and booked work) is back, and their money
    is owed back."""
    now = utcnow()
    for line in lines:
        line.cancelled_at = now
    give_back(lines)
    goods_cents = sum(line.total_cents for line in lines)
    if goods_cents + delivery_cents == 0:
        return None  # free items, collected in person: nothing to return
    audit.record(
        "fulfilment.cancel",
        "fulfilment",
        fulfilment.id,
        by=by,
        after={"lines": [line.id for line in lines], "delivery_cents": delivery_cents, "reason": reason},
    )
    refund = _new_refund(
        fulfilment,
        lines[0] if len(lines) == 1 and not delivery_cents else None,
        goods_cents=goods_cents,
        delivery_cents=delivery_cents,
        reason=reason,
        by=by,
    )
    issue_credit_note(refund, lines)  # if the parcel was invoiced: the lines credited as sold
    return refund


def _new_refund(
    fulfilment: Fulfilment,
    line: OrderLine | None,
    *,
    goods_cents: int,
    delivery_cents: int,
    reason: str,
    by: User | None,
) -> Refund:
    """Inside a transaction: money owed back for the parcel, by card (pending for Stripe) or bank (owed)."""
    order: Order = fulfilment.order
    method = order.payment_method
    refund = Refund(
        fulfilment=fulfilment,
        order_line=line,
        method=method,
        status=RefundStatus.PENDING if method is PaymentMethod.CARD else RefundStatus.OWED,
        goods_cents=goods_cents,
        delivery_cents=delivery_cents,
        amount_cents=goods_cents + delivery_cents,
        reason=reason.strip()[:1000],
        idempotency_key=f"refund-{order.id}-{secrets.token_hex(6)}",
        created_by=by,
        created_at=utcnow(),
    )
    order.refunds.append(refund)
    db.session.flush()
    return refund


def _mail_refund(refund: Refund) -> OutboxMessage | None:
    credit_note = credit_note_of(refund.id)
    return mail_customer(
        refund.order,
        event="refund",
        template="refund",
        key=refund.id,
        attachments=[invoice_attachment(credit_note)] if credit_note else [],
        refund=refund,
        fulfilment=refund.fulfilment,
    )


def after_commit(refund: Refund | None, messages: list[OutboxMessage | None]) -> None:
    """After the transaction that made `refund`: a card refund goes to Stripe, the mails are tried."""
    if refund is not None and refund.method is PaymentMethod.CARD:
        submit_refund(refund.id)
    outbox.send_now(messages)
