"""Access to the community workspace is enforced, not hidden: every route, from the app's URL map.

A member of another community, holding the first community's ids, gets 403 or 404 on every route that
names a row, sees none of the first community's data on the rest, and changes nothing; an anonymous
visitor is sent to the login page. New workspace routes are walked automatically; a route with an id
this test does not know how to fill fails the test until it is taught.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from catalogue.models import Product, ProductImage, Variant
from orders.models import Fulfilment, FulfilmentEvent, OrderLine, Refund
from orders.payouts.models import Payout, PayoutLine
from producers.marks.models import MarkAnswer, MarkApplication, MarkEvidence, MarkGrant
from producers.models import Community, ShippingOption
from shop.db import db
from tests.conftest import csrf_token, login_as
from tests.factories.shop import make_user
from tests.walk import SECRET_NAME, url_for_rule, workspace_rules


def snapshot(community_id: int) -> tuple[Any, ...]:
    """Everything of the first community a workspace route could change."""
    db.session.rollback()
    db.session.expire_all()
    rows = (
        db.session.execute(select(Community.__table__).where(Community.id == community_id)).all(),
        db.session.execute(
            select(ShippingOption.__table__).where(ShippingOption.community_id == community_id)
        ).all(),
        db.session.execute(select(Product.__table__).where(Product.community_id == community_id)).all(),
        db.session.execute(select(Variant.__table__).order_by(Variant.id)).all(),
        db.session.execute(select(ProductImage.__table__).order_by(ProductImage.id)).all(),
        db.session.execute(select(Fulfilment.__table__).order_by(Fulfilment.id)).all(),
        db.session.execute(select(OrderLine.__table__).order_by(OrderLine.id)).all(),
        db.session.execute(select(FulfilmentEvent.__table__).order_by(FulfilmentEvent.id)).all(),
        db.session.execute(select(Refund.__table__).order_by(Refund.id)).all(),
        db.session.execute(select(Payout.__table__).order_by(Payout.id)).all(),
        db.session.execute(select(PayoutLine.__table__).order_by(PayoutLine.id)).all(),
        db.session.execute(
            select(MarkApplication.__table__).where(MarkApplication.community_id == community_id)
        ).all(),
        db.session.execute(
            select(MarkAnswer.__table__)
            .join(MarkApplication)
            .where(MarkApplication.community_id == community_id)
        ).all(),
        db.session.execute(
            select(MarkEvidence.__table__)
            .join(MarkApplication)
            .where(MarkApplication.community_id == community_id)
        ).all(),
        db.session.execute(select(MarkGrant.__table__).where(MarkGrant.community_id == community_id)).all(),
    )
    return tuple(tuple(tuple(row) for row in table) for table in rows)


def test_the_walk_covers_the_workspace(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in workspace_rules(app)}
    assert {"catalogue_workspace.listing_edit", "producers_workspace.settings"} <= endpoints
    assert any(endpoint.startswith("orders_workspace.") for endpoint in endpoints)


def test_a_member_of_another_community_can_neither_see_nor_change_anything(
    app: Flask, client: FlaskClient, two_communities: dict[str, Any]
) -> None:
    login_as(client, "krakes@example.org")
    token = csrf_token(client, "/workspace/listings")
    before = snapshot(two_communities["community_id"])
    for rule in workspace_rules(app):
        url = url_for_rule(rule, two_communities)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            form = {
                "csrf_token": token,
                "action": "delete",
                "stock": "0",
                "reason": "x",
                "carrier": "Omniva",
                "tracking_number": "X1",
                "community_id": str(two_communities["community_id"]),
            }
            response = client.open(url, method=method, data=form if method == "POST" else None)
            where = f"{method} {url}"
            if rule.arguments or rule.endpoint == "producers_workspace.switch_community":
                assert response.status_code in {403, 404}, f"{where} answered {response.status_code}"
            else:  # the member's own pages: fine to open, but never with the other community's data
                assert response.status_code < 500, f"{where} answered {response.status_code}"
                assert SECRET_NAME not in response.get_data(as_text=True), where
                assert "Mūsų istorija" not in response.get_data(as_text=True), where
    assert snapshot(two_communities["community_id"]) == before


def test_an_anonymous_visitor_is_sent_to_the_login_page_from_every_route(
    app: Flask, client: FlaskClient, two_communities: dict[str, Any]
) -> None:
    token = csrf_token(client, "/prisijungti")
    before = snapshot(two_communities["community_id"])
    for rule in workspace_rules(app):
        url = url_for_rule(rule, two_communities)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(
                url, method=method, data={"csrf_token": token} if method == "POST" else None
            )
            assert response.status_code == 302, f"{method} {url} answered {response.status_code}"
            assert "/prisijungti" in response.location, f"{method} {url} → {response.location}"
    assert snapshot(two_communities["community_id"]) == before


def test_a_staff_member_without_a_community_is_refused_the_workspace(
    client: FlaskClient, two_communities: dict[str, Any]
) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    login_as(client, "vvg@example.org")
    assert client.get("/workspace/listings").status_code == 403
