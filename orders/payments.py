"""Card payments through Stripe Checkout, and Stripe's webhook events: the order's money, as Stripe sees it.

One basket is one order and one payment: the customer pays on Stripe's hosted page (strong customer
authentication and wallets included; no card data ever reaches us). The money stays with the VVG's
Stripe account until each community's payout (separate charges and transfers, `transfer_group` = the
order number). Stripe's word comes by webhook, in any order and possibly twice; the customer's return
and the expiry job ask Stripe directly. All three go through the same `_apply_session`, and every
change is guarded by the order's state, so the order ends the same whatever arrives first.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from orders import stripe_gateway
from orders.models import (
    AlertKind,
    CancelReason,
    CardCheckout,
    CardCheckoutStatus,
    Order,
    OrderStatus,
    Payment,
    PaymentAlert,
    PaymentMethod,
    Refund,
    RefundStatus,
    StripeEvent,
)
from orders.services import (
    CARD_GRACE,
    OrderNotFound,
    OrderProblem,
    cancel_unpaid,
    list_unpaid_past_deadline,
    lock_order,
    mail_customer,
    payment_deadline,
    record_payment,
)
from shop import audit, outbox
from shop.db import db, transaction, utcnow
from shop.models import Operator, OutboxMessage, User

CURRENCY = "eur"
Mails = list[OutboxMessage | None]


class PaymentServiceUnavailable(OrderProblem):
    """Stripe did not answer (or failed): the order is kept as it was; the customer may try again."""


class CardPaymentNotPossible(OrderProblem):
    """The order is not waiting for a card payment (paid, cancelled, or to be paid by transfer)."""

    def __init__(self, status: OrderStatus) -> None:
        super().__init__(status)
        self.status = status


# --- The customer pays ------------------------------------------------------------------------------


def start_card_payment(order_id: int, *, success_url: str, cancel_url: str) -> str:
    """The address of Stripe's payment page for this order: the page still open, or a new attempt's.

    Stripe is called outside any transaction with the attempt's idempotency key, so a repeat after a
    crash gets the same page. If Stripe fails, the attempt is marked failed and the order kept as it was.
    Never two pages open at once: one about to expire is closed at Stripe before the next is made.
    """
    _close_page_about_to_expire(order_id)
    now = utcnow()
    with transaction():
        order = lock_order(order_id)
        if order is None:
            raise OrderNotFound(order_id)
        _check_card_payable(order)
        latest = order.latest_card_checkout
        if latest is not None and latest.status is CardCheckoutStatus.OPEN and _expires_after(latest, now):
            return latest.url
        if latest is not None and _retryable(latest, now):
            checkout = latest
        else:
            if latest is not None and latest.status is CardCheckoutStatus.CREATING:
                latest.move_to(CardCheckoutStatus.FAILED)  # a try that never came back
            attempt = latest.attempt + 1 if latest else 1
            checkout = CardCheckout(
                attempt=attempt,
                amount_cents=order.total_cents,
                idempotency_key=f"checkout-{order.id}-{attempt}-{secrets.token_hex(4)}",
                created_at=now,
            )
            order.card_checkouts.append(checkout)
        db.session.flush()
        checkout_id, key = checkout.id, checkout.idempotency_key
        params = _session_params(order, checkout, success_url=success_url, cancel_url=cancel_url)
    try:
        session = stripe_gateway.create_checkout_session(params, idempotency_key=key)
    except (stripe_gateway.StripeUnavailable, stripe_gateway.StripeRefused) as error:
        with transaction():  # the next try is a new attempt: Stripe keeps a failed answer under its key
            db.session.execute(
                update(CardCheckout)
                .where(CardCheckout.id == checkout_id, CardCheckout.status == CardCheckoutStatus.CREATING)
                .values(status=CardCheckoutStatus.FAILED, last_error=str(error)[:300])
            )
        raise PaymentServiceUnavailable() from error
    with transaction():
        order = lock_order(order_id)
        assert order is not None
        checkout = db.session.get_one(CardCheckout, checkout_id)
        checkout.session_id = session["id"]
        checkout.url = session["url"]
        checkout.expires_at = _timestamp(session["expires_at"]) or utcnow()
        wanted = checkout.status is CardCheckoutStatus.CREATING and _awaits_card(order)
        if wanted:
            checkout.move_to(CardCheckoutStatus.OPEN)
            order.expires_at = checkout.expires_at + CARD_GRACE
        elif checkout.status is CardCheckoutStatus.CREATING:
            checkout.move_to(CardCheckoutStatus.EXPIRED)  # switched or cancelled while Stripe was asked
        status = order.status
    if not wanted:
        _expire_at_stripe(order_id, session["id"])
        raise CardPaymentNotPossible(status)
    return str(session["url"])


def close_card_payment(order_id: int) -> None:
    """Before the customer switches to a transfer or cancels: no page of this order may still be paid.

    The open page is expired at Stripe; if Stripe says it was paid (or expired) meanwhile, that is
    applied first. A delayed payment on its way cannot be stopped: `CardPaymentNotPossible`.
    """
    checkouts = db.session.scalars(
        select(CardCheckout).where(CardCheckout.order_id == order_id).order_by(CardCheckout.attempt)
    ).all()
    if any(checkout.status is CardCheckoutStatus.PROCESSING for checkout in checkouts):
        raise CardPaymentNotPossible(OrderStatus.PENDING_PAYMENT)
    open_sessions = [c.session_id for c in checkouts if c.status is CardCheckoutStatus.OPEN and c.session_id]
    db.session.rollback()  # no transaction stays open while Stripe is asked
    for session_id in open_sessions:
        _expire_at_stripe(order_id, session_id)


def _close_page_about_to_expire(order_id: int) -> None:
    """A page with minutes left is closed before a fresh one is made, so that only one can be paid."""
    latest = db.session.scalar(
        select(CardCheckout).where(CardCheckout.order_id == order_id).order_by(CardCheckout.attempt.desc())
    )
    due = (
        latest is not None
        and latest.status is CardCheckoutStatus.OPEN
        and latest.session_id is not None
        and not _expires_after(latest, utcnow() + timedelta(minutes=5))
    )
    session_id = latest.session_id if latest is not None else None
    db.session.rollback()
    if due and session_id:
        _expire_at_stripe(order_id, session_id)


def _expire_at_stripe(order_id: int, session_id: str) -> None:
    """Close one payment page at Stripe; if it is no longer open, apply what became of it."""
    try:
        stripe_gateway.expire_checkout_session(session_id)
    except stripe_gateway.StripeRefused:  # complete or expired already: it may have been paid a moment ago
        refresh_from_stripe(order_id, session_id)
        return
    except stripe_gateway.StripeUnavailable:  # it expires by itself; a payment on it still counts
        current_app.logger.warning("Could not close Stripe session %s of order %s", session_id, order_id)
        return
    with transaction():
        db.session.execute(
            update(CardCheckout)
            .where(CardCheckout.session_id == session_id, CardCheckout.status == CardCheckoutStatus.OPEN)
            .values(status=CardCheckoutStatus.EXPIRED)
        )


def _check_card_payable(order: Order) -> None:
    if not _awaits_card(order) or order.total_cents <= 0:
        raise CardPaymentNotPossible(order.status)
    if any(checkout.status is CardCheckoutStatus.PROCESSING for checkout in order.card_checkouts):
        raise CardPaymentNotPossible(order.status)  # a delayed payment is on its way: wait for the bank


def _awaits_card(order: Order) -> bool:
    return order.status is OrderStatus.PENDING_PAYMENT and order.payment_method is PaymentMethod.CARD


def _expires_after(checkout: CardCheckout, moment: datetime) -> bool:
    return checkout.expires_at is not None and checkout.expires_at > moment


def _retryable(checkout: CardCheckout, now: datetime) -> bool:
    """A try cut short just now (a crash, a double click): repeat it with the same key and parameters."""
    return checkout.status is CardCheckoutStatus.CREATING and checkout.created_at > now - timedelta(minutes=1)


def _session_params(
    order: Order, checkout: CardCheckout, *, success_url: str, cancel_url: str
) -> dict[str, Any]:
    """What Stripe shows and charges, built from the order's stored prices, never from the browser."""
    english = order.language == "en"
    line_items: list[dict[str, Any]] = []
    for fulfilment in order.fulfilments:
        for line in fulfilment.lines:
            name = (line.product_name_en if english else "") or line.product_name_lt
            variant = (line.variant_name_en if english else "") or line.variant_name_lt
            line_items.append(
                _line_item(f"{name} · {variant}" if variant else name, line.unit_price_cents, line.quantity)
            )
        if fulfilment.delivery_cents:
            label = "Delivery from" if english else "Pristatymas iš"
            line_items.append(
                _line_item(f"{label}: {fulfilment.community.name}", fulfilment.delivery_cents, 1)
            )
    if sum(item["price_data"]["unit_amount"] * item["quantity"] for item in line_items) != order.total_cents:
        raise RuntimeError(f"order {order.number}: its lines do not add up to its total")
    metadata = {"order_id": str(order.id), "order_number": order.number}
    minutes = current_app.config["CARD_CHECKOUT_MINUTES"]
    return {
        "mode": "payment",
        "line_items": line_items,
        "client_reference_id": order.number,
        "customer_email": order.email,
        "locale": "en" if english else "lt",
        "metadata": {**metadata, "attempt": str(checkout.attempt)},
        "payment_intent_data": {
            "transfer_group": order.number,
            "description": order.number,
            "metadata": metadata,
        },
        # From the attempt's own start, so that a repeat sends the very same parameters under its key.
        "expires_at": int((checkout.created_at + timedelta(minutes=minutes)).timestamp()),
        "success_url": success_url,
        "cancel_url": cancel_url,
    }


def _line_item(name: str, unit_cents: int, quantity: int) -> dict[str, Any]:
    return {
        "quantity": quantity,
        "price_data": {"currency": CURRENCY, "unit_amount": unit_cents, "product_data": {"name": name[:250]}},
    }


def switch_to_bank_transfer(order_id: int) -> Order:
    """The customer would rather pay by transfer: the card page is closed and the bank details mailed.

    The order becomes a transfer order first, so a page that expired meanwhile cannot cancel it; if Stripe
    says the page was paid meanwhile, the order is marked paid instead and returned as such.
    """
    messages: Mails = []
    with transaction():
        order = lock_order(order_id)
        if order is None:
            raise OrderNotFound(order_id)
        if not _awaits_card(order):
            raise CardPaymentNotPossible(order.status)
        if any(checkout.status is CardCheckoutStatus.PROCESSING for checkout in order.card_checkouts):
            raise CardPaymentNotPossible(order.status)
        open_sessions = [
            checkout.session_id
            for checkout in order.card_checkouts
            if checkout.status is CardCheckoutStatus.OPEN and checkout.session_id
        ]
        for checkout in order.card_checkouts:
            if checkout.status in {CardCheckoutStatus.OPEN, CardCheckoutStatus.CREATING}:
                checkout.move_to(CardCheckoutStatus.EXPIRED)
        order.payment_method = PaymentMethod.BANK_TRANSFER
        order.expires_at = payment_deadline(PaymentMethod.BANK_TRANSFER, utcnow())
        messages.append(mail_customer(order, event="order-placed", template="order_placed"))
    outbox.send_now(messages)
    for session_id in open_sessions:
        _expire_at_stripe(order_id, session_id)
    order = db.session.get_one(Order, order_id)
    db.session.refresh(order)
    return order


def refresh_from_stripe(order_id: int, session_id: str | None = None) -> bool:
    """Ask Stripe about a payment page of the order (its latest) and apply what it says, as its webhook would.

    For the customer's return from Stripe and for the expiry job. False if Stripe could not be asked.
    """
    if session_id is None:
        session_id = db.session.scalar(
            select(CardCheckout.session_id)
            .where(CardCheckout.order_id == order_id, CardCheckout.session_id.is_not(None))
            .order_by(CardCheckout.attempt.desc())
            .limit(1)
        )
    db.session.rollback()  # no transaction stays open while Stripe is asked
    if session_id is None:
        return True
    try:
        session = stripe_gateway.retrieve_checkout_session(session_id)
    except stripe_gateway.StripeUnavailable:
        return False
    except stripe_gateway.StripeRefused as error:
        current_app.logger.warning("Stripe does not know session %s: %s", session_id, error)
        return True
    handler = {"complete": _on_session_completed, "expired": _on_session_expired}.get(
        str(session.get("status"))
    )
    if handler is None:
        return True  # still open: nothing to change
    with transaction():
        order = lock_order(order_id)
        assert order is not None
        messages = handler(order, session)
    outbox.send_now(messages)
    return True


def settle_stale_card_orders(now: datetime | None = None) -> int:
    """For cron: card orders unpaid past their deadline are checked with Stripe, then cancelled if unpaid.

    An order Stripe cannot be asked about now is left for the next run. Returns how many were cancelled.
    """
    now = now or utcnow()
    cancelled = 0
    for order_id in list_unpaid_past_deadline(PaymentMethod.CARD, now):
        if not refresh_from_stripe(order_id):  # the page's expiry may cancel the order right here
            continue  # Stripe is away: it may have taken the money; ask again on the next run
        messages: Mails | None = None
        with transaction():
            order = lock_order(order_id)
            if order is not None and order.expires_at is not None and order.expires_at <= now:
                messages = cancel_unpaid(order_id, reason=CancelReason.EXPIRED, by=None)
        outbox.send_now(messages or [])
        cancelled += (
            db.session.scalar(select(Order.status).where(Order.id == order_id)) is OrderStatus.CANCELLED
        )
    return cancelled


def list_open_alerts() -> Sequence[PaymentAlert]:
    """Payments staff must look at, oldest first, with their orders."""
    return db.session.scalars(
        select(PaymentAlert)
        .where(PaymentAlert.resolved_at.is_(None))
        .options(joinedload(PaymentAlert.order))
        .order_by(PaymentAlert.id)
    ).all()


def resolve_alert(alert_id: int, *, by: User | None) -> None:
    """Staff have settled it; closing it twice changes nothing."""
    with transaction():
        closed = db.session.execute(
            update(PaymentAlert)
            .where(PaymentAlert.id == alert_id, PaymentAlert.resolved_at.is_(None))
            .values(resolved_at=utcnow(), resolved_by_id=by.id if by else None)
            .returning(PaymentAlert.kind)
        ).first()
        if closed is not None:
            audit.record(
                "payment_alert.settle", "payment_alert", alert_id, by=by, after={"kind": closed.kind}
            )


# --- Stripe's webhook events ------------------------------------------------------------------------


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
        intent = stripe_gateway.retrieve_payment_intent(payment_intent)
    except stripe_gateway.StripeRefused:
        return None  # not ours
    except stripe_gateway.StripeUnavailable:
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


def raise_alert(order: Order, kind: AlertKind, amount_cents: int, reference: str) -> Mails:
    """Put the order in front of staff, with what happened; the VVG is mailed about it once."""
    alert = PaymentAlert(kind=kind, amount_cents=amount_cents, reference=reference[:255])
    order.payment_alerts.append(alert)
    db.session.flush()
    operator = db.session.scalar(select(Operator).limit(1))
    if operator is None:
        return []
    return [
        outbox.enqueue(
            dedup_key=f"payment-alert:{alert.id}",
            recipient=operator.email,
            template="orders/payment_alert",
            language="lt",  # the VVG's staff work in Lithuanian
            context={"order": order, "alert": alert},
            order_id=order.id,
        )
    ]


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
