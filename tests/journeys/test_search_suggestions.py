"""A customer types in the search box, sees products suggested under it and opens one with the keyboard."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from shop.db import db
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


@pytest.fixture
def stingy_server(app: Flask, test_config: dict[str, Any]) -> Iterator[str]:
    """The shop with its limits on, answering one type-ahead a minute per address."""
    shop = create_app({**test_config, "RATELIMIT_ENABLED": True, "SEARCH_SUGGESTIONS_PER_IP": "1 per minute"})
    server = make_server("127.0.0.1", 0, shop, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    with shop.app_context():
        db.engine.dispose()


def test_a_refused_suggestion_empties_the_list_and_the_search_still_works(
    stingy_server: str, page: Any
) -> None:
    make_product(slug="siaudinis-angelas", name_lt="Šiaudinis angelas")
    make_product(slug="lininis-vokas", name_lt="Lininis vokas")
    answers: list[int] = []
    page.on("response", lambda r: answers.append(r.status) if "/paieska/pasiulymai" in r.url else None)
    page.goto(stingy_server + "/")
    box = page.get_by_role("combobox", name="Paieška parduotuvėje")
    box.press_sequentially("angel", delay=20)
    listbox = page.get_by_role("listbox", name="Siūlomi gaminiai")
    listbox.wait_for()
    box.fill("vokas")  # the second answer within the minute is refused
    listbox.wait_for(state="hidden")
    assert answers == [200, 429]
    assert box.get_attribute("aria-expanded") == "false"
    assert listbox.get_by_role("option", include_hidden=True).count() == 0  # not the older list either
    box.press("Enter")
    page.wait_for_url("**/katalogas?q=vokas")
    assert page.get_by_role("heading", name="1 gaminys").is_visible()
