"""Stripe's webhooks about card payments: only signed, fresh events count; each is applied once, in any
order and all at once; a payment of the wrong amount or currency is flagged for staff, not paid.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from orders.models import Order, OrderStatus, Payment, Refund
from orders.payments.models import AlertKind, CardCheckoutStatus, PaymentAlert, StripeEvent
from shop.db import utcnow
from shop.models import OutboxMessage
from tests.fake_stripe import FakeStripe, signed
from tests.helpers import count, fresh, mails_to, stock
from tests.orders.payments.cards import (
    TOTAL,
    WEBHOOK_SECRET,
    pay_and_notify,
    place_card_order,
    post_event,
    session_id_of,
    start,
)


@pytest.mark.parametrize(
    "tamper",
    ["no signature", "wrong secret", "body changed after signing", "signed 301 s ago"],
)
def test_a_webhook_without_a_valid_fresh_signature_is_refused_and_changes_nothing(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe, tamper: str
) -> None:
    order = place_card_order(goods)
    session = fake_stripe.pay(session_id_of(start(order)))
    event = fake_stripe.event("checkout.session.completed", session)
    payload, signature = signed(event, WEBHOOK_SECRET, age_s=301 if tamper == "signed 301 s ago" else 0)
    if tamper == "wrong secret":
        _, signature = signed(event, "whsec_someone_else")
    if tamper == "body changed after signing":
        payload = payload.replace(str(TOTAL), "1")
    headers = {"Content-Type": "application/json"}
    if tamper != "no signature":
        headers["Stripe-Signature"] = signature
    response = card_client.post("/stripe/webhook", data=payload, headers=headers)
    assert response.status_code == 400
    assert count(StripeEvent) == 0
    assert fresh(Order, order.id).status is OrderStatus.PENDING_PAYMENT


def test_the_webhook_is_the_only_route_without_csrf(card_client: FlaskClient, goods: dict[str, Any]) -> None:
    order = place_card_order(goods)
    for path in (
        f"/uzsakymai/{order.public_token}/moketi-kortele",
        f"/uzsakymai/{order.public_token}/pavedimu",
    ):
        assert card_client.post(path).status_code == 400


def test_the_same_event_delivered_ten_times_at_once_pays_once(
    card_shop: Flask, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    session = fake_stripe.pay(session_id_of(start(order)))
    event = fake_stripe.event("checkout.session.completed", session)

    def deliver(_: int) -> str:
        response = post_event(card_shop.test_client(), event)
        assert response.status_code == 200
        return response.get_data(as_text=True).strip()

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = sorted(pool.map(deliver, range(10)))
    assert outcomes == ["applied"] + ["duplicate"] * 9
    assert count(Payment) == 1 and count(StripeEvent) == 1
    assert fresh(Order, order.id).status is OrderStatus.PAID
    assert len(mails_to("rasa@example.com")) == 1


def test_different_events_of_one_order_arriving_together_are_all_applied(
    card_shop: Flask, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    session = fake_stripe.pay(session_id_of(start(order)))
    charge = fake_stripe.charges[fake_stripe.payment_intents[session["payment_intent"]]["latest_charge"]]
    events = [
        fake_stripe.event("checkout.session.completed", session),
        fake_stripe.event("charge.refunded", charge | {"amount_refunded": 300}),
        fake_stripe.event(
            "charge.dispute.created",
            {"id": "dp_1", "object": "dispute", "amount": 500, "payment_intent": session["payment_intent"]}
            | {"metadata": {"order_id": str(order.id)}},
        ),
    ]

    def deliver(event: dict[str, Any]) -> int:
        return post_event(card_shop.test_client(), event).status_code

    with ThreadPoolExecutor(max_workers=9) as pool:
        assert list(pool.map(deliver, events * 3)) == [200] * 9
    order = fresh(Order, order.id)
    assert order.status is OrderStatus.PAID and count(StripeEvent) == 3
    assert sorted(a.kind.value for a in order.payment_alerts) == ["dispute", "refunded_at_stripe"]


def test_mail_of_a_paid_order_goes_out_with_the_webhooks_answer(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    session = fake_stripe.pay(session_id_of(start(order)))
    response = post_event(card_client, fake_stripe.event("checkout.session.completed", session))
    assert response.status_code == 200
    assert {m.status.value for m in mails_to("rasa@example.com")} == {"sent"}
    assert {m.status.value for m in mails_to(goods["krakes"].email)} == {"sent"}


def test_an_amount_that_is_not_the_orders_is_flagged_for_staff_not_paid(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    pay_and_notify(card_client, fake_stripe, start(order), amount_total=TOTAL - 100)
    order = fresh(Order, order.id)
    assert order.status is OrderStatus.PENDING_PAYMENT and order.payments == []
    assert order.latest_card_checkout.status is CardCheckoutStatus.MISMATCH
    (alert,) = order.payment_alerts
    assert (alert.kind, alert.amount_cents) == (AlertKind.AMOUNT_MISMATCH, TOTAL - 100)
    assert count(OutboxMessage, OutboxMessage.dedup_key == f"payment-alert:{alert.id}") == 1
    page = card_client.get(f"/uzsakymai/{order.public_token}").get_data(as_text=True)
    assert "Gavome mokėjimą ir jį tikriname" in page


def test_a_payment_in_another_currency_is_flagged_too(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    pay_and_notify(card_client, fake_stripe, start(order), currency="usd")
    assert fresh(Order, order.id).status is OrderStatus.PENDING_PAYMENT
    assert count(PaymentAlert, PaymentAlert.kind == AlertKind.AMOUNT_MISMATCH) == 1


def test_an_expired_page_gives_the_stock_back_and_a_late_expiry_changes_nothing(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    star = goods["star"].variants[0]
    expiring = place_card_order(goods, key="expiring")
    session_id = session_id_of(start(expiring))
    assert stock(star) == 8
    fake_stripe.sessions[session_id]["status"] = "expired"
    post_event(card_client, fake_stripe.event("checkout.session.expired", fake_stripe.sessions[session_id]))
    expiring = fresh(Order, expiring.id)
    assert expiring.status is OrderStatus.CANCELLED and stock(star) == 10
    assert [m.dedup_key for m in mails_to("rasa@example.com")] == [f"order-expired:{expiring.id}"]

    paid = place_card_order(goods, key="paid")
    url = start(paid)
    event = pay_and_notify(card_client, fake_stripe, url)
    late = fake_stripe.event("checkout.session.expired", event["data"]["object"] | {"status": "expired"})
    post_event(card_client, late)
    assert fresh(Order, paid.id).status is OrderStatus.PAID and stock(star) == 8


def test_a_decline_after_payment_and_events_in_any_order_end_in_the_same_state(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    session = fake_stripe.pay(session_id_of(start(order)))
    intent = fake_stripe.payment_intents[session["payment_intent"]]
    charge = fake_stripe.charges[intent["latest_charge"]] | {"amount_refunded": 500, "refunded": False}
    # The refund arrives first, then the completion, then an old decline.
    post_event(card_client, fake_stripe.event("charge.refunded", charge))
    post_event(card_client, fake_stripe.event("checkout.session.completed", session))
    failed = intent | {"status": "requires_payment_method", "last_payment_error": {"code": "card_declined"}}
    post_event(card_client, fake_stripe.event("payment_intent.payment_failed", failed))
    order = fresh(Order, order.id)
    assert order.status is OrderStatus.PAID
    assert [r.amount_cents for r in order.refunds] == [500]
    assert [a.kind for a in order.payment_alerts] == [AlertKind.REFUNDED_AT_STRIPE]


def test_a_delayed_payment_waits_then_fails_and_the_customer_can_try_again(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    event = pay_and_notify(card_client, fake_stripe, start(order), asynchronous=True)
    order = fresh(Order, order.id)
    assert order.status is OrderStatus.PENDING_PAYMENT and order.expires_at is None
    assert order.latest_card_checkout.status is CardCheckoutStatus.PROCESSING
    page = card_client.get(f"/uzsakymai/{order.public_token}").get_data(as_text=True)
    assert "Jūsų mokėjimą tvarko bankas" in page

    post_event(
        card_client, fake_stripe.event("checkout.session.async_payment_failed", event["data"]["object"])
    )
    order = fresh(Order, order.id)
    assert order.latest_card_checkout.status is CardCheckoutStatus.FAILED
    assert order.expires_at is not None and order.expires_at > utcnow() + timedelta(hours=23)
    assert any(m.dedup_key.startswith("card-payment-failed:") for m in mails_to("rasa@example.com"))

    second = start(order)
    assert second != event["data"]["object"]["url"]
    session = fake_stripe.pay(session_id_of(second), asynchronous=True)
    post_event(card_client, fake_stripe.event("checkout.session.completed", session))
    fake_stripe.sessions[session["id"]]["payment_status"] = "paid"
    succeeded = fake_stripe.event(
        "checkout.session.async_payment_succeeded", fake_stripe.sessions[session["id"]]
    )
    post_event(card_client, succeeded)
    assert fresh(Order, order.id).status is OrderStatus.PAID
    assert [c.status for c in fresh(Order, order.id).card_checkouts] == [
        CardCheckoutStatus.FAILED,
        CardCheckoutStatus.PAID,
    ]


def test_refund_rows_are_untouched_by_unrelated_events(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    response = post_event(
        card_client, fake_stripe.event("customer.created", {"id": "cus_1", "object": "customer"})
    )
    assert response.status_code == 200 and response.get_data(as_text=True).strip() == "ignored"
    assert count(Refund) == 0 and count(StripeEvent) == 1


@pytest.mark.parametrize("order_id", ["²", "9" * 5000, "-1", "", "12a"])
def test_an_event_with_odd_metadata_is_answered_and_ignored(
    card_client: FlaskClient, fake_stripe: FakeStripe, order_id: str
) -> None:
    event = fake_stripe.event(
        "checkout.session.completed",
        {"id": "cs_x", "object": "checkout.session", "metadata": {"order_id": order_id}},
    )
    response = post_event(card_client, event)
    assert response.status_code == 200 and response.get_data(as_text=True).strip() == "ignored"
