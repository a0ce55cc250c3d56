"""The back office is for VVG staff only, on every route, walked from the app's URL map.

An anonymous visitor is sent to the login page; a community member (even one holding every id) is refused
with 403; neither changes a single row of any table. Staff open every page. New back-office routes are
walked automatically; a route with an id this test does not know how to fill fails until it is taught.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from orders import placing, refunds
from orders.models import Order, OrderStatus
from orders.payments.alerts import raise_alert
from orders.payments.models import AlertKind
from orders.privacy.asking import record_request
from shop.db import db, transaction
from shop.models import OutboxAttachment
from tests.conftest import csrf_token, login_as
from tests.factories.orders import make_buyer, make_order
from tests.factories.shop import make_user
from tests.walk import url_for_rule


def backoffice_rules(app: Flask) -> list[Any]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/backoffice")),
        key=lambda rule: rule.rule,
    )


def snapshot() -> tuple[Any, ...]:
    """Every row of every table: what a refused request must leave as it was."""
    db.session.rollback()
    return tuple(
        tuple(tuple(row) for row in db.session.execute(select(table).order_by(*table.primary_key.columns)))
        for table in db.metadata.sorted_tables
    )


@pytest.fixture
def ids(two_communities: dict[str, Any]) -> dict[str, Any]:
    """Real rows for every id a back-office URL names: an order, a mail and its attachment, a payment alert,
    an owed refund, a privacy request."""
    make_user(email="vida@vvg.example.org", is_staff=True)
    # the paid order (made first): without an order PostgreSQL may hand back the completed one
    order = db.session.get_one(Order, db.session.scalar(select(Order.id).order_by(Order.id).limit(1)))
    assert order.status is OrderStatus.PAID  # its page shows every staff form (cancel, refund…)
    second = make_order(
        [placing.LineRequest(two_communities["variant_id"], 1)],
        status=OrderStatus.PAID,
        buyer=make_buyer(name="Ona", email="ona@example.com"),
    )
    refund = refunds.cancel_fulfilment(second.fulfilments[0].id, reason="Išparduota", by=None)
    assert refund is not None
    with transaction():
        raise_alert(db.session.get_one(Order, order.id), AlertKind.DISPUTE, 100, "dp_1")
    alert_id = db.session.get_one(Order, order.id).payment_alerts[0].id
    attachment = db.session.scalars(select(OutboxAttachment).order_by(OutboxAttachment.id).limit(1)).one()
    return {
        **two_communities,
        "order_id": order.id,
        "message_id": attachment.message_id,  # a mail carrying an invoice
        "attachment_id": attachment.id,
        "alert_id": alert_id,
        "refund_id": refund.id,
        "request_id": record_request("ona@example.com", note="", by=None).id,
    }


def test_the_walk_covers_the_back_office(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in backoffice_rules(app)}
    assert {
        "orders_backoffice.order_detail",
        "catalogue_backoffice.review_queue",
        "orders_backoffice.audit_log",
    } <= endpoints


def test_an_anonymous_visitor_is_sent_to_the_login_page_from_every_route(
    app: Flask, client: FlaskClient, ids: dict[str, Any]
) -> None:
    token = csrf_token(client, "/prisijungti")
    before = snapshot()
    for rule in backoffice_rules(app):
        url = url_for_rule(rule, ids)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(
                url, method=method, data={"csrf_token": token} if method == "POST" else None
            )
            assert response.status_code == 302, f"{method} {url} answered {response.status_code}"
            assert "/prisijungti" in response.location, f"{method} {url} → {response.location}"
    assert snapshot() == before


def test_a_community_member_is_refused_every_route_and_changes_nothing(
    app: Flask, client: FlaskClient, ids: dict[str, Any]
) -> None:
    login_as(client, "slapaberze@example.org")  # the member whose community owns every row walked
    token = csrf_token(client, "/workspace/listings")
    before = snapshot()
    form = {"csrf_token": token, "reason": "x", "amount": "1", "reference": "x", "confirm": "1"}
    for rule in backoffice_rules(app):
        url = url_for_rule(rule, ids)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data=form if method == "POST" else None)
            assert response.status_code == 403, f"{method} {url} answered {response.status_code}"
    assert snapshot() == before


def test_staff_open_every_back_office_page(app: Flask, client: FlaskClient, ids: dict[str, Any]) -> None:
    login_as(client, "vida@vvg.example.org")
    for rule in backoffice_rules(app):
        if "GET" in (rule.methods or ()):
            url = url_for_rule(rule, ids)
            assert client.get(url).status_code == 200, url
