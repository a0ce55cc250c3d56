"""Placing an order books its made-to-order items into the community's first week with room
(`producers.capacity`), and every way an order or a line is cancelled gives exactly that booking back."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from catalogue.models import Variant
from orders import errors, lifecycle, placing, refunds
from orders.models import CancelReason, FulfilmentStatus, Order, OrderLine, OrderStatus, PaymentMethod
from producers.models import Community, DeliveryMethod, ProductionWeek
from shop.db import db
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator
from tests.helpers import count, fresh, stock

#: 12:00 in Vilnius on Wednesday 9 December 2026: this week's Monday is the 7th, the next one the 14th.
WEDNESDAY_NOON = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)
MONDAY = date(2026, 12, 7)
NEXT_MONDAY = date(2026, 12, 14)


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(WEDNESDAY_NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shop(app: Flask) -> dict[str, Any]:
    """Krakės make at most 3 made-to-order items a week (baskets, bowls); straw stars are in stock."""
    make_operator()
    krakes = make_community(slug="krakes", name="Krakių bendruomenė", made_to_order_per_week=3)
    basket, bowl = (
        make_product(
            krakes, name_lt=name, variants=[make_variant(stock=0, is_made_to_order=True, lead_days=5)]
        ).variants[0]
        for name in ("Pintas krepšys", "Molinis dubuo")
    )
    star = make_product(krakes, name_lt="Šiaudinė žvaigždė", variants=[make_variant(stock=10)]).variants[0]
    return {"krakes": krakes, "basket": basket, "bowl": bowl, "star": star}


def booked(community: Community) -> dict[date, int]:
    db.session.rollback()
    rows = db.session.execute(
        select(ProductionWeek.week_start, ProductionWeek.booked).where(
            ProductionWeek.community_id == community.id
        )
    )
    return {week: number for week, number in rows if number}


def weeks_of(order: Order) -> dict[str, date | None]:
    """Each line's production week, by its product's name."""
    db.session.rollback()
    lines = db.session.scalars(
        select(OrderLine).join(OrderLine.fulfilment).where(OrderLine.fulfilment.has(order_id=order.id))
    )
    return {line.product_name_lt: line.production_week for line in lines}


def test_placing_books_the_made_to_order_items_into_this_week_while_it_has_room(shop: dict[str, Any]) -> None:
    order = make_order([(shop["basket"], 2), (shop["star"], 1)])

    assert weeks_of(order) == {"Pintas krepšys": MONDAY, "Šiaudinė žvaigždė": None}  # stock is not booked
    assert booked(shop["krakes"]) == {MONDAY: 2}


def test_a_parcels_made_to_order_items_are_booked_together_into_the_first_week_with_room_for_all(
    shop: dict[str, Any],
) -> None:
    make_order([(shop["basket"], 1)], buyer=make_buyer(email="jonas@example.com"))

    order = make_order([(shop["basket"], 2), (shop["bowl"], 1)])  # 1 + 3 is more than this week's 3

    assert weeks_of(order) == {"Pintas krepšys": NEXT_MONDAY, "Molinis dubuo": NEXT_MONDAY}
    assert booked(shop["krakes"]) == {MONDAY: 1, NEXT_MONDAY: 3}
    assert weeks_of(make_order([(shop["bowl"], 2)])) == {"Molinis dubuo": MONDAY}  # this week still had 2


def test_more_than_a_weeks_cap_in_one_order_is_refused_and_nothing_is_held(shop: dict[str, Any]) -> None:
    with pytest.raises(errors.ProductionFull) as refused:
        make_order([(shop["star"], 2), (shop["basket"], 2), (shop["bowl"], 2)])

    assert (refused.value.community_name, refused.value.quantity, refused.value.per_week) == (
        "Krakių bendruomenė",
        4,
        3,
    )
    assert count(Order) == 0 and stock(shop["star"]) == 10 and booked(shop["krakes"]) == {}


def test_cancelling_an_unpaid_order_gives_its_week_back_exactly_once(shop: dict[str, Any]) -> None:
    order = make_order([(shop["basket"], 3)])
    later = make_order([(shop["bowl"], 2)], buyer=make_buyer(email="jonas@example.com"))
    assert booked(shop["krakes"]) == {MONDAY: 3, NEXT_MONDAY: 2}

    assert lifecycle.cancel_unpaid_order(order.id, reason=CancelReason.CUSTOMER)
    assert not lifecycle.cancel_unpaid_order(order.id, reason=CancelReason.STAFF)  # already cancelled

    assert booked(shop["krakes"]) == {NEXT_MONDAY: 2}  # the later order keeps its week
    assert weeks_of(later) == {"Molinis dubuo": NEXT_MONDAY}
    assert weeks_of(make_order([(shop["basket"], 3)], buyer=make_buyer(email="ona@example.com"))) == {
        "Pintas krepšys": MONDAY
    }


def test_an_unpaid_transfer_that_expires_gives_its_week_back(shop: dict[str, Any], clock: Any) -> None:
    order = make_order([(shop["basket"], 2), (shop["star"], 3)])

    clock.shift(timedelta(days=2))  # past the transfer's hold
    assert lifecycle.expire_unpaid_orders() == 1
    assert lifecycle.expire_unpaid_orders() == 0

    assert fresh(Order, order.id).status is OrderStatus.CANCELLED
    assert booked(shop["krakes"]) == {} and stock(shop["star"]) == 10


def test_a_paid_parcel_cancelled_by_the_community_gives_its_week_back(shop: dict[str, Any]) -> None:
    make_order([(shop["basket"], 2), (shop["bowl"], 1)], status=FulfilmentStatus.CANCELLED)
    kept = make_order([(shop["bowl"], 1)], status=OrderStatus.PAID, buyer=make_buyer(email="ona@example.com"))

    assert booked(shop["krakes"]) == {MONDAY: 1}
    assert weeks_of(kept) == {"Molinis dubuo": MONDAY}


def test_one_line_taken_out_of_a_paid_order_gives_back_only_its_own_items(shop: dict[str, Any]) -> None:
    order = make_order([(shop["basket"], 2), (shop["bowl"], 1)], status=OrderStatus.PAID)
    line = next(line for line in fresh(Order, order.id).lines if line.product_name_lt == "Pintas krepšys")

    refunds.cancel_line(line.id, reason="Neturime vytelių", by=None)
    with pytest.raises(errors.OrderProblem):
        refunds.cancel_line(line.id, reason="Dar kartą", by=None)  # a cancelled line is not cancelled again

    assert booked(shop["krakes"]) == {MONDAY: 1}


def test_a_delivered_order_keeps_its_week(shop: dict[str, Any]) -> None:
    make_order([(shop["basket"], 2)], status=OrderStatus.COMPLETED)

    assert booked(shop["krakes"]) == {MONDAY: 2}


# ------------------------------------------------------------------------------------------- concurrency

BUYERS = 20


def test_twenty_buyers_at_once_fill_each_week_to_its_cap_and_no_further(
    app: Flask, is_postgres: bool
) -> None:
    """20 buyers of one made-to-order item, 5 a week: 5 are made this week, the rest in the weeks after."""
    if not is_postgres:
        pytest.skip("SQLite lets one writer in at a time: there is no race to lose")
    make_operator()
    community = make_community(made_to_order_per_week=5)
    variant = make_product(
        community, variants=[make_variant(stock=0, is_made_to_order=True, lead_days=5)]
    ).variants[0]
    variant_id, community_id = variant.id, community.id
    start = threading.Barrier(BUYERS)

    def buy(number: int) -> int:
        with app.app_context():
            start.wait()
            order = placing.place_order(
                [placing.LineRequest(variant_id, 1)],
                {community_id: placing.DeliveryChoice(DeliveryMethod.PICKUP)},
                make_buyer(name=f"Buyer {number}", email=f"b{number}@example.com"),
                payment_method=PaymentMethod.BANK_TRANSFER,
                idempotency_key=f"buyer-{number}",
            )
            return order.id

    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        order_ids = list(pool.map(buy, range(BUYERS)))

    assert len(set(order_ids)) == BUYERS  # every buyer got an order
    weeks = [MONDAY + timedelta(weeks=number) for number in range(4)]
    assert booked(community) == dict.fromkeys(weeks, 5)
    lines = db.session.scalars(select(OrderLine.production_week).where(OrderLine.variant_id == variant_id))
    assert Counter(lines) == dict.fromkeys(weeks, 5)  # each order's week is the one it was counted in
    assert fresh(Variant, variant_id).stock == 0


def test_a_parcel_booked_into_a_later_week_is_promised_from_that_week(shop: dict[str, Any]) -> None:
    """The promise kept with the parcel starts its work in the week it was booked into: this week's
    basket leaves on Thursday the 17th (5 days' work from today and a day to pack), next week's on the
    22nd (from Monday the 14th)."""
    first = make_order([(shop["basket"], 3)])  # this week is full now
    later = make_order([(shop["bowl"], 1)])

    db.session.rollback()
    assert weeks_of(later) == {"Molinis dubuo": NEXT_MONDAY}
    assert [f.ship_by for f in fresh(Order, first.id).fulfilments] == [date(2026, 12, 17)]
    assert [f.ship_by for f in fresh(Order, later.id).fulfilments] == [date(2026, 12, 22)]
