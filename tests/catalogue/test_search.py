from __future__ import annotations

import pytest

from catalogue.browsing import CatalogueFilter, list_products
from catalogue.search import query_words
from shop.text import fold
from tests.factories.catalogue import make_product


def slugs(query: str) -> set[str]:
    return {p.slug for p in list_products(CatalogueFilter(query=query), page=1, per_page=50).items}


def test_fold_strips_lithuanian_diacritics_and_case() -> None:
    assert fold("Šiaudinė ŽVAIGŽDĖ ąčęėįšųūž") == "siaudine zvaigzde aceeisuuz"


def test_query_words_keeps_at_most_eight_words() -> None:
    assert query_words("a b c d e f g h i j") == list("abcdefgh")


@pytest.mark.parametrize("query", ["zaisliukai", "žaisliukai", "ŽAISLIUKAI", "Zaisliukai", "zaisliuk"])
def test_search_finds_a_product_with_or_without_diacritics(app: object, query: str) -> None:
    make_product(slug="eglute", name_lt="Kalėdiniai žaisliukai eglutei", name_en="Tree ornaments")
    make_product(slug="vokas", name_lt="Lino vokas", name_en="Linen envelope")
    assert slugs(query) == {"eglute"}


def test_search_matches_english_texts_and_descriptions(app: object) -> None:
    make_product(slug="angelas", name_lt="Angelas", name_en="Straw angel", description_lt="Iš rugių šiaudų.")
    assert slugs("straw") == {"angelas"}
    assert slugs("siaudu") == {"angelas"}


def test_search_needs_every_word(app: object) -> None:
    make_product(slug="raudonas", name_lt="Raudonas atvirukas")
    make_product(slug="baltas", name_lt="Baltas atvirukas")
    assert slugs("atvirukas raudonas") == {"raudonas"}
    assert slugs("atvirukas") == {"raudonas", "baltas"}


@pytest.mark.parametrize("query", ["_", "100%", "a_b", "'; DROP TABLE products; --"])
def test_search_treats_wildcards_and_quotes_as_plain_text(app: object, query: str) -> None:
    make_product(slug="plain", name_lt="Atvirukas")
    assert slugs(query) == set()


@pytest.mark.parametrize("query", ["%", "\\", "  ", "?!"])
def test_a_query_without_words_shows_everything(app: object, query: str) -> None:
    make_product(slug="plain", name_lt="Atvirukas")
    assert slugs(query) == {"plain"}


def test_search_follows_changes_to_a_product(app: object) -> None:
    from shop.db import db

    product = make_product(slug="keiciamas", name_lt="Senas pavadinimas")
    product.name_lt = "Šiaudinė žvaigždė"
    db.session.commit()
    assert slugs("zvaigzde") == {"keiciamas"}
    assert slugs("senas") == set()
