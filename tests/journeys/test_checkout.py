"""A customer buys from two communities in a real Chromium; VVG staff confirm the bank transfer."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.producers import make_community, make_locker
from tests.factories.shop import make_operator, make_user

pytestmark = pytest.mark.browser

IBAN = "LT207300010112345678"  # make_operator's account
STAFF_EMAIL = "vida@vvg.example.org"
KRAKES = "Krakių bendruomenė"
PAGIRIAI = "Pagirių bendruomenė"
PICKUP = re.compile(r"^Atsiimti")  # the cart's delivery choices, by their words
OMNIVA = re.compile(r"^Omniva")


def seed_fair() -> None:
    make_operator()
    krakes = make_community(slug="krakes", name=KRAKES, email="krakes@example.org")
    pagiriai = make_community(slug="pagiriai", name=PAGIRIAI, email="pagiriai@example.org")
    ornaments = make_category(slug="zaisliukai", name_lt="Kalėdiniai žaisliukai", name_en="Ornaments")
    make_product(
        krakes,
        ornaments,
        slug="siaudinis-angelas",
        name_lt="Šiaudinis angelas",
        name_en="Straw angel",
        variants=[
            make_variant(name_lt="Mažas", name_en="Small", price_cents=450, stock=5),
            make_variant(name_lt="Didelis", name_en="Large", price_cents=650, stock=3),
        ],
    )
    make_product(
        pagiriai,
        ornaments,
        slug="lininis-vokas",
        name_lt="Lininis vokas",
        name_en="Linen envelope",
        variants=[make_variant(price_cents=301, stock=4)],
    )
    make_user(is_staff=True, email=STAFF_EMAIL, name="Vida Vaitkienė")
    make_locker(name="Kėdainių Maxima", address="J. Basanavičiaus g. 75", postal_code="57001")


def card(page: Any, product: str) -> Any:
    """A product's card in the catalogue list."""
    return page.locator("article.product-card", has=page.get_by_role("heading", name=product, exact=True))


def cents(text: str) -> int:
    """ "12,50 €" as the page shows it → 1250."""
    euros, _, rest = text.strip().partition(",")
    return int(euros) * 100 + int(rest.split("\xa0")[0])


def test_a_customer_orders_from_two_communities_and_sees_the_order_paid_once_staff_confirm_the_transfer(
    live_server: str, page: Any, browser: Any
) -> None:
    seed_fair()

    # A product with two variants: the customer picks the second one on its page.
    page.goto(live_server + "/katalogas")
    card(page, "Šiaudinis angelas").get_by_role("link", name="Pasirinkite").click()
    page.get_by_role("radio", name="Didelis").check()
    page.get_by_role("button", name="Į krepšelį").click()
    expect(page.get_by_text("„Šiaudinis angelas (Didelis)“ – jūsų krepšelyje.")).to_be_visible()

    # A single-variant product straight from the catalogue list.
    page.get_by_role("navigation", name="Pagrindinis").get_by_role("link", name="Katalogas").click()
    card(page, "Lininis vokas").get_by_role("button", name="Į krepšelį").click()
    expect(page.get_by_text("„Lininis vokas“ – jūsų krepšelyje.")).to_be_visible()

    # The cart: one parcel per community, each with its own delivery.
    page.get_by_role("link", name="Krepšelis").click()
    krakes = page.get_by_role("region", name=f"Siuntinys iš: {KRAKES}")
    pagiriai = page.get_by_role("region", name=f"Siuntinys iš: {PAGIRIAI}")
    expect(krakes.get_by_text("Didelis")).to_be_visible()
    expect(pagiriai.get_by_role("link", name="Lininis vokas")).to_be_visible()
    expect(krakes.get_by_role("radio", name=PICKUP)).to_be_checked()
    expect(pagiriai.get_by_role("radio", name=PICKUP)).to_be_checked()
    expect(page.locator(".grand-total strong")).to_have_text("9,51\xa0€")

    pagiriai.get_by_role("radio", name=OMNIVA).check()
    page.get_by_role("button", name="Atnaujinti krepšelį").click()

    expect(page.locator(".grand-total strong")).to_have_text("12,50\xa0€")
    expect(pagiriai.get_by_role("radio", name=OMNIVA)).to_be_checked()
    expect(krakes.get_by_role("radio", name=PICKUP)).to_be_checked()
    parcel_totals = [cents(text) for text in page.locator(".parcel-total dd").all_inner_texts()]
    assert sorted(parcel_totals) == [600, 650]  # 3,01 € + 2,99 € Omniva; 6,50 € picked up
    assert sum(parcel_totals) == cents(page.locator(".grand-total strong").inner_text())

    page.get_by_role("button", name="Pereiti prie užsakymo").click()
    page.wait_for_url("**/uzsakymas")

    # The same checkout on a phone: nothing sticks out sideways.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="lt-LT",
        storage_state=page.context.storage_state(),
    )
    phone_page = phone.new_page()
    phone_page.goto(live_server + "/uzsakymas")
    expect(phone_page.get_by_role("button", name="Užsakyti ir apmokėti")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.close()

    # A mistyped phone number: the form comes back with the message and what was typed.
    page.get_by_label("Vardas ir pavardė").fill("Rasa Petraitienė")
    page.get_by_label("El. paštas").fill("rasa@example.com")
    page.get_by_label("Telefonas", exact=True).fill("123")
    page.get_by_role("button", name="Užsakyti ir apmokėti").click()

    phone_message = "Įveskite telefono numerį, pvz., +370 612 34567 arba 8 612 34567."
    expect(page.get_by_text(phone_message)).to_be_visible()
    expect(page.get_by_label("Vardas ir pavardė")).to_have_value("Rasa Petraitienė")
    expect(page.get_by_label("Telefonas", exact=True)).to_have_value("123")

    page.get_by_label("Telefonas", exact=True).fill("8 612 34567")
    locker_parcel = page.get_by_role("group", name=f"Siuntinys iš: {PAGIRIAI}")
    expect(locker_parcel.get_by_role("radio", name=re.compile("Omniva paštomatas"))).to_be_checked()
    locker = locker_parcel.get_by_role("combobox", name="Paštomatas")
    locker.press_sequentially("maxim")
    expect(page.get_by_role("option", name=re.compile("^Kėdainių Maxima"))).to_be_visible()
    locker.press("Enter")
    expect(locker).to_have_value("Kėdainių Maxima, J. Basanavičiaus g. 75, 57001 Kėdainiai")
    page.get_by_label("Perskaičiau pardavimo sąlygas").check()
    page.get_by_label("Sutinku, kad mano duomenys").check()
    page.get_by_role("button", name="Užsakyti ir apmokėti").click()

    # The tracking page: number, where to pay, the exact amount, both parcels.
    page.wait_for_url(re.compile(r"/uzsakymai/[^/?]+\?placed=1$"))
    heading = page.get_by_role("heading", level=1).inner_text()
    match = re.fullmatch(r"Užsakymas (KM-\d{4}-\d{6})", heading)
    assert match, heading
    number = match.group(1)
    pay_box = page.locator(".pay-details")
    expect(pay_box).to_contain_text(IBAN)
    expect(pay_box).to_contain_text("12,50\xa0€")
    expect(pay_box).to_contain_text(number)
    expect(page.locator(".grand-total strong")).to_have_text("12,50\xa0€")
    expect(page.get_by_role("heading", name=f"Siuntinys iš: {KRAKES}")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Siuntinys iš: {PAGIRIAI}")).to_be_visible()
    expect(page.get_by_text("Omniva paštomatas: Kėdainių Maxima, J. Basanavičiaus g. 75")).to_be_visible()
    expect(page.locator(".order-status")).to_contain_text("Laukiama mokėjimo")

    # VVG staff, in their own browser, match the transfer against the bank statement.
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="lt-LT")
    staff = office.new_page()
    staff.set_default_timeout(10_000)
    staff.goto(live_server + "/prisijungti")
    staff.get_by_label("El. paštas").fill(STAFF_EMAIL)
    staff.get_by_label("Slaptažodis").fill("demo-password")
    staff.get_by_role("button", name="Prisijungti").click()
    staff.wait_for_url("**/backoffice/")  # the dashboard; the transfers wait on the payments page
    staff.get_by_role("link", name="Banko pavedimai").click()
    staff.wait_for_url("**/backoffice/payments")
    transfer = staff.get_by_role("region", name=f"{number} · 12,50\xa0€")
    transfer.get_by_label("Gauta suma, €").fill("12,50")
    transfer.get_by_role("button", name="Patvirtinti mokėjimą").click()
    expect(
        staff.get_by_text(f"Užsakymo {number} mokėjimas patvirtintas; bendruomenėms pranešta.")
    ).to_be_visible()
    office.close()

    # The customer's tracking page now says it is paid.
    page.reload()
    expect(page.locator(".order-status")).to_contain_text("Apmokėtas")
    expect(page.locator(".pay-details")).to_have_count(0)
    expect(page.locator(".parcel-status")).to_have_text(["Apmokėtas; bendruomenė jį ruošia"] * 2)
