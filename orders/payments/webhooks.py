"""Stripe's webhook events, each processed once (its id stored), in any order: what each tells us of an
order's money."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from orders.lifecycle import cancel_unpaid, lock_order, mail_customer, record_payment
from orders.models import CancelReason, Order, OrderStatus, Payment, PaymentMethod, Refund, RefundStatus
from orders.payments import gateway
from orders.payments.alerts import Mails, raise_alert
from orders.payments.gateway import CURRENCY
from orders.payments.models import AlertKind, CardCheckout, CardCheckoutStatus, StripeEvent
from shop.db import db, transaction, utcnow


@dataclass(frozen=True)
class HandledEvent:
    outcome: str  #: "applied", "duplicate" or "ignored"
    mail_ids: list[int]  #: mails written by the event, to send once Stripe has its answer


def handle_event(event: Mapping[str, Any]) -> HandledEvent:
    """Apply one verified Stripe event exactly once.

    The event id is stored in the same transaction as its effect: a replay, even a concurrent one, finds
    it and does nothing; if the effect fails, the id is not stored and Stripe's retry applies it later.
    The order's row is locked before the id is stored, so that two events of one order queue up instead
    of deadlocking. Mails are only written here: the caller sends them after answering Stripe.
    """
    event_type = event["type"]
    obj = event["data"]["object"]
    handler = _HANDLERS.get(event_type)
    order_id = _order_id_of(event_type, obj) if handler is not None else None
    with transaction():
        order = lock_order(order_id) if order_id is not None else None
        if not _claim_event(event["id"], event_type, order.id if order else None):
            return HandledEvent("duplicate", [])
        if handler is None or order is None:
            current_app.logger.info("Stripe event %s (%s) ignored", event["id"], event_type)
            return HandledEvent("ignored", [])
        messages = handler(order, obj)
        db.session.flush()
        mail_ids = [message.id for message in messages if message is not None]
    return HandledEvent("applied", mail_ids)


def _claim_event(event_id: str, event_type: str, order_id: int | None) -> bool:
    """Store the event id; False if it was stored before (a duplicate delivery)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    row = db.session.execute(
        insert(StripeEvent)
        .values(id=event_id[:255], type=event_type[:100], order_id=order_id, received_at=utcnow())
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(StripeEvent.id)
    ).first()
    return row is not None


def _order_id_of(event_type: str, obj: Mapping[str, Any]) -> int | None:
    """Which of our orders an event is about: from the metadata we gave Stripe, or the payment it names."""
    metadata = obj.get("metadata") or {}
    raw = metadata.get("order_id") if isinstance(metadata, Mapping) else None
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) < 2**31:
        return db.session.scalar(select(Order.id).where(Order.id == int(raw)))
    intent = obj.get("payment_intent")  # charges and refunds carry no metadata of ours; their intent does
    if event_type.startswith(("charge.", "refund.")) and isinstance(intent, str):
        return _order_id_of_payment_intent(intent)
    return None


def _order_id_of_payment_intent(payment_intent: str) -> int | None:
    known = db.session.scalar(
        select(Payment.order_id).where(Payment.stripe_payment_intent == payment_intent)
    ) or db.session.scalar(select(CardCheckout.order_id).where(CardCheckout.payment_intent == payment_intent))
    db.session.rollback()
    if known is not None:
        return known
    try:  # a refund can arrive before the payment it refunds: the payment intent knows its order
        intent = gateway.retrieve_payment_intent(payment_intent)
    except gateway.StripeRefused:
        return None  # not ours
    except gateway.StripeUnavailable:
        raise  # answered 500: Stripe delivers the event again later
    return _order_id_of("payment_intent", intent)


def _checkout_of(order: Order, session: Mapping[str, Any]) -> CardCheckout | None:
    """Our attempt behind a Stripe session (one we never saved is matched by its attempt number)."""
    for checkout in order.card_checkouts:
        if checkout.session_id == session.get("id"):
            return checkout
    attempt = (session.get("metadata") or {}).get("attempt")
    for checkout in order.card_checkouts:
        if checkout.session_id is None and str(checkout.attempt) == attempt:
            checkout.session_id = session.get("id")  # Stripe made it, but we crashed before saving it
            return checkout
    return None


def _on_session_completed(order: Order, session: Mapping[str, Any]) -> Mails:
    checkout = _checkout_of(order, session)
    if checkout is None:
        return []
    if session.get("payment_status") == "unpaid":  # a delayed method: the bank answers in days
        if checkout.status in {CardCheckoutStatus.OPEN, CardCheckoutStatus.CREATING}:
            checkout.move_to(CardCheckoutStatus.PROCESSING)
            if order.status is OrderStatus.PENDING_PAYMENT:
                order.expires_at = None  # never cancelled while the money may still come
        return []
    if session.get("payment_status") != "paid":
        return []
    return _on_money_received(order, checkout, session)


def _on_money_received(order: Order, checkout: CardCheckout, session: Mapping[str, Any]) -> Mails:
    if checkout.status in {CardCheckoutStatus.PAID, CardCheckoutStatus.MISMATCH}:
        return []  # seen before (by the webhook, the customer's return or the expiry job)
    checkout.payment_intent = str(session.get("payment_intent") or "")
    if _payment_recorded(checkout.payment_intent):
        return []
    amount, currency = session.get("amount_total"), session.get("currency")
    if amount != order.total_cents or currency != CURRENCY:
        checkout.move_to(CardCheckoutStatus.MISMATCH)
        if order.status is OrderStatus.PENDING_PAYMENT:
            order.expires_at = None  # money was taken: staff settle it, the order never expires by itself
        received = amount if isinstance(amount, int) else 0
        return raise_alert(order, AlertKind.AMOUNT_MISMATCH, received, f"{session.get('id')} {currency}")
    checkout.move_to(CardCheckoutStatus.PAID)
    if order.status is OrderStatus.PENDING_PAYMENT:
        return record_payment(
            order,
            amount_cents=order.total_cents,
            method=PaymentMethod.CARD,
            reference=checkout.payment_intent,
            stripe_payment_intent=checkout.payment_intent or None,
            by=None,
        )
    db.session.add(  # the money arrived; the order had been paid or cancelled meanwhile: staff refund it
        Payment(
            order=order,
            method=PaymentMethod.CARD,
            amount_cents=order.total_cents,
            reference=checkout.payment_intent,
            stripe_payment_intent=checkout.payment_intent or None,
        )
    )
    return raise_alert(order, AlertKind.UNEXPECTED_PAYMENT, order.total_cents, checkout.payment_intent)


def _payment_recorded(payment_intent: str) -> bool:
    return bool(payment_intent) and (
        db.session.scalar(select(Payment.id).where(Payment.stripe_payment_intent == payment_intent))
        is not None
    )


def _on_async_payment_succeeded(order: Order, session: Mapping[str, Any]) -> Mails:
    checkout = _checkout_of(order, session)
    return [] if checkout is None else _on_money_received(order, checkout, session)


def _on_async_payment_failed(order: Order, session: Mapping[str, Any]) -> Mails:
    checkout = _checkout_of(order, session)
    if checkout is None or checkout.status not in {CardCheckoutStatus.PROCESSING, CardCheckoutStatus.OPEN}:
        return []
    checkout.move_to(CardCheckoutStatus.FAILED)
    checkout.last_error = "async_payment_failed"
    if order.status is not OrderStatus.PENDING_PAYMENT or order.payment_method is not PaymentMethod.CARD:
        return []
    order.expires_at = utcnow() + timedelta(hours=current_app.config["CARD_RETRY_HOURS"])
    return [
        mail_customer(order, event="card-payment-failed", template="card_payment_failed", key=checkout.id)
    ]


def _on_session_expired(order: Order, session: Mapping[str, Any]) -> Mails:
    checkout = _checkout_of(order, session)
    if checkout is None or checkout.status not in {CardCheckoutStatus.OPEN, CardCheckoutStatus.CREATING}:
        return []  # paid, failed or replaced: an expiry changes nothing
    checkout.move_to(CardCheckoutStatus.EXPIRED)
    waiting = any(other.status is CardCheckoutStatus.PROCESSING for other in order.card_checkouts)
    if _awaits_card(order) and checkout is order.latest_card_checkout and not waiting:
        return cancel_unpaid(order.id, reason=CancelReason.EXPIRED, by=None) or []
    return []


def _on_payment_failed(order: Order, intent: Mapping[str, Any]) -> Mails:
    """A card was declined on Stripe's page: the page stays open for another card; the reason is kept."""
    latest = order.latest_card_checkout
    if latest is not None and latest.status is CardCheckoutStatus.OPEN:
        error = intent.get("last_payment_error") or {}
        latest.last_error = str(error.get("code") or "payment_failed")[:300]
    return []


def _on_charge_refunded(order: Order, charge: Mapping[str, Any]) -> Mails:
    """Stripe's total refunded for the charge; any part we did not ask for was refunded in Stripe directly."""
    refunded = charge.get("amount_refunded")
    if not isinstance(refunded, int):
        return []
    ours = sum(
        refund.amount_cents
        for refund in order.refunds
        if refund.method is PaymentMethod.CARD and refund.status is not RefundStatus.FAILED
    )
    if refunded <= ours:
        return []
    now = utcnow()
    order.refunds.append(
        Refund(
            method=PaymentMethod.CARD,
            status=RefundStatus.SUCCEEDED,
            goods_cents=refunded - ours,
            delivery_cents=0,
            amount_cents=refunded - ours,
            reason="Refunded in Stripe directly",
            idempotency_key=f"stripe-{charge.get('id')}-{secrets.token_hex(6)}",  # never sent: made at Stripe
            created_at=now,
            completed_at=now,
        )
    )
    return raise_alert(order, AlertKind.REFUNDED_AT_STRIPE, refunded - ours, str(charge.get("id") or ""))


def _on_refund_updated(order: Order, stripe_refund: Mapping[str, Any]) -> Mails:
    """A refund we asked for changed state at Stripe (most often: it failed days later)."""
    refund_id = (stripe_refund.get("metadata") or {}).get("refund_id")
    state = stripe_refund.get("status")
    for refund in order.refunds:
        if refund.stripe_refund_id != stripe_refund.get("id") and str(refund.id) != refund_id:
            continue
        refund.stripe_refund_id = str(stripe_refund.get("id"))
        if state == "succeeded" and refund.status is RefundStatus.PENDING:
            refund.status, refund.completed_at = RefundStatus.SUCCEEDED, utcnow()
        elif state in {"failed", "canceled"} and refund.status is not RefundStatus.FAILED:
            refund.status = RefundStatus.FAILED
            refund.last_error = str(stripe_refund.get("failure_reason") or state)[:300]
            return raise_alert(order, AlertKind.REFUND_FAILED, refund.amount_cents, refund.stripe_refund_id)
    return []


def _on_dispute_created(order: Order, dispute: Mapping[str, Any]) -> Mails:
    amount = dispute.get("amount")
    return raise_alert(
        order, AlertKind.DISPUTE, amount if isinstance(amount, int) else 0, str(dispute.get("id") or "")
    )


def _timestamp(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int) else None


_HANDLERS: dict[str, Callable[[Order, Mapping[str, Any]], Mails]] = {
    "checkout.session.completed": _on_session_completed,
    "checkout.session.async_payment_succeeded": _on_async_payment_succeeded,
    "checkout.session.async_payment_failed": _on_async_payment_failed,
    "checkout.session.expired": _on_session_expired,
    "payment_intent.payment_failed": _on_payment_failed,
    "charge.refunded": _on_charge_refunded,
    "refund.updated": _on_refund_updated,
    "charge.dispute.created": _on_dispute_created,
}


def _awaits_card(order: Order) -> bool:
    return order.status is OrderStatus.PENDING_PAYMENT and order.payment_method is PaymentMethod.CARD
