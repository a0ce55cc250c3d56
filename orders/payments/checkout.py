"""Card checkout: a Stripe Checkout page per payment attempt, closing it, switching to a bank transfer,
and asking Stripe when its word (a webhook) is late."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from orders.errors import CardPaymentNotPossible, OrderNotFound, PaymentServiceUnavailable
from orders.lifecycle import cancel_unpaid, list_unpaid_past_deadline, lock_order
from orders.models import CancelReason, Order, OrderStatus, PaymentMethod
from orders.payments import gateway
from orders.payments.alerts import Mails
from orders.payments.gateway import CURRENCY
from orders.payments.models import CardCheckout, CardCheckoutStatus
from orders.payments.webhooks import _awaits_card, _on_session_completed, _on_session_expired, _timestamp
from orders.placing import CARD_GRACE, mail_transfer_instructions, payment_deadline
from shop import outbox
from shop.db import db, transaction, utcnow

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
        session = gateway.create_checkout_session(params, idempotency_key=key)
    except (gateway.StripeUnavailable, gateway.StripeRefused) as error:
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
        gateway.expire_checkout_session(session_id)
    except gateway.StripeRefused:  # complete or expired already: it may have been paid a moment ago
        refresh_from_stripe(order_id, session_id)
        return
    except gateway.StripeUnavailable:  # it expires by itself; a payment on it still counts
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
        messages.append(mail_transfer_instructions(order))
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
        session = gateway.retrieve_checkout_session(session_id)
    except gateway.StripeUnavailable:
        return False
    except gateway.StripeRefused as error:
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
