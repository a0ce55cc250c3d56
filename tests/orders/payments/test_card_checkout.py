"""Paying by card through Stripe Checkout, as the customer sees it: the payment page made with the
catalogue's amounts, tried again, closed when the order is cancelled or switched to a bank transfer,
and the settings card payments need.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from orders.errors import CardPaymentNotPossible
from orders.models import FulfilmentStatus, Order, OrderStatus, Payment, PaymentMethod
from orders.payments.checkout import switch_to_bank_transfer
from orders.payments.models import CardCheckoutStatus
from shop.config import ConfigError, check_stripe
from shop.db import db, utcnow
from tests.conftest import CSRF_FIELD, csrf_token
from tests.factories.catalogue import make_product, make_variant
from tests.factories.producers import make_community, make_locker
from tests.factories.shop import make_operator
from tests.fake_stripe import FakeStripe
from tests.helpers import count, fresh, mails_to, stock
from tests.orders.payments.cards import (
    TOTAL,
    pay_and_notify,
    place_card_order,
    post_event,
    session_id_of,
    start,
)


def checkout_form(client: FlaskClient, goods: dict[str, Any], **changes: Any) -> dict[str, Any]:
    html = client.get("/uzsakymas").get_data(as_text=True)
    data = {
        "csrf_token": CSRF_FIELD.search(html).group(1),
        "idempotency_key": re.search(
            r'name="idempotency_key" type="hidden" value="([0-9a-f]{32})"', html
        ).group(1),
        "name": "Rasa Petraitienė",
        "email": "rasa@example.com",
        "phone": "8 612 34567",
        f"delivery_{goods['krakes'].id}": "pickup",
        f"delivery_{goods['pagiriai'].id}": "omniva",
        f"locker_{goods['pagiriai'].id}": str(make_locker(name="Kėdainių Maxima").id),
        "payment_method": "card",
        "accept_terms": "y",
        "accept_privacy": "y",
    }
    return {**data, **changes}


def fill_cart(client: FlaskClient, goods: dict[str, Any]) -> None:
    for product, variant, quantity in (
        (goods["star"], goods["star"].variants[0], 2),
        (goods["star"], goods["star"].variants[1], 1),
        (goods["card"], goods["card"].variants[0], 1),
    ):
        client.post(
            "/krepselis/prideti",
            data={"variant_id": variant.id, "quantity": quantity},
            headers={"Referer": f"http://localhost/produktai/{product.slug}"},
        )


def test_a_customer_pays_by_card_and_each_community_is_told_once(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    fill_cart(card_client, goods)
    page = card_client.get("/uzsakymas").get_data(as_text=True)
    assert "Kortele (Visa, Mastercard" in page

    # A price sent by the browser is ignored: Stripe is asked for the catalogue's amounts.
    response = card_client.post("/uzsakymas", data=checkout_form(card_client, goods, price_cents="1"))
    assert response.status_code == 303
    assert response.location.startswith(f"{fake_stripe.base}/pay/cs_test_")

    db.session.rollback()
    order = db.session.scalars(select(Order)).one()
    (create,) = fake_stripe.calls_to("POST", "/v1/checkout/sessions")
    form = create.form
    assert create.headers["Idempotency-Key"] == order.card_checkouts[0].idempotency_key
    assert re.fullmatch(rf"checkout-{order.id}-1-[0-9a-f]{{8}}", order.card_checkouts[0].idempotency_key)
    assert form["mode"] == "payment"
    assert form["client_reference_id"] == order.number
    assert form["metadata[order_id]"] == str(order.id)
    assert form["metadata[order_number]"] == order.number
    assert form["payment_intent_data[transfer_group]"] == order.number
    assert form["customer_email"] == "rasa@example.com" and form["locale"] == "lt"
    amounts = sorted(
        int(form[f"line_items[{i}][price_data][unit_amount]"]) * int(form[f"line_items[{i}][quantity]"])
        for i in range(4)
    )
    assert amounts == [299, 900, 1100, 1250] and sum(amounts) == TOTAL == order.total_cents
    assert {form[f"line_items[{i}][price_data][currency]"] for i in range(4)} == {"eur"}
    expires_in = int(form["expires_at"]) - time.time()
    assert 30 * 60 <= expires_in <= 24 * 3600
    assert mails_to("rasa@example.com") == []  # no bank details for a card payer

    event = pay_and_notify(card_client, fake_stripe, response.location)
    order = fresh(Order, order.id)
    assert order.status is OrderStatus.PAID
    assert [f.status for f in order.fulfilments] == [FulfilmentStatus.NEW, FulfilmentStatus.NEW]
    (payment,) = order.payments
    assert (payment.method, payment.amount_cents) == (PaymentMethod.CARD, TOTAL)
    assert (
        payment.stripe_payment_intent
        == fake_stripe.sessions[session_id_of(response.location)]["payment_intent"]
    )
    customer_mails = mails_to("rasa@example.com")
    assert [m.dedup_key for m in customer_mails] == [f"order-paid:{order.id}"]
    assert len(mails_to(goods["krakes"].email)) == len(mails_to(goods["pagiriai"].email)) == 1

    # Stripe delivers the same event again: nothing happens twice.
    again = post_event(card_client, event)
    assert again.status_code == 200 and again.get_data(as_text=True).strip() == "duplicate"
    assert count(Payment) == 1 and len(mails_to("rasa@example.com")) == 1

    # Back from Stripe, the customer sees the true state.
    back = card_client.get(f"/uzsakymai/{order.public_token}/kortele", follow_redirects=True)
    assert "Apmokėtas" in back.get_data(as_text=True) or "Apmokėta" in back.get_data(as_text=True)


def test_without_stripe_keys_nothing_about_cards_shows(client: FlaskClient, app: Flask) -> None:
    make_operator()
    product = make_product(make_community(), variants=[make_variant(price_cents=450, stock=5)])
    client.post(
        "/krepselis/prideti",
        data={
            "variant_id": product.variants[0].id,
            "quantity": 1,
        },
        headers={"Referer": f"http://localhost/produktai/{product.slug}"},
    )
    page = client.get("/uzsakymas").get_data(as_text=True)
    assert 'value="bank_transfer"' in page
    assert "Stripe" not in page and 'value="card"' not in page
    assert client.post("/stripe/webhook", data="{}").status_code == 400


def test_a_failed_or_abandoned_payment_can_be_tried_again_on_the_same_open_page(
    card_shop: Flask, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    first = start(order)
    assert start(order) == first  # still open: back to the same page, no second session
    assert len(fake_stripe.calls_to("POST", "/v1/checkout/sessions")) == 1


def test_stripe_failing_while_the_page_is_made_keeps_the_order_and_a_retry_works(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    fake_stripe.fail("POST", "/v1/checkout/sessions", status=500, times=5)
    response = card_client.post(
        f"/uzsakymai/{order.public_token}/moketi-kortele",
        data={"csrf_token": csrf_token(card_client, f"/uzsakymai/{order.public_token}")},
    )
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "Mokėjimų kortele paslauga neatsakė" in text and "Traceback" not in text
    assert fresh(Order, order.id).status is OrderStatus.PENDING_PAYMENT
    assert stock(goods["star"].variants[0]) == 8  # still reserved for this customer
    assert [c.status for c in fresh(Order, order.id).card_checkouts] == [CardCheckoutStatus.FAILED]

    fake_stripe._failures.clear()  # Stripe is back
    retry = card_client.post(
        f"/uzsakymai/{order.public_token}/moketi-kortele",
        data={"csrf_token": csrf_token(card_client, f"/uzsakymai/{order.public_token}")},
    )
    assert retry.status_code == 303 and retry.location.startswith(f"{fake_stripe.base}/pay/")
    keys = [c.headers["Idempotency-Key"] for c in fake_stripe.calls_to("POST", "/v1/checkout/sessions")]
    first, second = fresh(Order, order.id).card_checkouts
    assert keys == [first.idempotency_key] * 2 + [second.idempotency_key]  # the library retried once
    assert second.attempt == 2 and second.idempotency_key != first.idempotency_key  # Stripe keeps failures


def test_stripe_timing_out_while_the_page_is_made_is_a_clear_message_and_a_retry_works(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    fake_stripe.hang("POST", "/v1/checkout/sessions", seconds=3, times=2)
    token = csrf_token(card_client, f"/uzsakymai/{order.public_token}")
    response = card_client.post(f"/uzsakymai/{order.public_token}/moketi-kortele", data={"csrf_token": token})
    assert response.status_code == 503
    assert fresh(Order, order.id).status is OrderStatus.PENDING_PAYMENT
    retry = card_client.post(f"/uzsakymai/{order.public_token}/moketi-kortele", data={"csrf_token": token})
    assert retry.status_code == 303


def test_a_page_about_to_expire_is_closed_before_a_new_one_so_only_one_can_be_paid(
    card_shop: Flask, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    first = session_id_of(start(order))
    with time_machine.travel(utcnow() + timedelta(minutes=32)):
        second = session_id_of(start(order))
    assert second != first
    assert [fake_stripe.sessions[s]["status"] for s in (first, second)] == ["expired", "open"]
    assert [c.status for c in fresh(Order, order.id).card_checkouts] == [
        CardCheckoutStatus.EXPIRED,
        CardCheckoutStatus.OPEN,
    ]


def test_no_new_page_while_a_delayed_payment_is_on_its_way(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    pay_and_notify(card_client, fake_stripe, start(order), asynchronous=True)
    with pytest.raises(CardPaymentNotPossible):
        start(order)
    with pytest.raises(CardPaymentNotPossible):
        switch_to_bank_transfer(order.id)
    token = csrf_token(card_client, "/prisijungti")  # the order's page offers no button now
    card_client.post(f"/uzsakymai/{order.public_token}/atsaukti", data={"csrf_token": token})
    assert fresh(Order, order.id).status is OrderStatus.PENDING_PAYMENT  # the bank's answer decides


def test_cancelling_a_card_order_closes_its_payment_page(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    session_id = session_id_of(start(order))
    token = csrf_token(card_client, f"/uzsakymai/{order.public_token}")
    page = card_client.post(
        f"/uzsakymai/{order.public_token}/atsaukti", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Užsakymas atšauktas. Nieko nesate skolingi." in page.get_data(as_text=True)
    assert fake_stripe.sessions[session_id]["status"] == "expired"
    assert fresh(Order, order.id).status is OrderStatus.CANCELLED and stock(goods["star"].variants[0]) == 10
    with pytest.raises(ValueError, match="cannot be paid"):
        fake_stripe.pay(session_id)


def test_switching_to_bank_transfer_closes_the_card_page_and_mails_the_bank_details(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    session_id = session_id_of(start(order))
    token = csrf_token(card_client, f"/uzsakymai/{order.public_token}")
    response = card_client.post(
        f"/uzsakymai/{order.public_token}/pavedimu", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Sumokėkite bankiniu pavedimu" in response.get_data(as_text=True)
    assert fake_stripe.sessions[session_id]["status"] == "expired"
    order = fresh(Order, order.id)
    assert order.payment_method is PaymentMethod.BANK_TRANSFER
    # held as any transfer is: TRANSFER_HOLD_HOURS, or until the deadline once the customer says they paid
    assert timedelta(hours=23) < order.expires_at - utcnow() <= timedelta(hours=24)
    assert [m.dedup_key for m in mails_to("rasa@example.com")] == [f"order-placed:{order.id}"]
    # Stripe's expiry event for the closed page does not cancel the transfer order.
    post_event(card_client, fake_stripe.event("checkout.session.expired", fake_stripe.sessions[session_id]))
    assert fresh(Order, order.id).status is OrderStatus.PENDING_PAYMENT


def test_switching_after_paying_on_the_page_keeps_the_payment(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    fake_stripe.pay(session_id_of(start(order)))  # paid a moment ago; the webhook is still on its way
    token = csrf_token(card_client, f"/uzsakymai/{order.public_token}")
    page = card_client.post(
        f"/uzsakymai/{order.public_token}/pavedimu", data={"csrf_token": token}, follow_redirects=True
    )
    assert "daugiau mokėti nieko nereikia" in page.get_data(as_text=True)
    order = fresh(Order, order.id)
    assert (order.status, order.payment_method) == (OrderStatus.PAID, PaymentMethod.CARD)


def test_switching_after_stripe_expired_the_page_keeps_the_order_for_a_transfer(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    session_id = session_id_of(start(order))
    fake_stripe.sessions[session_id]["status"] = "expired"  # Stripe's webhook about it is still on its way
    token = csrf_token(card_client, f"/uzsakymai/{order.public_token}")
    page = card_client.post(
        f"/uzsakymai/{order.public_token}/pavedimu", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Sumokėkite bankiniu pavedimu" in page.get_data(as_text=True)
    order = fresh(Order, order.id)
    assert (order.status, order.payment_method) == (OrderStatus.PENDING_PAYMENT, PaymentMethod.BANK_TRANSFER)


def test_a_free_basket_is_not_offered_card_payment(card_shop: Flask, goods: dict[str, Any]) -> None:
    from orders.views.storefront.cart import payment_methods

    with card_shop.test_request_context():
        assert payment_methods(0) == [PaymentMethod.BANK_TRANSFER]
        assert payment_methods(1) == [PaymentMethod.CARD, PaymentMethod.BANK_TRANSFER]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"STRIPE_SECRET_KEY": "pk_test_x", "STRIPE_WEBHOOK_SECRET": "whsec_x"}, "secret key"),
        ({"STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": ""}, "STRIPE_WEBHOOK_SECRET"),
        ({"STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": "abc"}, "STRIPE_WEBHOOK_SECRET"),
        (
            {
                "STRIPE_SECRET_KEY": "sk_test_x",
                "STRIPE_WEBHOOK_SECRET": "whsec_x",
                "CARD_CHECKOUT_MINUTES": 10,
            },
            "CARD_CHECKOUT_MINUTES",
        ),
    ],
)
def test_card_payments_refuse_to_start_half_configured(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        check_stripe({"CARD_CHECKOUT_MINUTES": 35, **settings})


def test_no_stripe_key_means_bank_transfer_only() -> None:
    check_stripe({"STRIPE_SECRET_KEY": "", "STRIPE_WEBHOOK_SECRET": ""})
