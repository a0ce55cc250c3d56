"""Choosing a parcel locker per parcel in a real Chromium on a phone: the type-ahead with JavaScript ("ked"
and the keyboard), the nearest lockers when the customer allows their location, and the plain select
grouped by town without JavaScript."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.factories.catalogue import make_product, make_variant
from tests.factories.producers import make_community, make_locker
from tests.factories.shop import make_operator

pytestmark = pytest.mark.browser

KRAKES = "Krakių bendruomenė"
PAGIRIAI = "Pagirių bendruomenė"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "lt-LT"}
#: Set to a folder to keep screenshots of the open picker (to look at, not to compare).
SCREENSHOTS = os.environ.get("LOCKER_SCREENSHOTS", "")


def seed_fair() -> None:
    """Two communities that both send by Omniva, a product each, and Omniva lockers in four towns: three in
    Kėdainiai, and one in Kaunas on Kėdainių gatvė, which "ked" must not put above Kėdainiai's."""
    make_operator()
    for slug, name, product in (
        ("krakes", KRAKES, "Šiaudinis angelas"),
        ("pagiriai", PAGIRIAI, "Lininis vokas"),
    ):
        community = make_community(slug=slug, name=name, email=f"{slug}@example.org")
        make_product(
            community, slug=slug + "-preke", name_lt=product, variants=[make_variant(price_cents=500)]
        )
    make_locker(
        name="Kauno Savanorių paštomatas",
        address="Kėdainių g. 3",
        town="Kaunas",
        postal_code="44001",
        latitude=54.90,
        longitude=23.93,
    )
    make_locker(
        name="Akademijos paštomatas",
        address="Akademijos g. 2",
        town="Akademija",
        postal_code="53001",
        latitude=54.89,
        longitude=23.81,
    )
    make_locker(
        name="Kėdainių Maxima paštomatas",
        address="J. Basanavičiaus g. 75",
        carrier_locker_id="57001",
        latitude=55.2883,
        longitude=23.9735,
    )
    make_locker(
        name="Kėdainių Rimi paštomatas",
        address="Josvainių g. 40",
        carrier_locker_id="57002",
        postal_code="57150",
        latitude=55.2790,
        longitude=23.9580,
    )
    make_locker(
        name="Kėdainių Norfa paštomatas",
        address="Pramonės g. 6",
        carrier_locker_id="57003",
        latitude=55.3010,
        longitude=23.9860,
    )
    make_locker(
        name="Vilniaus Akropolio paštomatas",
        address="Ozo g. 25",
        town="Vilnius",
        postal_code="08217",
        latitude=54.71,
        longitude=25.26,
    )


def fill_cart_and_open_checkout(page: Any, live_server: str) -> None:
    for slug in ("krakes-preke", "pagiriai-preke"):
        page.goto(f"{live_server}/produktai/{slug}")
        page.get_by_role("button", name="Į krepšelį").click()
    page.goto(live_server + "/uzsakymas")


def fill_details(page: Any) -> None:
    page.get_by_label("Vardas ir pavardė").fill("Rasa Petraitienė")
    page.get_by_label("El. paštas").fill("rasa@example.com")
    page.get_by_label("Telefonas", exact=True).fill("8 612 34567")
    page.get_by_label("Perskaičiau pardavimo sąlygas").check()
    page.get_by_label("Sutinku, kad mano duomenys").check()


def parcel(page: Any, community: str) -> Any:
    return page.get_by_role("group", name=f"Siuntinys iš: {community}")


def screenshot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=False)


def test_on_a_phone_three_keystrokes_and_the_keyboard_choose_a_kedainiai_locker_for_each_parcel(
    live_server: str, browser: Any
) -> None:
    seed_fair()
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    fill_cart_and_open_checkout(page, live_server)
    fill_details(page)

    held: list[Any] = []  # the carrier's list arrives only after the customer has typed (a slow line)
    page.route("**/lockeriai/omniva.json", lambda route: held.append(route))
    krakes = parcel(page, KRAKES)
    krakes.get_by_role("radio", name=re.compile("Omniva paštomatas")).check()
    box = krakes.get_by_role("combobox", name="Paštomatas")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("ked")
    page.wait_for_timeout(200)
    expect(box).to_have_attribute("aria-expanded", "false")  # nothing to show yet, and no "none found"
    assert len(held) == 1
    held[0].continue_()
    page.unroute("**/lockeriai/omniva.json")
    expect(box).to_have_attribute("aria-expanded", "true")
    listbox = page.get_by_role("listbox", name="Paštomatai")
    names = [text.split("\n")[0] for text in listbox.get_by_role("option").all_inner_texts()]
    assert names[:3] == [
        "Kėdainių Maxima paštomatas",
        "Kėdainių Norfa paštomatas",
        "Kėdainių Rimi paštomatas",
    ]
    assert names[3:] == ["Kauno Savanorių paštomatas"]  # "Kėdainių g.": a street, after the town
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"-0$"))
    screenshot(page, "locker-picker-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box.press("ArrowDown")
    box.press("ArrowDown")  # the third: Rimi
    box.press("Enter")
    expect(box).to_have_value("Kėdainių Rimi paštomatas, Josvainių g. 40, 57150 Kėdainiai")
    expect(box).to_have_attribute("aria-expanded", "false")

    pagiriai = parcel(page, PAGIRIAI)
    pagiriai.get_by_role("radio", name=re.compile("Omniva paštomatas")).check()
    other = pagiriai.get_by_role("combobox", name="Paštomatas")
    other.press_sequentially("ked")
    other.press("Escape")  # closes the list, chooses nothing
    expect(other).to_have_attribute("aria-expanded", "false")
    other.press("ArrowDown")  # opens it again
    other.press("Enter")  # the first: Maxima
    expect(other).to_have_value("Kėdainių Maxima paštomatas, J. Basanavičiaus g. 75, 57001 Kėdainiai")

    page.get_by_role("button", name="Užsakyti ir apmokėti").click()
    page.wait_for_url(re.compile(r"/uzsakymai/[^/?]+\?placed=1$"))
    expect(
        page.get_by_text("Kėdainių Rimi paštomatas, Josvainių g. 40, 57150 Kėdainiai (Nr. 57002)")
    ).to_be_visible()
    expect(
        page.get_by_text("Kėdainių Maxima paštomatas, J. Basanavičiaus g. 75, 57001 Kėdainiai (Nr. 57001)")
    ).to_be_visible()
    context.close()


def test_the_nearest_lockers_come_first_once_the_customer_allows_their_location(
    live_server: str, browser: Any
) -> None:
    seed_fair()
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="lt-LT",
        geolocation={"latitude": 55.2800, "longitude": 23.9600},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    fill_cart_and_open_checkout(page, live_server)
    krakes = parcel(page, KRAKES)
    krakes.get_by_role("radio", name=re.compile("Omniva paštomatas")).check()
    krakes.get_by_role("button", name="Rodyti artimiausius").click()
    listbox = page.get_by_role("listbox", name="Paštomatai")
    first = listbox.get_by_role("option").first
    expect(first).to_contain_text("Kėdainių Rimi paštomatas")  # about 200 m away
    expect(first).to_contain_text("km")
    screenshot(page, "locker-picker-desktop")
    krakes.get_by_role("combobox", name="Paštomatas").press("Enter")
    expect(krakes.get_by_role("combobox", name="Paštomatas")).to_have_value(re.compile("^Kėdainių Rimi"))
    context.close()


def test_without_javascript_each_parcel_chooses_its_locker_from_a_select_grouped_by_town(
    live_server: str, browser: Any
) -> None:
    seed_fair()
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    fill_cart_and_open_checkout(page, live_server)
    fill_details(page)
    page.get_by_label("Pašto kodas").fill("LT-57150")  # the customer's own: Kėdainiai
    for community in (KRAKES, PAGIRIAI):
        parcel(page, community).get_by_role("radio", name=re.compile("Omniva paštomatas")).check()
    page.get_by_role("button", name="Užsakyti ir apmokėti").click()  # no locker yet: asked beside each
    for community in (KRAKES, PAGIRIAI):
        expect(parcel(page, community).get_by_text("Pasirinkite paštomatą.")).to_be_visible()
    select = parcel(page, KRAKES).get_by_role("combobox", name="Paštomatas")
    groups = select.locator("optgroup").evaluate_all("groups => groups.map(g => g.label)")
    assert groups == ["Kėdainiai", "Akademija", "Kaunas", "Vilnius"]  # the customer's town first
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    select.select_option(label="Kėdainių Norfa paštomatas — Pramonės g. 6, 57001 Kėdainiai")
    parcel(page, PAGIRIAI).get_by_role("combobox", name="Paštomatas").select_option(
        label="Vilniaus Akropolio paštomatas — Ozo g. 25, 08217 Vilnius"
    )
    page.get_by_label("Perskaičiau pardavimo sąlygas").check()  # asked again after the first try
    page.get_by_label("Sutinku, kad mano duomenys").check()
    page.get_by_role("button", name="Užsakyti ir apmokėti").click()
    page.wait_for_url(re.compile(r"/uzsakymai/[^/?]+\?placed=1$"))
    expect(
        page.get_by_text("Kėdainių Norfa paštomatas, Pramonės g. 6, 57001 Kėdainiai (Nr. 57003)")
    ).to_be_visible()
    expect(page.get_by_text("Vilniaus Akropolio paštomatas, Ozo g. 25, 08217 Vilnius")).to_be_visible()
    context.close()
