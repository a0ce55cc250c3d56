"""A customer browses the fair: search without diacritics, a product page, English, a phone screen."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.producers import make_community

pytestmark = pytest.mark.browser


def seed_fair() -> None:
    krakes = make_community(
        slug="krakes",
        name="Krakių bendruomenės centras",
        legal_name="Asociacija „Krakių bendruomenės centras“",
    )
    ornaments = make_category(
        slug="zaisliukai", name_lt="Kalėdiniai žaisliukai", name_en="Christmas ornaments"
    )
    make_product(
        krakes,
        ornaments,
        slug="siaudine-zvaigzde",
        name_lt="Šiaudinė žvaigždė",
        name_en="Straw star",
        description_lt="Kalėdiniai žaisliukai iš rugių šiaudų.",
        description_en="Christmas ornaments of rye straw.",
        variants=[make_variant(price_cents=450, stock=7)],
        is_featured=True,
    )
    make_product(krakes, slug="lininis-vokas", name_lt="Lininis vokas", name_en="Linen envelope")


def test_a_customer_finds_an_ornament_without_typing_diacritics_and_reads_it_in_english(
    live_server: str, page: Any
) -> None:
    seed_fair()
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text() == "Rankų darbo Kalėdos – tiesiai iš kaimo"

    page.get_by_label("Paieška parduotuvėje").fill("zaisliukai")
    page.keyboard.press("Enter")
    page.wait_for_url("**/katalogas?q=zaisliukai")
    assert page.get_by_role("heading", name="1 gaminys").is_visible()
    page.get_by_role("link", name="Šiaudinė žvaigždė").click()

    assert page.locator("h1").inner_text() == "Šiaudinė žvaigždė"
    assert page.locator(".product-price").inner_text() == "4,50\xa0€"
    assert "Asociacija „Krakių bendruomenės centras“" in page.locator(".seller").inner_text()

    page.get_by_role("link", name="English").click()
    assert page.locator("h1").inner_text() == "Straw star"
    assert page.locator(".product-price").inner_text() == "€4.50"
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Catalogue").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="All products").is_visible()


def test_the_catalogue_fits_a_phone_and_works_from_the_keyboard(live_server: str, browser: Any) -> None:
    seed_fair()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server + "/katalogas")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Pereiti prie turinio"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.get_by_text("Filtruoti ir rikiuoti").click()  # filters fold away on a phone
    page.get_by_label("Kaina nuo, €").fill("abc")
    page.get_by_role("button", name="Rodyti").click()
    assert page.get_by_text("Įveskite sumą eurais, pvz., 12,50.").is_visible()
    assert page.get_by_label("Kaina nuo, €").input_value() == "abc"
    context.close()
