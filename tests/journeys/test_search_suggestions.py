"""A customer types in the search box, sees products suggested under it and opens one with the keyboard."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories.catalogue import make_product

pytestmark = pytest.mark.browser


def test_a_customer_picks_a_suggested_product_with_the_arrow_keys(live_server: str, page: Any) -> None:
    make_product(slug="siaudinis-angelas", name_lt="Šiaudinis angelas", name_en="Straw angel")
    make_product(slug="angelas-varpelis", name_lt="Angelas su varpeliu", name_en="Angel with a bell")
    make_product(slug="lininis-vokas", name_lt="Lininis vokas", name_en="Linen envelope")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/paieska/pasiulymai" in r.url else None)
    page.goto(live_server + "/")

    box = page.get_by_role("combobox", name="Paieška parduotuvėje")
    assert box.get_attribute("aria-expanded") == "false"
    box.press_sequentially("angel", delay=20)  # faster than 150 ms a key: one request for the word
    listbox = page.get_by_role("listbox", name="Siūlomi gaminiai")
    listbox.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    options = listbox.get_by_role("option")
    assert sorted(options.all_inner_texts()) == ["Angelas su varpeliu", "Šiaudinis angelas"]
    assert len(requests) == 1

    box.press("ArrowDown")
    box.press("ArrowDown")
    second = options.nth(1)
    assert second.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == second.get_attribute("id")
    chosen = second.inner_text()
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and listbox.is_hidden()

    box.press("ArrowDown")  # the list comes back with the keyboard
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url("**/produktai/*")
    assert page.locator("h1").inner_text() == chosen


def test_the_search_box_still_searches_with_enter_when_nothing_is_chosen(live_server: str, page: Any) -> None:
    make_product(slug="siaudinis-angelas", name_lt="Šiaudinis angelas")
    page.goto(live_server + "/")
    box = page.get_by_role("combobox", name="Paieška parduotuvėje")
    box.fill("angelas")
    page.get_by_role("listbox", name="Siūlomi gaminiai").wait_for()
    box.press("Enter")
    page.wait_for_url("**/katalogas?q=angelas")
    assert page.get_by_role("heading", name="1 gaminys").is_visible()
