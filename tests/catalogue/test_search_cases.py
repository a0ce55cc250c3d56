"""What shoppers type, from the demo catalogue: each query finds the product it is about on the first page,
the same products in the same order on SQLite and PostgreSQL (the suite runs on both)."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.browsing import CatalogueFilter, Sort, correct_query, list_products
from catalogue.models import Category, Product, ProductStatus, Variant
from shop.db import db, utcnow
from shop.demo import data as demo_data
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.producers import make_community

PAGE = 24  # the storefront's CATALOGUE_PAGE_SIZE

CASES = [
    # inflected Lithuanian
    ("atvirukai", "atvirukas-snaigiu-sokis"),
    ("angelai", "medinis-angelas-su-isdegintu-rastu"),
    ("angelų", "medinis-angelas-su-isdegintu-rastu"),
    ("angeliukai", "angeliukas-is-berzo-faneros"),
    ("kalėdiniai atvirukai", "atvirukas-kaledu-zvaigzde"),
    ("vokų", "kraftinis-vokas-su-vasko-antspaudu"),
    ("šiaudiniai žaisliukai", "siaudine-zvaigzde"),
    ("eglutės", "medzio-riekele-eglute"),
    ("snaigės", "nerta-snaige"),
    ("žvaigždės", "atvirukas-betliejaus-zvaigzde"),
    ("žvaigždžių", "atvirukas-betliejaus-zvaigzde"),  # the stemmer turns "dž" back to "d" before folding
    ("sniegenos", "atvirukas-sniegena-ant-sermuksnio"),
    ("širdelės", "veltinio-sirdele-su-sagute"),
    ("burbulai", "stiklinis-burbulas-zalia-giria"),
    ("vainikai", "quilling-atvirukas-kaledu-vainikas"),
    ("levandų", "linine-sirdele-su-levandomis"),
    ("sodai", "didysis-siaudinis-sodas"),
    ("riekelės", "medzio-riekele-eglute"),
    # without diacritics
    ("siaudine zvaigzde", "siaudine-zvaigzde"),
    ("zvaigzdute", "siaudine-zvaigzdute-su-spalvotu-siulu"),
    ("sirdeles", "linine-sirdele-su-levandomis"),
    ("kuciu vakaras", "atvirukas-kuciu-vakaras-kaime"),
    ("zaisliukai", "nerti-zaisliukai-snaiges"),
    ("ziemos pasaka", "tapytas-burbulas-ziemos-pasaka"),
    ("vasko antspaudas", "vokas-su-bordo-vasko-antspaudu"),
    # English, whatever the page's language
    ("cards", "atvirukas-pirmasis-sniegas"),
    ("angels", "angeliukas-is-berzo-faneros"),
    ("envelopes", "vokas-perristas-lininiu-siulu"),
    ("straw stars", "siaudine-zvaigzde"),
    ("felted hearts", "veltinio-sirdele-snaige"),
    ("snowflakes", "nerta-snaige"),
    ("bullfinch", "atvirukas-sniegenu-rytas"),
    ("wax seal", "kraftinis-vokas-su-vasko-antspaudu"),
    ("glass baubles", "stiklinis-burbulas-zalia-giria"),
    ("lavender", "linine-sirdele-su-levandomis"),
    ("Christmas ornaments", "siaudinukas-saulute"),
    # as-you-type: the last word is the start of a word
    ("atvir", "atvirukas-snaigiu-sokis"),
    ("angel", "medinis-angelas-su-isdegintu-rastu"),
    ("šiaud", "siaudinis-sodas-mazasis"),
    ("quill", "quilling-atvirukas-zalias-vainikas"),
    ("betliej", "atvirukas-betliejaus-zvaigzde"),
    ("vokas su vaš", "vokas-su-bordo-vasko-antspaudu"),
    # communities and villages
    ("Josvainiai", "vokai-josvainiu-rastai"),
    ("Josvainių", "angeliukas-is-berzo-faneros"),
    ("Surviliškis", "atvirukas-ziemos-vakaras-surviliskyje"),
    ("krakiu eglute", "vokas-su-vasko-antspaudu-krakiu-eglute"),
    ("Gudžiūnų angelas", "medinis-angelas-su-isdegintu-rastu"),
    ("slapaberze", "siaudine-zvaigzde"),
    # variant names
    ("5 atvirukų rinkinys", "quilling-atvirukas-kaledu-vainikas"),
    ("terakotinis", "vokas-su-vasko-antspaudu-krakiu-eglute"),
    ("kreminė", "nerta-snaige"),
]


def load_demo_catalogue() -> None:
    """The demo's categories, communities and products with their variants (no photos, no orders)."""
    categories = {}
    for position, demo_category in enumerate(demo_data.CATEGORIES):
        categories[demo_category.slug] = Category(**asdict(demo_category), position=position)
    communities = {
        demo.slug: make_community(slug=demo.slug, name=demo.name, city=demo.city)
        for demo in demo_data.COMMUNITIES
    }
    for age, demo in enumerate(demo_data.PRODUCTS):
        product = Product(
            community=communities[demo.community_slug],
            category=categories[demo.category_slug],
            slug=demo.slug,
            name_lt=demo.name_lt,
            name_en=demo.name_en,
            description_lt=demo.description_lt,
            description_en=demo.description_en,
            status=ProductStatus.ACTIVE,
            is_featured=demo.is_featured,
            created_at=utcnow() - timedelta(hours=7 * age),  # in the demo's order, as the seeding does
        )
        for position, variant in enumerate(demo.variants):
            product.variants.append(
                Variant(
                    sku=variant.sku,
                    name_lt=variant.name_lt,
                    name_en=variant.name_en,
                    price_cents=variant.price_cents,
                    stock=variant.stock,
                    is_made_to_order=variant.is_made_to_order,
                    lead_days=variant.lead_days,
                    weight_grams=variant.weight_grams,
                    position=position,
                )
            )
        db.session.add(product)
    db.session.commit()


def found(query: str, sort: Sort = Sort.RECOMMENDED) -> list[str]:
    page = list_products(CatalogueFilter(query=query, sort=sort), page=1, per_page=PAGE)
    return [product.slug for product in page.items]


def test_every_shopper_query_finds_its_product_on_the_first_page(app: Flask) -> None:
    assert len(CASES) >= 40
    load_demo_catalogue()
    missed = [(query, slug, found(query)[:5]) for query, slug in CASES if slug not in found(query)]
    assert missed == []


def test_relevance_puts_names_before_categories_and_descriptions(app: Flask) -> None:
    load_demo_catalogue()
    envelopes = found("vokų")
    # the envelopes themselves (their names) come before the cards that merely come with one
    assert set(envelopes[:7]) == {
        "kraftinis-vokas-su-vasko-antspaudu",
        "vokas-su-rastuotu-iklotu",
        "vokas-perristas-lininiu-siulu",
        "vokas-su-bordo-vasko-antspaudu",
        "kraftinis-vokas-su-egles-sakele",
        "vokai-josvainiu-rastai",
        "vokas-su-vasko-antspaudu-krakiu-eglute",
    }


def test_the_same_queries_give_the_same_order_on_both_databases(app: Flask) -> None:
    # Written down once from a run; the suite runs on SQLite and on PostgreSQL, so both must agree.
    load_demo_catalogue()
    assert found("angel") == ["medinis-angelas-su-isdegintu-rastu", "angeliukas-is-berzo-faneros"]
    assert found("šiaudinė žvaigždė")[:2] == ["siaudine-zvaigzde", "siaudine-zvaigzdute-su-spalvotu-siulu"]
    assert found("eglute")[:4] == [
        "medzio-riekele-eglute",
        "lininis-atvirukas-zalioji-eglute",
        "atvirukas-eglute-su-sagutemis",
        "siuvinetas-atvirukas-zvaigzdeta-eglute",
    ]


def test_a_whole_word_ranks_above_the_start_of_a_longer_one(app: Flask) -> None:
    make_product(slug="sodyba", name_lt="Sodybos atvirukas")
    make_product(slug="sodas", name_lt="Šiaudinis sodas")
    make_product(slug="sodyba-nauja", name_lt="Sodybos vokas")  # newest, first without a query
    assert [slug for slug in found("sod")][:1] == ["sodas"]


def test_a_word_in_the_name_ranks_above_the_same_word_in_a_description(app: Flask) -> None:
    make_product(slug="pavadinime", name_lt="Angelas", description_lt="Iš medžio.")
    make_product(slug="aprasyme", name_lt="Žvaigždė", description_lt="Tinka prie angelo.")
    make_product(slug="kategorijoje", name_lt="Burbulas", category=make_category(name_lt="Angelai"))
    assert found("angelai") == ["pavadinime", "kategorijoje", "aprasyme"]


def test_products_in_stock_come_first_among_equally_relevant_ones(app: Flask) -> None:
    make_product(slug="turime", name_lt="Veltinio širdelė", variants=[make_variant(stock=3)])
    make_product(slug="isparduota", name_lt="Veltinio širdelė", variants=[make_variant(stock=0)])
    assert found("sirdele") == ["turime", "isparduota"]


def test_the_other_sort_orders_still_sort_what_a_query_found(app: Flask) -> None:
    make_product(slug="brangus", name_lt="Angelas didelis", variants=[make_variant(price_cents=900)])
    make_product(slug="pigus", name_lt="Angelas mažas", variants=[make_variant(price_cents=300)])
    make_product(slug="kitas", name_lt="Vokas", variants=[make_variant(price_cents=100)])
    assert found("angelas", Sort.PRICE_ASC) == ["pigus", "brangus"]
    assert found("angelas", Sort.PRICE_DESC) == ["brangus", "pigus"]


def test_search_follows_a_renamed_category_variant_and_community(app: Flask) -> None:
    product = make_product(slug="gaminys", name_lt="Gaminys", variants=[make_variant(name_lt="Raudonas")])
    assert found("raudoni") == ["gaminys"]
    product.category.name_lt = "Šventiniai papuošalai"
    product.community.city = "Pelėdnagiai"
    product.variants[0].name_lt = "Žalias"
    db.session.commit()
    assert found("papuosalai") == found("peledn") == found("zalia") == ["gaminys"]
    assert found("raudoni") == []


def rename_costs(count_queries: Any, products: int) -> int:
    """The SQL statements a category's rename sends when it holds `products` products."""
    category = make_category(slug=f"k{products}", name_lt="Prieš")
    community = make_community(slug=f"b{products}")
    for n in range(products):
        make_product(community, category, slug=f"p{products}-{n}", variants=[make_variant()])
    category = db.session.get_one(Category, category.id)
    category.name_lt = "Lentyna"
    with count_queries() as counter:
        db.session.commit()
    return counter.count


def test_renaming_a_category_re_indexes_its_products_in_a_fixed_number_of_statements(
    app: Flask, count_queries: Any
) -> None:
    assert rename_costs(count_queries, 2) == rename_costs(count_queries, 12)
    assert list_products(CatalogueFilter(query="lentyna"), page=1, per_page=30).total == 14  # re-indexed


JUNK_QUERIES = [
    '"',
    '""',
    "*",
    "atvir*",
    "NEAR",
    "angel NEAR vok",
    "a OR b",
    "OR",
    "-",
    "-angelas",
    "AND NOT",
    "'; DROP TABLE search_terms; --",
    "^",
    "(",
    ")",
    ":",
    "term:angel",
    "{a b}",
    "%_%",
    "\\",
    "🎄🎅",
    "angelas 🎄",
    "ąčęėįšųūž" * 50,
    "atvirukas " * 1000,
    "a" * 10_000,
    "...",
]


@pytest.mark.parametrize("query", JUNK_QUERIES, ids=range(len(JUNK_QUERIES)))
def test_any_query_gives_a_normal_catalogue_page(app: Flask, client: FlaskClient, query: str) -> None:
    make_product(slug="angelas", name_lt="Medinis angelas")
    response = client.get("/katalogas", query_string={"q": query})
    assert response.status_code == 200
    assert "<form" in response.get_data(as_text=True)


def test_a_query_with_fts_syntax_still_finds_by_its_words(app: Flask) -> None:
    make_product(slug="angelas", name_lt="Medinis angelas")
    for query in ('"angelas"', "angel*", "-angelas", "(angelas)", "medinis\x00angelas", "angelas\x00"):
        assert found(query) == ["angelas"], query
    assert found("angel NEAR medin") == []  # NEAR is only a word here, and no product has it


def test_a_search_page_runs_the_same_number_of_queries_however_many_words(
    app: Flask, client: FlaskClient, count_queries: Any
) -> None:
    load_demo_catalogue()
    client.get("/katalogas")  # the filter's communities kept (`shop.caching`), as between visitors
    counts = []
    for query in ("atvirukas", "kalėdiniai atvirukai su voku", "atvirukas sniegena ant šermukšnio akvarele"):
        with count_queries() as counter:
            assert client.get("/katalogas", query_string={"q": query}).status_code == 200
        counts.append(counter.count)
    assert len(set(counts)) == 1, counts


def test_a_nul_byte_in_a_query_is_refused_like_anywhere_else_in_the_shop(
    app: Flask, client: FlaskClient
) -> None:
    # shop.security answers 400 to a NUL in any field (PostgreSQL cannot compare it); the search service
    # itself drops it (above), so no caller can turn it into a server error
    assert client.get("/katalogas", query_string={"q": "angel\x00as"}).status_code == 400


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("angleas", "angelas"),  # two letters swapped
        ("atvriukai", "atvirukai"),
        ("atvirukaii", "atvirukai"),  # a doubled letter: no stem of it is a product's
        ("saiudine zvaigzde", "siaudine zvaigzde"),  # only the word that matches nothing changes
        ("snowflaeks", "snowflakes"),
        ("lewandomys", "levandomis"),  # a long word may be two edits away
    ],
)
def test_a_mistyped_word_is_searched_as_the_nearest_indexed_word(app: Flask, typed: str, meant: str) -> None:
    load_demo_catalogue()
    assert correct_query(typed) == meant
    assert found(meant)


@pytest.mark.parametrize("query", ["angelas", "angl", "kaledu", "atvir", "zzzzzzzz", "angel*"])
def test_a_known_short_or_hopeless_word_is_left_as_typed(app: Flask, query: str) -> None:
    load_demo_catalogue()
    assert correct_query(query) is None


def test_the_page_says_what_it_shows_and_links_to_what_was_typed(app: Flask, client: FlaskClient) -> None:
    make_product(slug="angelas", name_lt="Medinis angelas")
    html = client.get("/katalogas", query_string={"q": "angleas"}).get_data(as_text=True)
    assert "Rodoma: „angelas“" in html
    assert 'href="/produktai/angelas"' in html
    link = re.search(r'<a href="([^"]+)">Ieškoti „angleas“, kaip parašyta</a>', html)
    assert link is not None
    exact = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Rodoma" not in exact
    assert 'href="/produktai/angelas"' not in exact
