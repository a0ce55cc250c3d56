"""No workspace or back-office form answers junk with a 500: every POST route, from the app's URL map.

The owner (a member of the community, or VVG staff) posts a valid CSRF token with every field the shop's
forms know filled with one kind of junk at a time: empty, huge numbers, non-ASCII digits, NUL-free
control text, very long text. Each answer must be a page or a redirect, never a server error.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token, login_as
from tests.factories.shop import make_user
from tests.walk import url_for_rule

FIELDS = [
    *("action", "amount", "carrier", "category", "category_id", "community", "community_id", "confirm"),
    *("description_en", "description_lt", "email", "fee", "fulfilment", "line", "lead_days", "method"),
    *("name", "name_en", "name_lt", "next", "offered", "password", "pickup_address", "pickup_hours_lt"),
    *("product_id", "reason", "reference", "remember", "remove", "safety_notes_lt", "status", "stock"),
    *("story_lt", "tracking_number", "vacation_until", "variant_id", "weight_grams", "acting_for", "price"),
    *("month", "first_day", "last_day", "execution_date"),
    *("slug", "legal_name", "registration_code", "district", "address_line", "postal_code", "city", "phone"),
    *("is_vat_payer", "commission", "iban", "stripe_account_id", "is_trusted"),
    *("unpaid_transfer_days", "unaccepted_days", "unshipped_days", "seen"),
]
JUNK = [
    "",
    "²",
    "99999999999999999999",
    "-1",
    "0x1f",
    "12,345",
    "ąčę" * 400,
    "<script>",
    "2026-02-30",
    "0001-01-01",
]


def posts(app: Flask, prefix: str) -> list[Any]:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.rule.startswith(prefix) and "POST" in (r.methods or ())),
        key=lambda rule: rule.rule,
    )


def form(token: str, junk: str) -> dict[str, str]:
    data = {field: junk for field in FIELDS}
    data.update({f"variants-0-{field}": junk for field in ("price", "stock", "weight_grams", "variant_id")})
    data.update({f"variants-0-{field}": junk for field in ("sale_price", "sale_from", "sale_until")})
    data.update({f"delivery_pickup-{field}": junk for field in ("offered", "fee", "pickup_address")})
    data["csrf_token"] = token
    return data


@pytest.mark.parametrize("junk", JUNK)
def test_workspace_forms_never_answer_junk_with_a_server_error(
    app: Flask, client: FlaskClient, two_communities: dict[str, Any], junk: str
) -> None:
    login_as(client, "slapaberze@example.org")  # the owner of every id in the walk
    token = csrf_token(client, "/workspace/listings")
    for rule in posts(app, "/workspace"):
        url = url_for_rule(rule, two_communities)
        response = client.post(url, data=form(token, junk))
        assert response.status_code < 500, f"POST {url} with {junk[:20]!r}: {response.status_code}"


@pytest.mark.parametrize("junk", JUNK)
def test_back_office_forms_never_answer_junk_with_a_server_error(
    app: Flask, client: FlaskClient, two_communities: dict[str, Any], junk: str
) -> None:
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    token = csrf_token(client, "/backoffice/")
    ids = {**two_communities, "order_id": 1, "alert_id": 1, "refund_id": 1, "message_id": 1}
    for rule in posts(app, "/backoffice"):
        url = url_for_rule(rule, ids)
        data = form(token, junk)
        data[f"p{ids['payout_id']}-reference"] = junk  # a payout's "paid" form is named after it
        response = client.post(url, data=data)
        assert response.status_code < 500, f"POST {url} with {junk[:20]!r}: {response.status_code}"


#: The back office's pages read from their query (GET, bookmarkable): the order search, the dashboard and
#: the sales report with its CSV; and every argument any of them reads.
SEARCH_PAGES = ["/backoffice/orders", "/backoffice/", "/backoffice/reports", "/backoffice/reports.csv"]
QUERY = ["q", "community", "status", "method", "placed_from", "placed_to", "page", "from_day", "to_day"]
QUERY += ["category"]


@pytest.mark.parametrize("junk", JUNK)
def test_back_office_searches_never_answer_junk_in_their_query_with_a_server_error(
    client: FlaskClient, two_communities: dict[str, Any], junk: str
) -> None:
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    for url in SEARCH_PAGES:
        for query in [{name: junk} for name in QUERY] + [dict.fromkeys(QUERY, junk)]:
            response = client.get(url, query_string=query)
            assert response.status_code < 500, f"GET {url} {list(query)} = {junk[:20]!r}"
