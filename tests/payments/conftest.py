"""A shop configured for cards, talking HTTP to the project's Stripe-compatible fake server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import stripe
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from orders.models import Order, PaymentMethod
from shop.db import db
from tests.conftest import FreshContextClient
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import OMNIVA, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator
from tests.fake_stripe import FakeStripe, signed

WEBHOOK_SECRET = "whsec_kaimo_muge_test"


def stripe_settings(fake: FakeStripe) -> dict[str, Any]:
    return {
        "STRIPE_SECRET_KEY": "sk_test_kaimo_muge",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": fake.base,
        "STRIPE_TIMEOUT_SECONDS": 1.0,
        "STRIPE_MAX_NETWORK_RETRIES": 1,
    }


@pytest.fixture
def fake_stripe(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    monkeypatch.setattr(stripe.HTTPClient, "INITIAL_DELAY", 0)  # the library's pause between its retries
    with FakeStripe() as fake:
        yield fake


@pytest.fixture
def card_shop(app: Flask, test_config: dict[str, Any], fake_stripe: FakeStripe) -> Iterator[Flask]:
    """The shop as an operator runs it with Stripe keys: built by create_app, so the config is checked too."""
    shop = create_app({**test_config, **stripe_settings(fake_stripe)})
    shop.test_client_class = FreshContextClient
    with shop.app_context():
        yield shop
        db.session.remove()
    with shop.app_context():
        db.engine.dispose()


@pytest.fixture
def card_client(card_shop: Flask) -> FlaskClient:
    return card_shop.test_client()


@pytest.fixture
def goods(card_shop: Flask) -> dict[str, Any]:
    """Two communities, one of them with a Stripe connected account, and a product each."""
    make_operator()
    krakes = make_community(slug="krakes", name="Krakės", stripe_account_id="acct_1KrakesTest")
    pagiriai = make_community(slug="pagiriai", name="Pagiriai")
    star = make_product(
        krakes,
        slug="zvaigzde",
        name_lt="Šiaudinė žvaigždė",
        variants=[make_variant(price_cents=450, stock=10), make_variant(price_cents=1100, stock=5)],
    )
    card = make_product(
        pagiriai, slug="atvirukas", name_lt="Atvirukas", variants=[make_variant(price_cents=1250, stock=3)]
    )
    return {"krakes": krakes, "pagiriai": pagiriai, "star": star, "card": card}


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
