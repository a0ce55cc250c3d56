from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from catalogue.models import ProductStatus
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.producers import make_community


def listed(client: FlaskClient, query: str = "") -> list[str]:
    """The product slugs the catalogue page links to, in page order."""
    html = client.get(f"/katalogas{query}").get_data(as_text=True)
    return re.findall(r'class="product-card-link" href="/produktai/([^"?]+)"', html)


def test_catalogue_shows_only_active_products_of_active_communities(client: FlaskClient) -> None:
    closed = make_community(is_active=False)
    make_product(slug="for-sale")
    make_product(slug="draft", status=ProductStatus.DRAFT)
    make_product(slug="waiting", status=ProductStatus.PENDING_REVIEW)
    make_product(slug="old", status=ProductStatus.ARCHIVED)
    make_product(closed, slug="closed-shop")
    assert listed(client) == ["for-sale"]
    for slug in ("draft", "waiting", "old", "closed-shop"):
        assert client.get(f"/produktai/{slug}").status_code == 404


def test_catalogue_filters_by_category(client: FlaskClient) -> None:
    cards, envelopes = make_category(slug="atvirukai"), make_category(slug="vokai")
    make_product(category=cards, slug="card")
    make_product(category=envelopes, slug="envelope")
    assert listed(client, "?category=vokai") == ["envelope"]


def test_catalogue_filters_by_community(client: FlaskClient) -> None:
    krakes, pagiriai = make_community(slug="krakes"), make_community(slug="pagiriai")
    make_product(krakes, slug="from-krakes")
    make_product(pagiriai, slug="from-pagiriai")
    assert listed(client, "?community=krakes") == ["from-krakes"]


def community_choices(html: str) -> list[str]:
    """The slugs the filter's community list offers, in its order."""
    select = re.split(r'<select [^>]*id="community"[^>]*>', html)[1].split("</select>")[0]
    return re.findall(r'<option (?:selected )?value="([^"]*)"', select)


def test_the_community_filter_offers_the_communities_with_most_products_and_the_one_chosen(
    client: FlaskClient,
) -> None:
    """With more communities than FILTER_COMMUNITIES, the list keeps the ones showing the most products,
    by name, and links to all of them; a community chosen from its own page is kept in it."""
    busy = [make_community(slug=f"busy-{n:02d}", name=f"Busy {n:02d}") for n in range(12)]
    for community in busy:
        make_product(community)
        make_product(community)
    quiet = make_community(slug="quiet", name="A quiet one")
    make_product(quiet, slug="from-quiet")
    closed = make_community(slug="closed", is_active=False)
    make_product(closed)
    html = client.get("/katalogas").get_data(as_text=True)
    assert community_choices(html) == ["", *(c.slug for c in busy)]
    assert 'href="/bendruomenes"' in html
    html = client.get("/katalogas?community=quiet").get_data(as_text=True)
    assert community_choices(html) == ["", "quiet", *(c.slug for c in busy)]
    assert listed(client, "?community=quiet") == ["from-quiet"]
    html = client.get("/katalogas?community=closed&lang=en").get_data(as_text=True)
    assert "There is no such community; showing all." in html
    assert "closed" not in community_choices(html)


def test_catalogue_filters_by_price_range_with_lithuanian_decimal_comma(client: FlaskClient) -> None:
    make_product(slug="cheap", variants=[make_variant(price_cents=250)])
    make_product(slug="middle", variants=[make_variant(price_cents=1250)])
    make_product(slug="dear", variants=[make_variant(price_cents=2500)])
    make_product(slug="set", variants=[make_variant(price_cents=300), make_variant(price_cents=1500)])
    assert sorted(listed(client, "?min_price=12,50&max_price=15")) == ["middle", "set"]
    assert sorted(listed(client, "?max_price=3")) == ["cheap", "set"]
    assert listed(client, "?min_price=20.00") == ["dear"]


def test_catalogue_in_stock_filter_leaves_out_sold_out_and_made_to_order(client: FlaskClient) -> None:
    make_product(slug="ready", variants=[make_variant(stock=3)])
    make_product(slug="gone", variants=[make_variant(stock=0)])
    make_product(slug="to-order", variants=[make_variant(stock=0, is_made_to_order=True, lead_days=5)])
    assert sorted(listed(client)) == ["gone", "ready", "to-order"]
    assert listed(client, "?in_stock=y") == ["ready"]


def test_catalogue_sorts_by_price_both_ways_using_the_cheapest_variant(client: FlaskClient) -> None:
    make_product(slug="b", variants=[make_variant(price_cents=500)])
    make_product(slug="a", variants=[make_variant(price_cents=900), make_variant(price_cents=100)])
    make_product(slug="c", variants=[make_variant(price_cents=700)])
    assert listed(client, "?sort=price_asc") == ["a", "b", "c"]
    assert listed(client, "?sort=price_desc") == ["c", "b", "a"]


def test_catalogue_sorts_newest_first_and_recommended_puts_featured_first(client: FlaskClient) -> None:
    make_product(slug="old-featured", is_featured=True)
    make_product(slug="newer")
    make_product(slug="newest")
    assert listed(client, "?sort=newest") == ["newest", "newer", "old-featured"]
    assert listed(client) == ["old-featured", "newest", "newer"]


@pytest.mark.parametrize(
    ("query", "expected_page"),
    [("?page=0", 1), ("?page=-3", 1), ("?page=abc", 1), ("?page=", 1), ("?page=2", 2), ("?page=9999", 3)],
)
def test_pagination_edges_land_on_a_real_page(
    client: FlaskClient, app: object, query: str, expected_page: int
) -> None:
    app.config["CATALOGUE_PAGE_SIZE"] = 2  # type: ignore[attr-defined]
    try:
        for n in range(5):
            make_product(slug=f"p{n}")
        response = client.get(f"/katalogas{query}")
        assert response.status_code == 200
        assert f"{expected_page} puslapis iš 3" in response.get_data(as_text=True)
        assert len(listed(client, query)) == (1 if expected_page == 3 else 2)
    finally:
        app.config["CATALOGUE_PAGE_SIZE"] = 24  # type: ignore[attr-defined]


JUNK = [
    "?min_price=abc",
    "?min_price=-5",
    "?max_price=1e9",
    "?min_price=0,005",
    "?min_price=99999999999",
    "?min_price=10&max_price=2",
    "?sort=DROP",
    "?category=%00",
    "?community[]=x",
    "?q=" + "x" * 5000,
    "?in_stock=maybe",
    "?page=1" + "0" * 40,
    "?q=%ff%fe",
    "?lang=xx",
]


@pytest.mark.parametrize("query", JUNK)
def test_junk_query_strings_never_break_the_catalogue(client: FlaskClient, query: str) -> None:
    make_product(slug="still-here")
    response = client.get(f"/katalogas{query}")
    assert response.status_code == (400 if "%00" in query else 200)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?min_price=abc", "Įveskite sumą eurais, pvz., 12,50."),
        ("?min_price=0,005", "Naudokite ne daugiau kaip du skaitmenis po kablelio (centus)."),
        ("?min_price=10&max_price=2", "Viršutinė kaina mažesnė už apatinę."),
        ("?category=nera", "Tokios kategorijos nėra, rodome visas."),
    ],
)
def test_a_bad_filter_is_explained_reshown_as_typed_and_ignored(
    client: FlaskClient, query: str, message: str
) -> None:
    make_product(slug="shown", variants=[make_variant(price_cents=1500)])
    html = client.get(f"/katalogas{query}").get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html
    assert "shown" in listed(client, query)
    if "min_price=abc" in query:
        assert 'value="abc"' in html


def test_product_page_names_its_maker_as_eu_law_asks(client: FlaskClient) -> None:
    community = make_community(
        legal_name="Asociacija „Krakių bendruomenės centras“",
        registration_code="302123456",
        address_line="Mokyklos g. 3, Krakės",
        postal_code="LT-58364",
        email="krakes@example.org",
        is_vat_payer=False,
    )
    make_product(community, slug="angelas", variants=[make_variant(price_cents=1250)])
    html = client.get("/produktai/angelas").get_data(as_text=True)
    for text in (
        "Asociacija „Krakių bendruomenės centras“",
        "302123456",
        "Mokyklos g. 3, Krakės",
        "krakes@example.org",
    ):
        assert text in html
    assert "PVM netaikomas" in html
    assert "12,50\xa0€" in html


def test_product_page_of_a_vat_payer_says_vat_is_included(client: FlaskClient) -> None:
    make_product(make_community(is_vat_payer=True), slug="su-pvm")
    html = client.get("/produktai/su-pvm").get_data(as_text=True)
    assert "Galutinė kaina su PVM." in html
    assert "PVM netaikomas" not in html


def test_product_with_one_variant_shows_no_choice_and_several_show_each(client: FlaskClient) -> None:
    make_product(slug="single", variants=[make_variant(name_lt="", stock=4)])
    make_product(
        slug="choice",
        variants=[
            make_variant(name_lt="Raudonas", price_cents=400, stock=2),
            make_variant(name_lt="Baltas", price_cents=450, stock=0, is_made_to_order=True, lead_days=5),
        ],
    )
    single = client.get("/produktai/single").get_data(as_text=True)
    assert "Pasirinkite" not in single
    assert "4 vienetai sandėlyje" in single
    choice = client.get("/produktai/choice").get_data(as_text=True)
    assert "Pasirinkite" in choice
    assert "Raudonas" in choice and "Baltas" in choice
    assert "gaminama užsakius per 5 dienas" in choice
    assert "nuo" in choice  # the price is a range, "from 4,00 €"


def test_product_page_shows_photos_with_renditions_and_alt_text(client: FlaskClient) -> None:
    product = make_product(slug="su-foto", images=2)
    html = client.get("/produktai/su-foto").get_data(as_text=True)
    key = product.images[0].key
    assert f"/media/{key}-1280.webp 1280w" in html
    assert f"/media/{key}-320.jpg 320w" in html
    assert 'alt="Nuotrauka"' in html
    assert product.images[1].key in html


def test_community_page_tells_its_story_and_lists_only_its_products(client: FlaskClient) -> None:
    mine, other = (
        make_community(slug="gudziunai", story_lt="Gudžiūnų moterys pina šiaudinukus."),
        make_community(),
    )
    make_product(mine, slug="mano")
    make_product(other, slug="kito")
    response = client.get("/bendruomenes/gudziunai")
    html = response.get_data(as_text=True)
    assert "Gudžiūnų moterys pina šiaudinukus." in html
    assert "/produktai/mano" in html and "/produktai/kito" not in html
    assert client.get("/bendruomenes/nera").status_code == 404


def test_home_shows_categories_featured_products_and_communities(client: FlaskClient) -> None:
    community = make_community(name="Surviliškio bendruomenė")
    make_product(community, make_category(name_lt="Vokai"), slug="featured", is_featured=True)
    make_product(community, slug="plain")
    html = client.get("/").get_data(as_text=True)
    assert "Vokai" in html and "Surviliškio bendruomenė" in html
    assert "/produktai/featured" in html and "/produktai/plain" not in html


def test_sitemap_lists_every_visible_product_and_community(client: FlaskClient) -> None:
    make_product(make_community(slug="josvainiai"), slug="matomas")
    make_product(slug="juodrastis", status=ProductStatus.DRAFT)
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert "/produktai/matomas</loc>" in xml and "juodrastis" not in xml
    assert "/bendruomenes/josvainiai</loc>" in xml
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://shop.test/sitemap.xml" in robots


def test_pages_have_titles_descriptions_and_open_graph_tags(client: FlaskClient) -> None:
    make_product(
        slug="angelas", name_lt="Šiaudinis angelas", description_lt="Angelas iš rugių šiaudų.", images=1
    )
    html = client.get("/produktai/angelas").get_data(as_text=True)
    assert "<title>Šiaudinis angelas · Kaimo mugė</title>" in html
    assert '<meta name="description" content="Angelas iš rugių šiaudų.">' in html
    assert '<meta property="og:title" content="Šiaudinis angelas">' in html
    assert 'property="og:image" content="http://shop.test/media/' in html
    assert '<link rel="canonical" href="http://shop.test/produktai/angelas">' in html
