"""No page answers `url_for`'s own arguments in its query with a 500, walked from the app's URL map.

`?_external=1`, `?_scheme=javascript`, `?_method=POST`, `?_anchor=x` (and a query argument naming a part of
the path) must never reach `url_for` in the language links, the canonical link or pagination: every GET
route answers as it does without them, for an anonymous visitor everywhere, for a member in the workspace
and for staff in the back office; the error page keeps the shop's security headers.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from orders.models import Order
from shop.db import db
from tests.conftest import login_as
from tests.test_backoffice_access import ids  # noqa: F401 — the walk's rows, a fixture
from tests.walk import url_for_rule

RESERVED = [
    {"_external": "1"},
    {"_scheme": "javascript"},
    {"_method": "POST"},
    {"_anchor": "x"},
    {"_host": "evil.example"},
    {"_external": "1", "_scheme": "javascript", "_method": "POST", "_anchor": "x", "lang": "en"},
]


def get_rules(app: Flask, prefix: str = "/") -> list[Any]:
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and rule.rule.startswith(prefix) and rule.endpoint != "static"
        ),
        key=lambda rule: rule.rule,
    )


def walk(client: FlaskClient, urls: list[str]) -> None:
    for url in urls:
        plain = client.get(url).status_code
        for query in RESERVED:
            response = client.get(url, query_string=query)
            assert response.status_code < 500, f"GET {url} {query}: {response.status_code}"
            assert response.status_code == plain or query.get("lang"), f"GET {url} {query}"
            assert response.headers.get("Content-Security-Policy"), f"GET {url} {query}: no headers"
            assert b"javascript:" not in response.data, f"GET {url} {query}"
            assert b"//evil.example" not in response.data, f"GET {url} {query}"


@pytest.fixture
def storefront_ids(ids: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    order = db.session.get_one(Order, db.session.scalar(select(Order.id).order_by(Order.id).limit(1)))
    return {
        **ids,
        "token": order.public_token,
        "name": "nera-1.webp",
        "number": 1,
        "slug": "slapaberze",
        "carrier": "omniva",
    }


def test_no_storefront_page_answers_reserved_arguments_with_a_server_error(
    app: Flask, client: FlaskClient, storefront_ids: dict[str, Any]
) -> None:
    rules = [rule for rule in get_rules(app) if not rule.rule.startswith(("/workspace", "/backoffice"))]
    urls = [url_for_rule(rule, storefront_ids) for rule in rules]
    product_slug = db.session.scalar(select(Order).limit(1)).lines[0].variant.product.slug
    urls.append(f"/produktai/{product_slug}")  # the walk's `slug` is the community's
    walk(client, urls)


def test_no_workspace_page_answers_reserved_arguments_with_a_server_error(
    app: Flask,
    client: FlaskClient,
    ids: dict[str, Any],  # noqa: F811
) -> None:
    login_as(client, "slapaberze@example.org")
    walk(client, [url_for_rule(rule, ids) for rule in get_rules(app, "/workspace")])


def test_no_back_office_page_answers_reserved_arguments_with_a_server_error(
    app: Flask,
    client: FlaskClient,
    ids: dict[str, Any],  # noqa: F811
) -> None:
    login_as(client, "vida@vvg.example.org")
    walk(client, [url_for_rule(rule, ids) for rule in get_rules(app, "/backoffice")])


def test_a_query_argument_naming_a_part_of_the_path_does_not_break_the_page(
    client: FlaskClient,
    ids: dict[str, Any],  # noqa: F811
) -> None:
    response = client.get("/bendruomenes/slapaberze", query_string={"slug": "krakes", "page": "2"})
    assert response.status_code == 200
    head = response.get_data(as_text=True).split("</head>")[0]
    assert '<link rel="canonical" href="http://shop.test/bendruomenes/slapaberze?page=2">' in head
    assert "krakes" not in head  # neither in the canonical link nor in the other languages' links
