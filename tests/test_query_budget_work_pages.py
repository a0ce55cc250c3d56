"""The workspace and back-office pages send as many SQL queries for 3 orders, listings or payouts as 12."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, update

from catalogue.models import ProductStatus
from orders import fulfilments, refunds
from orders.models import Fulfilment, FulfilmentEvent, FulfilmentStatus, Order, OrderStatus
from orders.payouts.models import Payout, PayoutLine, PayoutStatus
from orders.payouts.paying import approve_payout, mark_payout_paid
from orders.payouts.statements import generate_payouts
from producers.models import Community
from shop.db import db, utcnow
from shop.i18n import vilnius_today
from tests.conftest import login_as
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.orders import make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user


def seed(community: Community, count: int) -> tuple[int, int]:
    """`count` listings (half waiting for the VVG) and `count` paid, accepted orders of the community;
    the ids of the last order and its parcel."""
    category = make_category()
    order = None
    for n in range(count):
        product = make_product(
            community, category, variants=[make_variant(stock=50), make_variant()], images=2
        )
        order = make_order([(product.variants[0], 1)], status=FulfilmentStatus.ACCEPTED)
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


def busy_order(communities: list[Community]) -> int:
    """A paid order with a parcel from each community (two lines each) moved on by staff: a line cancelled,
    a parcel delivered and partly refunded, one cancelled; its id. Its page shows all of that."""
    staff = make_user(is_staff=True)
    variants = [
        variant
        for community in communities
        for variant in make_product(
            community, variants=[make_variant(stock=50), make_variant(stock=50)]
        ).variants
    ]
    order = make_order([(variant, 2) for variant in variants], status=OrderStatus.PAID, by=staff)
    first, sent, *others = (fulfilment.id for fulfilment in order.fulfilments)
    refunds.cancel_line(order.fulfilments[0].lines[0].id, reason="Sudužo", by=staff)
    fulfilments.accept_fulfilment(first, by=staff)
    fulfilments.accept_fulfilment(sent, by=staff)
    fulfilments.ship_fulfilment(sent, carrier="Omniva", tracking_number="CE1LT", by=staff)
    fulfilments.mark_delivered(sent, by=staff)
    refunds.refund_sent_parcel(sent, goods_cents=100, delivery_cents=0, reason="Grąžino", by=staff)
    for other in others:
        refunds.cancel_fulfilment(other, reason="Nespėja", by=staff)
    return order.id


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
        "communities": "/backoffice/communities",
        "community": f"/backoffice/communities/{many.id}",
        "dashboard": "/backoffice/",
        "report": "/backoffice/reports",
    }
    make_late()
    with_few = costs(client, count_queries, staff)  # the order: one parcel of one line, two moves
    more = make_community(slug="more")
    seed(more, 9)
    for _ in range(5):
        make_user(many)
    staff["order"] = f"/backoffice/orders/{busy_order([few, many, more])}"  # three parcels, refunds, moves
    make_late()
    assert "Reminded" in client.get("/backoffice/?lang=en").get_data(as_text=True)
    assert costs(client, count_queries, staff) == with_few


def deliver_orders(community: Community, count: int) -> None:
    """`count` paid orders of the community, each delivered."""
    variant = make_product(community, variants=[make_variant(stock=50)]).variants[0]
    for _ in range(count):
        make_order([(variant, 1)], status=FulfilmentStatus.DELIVERED, carrier="", tracking_number="")


def test_payout_pages_cost_the_same_queries_for_few_and_many_statements_and_parcels(
    client: FlaskClient, app: Flask, count_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PAYOUT_HOLD_DAYS", 0)
    make_operator()
    first, second = make_community(slug="first", iban="LT737300010012345678"), make_community(slug="second")
    make_user(first, email="first@example.org")
    make_user(email="vida@vvg.example.org", is_staff=True)
    today = vilnius_today()
    days = {"first_day": today.isoformat(), "last_day": today.isoformat()}

    def run_and_settle(key: str) -> int:
        """A payout run for today: every statement approved, every other one paid; first's id."""
        statements = generate_payouts(today, today + timedelta(days=1), by=None)
        for n, payout in enumerate(statements):
            if payout.status is PayoutStatus.DRAFT:
                approve_payout(payout.id, by=None)
                if n % 2:
                    mark_payout_paid(payout.id, bank_reference=f"SEB-{key}-{n}", by=None)
        return next(p.id for p in statements if p.community_id == first.id)

    def measure(payout_id: int) -> dict[str, int]:
        login_as(client, "vida@vvg.example.org")
        staff = costs(
            client,
            count_queries,
            {
                "period": "/backoffice/payouts/?" + urlencode(days),
                "statement": f"/backoffice/payouts/{payout_id}",
            },
        )
        login_as(client, "first@example.org")
        own = costs(
            client,
            count_queries,
            {"payouts": "/workspace/payouts", "statement": f"/workspace/payouts/{payout_id}"},
        )
        return {**staff, **{f"workspace {name}": n for name, n in own.items()}}

    deliver_orders(first, 1)
    deliver_orders(second, 1)
    few = measure(run_and_settle("few"))

    db.session.rollback()  # a fresh snapshot: the sign-ins since wrote to the database
    db.session.execute(delete(PayoutLine))
    db.session.execute(delete(Payout))
    db.session.commit()
    # Refunds after a paid statement of another period (with the parcel of the few run, its statement gone):
    # first's statement takes the three back.
    deliver_orders(first, 2)
    for payout in generate_payouts(today, today + timedelta(days=2), by=None):
        approve_payout(payout.id, by=None)
        mark_payout_paid(payout.id, bank_reference="SEB-earlier", by=None)
        if payout.community_id == first.id:
            for line in payout.lines:
                refunds.refund_sent_parcel(line.fulfilment_id, goods_cents=100, reason="", by=None)
    deliver_orders(first, 11)  # 12 parcels in first's statement
    for n in range(5):  # 7 statements
        deliver_orders(make_community(slug=f"more-{n}", iban="LT737300010012345678"), 2)
    payout_id = run_and_settle("many")
    assert len(db.session.get_one(Payout, payout_id).adjustments) == 3
    deliver_orders(first, 3)  # and 3 delivered since, waiting for the next run
    assert measure(payout_id) == few
