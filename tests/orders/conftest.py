"""Fixtures of the orders tests: a shop configured for cards, talking HTTP to the project's Stripe-compatible
fake server, and goods to pay for (used by tests/orders/payments/ and the payouts tests)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import stripe
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from tests.conftest import FreshContextClient
from tests.factories.catalogue import make_product, make_variant
from tests.factories.producers import make_community
from tests.factories.shop import make_operator
from tests.fake_stripe import FakeStripe
from tests.helpers import running
from tests.orders.payments.cards import stripe_settings


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
    with running(shop):
        yield shop


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
