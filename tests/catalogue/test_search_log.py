"""What people look for: storefront searches counted per query and day, nothing of who searched, the staff's
weekly report, its pruning job; and what an empty search offers instead of a dead end."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select

from catalogue.models import Product, SearchCount
from catalogue.search_log import (
    list_queries_found_nothing,
    list_top_queries,
    prune_search_log,
    record_search,
    week_of,
)
from orders.models import OrderStatus
from shop.db import db
from shop.i18n import vilnius_today
from tests.conftest import login_as
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.orders import make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_user

MONDAY = date(2026, 11, 30)


def counts() -> dict[tuple[str, date], tuple[int, int]]:
    db.session.rollback()
    rows = db.session.scalars(select(SearchCount)).all()
    return {(row.query, row.day): (row.searches, row.found) for row in rows}


def test_the_table_keeps_nothing_that_identifies_a_visitor(app: Flask) -> None:
    columns = {column["name"] for column in inspect(db.engine).get_columns("search_counts")}
    assert columns == {"query", "day", "searches", "found"}


def test_a_search_is_counted_folded_per_day_and_keeps_the_latest_number_found(app: Flask) -> None:
    record_search("  Šiaudinė   ŽVAIGŽDĖ! ", found=3, day=MONDAY, daily_queries=100)
    record_search("siaudine zvaigzde", found=2, day=MONDAY, daily_queries=100)
    record_search("siaudine zvaigzde", found=2, day=MONDAY + timedelta(days=1), daily_queries=100)
    assert counts() == {
        ("siaudine zvaigzde", MONDAY): (2, 2),
        ("siaudine zvaigzde", MONDAY + timedelta(days=1)): (1, 2),
    }


@pytest.mark.parametrize("query", ["", "   ", "?!", "%%", "\x00", "🎄"])
def test_a_query_without_words_is_not_counted(app: Flask, query: str) -> None:
    assert record_search(query, found=0, day=MONDAY, daily_queries=100) is False
    assert counts() == {}


@pytest.mark.parametrize("query", ["jonas@gmail.com", "Jonas Jonaitis 8 612 34567", "+370-612-34567"])
def test_a_query_that_may_hold_an_address_or_phone_is_never_stored(app: Flask, query: str) -> None:
    assert record_search(query, found=0, day=MONDAY, daily_queries=100) is False
    assert counts() == {}
    assert record_search("angelas 2026", found=1, day=MONDAY, daily_queries=100)  # a year is not a phone


def test_a_very_long_query_is_cut_to_a_hundred_characters(app: Flask) -> None:
    record_search("angelas " * 1250, found=0, day=MONDAY, daily_queries=100)
    [(query, _day)] = counts()
    assert len(query) <= 100 and query.startswith("angelas angelas")


def test_a_day_counts_at_most_its_share_of_different_queries_but_keeps_counting_known_ones(
    app: Flask,
) -> None:
    for word in ("angelas", "zvaigzde", "vokas"):
        record_search(word, found=1, day=MONDAY, daily_queries=2)
    assert record_search("angelas", found=1, day=MONDAY, daily_queries=2) is True
    assert counts() == {("angelas", MONDAY): (2, 1), ("zvaigzde", MONDAY): (1, 1)}
    assert record_search("kitas", found=1, day=MONDAY + timedelta(days=1), daily_queries=2) is True


def test_searches_at_the_same_moment_are_all_counted(app: Flask) -> None:
    def search(_: int) -> None:
        with app.app_context():
            record_search("angelas", found=1, day=MONDAY, daily_queries=100)
            db.session.remove()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(search, range(12)))
    assert counts() == {("angelas", MONDAY): (12, 1)}


def test_the_week_report_ranks_queries_and_lists_those_that_found_nothing(app: Flask) -> None:
    for day_offset, query, found in [
        (0, "angelas", 4),
        (2, "angelas", 4),
        (6, "angelas", 3),
        (1, "vokas", 2),
        (1, "snieguole", 0),
        (3, "snieguole", 0),
        (4, "eglute", 0),
        (5, "eglute", 1),  # found something later in the week: not a gap
        (7, "kitos savaites", 0),  # next Monday
        (-1, "praejusios", 0),
    ]:
        record_search(query, found=found, day=MONDAY + timedelta(days=day_offset), daily_queries=100)
    top = list_top_queries(MONDAY)
    assert [(row.query, row.searches) for row in top] == [
        ("angelas", 3),
        ("eglute", 2),
        ("snieguole", 2),
        ("vokas", 1),
    ]
    assert [(row.query, row.searches, row.found) for row in list_queries_found_nothing(MONDAY)] == [
        ("snieguole", 2, 0)
    ]


def test_pruning_removes_only_days_before_the_cut(app: Flask) -> None:
    for offset in (0, 1, 2):
        record_search("angelas", found=1, day=MONDAY + timedelta(days=offset), daily_queries=100)
    assert prune_search_log(before=MONDAY + timedelta(days=1)) == 1
    assert sorted(day for _query, day in counts()) == [MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)]


def test_the_prune_command_keeps_the_configured_days(app: Flask) -> None:
    today = vilnius_today()
    record_search("senas", found=0, day=today - timedelta(days=400), daily_queries=100)
    record_search("naujas", found=0, day=today - timedelta(days=30), daily_queries=100)
    result = app.test_cli_runner().invoke(args=["search", "prune"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 search count(s)" in result.output
    assert [query for query, _day in counts()] == ["naujas"]


# The storefront: each search-box search is counted once, with how many products it found.


def test_a_catalogue_search_is_counted_with_the_number_found(client: FlaskClient) -> None:
    make_product(name_lt="Šiaudinis angelas", name_en="Straw angel")
    assert client.get("/katalogas?q=Angelas").status_code == 200
    assert client.get("/katalogas?q=snieguole").status_code == 200
    assert client.get("/katalogas?q=angelas&sort=newest").status_code == 200
    today = vilnius_today()
    assert counts() == {("angelas", today): (2, 1), ("snieguole", today): (1, 0)}


@pytest.mark.parametrize(
    "query_string",
    [
        "",
        "?q=",
        "?q=angelas&page=2",
        "?q=angelas&category=angelai",
        "?q=angelas&in_stock=y",
        "?q=angelas&min_price=5",
    ],
)
def test_browsing_and_narrowed_searches_are_not_counted(client: FlaskClient, query_string: str) -> None:
    make_product(category=make_category(slug="angelai"), name_lt="Šiaudinis angelas")
    assert client.get("/katalogas" + query_string).status_code == 200
    assert counts() == {}


def test_an_empty_search_offers_categories_and_best_sellers(client: FlaskClient) -> None:
    cards = make_category(slug="atvirukai", name_lt="Atvirukai", name_en="Cards")
    popular = make_product(category=cards, name_lt="Populiarus atvirukas", variants=[make_variant(stock=50)])
    make_product(category=cards, name_lt="Niekas nepirko")
    make_order([(popular.variants[0], 2)], status=OrderStatus.PAID)
    page = client.get("/katalogas?q=snieguole").get_data(as_text=True)
    assert "0 gaminių" in page
    assert 'href="/katalogas?category=atvirukai"' in page
    assert "Populiaru šiomis savaitėmis" in page
    assert "Populiarus atvirukas" in page and "Niekas nepirko" not in page


def test_best_sellers_leave_out_unpaid_and_old_orders(client: FlaskClient) -> None:
    unpaid = make_product(name_lt="Neapmokėtas", variants=[make_variant(stock=50)])
    old = make_product(name_lt="Senai pirktas", variants=[make_variant(stock=50)])
    make_order([(unpaid.variants[0], 1)])
    make_order([(old.variants[0], 1)], status=OrderStatus.PAID, paid_at=vilnius_midnight_days_ago(60))
    page = client.get("/katalogas?q=snieguole").get_data(as_text=True)
    assert "Populiaru šiomis savaitėmis" not in page
    assert "Neapmokėtas" not in page and "Senai pirktas" not in page


def vilnius_midnight_days_ago(days: int) -> Any:
    from shop.i18n import vilnius_midnight

    return vilnius_midnight(vilnius_today() - timedelta(days=days))


# The type-ahead list: a small public JSON answer.


def test_suggestions_name_up_to_eight_products_with_their_addresses(client: FlaskClient) -> None:
    for n in range(10):
        make_product(slug=f"angelas-{n}", name_lt=f"Angelas {n}", name_en=f"Angel {n}")
    make_product(slug="vokas", name_lt="Lininis vokas")
    response = client.get("/paieska/pasiulymai?q=angel")
    assert response.status_code == 200
    body = response.get_json()
    assert len(body["suggestions"]) == 8
    assert all(s["name"].startswith("Angelas ") for s in body["suggestions"])
    assert all(s["url"].startswith("/produktai/angelas-") for s in body["suggestions"])
    assert (
        "public" in response.headers["Cache-Control"] and "max-age=300" in response.headers["Cache-Control"]
    )
    assert "Set-Cookie" not in response.headers
    english = client.get("/paieska/pasiulymai?q=angelas&language=en").get_json()
    assert english["suggestions"][0]["name"].startswith("Angel ")
    assert counts() == {}  # typing is not searching


@pytest.mark.parametrize(
    "query", ["", "   ", '"', "*", "NEAR", "a OR b", "-", "🎄🎄", "x" * 10_000, "'; DROP TABLE x; --"]
)
def test_suggestions_answer_junk_with_a_normal_list(client: FlaskClient, query: str) -> None:
    make_product(name_lt="Angelas")
    response = client.get("/paieska/pasiulymai", query_string={"q": query, "language": "xx"})
    assert response.status_code == 200
    assert isinstance(response.get_json()["suggestions"], list)


def test_a_nul_byte_is_stopped_at_the_door_as_everywhere(client: FlaskClient) -> None:
    response = client.get("/paieska/pasiulymai", query_string={"q": "ang\x00el"})
    assert response.status_code == 400  # shop.security's plain 400, never a 500


# The staff's report.


def test_staff_see_the_weeks_top_queries_and_those_that_found_nothing(client: FlaskClient) -> None:
    make_user(email="vida@vvg.example.org", is_staff=True)
    this_week = week_of(vilnius_today())
    record_search("angelas", found=3, day=this_week, daily_queries=100)
    record_search("angelas", found=3, day=this_week, daily_queries=100)
    record_search("snieguole", found=0, day=this_week, daily_queries=100)
    record_search("praeitas", found=0, day=this_week - timedelta(days=7), daily_queries=100)
    login_as(client, "vida@vvg.example.org")
    page = client.get("/backoffice/paieskos").get_data(as_text=True)
    top = page.split('id="top-queries"')[1].split("</table>")[0]
    nothing = page.split('id="found-nothing"')[1].split("</table>")[0]
    assert top.index("angelas") < top.index("snieguole") and "praeitas" not in top
    assert "snieguole" in nothing and "angelas" not in nothing
    earlier = client.get(f"/backoffice/paieskos?savaite={(this_week - timedelta(days=7)).isoformat()}")
    assert "praeitas" in earlier.get_data(as_text=True)
    assert 'href="/backoffice/paieskos"' in page  # in the back office's menu


@pytest.mark.parametrize("week", ["vakar", "2026-13-45", "2026-02-30", "9" * 50, "9999-12-31", "2026-12-02"])
def test_an_unknown_week_shows_this_one_with_a_message(client: FlaskClient, week: str) -> None:
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    response = client.get("/backoffice/paieskos", query_string={"savaite": week})
    assert response.status_code == 200
    assert "Tokios savaitės nėra" in response.get_data(as_text=True)


def test_only_staff_see_the_search_report(client: FlaskClient) -> None:
    assert client.get("/backoffice/paieskos").status_code in (302, 401, 403)
    make_user(email="jonas@example.org")
    login_as(client, "jonas@example.org")
    assert client.get("/backoffice/paieskos").status_code in (403, 404)


def test_a_counted_search_costs_the_same_queries_for_3_and_30_products_found(
    client: FlaskClient, count_queries: Any
) -> None:
    def cost(n: int) -> int:
        community, category = make_community(), make_category()
        for _ in range(n):
            make_product(community, category, name_lt="Šiaudinis angelas", images=1)
        with count_queries() as counter:
            page = client.get("/katalogas?q=angelas").get_data(as_text=True)
        assert page.count('class="product-card') >= min(n, 24)
        db.session.execute(Product.__table__.delete())
        db.session.commit()
        return int(counter.count)

    few, many = cost(3), cost(30)
    assert few == many, (few, many)
    assert counts()  # and it was counted


def test_an_empty_search_with_its_suggestions_costs_a_fixed_number_of_queries(
    client: FlaskClient, count_queries: Any
) -> None:
    def cost(n: int) -> int:
        category = make_category()
        for _ in range(n):
            product = make_product(category=category, variants=[make_variant(stock=50)], images=1)
            make_order([(product.variants[0], 1)], status=OrderStatus.PAID)
        with count_queries() as counter:
            assert client.get("/katalogas?q=snieguole").status_code == 200
        return int(counter.count)

    assert cost(1) == cost(6)
