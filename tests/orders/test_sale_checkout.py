"""A sale in the cart and at checkout: the sale price is what is charged while it runs, the order keeps it
once placed (a sale ending before the transfer arrives changes nothing), and a sale ending while the
checkout page is open is never charged unseen: the page comes back with the price as it is now.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import select

from catalogue.models import Product, Sale, Variant
from orders import lifecycle, placing
from orders.errors import PriceChanged
from orders.models import Order, OrderStatus, PaymentMethod
from shop.db import db, transaction
from tests.conftest import CSRF_FIELD
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import BUYER, PICKUP
from tests.factories.producers import make_community, make_locker
from tests.factories.shop import make_operator, make_user
from tests.helpers import count, stock

NOW = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)  #: 20:00 in Vilnius on the sale's last day
OVER = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)  #: midnight in Vilnius: the sale is over


@pytest.fixture
def clock(app: object) -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW - timedelta(days=40), tick=False) as traveller:
        yield traveller


@pytest.fixture
def shop(clock: time_machine.Traveller) -> dict[str, Any]:
    """A straw star at 6,50 € for 40 days, on sale at 5,20 € since 1 December until the end of 6 December;
    a card at 3,00 € of another community."""
    make_operator()
    krakes = make_community(slug="krakes", name="Krakių bendruomenės centras")
    pagiriai = make_community(slug="pagiriai", name="Pagirių bendruomenės centras")
    star = make_product(
        krakes, slug="zvaigzde", name_lt="Šiaudinė žvaigždė", variants=[make_variant(price_cents=650)]
    )
    card = make_product(
        pagiriai, slug="atvirukas", name_lt="Atvirukas", variants=[make_variant(price_cents=300)]
    )
    member = make_user(krakes, name="Ona")
    clock.move_to(NOW - timedelta(days=5))
    with transaction():
        variant = db.session.get_one(Variant, star.variants[0].id)
        variant.set_prices(650, Sale(520, NOW - timedelta(days=5), OVER), by=member)
    clock.move_to(NOW)
    return {"krakes": krakes, "pagiriai": pagiriai, "star": star, "card": card}


def add(client: FlaskClient, product: Product, variant: Variant, quantity: int = 1) -> None:
    """Put `quantity` of `variant` into the cart from its product's page."""
    client.get(f"/produktai/{product.slug}")
    client.post("/krepselis/prideti", data={"variant_id": variant.id, "quantity": quantity})


def checkout_data(client: FlaskClient, shop: dict[str, Any]) -> dict[str, str]:
    """The checkout form as the page gives it (its key, with the prices shown), filled in by Rasa."""
    html = client.get("/uzsakymas").get_data(as_text=True)
    token = CSRF_FIELD.search(html)
    key = re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]{32})"', html)
    assert token and key
    return {
        "csrf_token": token.group(1),
        "idempotency_key": key.group(1),
        "name": "Rasa Petraitienė",
        "email": "rasa@example.com",
        "phone": "8 612 34567",
        f"delivery_{shop['krakes'].id}": "pickup",
        f"delivery_{shop['pagiriai'].id}": "omniva",
        f"locker_{shop['pagiriai'].id}": str(make_locker(name="Kėdainių Maxima").id),
        "payment_method": "bank_transfer",
        "accept_terms": "y",
        "accept_privacy": "y",
    }


def test_the_cart_and_the_checkout_charge_the_sale_price_and_the_order_keeps_it_after_the_sale(
    client: FlaskClient, shop: dict[str, Any], clock: time_machine.Traveller
) -> None:
    add(client, shop["star"], shop["star"].variants[0], 2)
    add(client, shop["card"], shop["card"].variants[0], 1)
    cart = client.get("/krepselis").get_data(as_text=True)
    assert '<span class="price price-sale">5,20\xa0€</span>' in cart
    assert '<s class="price-was"><span class="visually-hidden">buvo </span>6,50\xa0€</s>' in cart
    assert "Mažiausia kaina per 30 d. iki nuolaidos: 6,50\xa0€" in cart
    assert "10,40\xa0€" in cart and "13,40\xa0€" in cart  # 2 × 5,20, and 3,00 more
    page = client.get("/uzsakymas").get_data(as_text=True)
    assert "Vieneto kaina:" in page and "Mažiausia kaina per 30 d. iki nuolaidos: 6,50\xa0€" in page
    assert "13,40\xa0€" in page

    response = client.post("/uzsakymas", data=checkout_data(client, shop))
    assert response.status_code == 302
    db.session.rollback()  # see what the request committed
    order = db.session.scalars(select(Order)).one()
    star_line = next(
        line for f in order.fulfilments for line in f.lines if line.sku == shop["star"].variants[0].sku
    )
    assert (star_line.unit_price_cents, order.goods_cents, order.total_cents) == (
        520,
        1340,
        1639,
    )  # Omniva 2,99

    clock.move_to(OVER + timedelta(days=2))  # the transfer arrives after the sale
    lifecycle.mark_paid(order.id, amount_cents=1639, method=PaymentMethod.BANK_TRANSFER, by=None)
    db.session.rollback()
    assert db.session.get_one(Order, order.id).status is OrderStatus.PAID
    add(client, shop["star"], shop["star"].variants[0], 1)
    cart = client.get("/krepselis").get_data(as_text=True)
    assert "6,50\xa0€" in cart and "5,20" not in cart and "buvo" not in cart


def test_a_sale_ending_while_the_checkout_is_open_brings_the_page_back_at_the_price_in_force(
    client: FlaskClient, shop: dict[str, Any], clock: time_machine.Traveller
) -> None:
    add(client, shop["star"], shop["star"].variants[0], 2)
    add(client, shop["card"], shop["card"].variants[0], 1)
    clock.move_to(OVER - timedelta(minutes=1))
    data = checkout_data(client, shop)  # the page shows 13,40 €
    clock.move_to(OVER)
    response = client.post("/uzsakymas", data=data)
    page = response.get_data(as_text=True)
    assert "Jūsų krepšelis pasikeitė, kol šis puslapis buvo atvertas." in page
    assert "16,00\xa0€" in page and "Rasa Petraitienė" in page  # 2 × 6,50 + 3,00; what was typed stays
    assert count(Order) == 0 and stock(shop["star"].variants[0]) == 5

    response = client.post("/uzsakymas", data=checkout_data(client, shop))
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalars(select(Order.goods_cents)).one() == 1600


def test_placing_an_order_at_a_price_no_longer_in_force_orders_nothing(
    shop: dict[str, Any], clock: time_machine.Traveller
) -> None:
    variant = shop["star"].variants[0]
    clock.move_to(OVER)
    with pytest.raises(PriceChanged) as refused:
        placing.place_order(
            [placing.LineRequest(variant.id, 1, unit_price_cents=520)],
            {shop["krakes"].id: PICKUP},
            BUYER,
            payment_method=PaymentMethod.BANK_TRANSFER,
            idempotency_key="late-for-the-sale",
        )
    assert refused.value.price_cents == 650
    assert count(Order) == 0 and stock(variant) == 5
