"""No CSV the shop writes lets a name typed by someone else become a live formula in the reader's Excel.

A community names itself, its product and its variant like formulas (OWASP's list: `=`, `+`, `-`, `@`,
tab, carriage return); every export that shows them — the back office's sales report and payouts file,
the workspace's unpaid earnings — writes each such cell with a leading `'`, while amounts, quantities and
dates stay numbers Excel can sum.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from orders.models import OrderStatus
from orders.payouts.statements import generate_payouts
from shop.i18n import vilnius_today
from shop.spreadsheet import excel_csv, safe_cell
from tests.conftest import login_as
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.orders import make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_user

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


@pytest.mark.parametrize("value", HOSTILE)
def test_a_text_cell_that_could_start_a_formula_starts_with_a_quote(value: str) -> None:
    (row,) = rows_of(excel_csv([[value, "Eglutė", "a=b"]]))
    assert row == ["'" + value, "Eglutė", "a=b"]


def test_numbers_stay_numbers() -> None:
    (row,) = rows_of(excel_csv([[-300, "-3,00", "-3.00", "12,50", 7, "2026-12-04", "", None]]))
    assert row == ["-300", "-3,00", "-3.00", "12,50", "7", "2026-12-04", "", ""]
    assert safe_cell(-1) == -1 and safe_cell("-1") == "-1" and safe_cell("-1,5e3") == "'-1,5e3"


@pytest.fixture
def hostile_shop() -> dict[str, Any]:
    """A community, its category, product and variant named like formulas; a paid order (in the sales
    report), delivered (in the unpaid earnings, then in a payout statement)."""
    community = make_community(slug="piktoji", name=HOSTILE[0])
    product = make_product(
        community,
        make_category(name_lt=HOSTILE[2], name_en=HOSTILE[2]),
        name_lt=HOSTILE[0],
        name_en=HOSTILE[0],
        variants=[make_variant(name_lt=HOSTILE[1], name_en=HOSTILE[1], stock=5)],
    )
    make_user(community, email="piktoji@example.org")
    make_user(email="vida@vvg.example.org", is_staff=True)
    make_order(
        [(product.variants[0], 1)],
        status=OrderStatus.COMPLETED,
        buyer=make_buyer(name=HOSTILE[4], email="jonas@example.com"),
        carrier="Pickup",
        tracking_number="",
    )
    return {"community": community}


def assert_neutral(rows: list[list[str]], *expected: str) -> None:
    cells = [cell for row in rows for cell in row]
    for value in expected:
        assert "'" + value in cells, f"{value!r} not found quoted in {cells}"
    for cell in cells:
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        assert not cell.startswith("-") or cell.replace(",", "").lstrip("-").isdigit(), cell


def test_the_sales_report_quotes_names_that_could_start_a_formula(
    client: FlaskClient, hostile_shop: dict[str, Any]
) -> None:
    login_as(client, "vida@vvg.example.org")
    today = vilnius_today()
    query = {"from_day": (today - timedelta(days=1)).isoformat(), "to_day": today.isoformat()}
    response = client.get("/backoffice/reports.csv", query_string=query)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = rows_of(response.get_data(as_text=True))
    assert len(rows) == 3  # the headers, the sale, the totals
    assert_neutral(rows, HOSTILE[0], HOSTILE[1], HOSTILE[2])


def test_the_earnings_and_payouts_files_quote_names_that_could_start_a_formula(
    client: FlaskClient, hostile_shop: dict[str, Any]
) -> None:
    login_as(client, "piktoji@example.org")
    response = client.get("/workspace/payouts.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = rows_of(response.get_data(as_text=True))
    assert len(rows) == 2
    # Its cells hold nothing anyone typed: the order number, the day and amounts, which stay numbers.
    (order, _delivered, *amounts) = rows[1]
    assert order.startswith("KM-") and all(amount.replace(",", "").isdigit() for amount in amounts), rows
    assert_neutral(rows)

    today = vilnius_today()
    generate_payouts(today.replace(day=1), today + timedelta(days=1), by=None, hold=0)
    client.post("/atsijungti")
    login_as(client, "vida@vvg.example.org")
    period = {"first_day": today.replace(day=1).isoformat(), "last_day": today.isoformat()}
    response = client.get("/backoffice/payouts/payouts.csv", query_string=period)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = rows_of(response.get_data(as_text=True))
    assert len(rows) == 2
    assert_neutral(rows, HOSTILE[0])
