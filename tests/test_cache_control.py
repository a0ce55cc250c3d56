"""Pages with personal data are never kept by a browser or proxy (`Cache-Control: no-store`); the public
catalogue keeps its caching. Walked from the app's URL map, so a new private route is covered at once.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from orders.models import Order
from shop.db import db
from tests.conftest import login_as
from tests.factories.shop import make_user

#: The private pages, by address: the workspace, the back office, the cart, checkout, an order's pages
#: (tracking, withdrawal, invoices, card payment), the customer's privacy pages, sign-in and passwords.
PRIVATE_PREFIXES = (
    "/workspace",
    "/backoffice",
    "/krepselis",
    "/uzsakymas",
    "/uzsakymai/",
    "/privatumas/",
    "/prisijungti",
    "/atsijungti",
    "/slaptazodis",
    "/paskyra",
)
#: but the legal pages are public texts, the privacy notice's versions (`/privatumas/v2`) among them
PUBLIC_TEXTS = frozenset({"legal_storefront.page", "legal_storefront.version"})


def get_rules(app: Flask) -> list[Any]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())), key=lambda r: r.rule
    )


def fill(rule: Any, ids: dict[str, Any]) -> str:
    """The rule's path with real ids where known, else a stand-in (a 404 must be private too)."""
    values = {**(rule.defaults or {})}
    for argument in rule.arguments:
        if argument not in values:
            converter = rule._converters.get(argument)
            values[argument] = ids.get(argument, 1 if isinstance(converter, IntegerConverter) else "x")
    built = rule.build(values, append_unknown=False)
    assert built is not None, rule.rule
    return str(built[1])


@pytest.fixture
def ids(two_communities: dict[str, Any]) -> dict[str, Any]:
    order = db.session.scalars(select(Order).order_by(Order.id)).first()
    assert order is not None
    return {**two_communities, "token": order.public_token}


@pytest.mark.parametrize("who", ["anonymous", "slapaberze@example.org", "vida@vvg.example.org"])
def test_every_private_page_says_no_store_and_public_pages_do_not(
    app: Flask, client: FlaskClient, ids: dict[str, Any], who: str
) -> None:
    make_user(email="vida@vvg.example.org", is_staff=True)
    if who != "anonymous":
        login_as(client, who)
    private = public = 0
    for rule in get_rules(app):
        if rule.endpoint in {"producers_storefront.logout", "producers_storefront.sign_out_everywhere"}:
            continue  # POST only
        path = fill(rule, ids)
        response = client.get(path)
        assert response.status_code < 500, path
        cache_control = response.headers.get("Cache-Control", "")
        if rule.rule.startswith(PRIVATE_PREFIXES) and rule.endpoint not in PUBLIC_TEXTS:
            assert cache_control == "no-store", f"{path}: {response.status_code} {cache_control!r}"
            private += 1
        else:
            assert "no-store" not in cache_control, path
            public += 1
    assert private > 50 and public > 10


def test_the_pages_that_matter_most_are_private_when_they_open(
    client: FlaskClient, ids: dict[str, Any]
) -> None:
    """The tracking page shows the buyer's name, address and phone: it opens, and is not kept."""
    token = ids["token"]
    for path in (f"/uzsakymai/{token}", "/krepselis", "/prisijungti", "/slaptazodis"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_public_catalogue_pages_keep_their_caching(client: FlaskClient, ids: dict[str, Any]) -> None:
    for path in ("/", "/katalogas", "/bendruomenes", "/bendruomenes/slapaberze"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
    # static files keep their year-long caching under hashed names: tests/shop/test_static_files.py
