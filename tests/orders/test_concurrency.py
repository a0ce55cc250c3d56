"""Many buyers at once: the last units are sold exactly once, and opposite baskets never deadlock."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from catalogue.models import Variant
from orders import errors, fulfilments, placing
from orders.models import FulfilmentStatus, Order, OrderStatus, PaymentMethod
from producers.models import DeliveryMethod
from shop.db import db
from tests.conftest import csrf_token
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator

BUYERS = 50
KEY_FIELD = re.compile(r'name="idempotency_key" type="hidden" value="([0-9a-f]{32})"')


def test_fifty_buyers_for_the_last_ten_units_buy_exactly_ten(app: Flask) -> None:
    make_operator()
    variant = make_product(variants=[make_variant(stock=10)]).variants[0]
    variant_id, community_id = variant.id, variant.product.community_id
    start = threading.Barrier(BUYERS)

    def buy(number: int) -> str:
        with app.app_context():
            start.wait()
            try:
                placing.place_order(
                    [placing.LineRequest(variant_id, 1)],
                    {community_id: placing.DeliveryChoice(DeliveryMethod.PICKUP)},
                    make_buyer(name=f"Buyer {number}", email=f"b{number}@example.com"),
                    payment_method=PaymentMethod.BANK_TRANSFER,
                    idempotency_key=f"buyer-{number}",
                )
            except errors.OutOfStock as error:
                assert error.available == 0
                return "sold out"
            return "bought"

    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        outcomes = list(pool.map(buy, range(BUYERS)))

    assert outcomes.count("bought") == 10
    assert outcomes.count("sold out") == 40
    db.session.rollback()  # a fresh snapshot: SQLite keeps the old one until the transaction ends
    assert db.session.scalars(select(Variant.stock).where(Variant.id == variant_id)).one() == 0
    assert db.session.scalar(select(func.count(Order.id))) == 10


def test_opposite_baskets_at_once_never_deadlock(app: Flask) -> None:
    make_operator()
    community = make_community()
    a = make_product(community, variants=[make_variant(stock=500)]).variants[0]
    b = make_product(community, variants=[make_variant(stock=500)]).variants[0]
    ids, community_id = (a.id, b.id), community.id
    start = threading.Barrier(16)

    def buy(number: int) -> int:
        first, second = ids if number % 2 else ids[::-1]
        with app.app_context():
            start.wait()
            for round_ in range(5):
                placing.place_order(
                    [placing.LineRequest(first, 1), placing.LineRequest(second, 1)],
                    {community_id: placing.DeliveryChoice(DeliveryMethod.PICKUP)},
                    make_buyer(email=f"basket-{number}-{round_}@example.com"),  # each within its cap
                    payment_method=PaymentMethod.BANK_TRANSFER,
                    idempotency_key=f"basket-{number}-{round_}",
                )
        return 5

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert sum(pool.map(buy, range(16))) == 80
    db.session.rollback()  # a fresh snapshot: SQLite keeps the old one until the transaction ends
    assert set(db.session.scalars(select(Variant.stock).where(Variant.id.in_(ids)))) == {420}


def test_a_buyer_who_comes_second_for_the_last_unit_is_told_which_item_sold_out(
    app: Flask, client: FlaskClient
) -> None:
    make_operator()
    product = make_product(name_lt="Šiaudinė žvaigždė", variants=[make_variant(stock=1)])
    variant = product.variants[0]
    clients = [app.test_client() for _ in range(2)]
    forms = []
    for buyer in clients:
        buyer.post(
            "/krepselis/prideti",
            data={
                "variant_id": variant.id,
                "quantity": 1,
            },
        )
        forms.append(
            {
                "csrf_token": csrf_token(buyer, "/uzsakymas"),
                "idempotency_key": KEY_FIELD.search(buyer.get("/uzsakymas").get_data(as_text=True)).group(1),
                "name": "Rasa",
                "email": "rasa@example.com",
                "phone": "861234567",
                f"delivery_{variant.product.community_id}": "pickup",
                "payment_method": "bank_transfer",
                "accept_terms": "y",
                "accept_privacy": "y",
            }
        )
    first = clients[0].post("/uzsakymas", data=forms[0])
    second = clients[1].post("/uzsakymas", data=forms[1])
    assert first.status_code == 302
    assert second.status_code == 200
    assert "„Šiaudinė žvaigždė“ ką tik išparduota." in second.get_data(as_text=True)
    assert 'value="Rasa"' in second.get_data(as_text=True)


def test_an_order_whose_parcels_are_delivered_at_the_same_moment_is_completed(app: Flask) -> None:
    make_operator()
    orders = []
    for _ in range(10):
        a, b = make_community(), make_community()
        first = make_product(a, variants=[make_variant(price_cents=100)]).variants[0]
        second = make_product(b, variants=[make_variant(price_cents=100)]).variants[0]
        order = make_order([(first, 1), (second, 1)], status=FulfilmentStatus.SHIPPED)
        orders.append((order.id, [f.id for f in order.fulfilments]))
    parcels = [fulfilment_id for _order_id, ids in orders for fulfilment_id in ids]
    start = threading.Barrier(len(parcels))

    def deliver(fulfilment_id: int) -> None:
        with app.app_context():
            start.wait()
            fulfilments.mark_delivered(fulfilment_id, by=None)

    with ThreadPoolExecutor(max_workers=len(parcels)) as pool:
        list(pool.map(deliver, parcels))
    db.session.rollback()
    statuses = set(db.session.scalars(select(Order.status).where(Order.id.in_([o for o, _ in orders]))))
    assert statuses == {OrderStatus.COMPLETED}
