"""A script at the checkout: its third unpaid order is refused, its orders per hour and per day are limited
(HTTP 429, the form kept as typed), and it cannot have the shop mail a twentieth stranger."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from orders.models import Order, OrderStatus
from shop.db import db
from shop.models import OutboxMessage
from tests.conftest import FreshContextClient, csrf_token
from tests.factories.catalogue import make_product, make_variant
from tests.helpers import count
from tests.orders.checkout.helpers import add, checkout_data

SCRIPT = "203.0.113.66"  #: the script's one IP address
START = datetime(2031, 12, 18, 8, 0, tzinfo=UTC)  # a week before Christmas


@pytest.fixture
def plenty(shop: dict[str, Any]) -> dict[str, Any]:
    """The checkout shop with one product of plenty: stock is not what stops the script."""
    shop["plenty"] = make_product(
        shop["pagiriai"], slug="daug", name_lt="Atvirukas", variants=[make_variant(stock=1000)]
    )
    return shop


@pytest.fixture
def limited_app(app: Flask, test_config: dict[str, Any]) -> Iterator[Flask]:
    """The shop with its limits on (every other test runs without them)."""
    shop = create_app({**test_config, "RATELIMIT_ENABLED": True})
    shop.test_client_class = FreshContextClient
    yield shop
    with shop.app_context():
        db.engine.dispose()


def attempt(
    app_or_client: Flask | FlaskClient, shop: dict[str, Any], *, email: str, ip: str = SCRIPT, name: str = "X"
) -> Any:
    """One round of the script: a fresh session, one item in the cart, the checkout sent."""
    client = app_or_client if isinstance(app_or_client, FlaskClient) else app_or_client.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    add(client, shop["plenty"], shop["plenty"].variants[0], 1)
    data = checkout_data(client, shop, email=email, name=name)
    return client.post("/uzsakymas", data=data)


def strangers_mailed() -> set[str]:
    db.session.rollback()
    return set(db.session.scalars(select(OutboxMessage.recipient)))


def cancel(response: Any, client: FlaskClient) -> None:
    """The script cancels its order from the tracking page, to free its place for the next one."""
    tracking = response.headers["Location"].split("?")[0]
    token = csrf_token(client, tracking)
    client.post(tracking + "/atsaukti", data={"csrf_token": token})


def test_a_script_placing_thirty_transfer_orders_from_one_address_gets_its_third_refused(
    client: FlaskClient, plenty: dict[str, Any]
) -> None:
    outcomes = [attempt(client.application, plenty, email=f"stranger{n}@example.com") for n in range(30)]

    assert [response.status_code for response in outcomes[:2]] == [302, 302]
    third = outcomes[2].get_data(as_text=True)
    assert outcomes[2].status_code == 200  # the form again
    assert "2 užsakymai, pateikti iš jūsų tinklo, dar laukia apmokėjimo." in third
    assert "Apmokėkite vieną iš jų arba atšaukite nebereikalingą" in third
    assert 'value="stranger2@example.com"' in third  # as typed
    assert all(response.status_code == 200 for response in outcomes[2:])
    assert count(Order) == 2
    assert strangers_mailed() == {"stranger0@example.com", "stranger1@example.com"}

    elsewhere = attempt(client.application, plenty, email="neighbour@example.com", ip="198.51.100.4")
    assert elsewhere.status_code == 302  # another visitor is not held up


def test_one_address_from_many_ip_addresses_gets_its_third_unpaid_order_refused(
    client: FlaskClient, plenty: dict[str, Any]
) -> None:
    outcomes = [
        attempt(client.application, plenty, email="rasa@example.com", ip=f"198.51.100.{n}") for n in range(5)
    ]
    assert [response.status_code for response in outcomes] == [302, 302, 200, 200, 200]
    page = outcomes[2].get_data(as_text=True)
    assert "2 užsakymai, pateikti šiuo el. pašto adresu, dar laukia apmokėjimo." in page
    assert count(Order, Order.status == OrderStatus.PENDING_PAYMENT) == 2


def test_orders_over_the_hours_limit_get_the_form_back_with_429_as_typed(
    limited_app: Flask, plenty: dict[str, Any]
) -> None:
    script = limited_app.test_client()
    with time_machine.travel(START, tick=False):
        for _ in range(20):  # looking is not ordering
            assert script.get("/uzsakymas").status_code in {200, 302}
        for n in range(6):
            placed = attempt(script, plenty, email=f"s{n}@example.com")
            assert placed.status_code == 302
            cancel(placed, script)  # the script frees its places as it goes
        refused = attempt(script, plenty, email="s6@example.com", name="Jonas Jonaitis")

    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Iš jūsų tinklo per trumpą laiką pateikta per daug užsakymų." in page
    assert "Kitą užsakymą galėsite pateikti po 2031-12-18 11:00." in page  # the first's hour over (Vilnius)
    assert 'value="Jonas Jonaitis"' in page and 'value="s6@example.com"' in page
    assert 'name="csrf_token"' in page
    assert count(Order) == 6

    with time_machine.travel(START + timedelta(minutes=61), tick=False):
        assert attempt(script, plenty, email="s7@example.com").status_code == 302


def test_a_form_sent_back_with_a_mistake_does_not_count_as_an_order(
    limited_app: Flask, plenty: dict[str, Any]
) -> None:
    script = limited_app.test_client()
    with time_machine.travel(START, tick=False):
        for _ in range(10):
            assert attempt(script, plenty, email="not-an-address").status_code == 200
        assert attempt(script, plenty, email="rasa@example.com").status_code == 302


def test_orders_per_e_mail_address_are_limited_from_any_ip_address(
    limited_app: Flask, plenty: dict[str, Any]
) -> None:
    script = limited_app.test_client()
    with time_machine.travel(START, tick=False):
        for n in range(4):
            placed = attempt(script, plenty, email="victim@example.com", ip=f"198.51.100.{n}")
            assert placed.status_code == 302
            cancel(placed, script)
        refused = attempt(script, plenty, email="Victim@Example.com ", ip="198.51.100.99")

    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Šiuo el. pašto adresu per trumpą laiką pateikta per daug užsakymų." in page


def test_a_script_cannot_have_the_shop_mail_a_twentieth_stranger(
    limited_app: Flask, plenty: dict[str, Any]
) -> None:
    """All day long, an order placed and cancelled every few minutes, each to a new stranger."""
    script = limited_app.test_client()
    for n in range(40):
        with time_machine.travel(START + timedelta(minutes=12 * n), tick=False):
            placed = attempt(script, plenty, email=f"stranger{n}@example.com")
            if placed.status_code == 302:
                cancel(placed, script)
            else:
                assert placed.status_code == 429

    assert len(strangers_mailed()) < 20
    assert count(Order) == len(strangers_mailed()) == 15  # the day's limit from one address
