"""A search's ranked page is kept a minute for the next visitor asking the same (catalogue.search_cache):
served faster, never showing what is no longer on sale, and catching up within the minute."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from app import create_app
from catalogue import listings
from shop.db import db
from tests.conftest import FreshContextClient
from tests.factories.catalogue import make_product, make_variant
from tests.factories.producers import make_community
from tests.helpers import running

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock(app: Flask) -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cached_shop(app: Flask, test_config: dict[str, Any], clock: time_machine.Traveller) -> Iterator[Flask]:
    with running(create_app({**test_config, "SEARCH_CACHE_SECONDS": 60})) as shop:
        shop.test_client_class = FreshContextClient
        yield shop


def product_slugs(client: FlaskClient, url: str) -> list[str]:
    page = client.get(url)
    assert page.status_code == 200
    return re.findall(r'href="/produktai/([^"?#]+)"', page.get_data(as_text=True))


def statements(client: FlaskClient, url: str) -> list[str]:
    """The SQL statements one rendering of `url` sends."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return sent


@pytest.fixture
def cards(cached_shop: Flask) -> dict[str, Any]:
    community = make_community(slug="krakes")
    return {
        "red": make_product(community, slug="raudonas", name_lt="Raudonas atvirukas", is_featured=True,
                            variants=[make_variant(stock=3)]),
        "white": make_product(community, slug="baltas", name_lt="Baltas atvirukas",
                              variants=[make_variant(stock=3)]),
        "community": community,
    }  # fmt: skip


def test_a_repeated_search_is_served_from_the_cache_with_the_same_products_in_the_same_order(
    cached_shop: Flask, cards: dict[str, Any]
) -> None:
    client = cached_shop.test_client()
    first = product_slugs(client, "/katalogas?q=atvirukai")
    assert first == ["raudonas", "baltas"]
    searched = statements(client, "/katalogas?q=atvirukai&sort=newest")  # a new entry
    kept = statements(client, "/katalogas?q=atvirukai&sort=newest")
    assert any("search_terms" in statement for statement in searched)
    # kept: the search's index is not read again (nor the typo look-up); only the page's products are
    assert not any("search_terms" in statement for statement in kept)
    assert len(kept) == len(searched)  # one statement for the products either way: a fixed number
    assert product_slugs(client, "/katalogas?q=atvirukai") == first
    # each search is its own entry: another query, order or page is not served the first one's
    assert product_slugs(client, "/katalogas?q=raudonas") == ["raudonas"]
    assert product_slugs(client, "/katalogas?q=atvirukai&sort=price_desc") != []


def test_a_listing_archived_after_the_search_is_not_shown_from_the_cache_and_a_new_name_shows_at_once(
    cached_shop: Flask, cards: dict[str, Any]
) -> None:
    client = cached_shop.test_client()
    assert product_slugs(client, "/katalogas?q=atvirukai") == ["raudonas", "baltas"]
    listings.archive_listing(cards["community"], cards["red"].id)
    white = cards["white"]
    white.name_lt = "Baltas atvirukas su snaige"
    db.session.commit()
    page = client.get("/katalogas?q=atvirukai").get_data(as_text=True)
    assert "raudonas" not in page
    assert "Baltas atvirukas su snaige" in page


def test_a_new_listing_joins_the_search_at_once(cached_shop: Flask, cards: dict[str, Any]) -> None:
    client = cached_shop.test_client()
    assert product_slugs(client, "/katalogas?q=atvirukai") == ["raudonas", "baltas"]
    make_product(
        cards["community"], slug="zalias", name_lt="Žalias atvirukas", variants=[make_variant(stock=1)]
    )
    assert "zalias" in product_slugs(client, "/katalogas?q=atvirukai")  # the catalogue's token was renewed


def test_a_listing_going_on_sale_as_time_passes_joins_once_the_kept_page_expires(
    cached_shop: Flask, cards: dict[str, Any], clock: time_machine.Traveller
) -> None:
    make_product(cards["community"], slug="zalias", name_lt="Žalias atvirukas",
                 variants=[make_variant(stock=1)], on_sale_from=NOW + timedelta(seconds=30))  # fmt: skip
    client = cached_shop.test_client()
    assert "zalias" not in product_slugs(client, "/katalogas?q=atvirukai")
    clock.shift(timedelta(seconds=31))  # on sale now, but nothing changed in the shop: the page is kept
    assert "zalias" not in product_slugs(client, "/katalogas?q=atvirukai")
    clock.shift(timedelta(seconds=cached_shop.config["SEARCH_CACHE_SECONDS"]))
    assert "zalias" in product_slugs(client, "/katalogas?q=atvirukai")


@pytest.mark.parametrize("answers", [False, True], ids=["refused", "silent"])
def test_a_cache_that_does_not_answer_costs_the_visitor_nothing_but_speed(
    app: Flask, test_config: dict[str, Any], clock: time_machine.Traveller, answers: bool
) -> None:
    """A Redis whose port refuses, or one that takes the connection and never answers: the page is drawn
    all the same (without the connection's time limits, the silent one would hold the page for ever)."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        if answers:
            silent.listen(8)  # the kernel takes the connections; nobody ever reads or writes on them
        port = silent.getsockname()[1]
        config = {
            **test_config,
            "SEARCH_CACHE_SECONDS": 60,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": f"redis://127.0.0.1:{port}/0",
        }
        with running(create_app(config)) as shop:
            shop.test_client_class = FreshContextClient
            make_product(slug="raudonas", name_lt="Raudonas atvirukas", variants=[make_variant(stock=3)])
            found: list[list[str]] = []
            visit = threading.Thread(
                daemon=True,
                target=lambda: found.append(product_slugs(shop.test_client(), "/katalogas?q=atvirukai")),
            )
            visit.start()
            visit.join(timeout=60)
            assert not visit.is_alive(), "the page waited on the silent cache"
            assert found == [["raudonas"]]
