"""What a customer sees of a community's made-to-order capacity: the product page says from when a
made-to-order item is made once this week is full, and the checkout refuses, in words, what cannot be made."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient

from orders.models import Order
from producers import capacity
from producers.models import Community
from shop.db import db, transaction
from tests.factories.catalogue import make_product, make_variant
from tests.helpers import count
from tests.orders.checkout.helpers import add, checkout_data

#: 12:00 in Vilnius on Wednesday 9 December 2026: the next Monday is the 14th.
WEDNESDAY_NOON = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)
FULL_LT = "Šią savaitę užsakymų jau pilna: gaminsime nuo gruodžio 14 d."
FULL_EN = "This week's orders are full: we'll make it from 14 December."


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(WEDNESDAY_NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def basket(shop: dict[str, Any]) -> dict[str, Any]:
    """The checkout shop, with Krakės making at most 2 woven baskets (made to order) a week."""
    with transaction():
        db.session.get_one(Community, shop["krakes"].id).made_to_order_per_week = 2
    shop["basket"] = make_product(
        shop["krakes"],
        slug="krepsys",
        name_lt="Pintas krepšys",
        variants=[make_variant(stock=0, is_made_to_order=True, lead_days=5)],
    )
    return shop


def book_this_week(shop: dict[str, Any], quantity: int) -> None:
    with transaction():
        capacity.book(shop["krakes"].id, quantity, WEDNESDAY_NOON.date())


def test_the_product_page_says_nothing_while_this_week_has_room(client: FlaskClient, basket: dict) -> None:
    book_this_week(basket, 1)

    html = client.get("/produktai/krepsys").get_data(as_text=True)

    assert "Šią savaitę užsakymų jau pilna" not in html
    assert "Į krepšelį" in html


def test_the_product_page_says_from_when_it_is_made_once_this_week_is_full(
    client: FlaskClient, basket: dict
) -> None:
    book_this_week(basket, 2)

    assert FULL_LT in client.get("/produktai/krepsys").get_data(as_text=True)
    assert FULL_EN in client.get("/produktai/krepsys?lang=en").get_data(as_text=True)
    assert "Į krepšelį" in client.get("/produktai/krepsys?lang=lt").get_data(as_text=True)  # still sold
    assert "užsakymų jau pilna" not in client.get("/produktai/zvaigzde").get_data(as_text=True)  # in stock


def test_the_product_page_says_when_no_week_ahead_has_room(client: FlaskClient, basket: dict) -> None:
    for _week in range(capacity.HORIZON_WEEKS):
        book_this_week(basket, 2)

    html = client.get("/produktai/krepsys").get_data(as_text=True)

    assert "Krakių bendruomenės centras šiuo metu daugiau užsakomųjų gaminių nepriima." in html


def test_the_checkout_refuses_more_than_a_week_can_make_and_keeps_what_was_typed(
    client: FlaskClient, basket: dict
) -> None:
    add(client, basket["basket"], basket["basket"].variants[0], 3)
    data = checkout_data(client, basket, name="Ona Onaitė")

    response = client.post("/uzsakymas", data=data)

    html = response.get_data(as_text=True)
    assert response.status_code == 200  # the checkout again, as every refused order shows it
    assert (
        "Krakių bendruomenės centras per savaitę pagamina ne daugiau kaip 2 užsakomųjų gaminių, "
        "o šiame užsakyme jų 3." in html
    )
    assert "info@vvg.example.org" in html  # whom to ask for a larger order
    assert 'value="Ona Onaitė"' in html
    assert count(Order) == 0


def test_the_checkout_places_an_order_made_the_week_after_when_this_one_is_full(
    client: FlaskClient, basket: dict
) -> None:
    book_this_week(basket, 2)
    add(client, basket["basket"], basket["basket"].variants[0], 2)

    response = client.post("/uzsakymas", data=checkout_data(client, basket))

    assert response.status_code == 302
    db.session.rollback()
    order = db.session.scalars(db.select(Order)).one()
    assert [line.production_week.isoformat() for line in order.lines] == ["2026-12-14"]


def test_the_product_pages_promise_moves_out_with_the_week_the_work_can_start(
    client: FlaskClient, basket: dict
) -> None:
    """Five days' work and a day to pack: from today ready on the 17th; once this week is full, from Monday
    the 14th, ready on the 22nd."""
    book_this_week(basket, 1)
    with_room = client.get("/produktai/krepsys").get_data(as_text=True)
    book_this_week(basket, 1)
    full = client.get("/produktai/krepsys").get_data(as_text=True)

    assert "gruodžio 17 d." in with_room and "gruodžio 22 d." not in with_room
    assert "gruodžio 22 d." in full and "gruodžio 17 d." not in full


def test_the_product_page_reads_the_weeks_capacity_once_for_its_note_and_its_promise(
    client: FlaskClient, basket: dict, count_queries: Any
) -> None:
    book_this_week(basket, 2)
    client.get("/produktai/zvaigzde")
    with count_queries() as in_stock:
        client.get("/produktai/zvaigzde")
    with count_queries() as made_to_order:
        html = client.get("/produktai/krepsys").get_data(as_text=True)

    assert FULL_LT in html and "gruodžio 22 d." in html  # the note and the promise from Monday the 14th
    assert made_to_order.count == in_stock.count + 1  # the weeks booked, read once
