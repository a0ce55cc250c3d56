"""A search that finds nothing offers the indexed words closest to what was typed, as links that find
products (the suite runs on SQLite and PostgreSQL: the same words in the same order on both)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from catalogue.browsing import list_close_words
from catalogue.models import ProductStatus
from catalogue.search import close_words
from producers.models import Community
from shop.db import db
from tests.factories.catalogue import make_product
from tests.factories.producers import make_community


def offered(html: str) -> list[tuple[str, str]]:
    """The (link, word) pairs after "Gal ieškojote:" on a catalogue page."""
    line = re.search(r'<p class="close-words">Gal ieškojote: (.*?)</p>', html)
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', line.group(1)) if line else []


def test_nothing_found_offers_close_words_as_links_that_each_find_products(client: FlaskClient) -> None:
    make_product(slug="zvaigzdute", name_lt="Šiaudinė žvaigždutė")
    make_product(slug="zvaigzde", name_lt="Žvaigždė su varpeliu")
    page = client.get("/katalogas", query_string={"q": "zvaigzdziu"}).get_data(as_text=True)
    assert "0 gaminių" in page
    links = offered(page)
    assert [word for _, word in links] == ["zvaigzde", "zvaigzdute"]  # two edits, then three
    for link, word in links:
        found = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
        assert f'href="/produktai/{word}"' in found, word


def test_stems_are_not_offered_but_the_words_they_come_from_are(app: Flask) -> None:
    make_product(name_lt="Medinis angelas")
    make_product(name_lt="Atvirukas su levandomis")
    # "angel", one edit from "angl", is the stem of "angelas"; "atviruk" and "levand" are stems too
    assert list_close_words("angl") == ["angelas"]
    assert list_close_words("atvirkas") == ["atvirukas"]
    assert list_close_words("lavendomiz") == ["levandomis"]


def test_an_earlier_word_offers_the_words_it_begins(app: Flask) -> None:
    make_product(name_lt="Kalėdinis atvirukas")
    # only the last word is matched as a beginning; an earlier one finds nothing as typed
    assert list_close_words("atvir zzzz") == ["atvirukas"]


def test_close_words_come_nearest_first_then_alphabetically(app: Flask) -> None:
    for name in ("Vokas", "Vokai", "Vaškas", "Voras"):
        make_product(name_lt=name)
    assert close_words("vokkas", {"vokas": True, "vokai": True, "vaskas": True, "voras": True}) == {
        "vokas": 1,
        "vaskas": 2,
        "vokai": 2,
        "voras": 2,
    }
    assert list_close_words("vokkas") == ["vokas", "vaskas", "vokai", "voras"]
    assert list_close_words("vokkas volas") == ["vokas", "voras", "vaskas", "vokai"]  # each word's nearest


def test_at_most_five_words_are_offered(app: Flask) -> None:
    for name in ("Lizas", "Litas", "Lisas", "Lipas", "Linas", "Lidas"):
        make_product(name_lt=name)
    assert list_close_words("likas") == ["lidas", "linas", "lipas", "lisas", "litas"]


def test_words_only_hidden_products_have_are_not_offered(app: Flask) -> None:
    make_product(name_lt="Varpelis", status=ProductStatus.DRAFT)
    make_product(name_lt="Varpas", community=make_community(is_active=False))
    make_product(name_lt="Medinis angelas")
    assert list_close_words("varpls") == []
    db.session.execute(update(Community).values(is_active=True))
    db.session.commit()
    assert list_close_words("varpls") == ["varpas"]


@pytest.mark.parametrize("query", ["angelas", "ang", "zzz", "🎄🎅", '" * NEAR OR -', "a" * 10_000, "..."])
def test_a_known_short_or_wordless_query_offers_nothing(app: Flask, query: str) -> None:
    make_product(name_lt="Medinis angelas")
    assert list_close_words(query) == []


@pytest.mark.parametrize("query", ['" * NEAR OR -', "a" * 10_000, "🎄🎅 angleas", "angl OR -", "(angl*)"])
def test_junk_still_gives_a_normal_page(client: FlaskClient, query: str) -> None:
    make_product(name_lt="Medinis angelas")
    response = client.get("/katalogas", query_string={"q": query})
    assert response.status_code == 200
    assert "<form" in response.get_data(as_text=True)


def test_a_found_search_offers_no_words(client: FlaskClient) -> None:
    make_product(name_lt="Medinis angelas")
    assert offered(client.get("/katalogas?q=angelas").get_data(as_text=True)) == []


def test_the_nothing_found_page_runs_a_fixed_number_of_statements(
    client: FlaskClient, count_queries: Any
) -> None:
    def cost(query: str) -> int:
        client.get("/katalogas")  # the filter's communities kept (`shop.caching`), as between visitors
        with count_queries() as counter:
            assert client.get("/katalogas", query_string={"q": query}).status_code == 200
        return int(counter.count)

    make_product(name_lt="Medinis angelas")
    few = cost("angleas vokkas")
    for n in range(12):
        make_product(name_lt=f"Angelas{'i' * n} ąžuolinis vokas{'u' * n}")
    # "angleas vokkas" is now corrected to "angelas vokas" and found: a page of cards, not this page
    assert cost("angleas vokkas zvaigzdziu") == few
    assert cost("angleas vokkas zvaigzdziu sirdeliu") == few
