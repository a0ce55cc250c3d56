"""A sale as the community sets it in its workspace and as customers see it in the shop: the sale price, the
regular price struck through ("was" to screen readers), the lowest price of the 30 days before, and the
regular price again from the midnight after the sale's last day, without anything having to run.

Everything happens on fixed days (the test travels there): the listing is priced 40 days before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select

from catalogue.models import PriceChange, Product, ProductStatus, Sale, Variant
from shop.db import db, transaction
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.producers import make_community
from tests.factories.shop import make_user

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  #: 11:00 in Vilnius on 1 December
LAST_MOMENT = datetime(2026, 12, 6, 21, 59, 59, tzinfo=UTC)  #: 23:59:59 in Vilnius on the sale's last day
OVER = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)  #: midnight in Vilnius: 7 December begins

WAS = '<s class="price-was"><span class="visually-hidden">buvo </span>6,50\xa0€</s>'
LOWEST = "Mažiausia kaina per 30 d. iki nuolaidos: 6,50\xa0€"


@pytest.fixture
def clock(app: object) -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW - timedelta(days=40), tick=False) as traveller:
        yield traveller


@pytest.fixture
def shop(clock: time_machine.Traveller, client: FlaskClient) -> dict[str, Any]:
    """A trusted community's straw star at 6,50 € and a card at 5,50 €, priced 40 days ago; Ona signed in."""
    community = make_community(slug="slapaberze", name="Šlapaberžės bendruomenė", is_trusted=True)
    category = make_category(slug="zaisliukai", name_lt="Žaisliukai")
    star = make_product(
        community,
        category,
        slug="siaudine-zvaigzde",
        name_lt="Šiaudinė žvaigždė",
        is_featured=True,
        variants=[make_variant(price_cents=650, stock=8)],
    )
    card = make_product(community, category, slug="atvirukas", variants=[make_variant(price_cents=550)])
    make_user(community, email="ona@example.org", name="Ona")
    clock.move_to(NOW)
    login_as(client, "ona@example.org")
    return {"community": community, "category": category, "star": star, "card": card}


def listing_data(client: FlaskClient, shop: dict[str, Any], **changes: str) -> dict[str, str]:
    """The star's listing form as its page fills it, with `changes`."""
    star = shop["star"]
    url = f"/workspace/listings/{star.id}"
    data = {
        "csrf_token": csrf_token(client, url),
        "acting_for": str(shop["community"].id),
        "name_lt": star.name_lt,
        "category_id": str(shop["category"].id),
        "variants-0-variant_id": str(star.variants[0].id),
        "variants-0-price": "6,50",
        "variants-0-stock": "8",
        "variants-0-weight_grams": "20",
        "variants-0-sale_price": "",
        "variants-0-sale_from": "",
        "variants-0-sale_until": "",
    }
    data.update(changes)
    return data


def set_sale(
    client: FlaskClient, shop: dict[str, Any], price: str, first: str, last: str, regular: str = "6,50"
) -> Any:
    data = listing_data(
        client,
        shop,
        **{"variants-0-price": regular, "variants-0-sale_price": price},
        **{"variants-0-sale_from": first, "variants-0-sale_until": last},
    )
    return client.post(f"/workspace/listings/{shop['star'].id}", data=data)


def catalogue_order(client: FlaskClient, **query: str) -> list[str]:
    html = client.get("/katalogas", query_string=query).get_data(as_text=True)
    return list(dict.fromkeys(re.findall(r'href="/produktai/([a-z-]+)"', html)))


def star_variant(shop: dict[str, Any]) -> Variant:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get_one(Variant, shop["star"].variants[0].id)


def test_a_sale_shows_everywhere_and_ends_at_midnight_after_its_last_day(
    client: FlaskClient, shop: dict[str, Any], clock: time_machine.Traveller
) -> None:
    assert set_sale(client, shop, "5,20", "", "2026-12-06").status_code == 302
    client.post("/atsijungti", data={"csrf_token": csrf_token(client, "/")})

    for moment in (NOW, LAST_MOMENT):
        clock.move_to(moment)
        page = client.get("/produktai/siaudine-zvaigzde").get_data(as_text=True)
        assert '<span class="price price-sale">5,20\xa0€</span>' in page and WAS in page and LOWEST in page
        assert "Nuolaidos kaina galioja iki 2026 m. gruodžio 6 d." in page
        for listing in ("/", "/katalogas", "/bendruomenes/slapaberze"):
            card = client.get(listing).get_data(as_text=True)
            assert "5,20\xa0€" in card and WAS in card and LOWEST in card, listing
        assert catalogue_order(client, sort="price_asc") == ["siaudine-zvaigzde", "atvirukas"]
        assert catalogue_order(client, max_price="5,30") == ["siaudine-zvaigzde"]

    clock.move_to(OVER)
    page = client.get("/produktai/siaudine-zvaigzde").get_data(as_text=True)
    assert '<span class="price">6,50\xa0€</span>' in page
    assert "buvo" not in page and "Mažiausia kaina" not in page and "5,20" not in page
    assert "5,20" not in client.get("/").get_data(as_text=True)
    assert catalogue_order(client, sort="price_asc") == ["atvirukas", "siaudine-zvaigzde"]
    assert catalogue_order(client, max_price="5,30") == []
    assert catalogue_order(client, min_price="6", sort="price_desc") == ["siaudine-zvaigzde"]


def test_in_english_the_struck_price_is_said_to_be_what_it_was(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    set_sale(client, shop, "5,20", "", "2026-12-06")
    client.get("/?lang=en")
    page = client.get("/produktai/siaudine-zvaigzde").get_data(as_text=True)
    assert '<s class="price-was"><span class="visually-hidden">was </span>€6.50</s>' in page
    assert "Lowest price in the 30 days before the reduction: €6.50" in page
    assert "Sale price until 6 December 2026 inclusive (Lithuanian time)." in page


@pytest.mark.parametrize(
    ("price", "first", "last", "message"),
    [
        ("6,50", "", "2026-12-06", "Nuolaidos kaina turi būti mažesnė už įprastą kainą."),
        ("7", "", "2026-12-06", "Nuolaidos kaina turi būti mažesnė už įprastą kainą."),
        ("0", "", "2026-12-06", "Nuolaidos kaina turi būti didesnė nei 0 €."),
        ("pigiau", "", "2026-12-06", "Įveskite sumą eurais, pvz., 12,50."),
        ("5,205", "", "2026-12-06", "ne daugiau kaip du skaitmenis po kablelio"),
        ("", "2026-12-02", "2026-12-06", "Įveskite nuolaidos kainą arba palikite nuolaidos dienas tuščias."),
        ("5,20", "", "", "Įveskite paskutinę nuolaidos dieną."),
        ("5,20", "", "2026-11-30", "Ši diena jau praėjo: pasirinkite šiandieną arba vėlesnę dieną."),
        ("5,20", "2026-11-30", "2026-12-06", "Nuolaida negali prasidėti anksčiau nei šiandien."),
        ("5,20", "2026-12-05", "2026-12-03", "Paskutinė diena yra anksčiau už pirmąją."),
        ("5,20", "", "2027-03-01", "Nuolaida trunka ne ilgiau kaip 90 d."),
        ("5,20", "", "2026-02-30", "Įveskite datą, pvz., 2026-12-27."),
        ("5,20", "6 gruodžio", "2026-12-06", "Įveskite datą, pvz., 2026-12-27."),
    ],
)
def test_a_sale_that_breaks_a_rule_is_explained_at_its_field_and_shown_again_as_typed(
    client: FlaskClient, shop: dict[str, Any], price: str, first: str, last: str, message: str
) -> None:
    response = set_sale(client, shop, price, first, last)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page and "Patikrinkite žemiau pažymėtus laukus." in page
    for typed in (price, first, last):
        if typed:
            assert f'value="{typed}"' in page, typed
    assert star_variant(shop).sale is None
    assert db.session.scalar(select(func.count()).select_from(PriceChange)) == 2  # the two first prices


def test_the_longest_sale_is_90_days_counted_from_its_first_day(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    assert set_sale(client, shop, "5,20", "2026-12-10", "2027-03-09").status_code == 302
    page = client.get(f"/workspace/listings/{shop['star'].id}").get_data(as_text=True)
    assert "Nuolaida prasidės 2026 m. gruodžio 10 d., iki tol galioja įprasta kaina." in page
    assert "5,20" not in client.get("/produktai/siaudine-zvaigzde").get_data(as_text=True)
    sale = star_variant(shop).sale
    assert sale is not None and (sale.first_day.isoformat(), sale.last_day.isoformat()) == (
        "2026-12-10",
        "2027-03-09",
    )


def test_a_running_sale_saved_again_keeps_its_start_and_the_page_says_how_it_shows(
    client: FlaskClient, shop: dict[str, Any], clock: time_machine.Traveller
) -> None:
    set_sale(client, shop, "5,20", "", "2026-12-06")
    started = star_variant(shop).sale_starts_at
    clock.move_to(NOW + timedelta(days=2))
    login_as(client, "ona@example.org")  # a new day, a new sign-in
    page = client.get(f"/workspace/listings/{shop['star'].id}").get_data(as_text=True)
    assert 'value="5,20"' in page and 'value="2026-12-01"' in page and 'value="2026-12-06"' in page
    assert "Dabar parduotuvėje: 5,20\xa0€ vietoj 6,50\xa0€ iki 2026 m. gruodžio 6 d. imtinai." in page
    assert "Mažiausia kaina per 30 d. iki nuolaidos: 6,50\xa0€." in page

    response = set_sale(client, shop, "4,90", "2026-12-01", "2026-12-08")  # its first day is past: it runs
    assert response.status_code == 302
    variant = star_variant(shop)
    assert variant.sale_starts_at == started and variant.offer().price_cents == 490
    assert variant.prior_price_cents == 650

    history = client.get(f"/workspace/listings/{shop['star'].id}").get_data(as_text=True)
    table = history[history.index('id="price-history"') :]
    assert table.count("<td>Ona</td>") == 2 and "Įprasta kaina" in table and "the shop" not in table
    assert "4,90\xa0€" in table and "5,20\xa0€" in table


def test_a_rise_just_before_a_sale_is_no_reduction_so_the_shop_shows_none(
    client: FlaskClient, shop: dict[str, Any], clock: time_machine.Traveller
) -> None:
    clock.move_to(NOW - timedelta(days=3))
    login_as(client, "ona@example.org")
    client.post(
        f"/workspace/listings/{shop['star'].id}",
        data=listing_data(client, shop, **{"variants-0-price": "9,00"}),
    )
    clock.move_to(NOW)
    login_as(client, "ona@example.org")
    assert set_sale(client, shop, "7,00", "", "2026-12-06", regular="9,00").status_code == 302

    page = client.get("/produktai/siaudine-zvaigzde").get_data(as_text=True)
    assert '<span class="price">7,00\xa0€</span>' in page
    assert "buvo" not in page and "9,00" not in page and "Mažiausia kaina" not in page
    workspace = client.get(f"/workspace/listings/{shop['star'].id}").get_data(as_text=True)
    assert (
        "Parduodama po 7,00\xa0€, bet nerodoma kaip nuolaida: mažiausia kaina per 30 d. iki nuolaidos buvo"
        " 6,50\xa0€." in workspace
    )


def test_an_untrusted_communitys_sale_waits_for_the_vvg_who_sees_it(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    shop["community"].is_trusted = False
    db.session.commit()
    set_sale(client, shop, "5,20", "2026-12-03", "2026-12-06")
    db.session.rollback()
    assert db.session.get_one(Product, shop["star"].id).status is ProductStatus.PENDING_REVIEW
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    page = client.get("/backoffice/moderation").get_data(as_text=True)
    assert "nuolaida 5,20\xa0€ nuo 2026-12-03 iki 2026-12-06" in page


def test_a_variant_first_priced_on_sale_has_no_lowest_price_and_shows_no_reduction(
    shop: dict[str, Any], client: FlaskClient
) -> None:
    with transaction():
        product = db.session.get_one(Product, shop["card"].id)
        variant = make_variant(price_cents=800)
        variant.set_prices(800, Sale(600, NOW, NOW + timedelta(days=3)), by=None)
        product.variants.append(variant)
    variant = db.session.get_one(Variant, variant.id)
    assert variant.prior_price_cents is None and not variant.offer().is_reduced
    assert variant.offer().price_cents == 600
