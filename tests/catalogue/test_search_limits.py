"""One visitor cannot make a query "the top query" by repeating it, nor fill the day's report with its own
words; the type-ahead answers a script only so often, and asks the database for names alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from catalogue.browsing import CatalogueFilter, list_products, list_suggestions
from shop.config import ConfigError, check_search_limits, from_environ
from shop.db import db
from shop.i18n import vilnius_today
from tests.catalogue.test_search_log import counts
from tests.conftest import FreshContextClient
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.producers import make_community

VISITOR, NEIGHBOUR = "203.0.113.7", "198.51.100.23"


@pytest.fixture
def limited_app(app: Flask, test_config: dict[str, Any]) -> Iterator[Flask]:
    """The shop with its limits on (every other test runs without them), small enough to reach."""
    shop = create_app(
        {
            **test_config,
            "RATELIMIT_ENABLED": True,
            "SEARCH_LOG_PER_VISITOR": "3 per day",
            "SEARCH_SUGGESTIONS_PER_IP": "4 per minute",
        }
    )
    shop.test_client_class = FreshContextClient
    yield shop
    with shop.app_context():
        db.engine.dispose()


def visitor(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_one_visitor_searching_the_same_query_five_times_counts_once(limited_app: Flask) -> None:
    make_product(name_lt="Šiaudinis angelas")
    client = visitor(limited_app, VISITOR)
    for typed in ("angelas", "Angelas", "ANGELAS!", "angelas", "angelas"):  # folded alike
        page = client.get("/katalogas", query_string={"q": typed})
        assert page.status_code == 200 and "Šiaudinis angelas" in page.get_data(as_text=True)
    assert counts() == {("angelas", vilnius_today()): (1, 1)}


def test_two_visitors_searching_the_same_query_count_twice(limited_app: Flask) -> None:
    make_product(name_lt="Šiaudinis angelas")
    for address in (VISITOR, NEIGHBOUR, VISITOR, NEIGHBOUR):
        assert visitor(limited_app, address).get("/katalogas?q=angelas").status_code == 200
    assert counts() == {("angelas", vilnius_today()): (2, 1)}


def test_a_visitor_over_their_share_of_queries_stops_counting_but_still_finds_products(
    limited_app: Flask,
) -> None:
    words = ["angelas", "zvaigzde", "vokas", "varpelis", "eglute"]
    for word in words:
        make_product(slug=word, name_lt=f"Gaminys {word}")
    client = visitor(limited_app, VISITOR)
    for word in words:
        page = client.get("/katalogas", query_string={"q": word})
        assert page.status_code == 200
        assert f"Gaminys {word}" in page.get_data(as_text=True)  # the page is always shown
    today = vilnius_today()
    assert counts() == {(word, today): (1, 1) for word in words[:3]}  # the share: 3 a day here
    assert client.get("/katalogas?q=angelas").status_code == 200  # a repeat does not count either
    assert visitor(limited_app, NEIGHBOUR).get("/katalogas?q=eglute").status_code == 200
    assert counts()[("eglute", today)] == (1, 1)  # someone else still counts


def test_a_personal_query_leaves_no_mark_and_costs_no_share(limited_app: Flask) -> None:
    client = visitor(limited_app, VISITOR)
    for n in range(5):
        assert client.get("/katalogas", query_string={"q": f"jonas{n}@example.com"}).status_code == 200
    make_product(name_lt="Šiaudinis angelas")
    assert client.get("/katalogas?q=angelas").status_code == 200
    assert counts() == {("angelas", vilnius_today()): (1, 1)}


# The type-ahead: its own limit per IP address, and names only.


def test_suggestions_past_the_limit_answer_429_with_an_empty_list_that_no_cache_keeps(
    limited_app: Flask,
) -> None:
    make_product(slug="angelas", name_lt="Šiaudinis angelas")
    client = visitor(limited_app, VISITOR)
    answers = [client.get("/paieska/pasiulymai?q=angel") for _ in range(5)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]
    first = answers[0].get_json()["suggestions"]
    assert first == [{"name": "Šiaudinis angelas", "url": "/produktai/angelas"}]
    assert "public" in answers[0].headers["Cache-Control"]
    refused = answers[-1]
    assert refused.mimetype == "application/json"
    assert refused.get_json()["suggestions"] == []
    assert "no-store" in refused.headers["Cache-Control"] and "public" not in refused.headers["Cache-Control"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 61  # the minute's window, rounded up
    assert "Set-Cookie" not in refused.headers
    other = visitor(limited_app, NEIGHBOUR).get("/paieska/pasiulymai?q=angel")
    assert other.status_code == 200 and other.get_json()["suggestions"]  # another address is not refused
    assert client.get("/katalogas?q=angelas").status_code == 200  # nor is the search itself


def test_suggestions_cost_one_statement_for_3_and_30_products_found(
    client: FlaskClient, count_queries: Any
) -> None:
    def cost(n: int) -> int:
        community, category = make_community(), make_category()
        for i in range(n):
            make_product(
                community,
                category,
                slug=f"angelas-{n}-{i}",
                name_lt=f"Angelas {i}",
                variants=[make_variant(stock=i), make_variant(stock=1)],
                images=1,
            )
        with count_queries() as counter:
            body = client.get("/paieska/pasiulymai?q=angel").get_json()
        assert len(body["suggestions"]) == min(n, 8)
        assert all(s["url"].startswith(f"/produktai/angelas-{n}-") for s in body["suggestions"])
        return len([statement for statement in counter.statements if statement != "BEGIN"])

    assert cost(3) == cost(30) == 1  # was four: a count, the products, their variants, their photos


def test_suggestions_are_the_first_products_the_catalogues_search_lists(app: Flask) -> None:
    make_product(slug="vokas-angelai", name_lt="Lininis vokas", description_lt="Su angelais")
    make_product(slug="angelas-be", name_lt="Angelas", variants=[make_variant(stock=0)])
    make_product(slug="angelas", name_lt="Šiaudinis angelas", variants=[make_variant(stock=3)])
    make_product(slug="angeliukas", name_lt="Angeliukas", is_featured=True)
    listed = list_products(CatalogueFilter(query="angel"), page=1, per_page=24).items
    suggested = list_suggestions("angel", limit=3)
    assert [p.slug for p in suggested] == [p.slug for p in listed[:3]]
    assert len(listed) == 4


# The settings.


def test_the_search_limits_have_safe_defaults(tmp_path: Path) -> None:
    settings = from_environ(str(tmp_path), {})
    check_search_limits(settings)
    assert settings["SEARCH_LOG_PER_VISITOR"] == "30 per day"
    assert settings["SEARCH_SUGGESTIONS_PER_IP"] == "120 per minute"
    changed = from_environ(str(tmp_path), {"SEARCH_SUGGESTIONS_PER_IP": "60/minute;600/hour"})
    assert changed["SEARCH_SUGGESTIONS_PER_IP"] == "60/minute;600/hour"


@pytest.mark.parametrize(
    ("name", "value"),
    [("SEARCH_LOG_PER_VISITOR", "thirty a day"), ("SEARCH_SUGGESTIONS_PER_IP", "2 per eon")],
)
def test_a_search_limit_that_cannot_work_stops_the_shop_with_one_clear_line(
    tmp_path: Path, name: str, value: str
) -> None:
    with pytest.raises(ConfigError, match=name):
        check_search_limits(from_environ(str(tmp_path), {name: value}))
