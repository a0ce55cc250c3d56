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

from orders import stripe_gateway
from orders.models import (
    AlertKind,
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
from orders.payments import raise_alert
from orders.services import (
    OrderProblem,
    lock_fulfilment,
    mail_customer,
    restock,
    settle_order,
)
from shop import audit, outbox
from shop.db import db, transaction, utcnow
from shop.models import OutboxMessage, User

#: Parcels that have not left yet; a shipped parcel comes back as a return, not a cancellation.
CANCELLABLE = frozenset({FulfilmentStatus.NEW, FulfilmentStatus.ACCEPTED})


class NotCancellable(OrderProblem):
    """The parcel or line cannot be cancelled now (unpaid order, already shipped, already cancelled)."""

    def __init__(self, status: FulfilmentStatus) -> None:
        super().__init__(status)
        self.status = status


class RefundNotFound(OrderProblem):
    pass


class LineNotFound(OrderProblem):
    pass


def cancel_fulfilment(fulfilment_id: int, *, reason: str, by: User | None) -> Refund | None:
    """Cancel a paid parcel that has not left: its remaining goods and its delivery fee are refunded."""
    with transaction():
        fulfilment = lock_fulfilment(fulfilment_id)
        _check_cancellable(fulfilment)
        refund, messages = _cancel_parcel(fulfilment, reason=reason, by=by)
    _after_commit(refund, messages)
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
        _after_commit(refund, messages)
        if refund is not None:
            made.append(refund)
    return made


def cancel_line(line_id: int, *, reason: str, by: User | None) -> Refund | None:
    """Cancel one line of a paid parcel that has not left; the parcel's last line cancels the parcel."""
    fulfilment_id = db.session.scalar(select(OrderLine.fulfilment_id).where(OrderLine.id == line_id))
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
    _after_commit(refund, messages)
    return refund


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
        answer = stripe_gateway.create_refund(params, idempotency_key=key)
    except stripe_gateway.StripeUnavailable:
        return db.session.get_one(Refund, refund_id)
    except stripe_gateway.StripeRefused as error:
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
    fulfilment: Fulfilment, *, reason: str, by: User | None
) -> tuple[Refund | None, list[OutboxMessage | None]]:
    refund = _record_refund(
        fulfilment, _live_lines(fulfilment), delivery_cents=fulfilment.delivery_cents, reason=reason, by=by
    )
    fulfilment.move_to(FulfilmentStatus.CANCELLED, by=by, note=reason)
    settle_order(fulfilment.order)
    return refund, [_mail_refund(refund)] if refund else []


def _record_refund(
    fulfilment: Fulfilment, lines: list[OrderLine], *, delivery_cents: int, reason: str, by: User | None
) -> Refund | None:
    """Inside a transaction: the lines are cancelled, their stock is back, and their money is owed back."""
    now = utcnow()
    for line in lines:
        line.cancelled_at = now
    restock(lines)
    goods_cents = sum(line.total_cents for line in lines)
    if goods_cents + delivery_cents == 0:
        return None  # free items, collected in person: nothing to return
    order: Order = fulfilment.order
    method = order.payment_method
    audit.record(
        "fulfilment.cancel",
        "fulfilment",
        fulfilment.id,
        by=by,
        after={"lines": [line.id for line in lines], "delivery_cents": delivery_cents, "reason": reason},
    )
    refund = Refund(
        fulfilment=fulfilment,
        order_line=lines[0] if len(lines) == 1 and not delivery_cents else None,
        method=method,
        status=RefundStatus.PENDING if method is PaymentMethod.CARD else RefundStatus.OWED,
        goods_cents=goods_cents,
        delivery_cents=delivery_cents,
        amount_cents=goods_cents + delivery_cents,
        reason=reason.strip()[:1000],
        idempotency_key=f"refund-{order.id}-{secrets.token_hex(6)}",
        created_by=by,
        created_at=now,
    )
    order.refunds.append(refund)
    db.session.flush()
    return refund


def _mail_refund(refund: Refund) -> OutboxMessage | None:
    return mail_customer(
        refund.order,
        event="refund",
        template="refund",
        key=refund.id,
        refund=refund,
        fulfilment=refund.fulfilment,
    )


def _after_commit(refund: Refund | None, messages: list[OutboxMessage | None]) -> None:
    if refund is not None and refund.method is PaymentMethod.CARD:
        submit_refund(refund.id)
    outbox.send_now(messages)
