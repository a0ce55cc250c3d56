"""The workspace and back-office pages send as many SQL queries for 3 orders or listings as for 12."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import update

from catalogue.models import ProductStatus
from orders import services
from orders.models import Fulfilment, FulfilmentEvent, Order, PaymentMethod
from producers.models import Community, DeliveryMethod
from shop.db import db, utcnow
from tests.conftest import login_as
from tests.factories import (
    make_category,
    make_community,
    make_operator,
    make_product,
    make_user,
    make_variant,
)


def seed(community: Community, count: int) -> tuple[int, int]:
    """`count` listings (half waiting for the VVG) and `count` paid, accepted orders of the community;
    the ids of the last order and its parcel."""
    category = make_category()
    order = None
    for n in range(count):
        product = make_product(
            community, category, variants=[make_variant(stock=50), make_variant()], images=2
        )
        order = services.place_order(
            [services.LineRequest(product.variants[0].id, 1)],
            {community.id: services.DeliveryChoice(DeliveryMethod.PICKUP)},
            services.Buyer(name="Rasa", email="rasa@example.com", phone="+37061234567", language="lt"),
            payment_method=PaymentMethod.BANK_TRANSFER,
            idempotency_key=f"budget-{community.id}-{n}",
        )
        services.mark_paid(
            order.id, amount_cents=order.total_cents, method=PaymentMethod.BANK_TRANSFER, by=None
        )
        services.accept_fulfilment(order.fulfilments[0].id, by=None)
        if n % 2:
            product.status = ProductStatus.PENDING_REVIEW
            db.session.commit()
    assert order is not None
    return order.id, order.fulfilments[0].id


def make_late() -> None:
    """Every order paid and accepted ten days ago, every parcel reminded: the dashboard lists them all."""
    long_ago = utcnow() - timedelta(days=10)
    db.session.execute(update(Order).values(paid_at=long_ago, created_at=long_ago))
    db.session.execute(update(FulfilmentEvent).values(created_at=long_ago))
    db.session.execute(update(Fulfilment).values(reminded_at=long_ago))
    db.session.commit()


def costs(client: FlaskClient, count_queries: Any, pages: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, url in pages.items():
        with count_queries() as counter:
            assert client.get(url).status_code == 200, url
        counts[name] = counter.count
    return counts


def test_work_pages_cost_the_same_queries_for_few_and_many_rows(
    client: FlaskClient, app: object, count_queries: Any
) -> None:
    make_operator()
    few, many = make_community(slug="few"), make_community(slug="many")
    last_few, last_many = seed(few, 3), seed(many, 12)
    make_user(few, email="few@example.org")
    make_user(many, email="many@example.org")
    make_user(email="vida@vvg.example.org", is_staff=True)

    def workspace(email: str) -> dict[str, int]:
        login_as(client, email)
        _order_id, parcel_id = last_few if email.startswith("few") else last_many
        counted = costs(
            client,
            count_queries,
            {
                "dashboard": "/workspace/",
                "orders": "/workspace/orders?status=accepted",
                "listings": "/workspace/listings",
                "parcel": f"/workspace/orders/{parcel_id}",
                "payouts": "/workspace/payouts",
            },
        )
        client.post("/atsijungti", data={"csrf_token": "x"})
        client.delete_cookie("session")
        return counted

    assert workspace("few@example.org") == workspace("many@example.org")

    login_as(client, "vida@vvg.example.org")
    staff = {
        "moderation": "/backoffice/moderation",
        "order search": "/backoffice/orders",
        "order": f"/backoffice/orders/{last_many[0]}",
        "audit": "/backoffice/audit",
        "dashboard": "/backoffice/",
        "report": "/backoffice/reports",
    }
    make_late()
    with_few = costs(client, count_queries, staff)
    seed(make_community(slug="more"), 9)
    make_late()
    assert "Reminded" in client.get("/backoffice/?lang=en").get_data(as_text=True)
    assert costs(client, count_queries, staff) == with_few
