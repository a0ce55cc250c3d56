"""Card payments in the tests: the shop's settings for the fake Stripe, webhook events posted as Stripe posts
them, a card order of the `goods` fixture (tests/orders/conftest.py), placed or paid through Stripe, and the
customer's steps: pressing "pay", then paying on Stripe's page.

The real `stripe` library talks HTTP to the project's fake Stripe (tests/fake_stripe/); webhooks are signed
with the secret exactly as Stripe signs them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from orders.models import Order, OrderStatus, PaymentMethod
from orders.payments.checkout import start_card_payment
from tests.factories.orders import OMNIVA, make_order
from tests.fake_stripe import FakeStripe, signed
from tests.helpers import fresh

WEBHOOK_SECRET = "whsec_kaimo_muge_test"
TOTAL = 2 * 450 + 1100 + 1250 + 299  # two small stars, a large one, a card, Omniva for the card's parcel


def stripe_settings(fake: FakeStripe) -> dict[str, Any]:
    return {
        "STRIPE_SECRET_KEY": "sk_test_kaimo_muge",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": fake.base,
        "STRIPE_TIMEOUT_SECONDS": 1.0,
        "STRIPE_MAX_NETWORK_RETRIES": 1,
    }


def place_card_order(
    goods: dict[str, Any],
    key: str = "card-1",
    payment_method: PaymentMethod = PaymentMethod.CARD,
    **overrides: Any,
) -> Order:
    """2 small + 1 large star from Krakės (pickup) and 1 card from Pagiriai by Omniva, to be paid by card."""
    star, card = goods["star"], goods["card"]
    return make_order(
        [(star.variants[0], 2), (star.variants[1], 1), (card.variants[0], 1)],
        deliveries={goods["pagiriai"].id: OMNIVA},
        payment_method=payment_method,
        key=key,
        **overrides,
    )


def post_event(
    client: FlaskClient, event: dict[str, Any], *, secret: str = WEBHOOK_SECRET, age_s: int = 0
) -> Any:
    payload, signature = signed(event, secret, age_s=age_s)
    return client.post(
        "/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
    )


def paid_by_card(client: FlaskClient, fake: FakeStripe, goods: dict[str, Any], key: str = "card-1") -> Order:
    """The card order placed, paid on Stripe's page and confirmed by the webhook, as the database has it."""
    order = place_card_order(goods, key=key)
    url = start_card_payment(order.id, success_url="http://shop.test/ok", cancel_url="http://shop.test/x")
    session = fake.pay(session_id_of(url))
    post_event(client, fake.event("checkout.session.completed", session))
    order = fresh(Order, order.id)
    assert order.status is OrderStatus.PAID
    return order


def start(order: Order) -> str:
    """The customer presses "pay": the URL of Stripe's page."""
    return start_card_payment(order.id, success_url="http://shop.test/ok", cancel_url="http://shop.test/back")


def session_id_of(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1]


def pay_and_notify(client: FlaskClient, fake: FakeStripe, url: str, **pay: Any) -> dict[str, Any]:
    session = fake.pay(session_id_of(url), **pay)
    event = fake.event("checkout.session.completed", session)
    assert post_event(client, event).status_code == 200
    return event
