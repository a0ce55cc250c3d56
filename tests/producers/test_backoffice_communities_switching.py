"""VVG staff switch a community off and on: its products leave the shop and come back, its orders and
payouts go on, its members finish their orders but change nothing else.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from orders import errors
from orders.fulfilments import accept, deliver, ship
from orders.models import Carrier, FulfilmentStatus, Order, OrderStatus
from orders.payouts.statements import generate_payouts
from producers import communities
from producers.models import Community
from shop.db import db
from shop.models import User
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import fresh
from tests.producers.backoffice import audit_entries, page_text, post_form


@pytest.fixture
def shop_with_an_order(app: Flask) -> dict[str, Any]:
    make_operator()
    krakes = make_community(slug="krakes", name="Krakės")
    star = make_product(
        krakes,
        slug="ziemos-zvaigzde",
        name_lt="Žiemos žvaigždė",
        name_en="Winter star",
        variants=[make_variant(stock=5)],
    )
    other = make_product(slug="kitas-gaminys")
    member = make_user(krakes, email="ona@example.org", name="Ona")
    order = make_order([(star.variants[0], 1)], status=OrderStatus.PAID)
    return {"krakes": krakes, "star": star, "other": other, "member": member, "order": order}


def storefront_shows(client: FlaskClient, slug: str) -> dict[str, bool]:
    return {
        "catalogue": f"/produktai/{slug}" in client.get("/katalogas").get_data(as_text=True),
        "search": f"/produktai/{slug}" in client.get("/katalogas?q=zvaigzde").get_data(as_text=True),
        "product page": client.get(f"/produktai/{slug}").status_code == 200,
        "community page": client.get("/bendruomenes/krakes").status_code == 200,
        "communities": "/bendruomenes/krakes" in client.get("/bendruomenes").get_data(as_text=True),
        "sitemap": f"/produktai/{slug}" in client.get("/sitemap.xml").get_data(as_text=True),
    }


def test_switching_a_community_off_takes_its_products_out_of_the_shop_and_keeps_its_orders(
    client: FlaskClient, staff: User, shop_with_an_order: dict[str, Any]
) -> None:
    krakes, star, order = (
        shop_with_an_order["krakes"],
        shop_with_an_order["star"],
        shop_with_an_order["order"],
    )
    visitor = client.application.test_client()
    visitor.get("/?lang=en")
    assert all(storefront_shows(visitor, star.slug).values())
    add = {"variant_id": star.variants[0].id, "quantity": "1"}  # a product card's form (no token)
    assert "“Winter star” is in your cart." in page_text(
        visitor.post("/krepselis/prideti", data=add, follow_redirects=True)
    )

    confirm = page_text(client.get(f"/backoffice/communities/{krakes.id}/deactivate"))
    assert "Switch Krakės off?" in confirm and "Its 1 listing for sale leaves the shop at once" in confirm
    assert fresh(Community, krakes.id).is_active  # asking changes nothing
    done = post_form(client, f"/backoffice/communities/{krakes.id}/deactivate")
    assert done.status_code == 302
    assert "Krakės is switched off" in page_text(client.get(done.headers["Location"]))

    assert not any(storefront_shows(visitor, star.slug).values())
    assert "/produktai/kitas-gaminys" in visitor.get("/katalogas").get_data(as_text=True)  # others stay
    cart = page_text(visitor.get("/krepselis"))
    assert "Some products are no longer sold and were taken out of your cart." in cart
    assert "Winter star" not in cart
    again = page_text(visitor.post("/krepselis/prideti", data=add, follow_redirects=True))
    assert "That product is no longer sold." in again and "is in your cart" not in again
    with pytest.raises(errors.ProductUnavailable):
        make_order([(star.variants[0], 1)], buyer=make_buyer(name="Jonas", email="jonas@example.com"))

    db.session.rollback()
    kept = db.session.get_one(Order, order.id)
    assert kept.fulfilments[0].status is FulfilmentStatus.NEW  # the paid order stays, to be sent
    assert client.get(f"/backoffice/orders/{order.id}").status_code == 200
    found = page_text(client.get("/backoffice/orders", query_string={"community": str(krakes.id)}))
    assert "Krakės (switched off)" in found and order.number in found  # staff still find its orders

    assert post_form(client, f"/backoffice/communities/{krakes.id}/reactivate").status_code == 302
    assert all(storefront_shows(visitor, star.slug).values())
    actions = [
        entry.action
        for entry in audit_entries("community.deactivate") + audit_entries("community.reactivate")
    ]
    assert actions == ["community.deactivate", "community.reactivate"]


def test_members_of_a_switched_off_community_finish_their_orders_but_change_nothing_else(
    client: FlaskClient, shop_with_an_order: dict[str, Any]
) -> None:
    krakes, star, order = (
        shop_with_an_order["krakes"],
        shop_with_an_order["star"],
        shop_with_an_order["order"],
    )
    communities.set_community_active(krakes.id, False, by=None)
    client.get("/?lang=en")
    login_as(client, "ona@example.org")

    dashboard = page_text(client.get("/workspace/"))
    assert "The VVG has switched off Krakės's shop" in dashboard
    fulfilment_id = order.fulfilments[0].id
    token = csrf_token(client, f"/workspace/orders/{fulfilment_id}")
    accepted = client.post(
        f"/workspace/orders/{fulfilment_id}/accept", data={"csrf_token": token, "acting_for": krakes.id}
    )
    assert accepted.status_code == 302
    db.session.rollback()
    assert db.session.get_one(Order, order.id).fulfilments[0].status is FulfilmentStatus.ACCEPTED

    variant_id = star.variants[0].id
    refused = client.post(
        f"/workspace/variants/{variant_id}/stock",
        data={"csrf_token": token, "stock": "99", "acting_for": krakes.id},
        follow_redirects=True,
    )
    assert "switched off Krakės's shop, so nothing was changed" in page_text(refused)
    db.session.rollback()
    assert star.variants[0].stock == 4  # one sold; the 99 was refused
    settings = client.post(
        "/workspace/settings", data={"csrf_token": token, "story_lt": "Nauja", "acting_for": krakes.id}
    )
    assert settings.status_code == 302
    assert fresh(Community, krakes.id).story_lt != "Nauja"
    assert client.get(f"/workspace/listings/{star.id}").status_code == 200  # still readable


def test_switching_twice_changes_and_logs_once(client: FlaskClient, staff: User) -> None:
    community = make_community()
    for _ in range(2):
        assert post_form(client, f"/backoffice/communities/{community.id}/deactivate").status_code == 302
    assert not fresh(Community, community.id).is_active
    assert len(audit_entries("community.deactivate")) == 1
    page = page_text(client.get(f"/backoffice/communities/{community.id}/deactivate"))
    assert "is switched off." in page and "Switch off</button>" not in page


def test_payouts_go_on_for_a_switched_off_community(shop_with_an_order: dict[str, Any]) -> None:
    from datetime import timedelta

    from shop.i18n import vilnius_today

    krakes, order, member = (
        shop_with_an_order["krakes"],
        shop_with_an_order["order"],
        shop_with_an_order["member"],
    )
    fulfilment_id = order.fulfilments[0].id
    communities.set_community_active(krakes.id, False, by=None)
    accept(krakes.id, fulfilment_id, by=member)
    ship(krakes.id, fulfilment_id, carrier=Carrier.PICKUP, tracking_number="", by=member)
    deliver(krakes.id, fulfilment_id, by=member)

    today = vilnius_today()
    statements = generate_payouts(today.replace(day=1), today + timedelta(days=1), by=None, hold=0)
    assert [(p.community_id, p.goods_cents) for p in statements] == [
        (krakes.id, order.fulfilments[0].goods_cents)
    ]
