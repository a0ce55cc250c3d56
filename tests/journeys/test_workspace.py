"""A community member on a phone in Chromium: lists a product with a photo (its type filling in its safety
warning), sends it to the VVG, accepts and ships a parcel."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from orders.models import OrderStatus
from tests.factories.catalogue import make_category, make_product, make_product_type, make_variant
from tests.factories.orders import OMNIVA, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user

pytestmark = pytest.mark.browser


def test_a_member_lists_a_product_and_sends_a_parcel_the_customer_can_follow(
    live_server: str, browser: Any, tmp_path: Path
) -> None:
    make_operator()
    slapaberze = make_community(slug="slapaberze", name="Šlapaberžės bendruomenė")
    make_category(slug="atvirukai", name_lt="Atvirukai")
    make_product_type(name_lt="Popieriniai gaminiai", is_warning_required=False, warning_lt="", warning_en="")
    make_product_type(
        name_lt="Stikliniai papuošalai",
        warning_lt="Stiklinis, dūžtantis: sudužęs turi aštrių šukių.",
        warning_en="Glass, fragile: sharp when broken.",
    )
    make_user(slapaberze, email="slapaberze@example.org", name="Aldona")
    angel = make_product(slapaberze, name_lt="Šiaudinis angelas", variants=[make_variant(stock=4)])
    order = make_order(
        [(angel.variants[0], 1, "Su šventėmis, močiute!")], status=OrderStatus.PAID, delivery=OMNIVA
    )
    photo = tmp_path / "atvirukas.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (150, 30, 50)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="lt-LT"
    )
    page = phone.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server + "/prisijungti")
    page.get_by_label("El. paštas").fill("slapaberze@example.org")
    page.get_by_label("Slaptažodis").fill("demo-password")
    page.get_by_role("button", name="Prisijungti").click()
    page.wait_for_url("**/workspace/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # A new listing: a name, its type (which fills in its warning, unless the member wrote their own), a price
    # with a comma, stock; a draft until it has a photo; then sent to the VVG.
    page.get_by_role("link", name="Gaminiai", exact=True).click()
    page.get_by_role("link", name="Naujas gaminys").click()
    page.get_by_label("Pavadinimas (lietuviškai)").fill("Atvirukas „Snieguotas kiemas“")
    page.get_by_label("Gaminio tipas").select_option(label="Stikliniai papuošalai")
    warning_lt, warning_en = page.locator("#safety_notes_lt"), page.locator("#safety_notes_en")
    expect(warning_lt).to_have_value("Stiklinis, dūžtantis: sudužęs turi aštrių šukių.")
    expect(warning_en).to_have_value("Glass, fragile: sharp when broken.")
    warning_en.fill("Handle with care.")
    page.get_by_label("Gaminio tipas").select_option(label="Popieriniai gaminiai")
    expect(warning_lt).to_have_value("")  # the glass words go with the glass type
    expect(warning_en).to_have_value("Handle with care.")  # the member's own words stay
    page.get_by_label("Kaina, €").first.fill("4,5")
    page.get_by_label("Turima").first.fill("10")
    page.get_by_role("button", name="Išsaugoti", exact=True).click()
    expect(
        page.get_by_text("Išsaugota kaip juodraštis. Jo negalima siųsti VVG peržiūrai be nuotraukos.")
    ).to_be_visible()
    page.get_by_label("Pridėti nuotraukų").set_input_files(str(photo))
    page.get_by_role("button", name="Įkelti").click()
    expect(page.get_by_text("Pridėta nuotraukų: 1.")).to_be_visible()
    page.get_by_role("button", name="Siųsti VVG peržiūrai").click()
    expect(page.get_by_text("Laukia VVG patvirtinimo")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The paid parcel: accept it, send it with its tracking number.
    page.get_by_role("link", name="Šiandien").click()
    page.get_by_role("link", name=order.number).first.click()
    expect(page.get_by_text("Su šventėmis, močiute!")).to_be_visible()
    page.get_by_role("button", name="Priimti užsakymą").click()
    page.get_by_label("Siuntos numeris").fill("CC123456789LT")
    page.get_by_role("button", name="Siuntinys išsiųstas").click()
    expect(page.get_by_text("CC123456789LT").first).to_be_visible()
    phone.close()

    # The customer's tracking page shows the parcel on its way, with the number.
    customer = browser.new_page()
    customer.goto(f"{live_server}/uzsakymai/{order.public_token}")
    expect(customer.locator(".parcel-status")).to_have_text(["Keliauja"])
    expect(customer.get_by_text(re.compile("CC123456789LT"))).to_be_visible()
    customer.close()
