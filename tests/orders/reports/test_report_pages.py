"""The back office's sales pages: the dashboard, the report and its CSV agree for every filter; a wrong
filter is explained; only staff see them.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient

from catalogue.models import Product
from orders import reports
from orders.reports import SalesFilter
from shop.db import db
from tests.conftest import login_as
from tests.factories.shop import make_user
from tests.orders.reports.helpers import YEAR_2025


@pytest.mark.parametrize(
    ("community", "category", "period", "net", "commission"),
    [
        (None, None, YEAR_2025, 5308, 548),
        ("krakes", None, YEAR_2025, 4475, 448),
        (None, "ornaments", YEAR_2025, 955, 95),
        ("krakes", "ornaments", YEAR_2025, 455, 45),
        ("pagiriai", "cards", YEAR_2025, 333, 50),
        (None, None, SalesFilter(date(2025, 3, 1), date(2025, 7, 1)), 1505, 151),
        (None, None, SalesFilter(date(2025, 2, 1), date(2025, 2, 28)), 0, 0),
        (None, None, SalesFilter(date(2026, 1, 1), date(2026, 1, 1)), 250, 25),
    ],
)
def test_the_dashboard_and_the_csv_agree_for_every_filter(
    client: FlaskClient, shop, community, category, period, net, commission
) -> None:
    wanted = SalesFilter(
        period.first_day,
        period.last_day,
        shop[community].id if community else None,
        shop[category].id if category else None,
    )
    summary = reports.sales_summary(wanted, "en")
    assert (summary.totals.net_cents, summary.totals.commission_cents) == (net, commission)

    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    query = {"from_day": wanted.first_day.isoformat(), "to_day": wanted.last_day.isoformat(), "lang": "en"}
    if community:
        query["community"] = str(shop[community].id)
    if category:
        query["category"] = str(shop[category].id)

    rows = csv_rows(client.get("/backoffice/reports.csv", query_string=query))
    header, lines, total = rows[0], rows[1:-1], rows[-1]
    assert header[8:12] == ["Goods", "Refunded", "Net", "Commission"]
    assert len(lines) == summary.totals.lines
    for column, cents in zip(
        range(8, 12),
        (summary.totals.goods_cents, summary.totals.refunded_cents, net, commission),
        strict=True,
    ):
        assert total[column] == euros(cents)  # the totals row
        assert sum(cents_of(line[column]) for line in lines) == cents  # the lines themselves

    dashboard = client.get("/backoffice/", query_string=query).get_data(as_text=True)
    report = client.get("/backoffice/reports", query_string=query).get_data(as_text=True)
    for page in (dashboard, report):
        assert f'data-total="net">{money_en(net)}<' in page
        assert f'data-total="commission">{money_en(commission)}<' in page


def test_the_csv_has_a_line_per_sold_line_with_its_words_and_amounts(client: FlaskClient, shop) -> None:
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    response = client.get(
        "/backoffice/reports.csv", query_string={"from_day": "2025-03-01", "to_day": "2025-03-31"}
    )
    assert response.mimetype == "text/csv"
    assert 'filename="kaimo-muge-sales-2025-03-01-2025-03-31.csv"' in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).startswith("\ufeff")  # Excel reads the Lithuanian letters
    rows = csv_rows(response)
    number = shop["orders"]["march"].number
    product = db.session.get_one(Product, shop["variants"]["k_orn"].product_id)
    assert rows[2] == [
        number,
        "2025-03-01",  # the Vilnius day of the payment
        "Krakės",
        "Žaisliukai",
        product.name_lt,
        "",
        "3",
        "4,55",
        "13,65",
        "13,65",
        "0,00",
        "0,00",
        "Bankinis pavedimas",
    ]
    assert rows[-1][1:] == ["", "", "", "", "", "", "", "23,70", "13,65", "10,05", "1,01", ""]  # the totals


def test_the_report_page_says_what_a_wrong_filter_is_and_shows_this_year(client: FlaskClient, shop) -> None:
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    for query in (
        {"from_day": "2025-02-30"},
        {"from_day": "0001-01-01"},  # a day so early (or late) that its Vilnius midnight cannot be had in UTC
        {"to_day": "9999-12-31"},
        {"from_day": "2025-03-01", "to_day": "2025-01-01"},
        {"community": "99999999999999999999"},
        {"category": "²"},
        {"community": "999999"},
    ):
        response = client.get("/backoffice/reports", query_string={**query, "lang": "en"})
        assert response.status_code == 400, query
        page = response.get_data(as_text=True)
        assert 'class="error-text"' in page
        csv_response = client.get("/backoffice/reports.csv", query_string=query)
        assert csv_response.status_code == 400 and csv_response.mimetype == "text/html"


def test_no_day_search_in_the_back_office_fails_on_a_year_far_away(client: FlaskClient, shop) -> None:
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    for url in ("/backoffice/orders?placed_from=0001-01-01", "/backoffice/orders?placed_to=9999-12-31"):
        response = client.get(url + "&lang=en")
        assert response.status_code == 200
        assert "Enter a day of the years 2000 to 2099." in response.get_data(as_text=True)


def test_reports_are_for_staff_only(client: FlaskClient, shop) -> None:
    for url in ("/backoffice/reports", "/backoffice/reports.csv"):
        assert client.get(url).status_code == 302
    make_user(shop["krakes"], email="krakes@example.org")
    login_as(client, "krakes@example.org")
    for url in ("/backoffice/reports", "/backoffice/reports.csv"):
        assert client.get(url).status_code == 403


# ---------------------------------------------------------------------------------------------- helpers


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    text = response.get_data(as_text=True).removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def cents_of(text: str) -> int:
    euros_part, cents_part = text.split(",")
    return int(euros_part) * 100 + int(cents_part)


def money_en(cents: int) -> str:
    return f"€{cents // 100:,}.{cents % 100:02d}"
