"""The community-business mark in Chromium on a phone, in Lithuanian and in English: a member applies with
a photo attached, staff grant the mark, and the badge shows on the community's product."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from shop.i18n import vilnius_today
from tests.factories.catalogue import make_product, make_variant
from tests.factories.marks import make_criteria
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user

pytestmark = pytest.mark.browser

WORDS = {
    "lt": {
        "email": "El. paštas",
        "password": "Slaptažodis",
        "sign_in": "Prisijungti",
        "mark": "Ženklas",
        "apply": "Teikti paraišką ženklui",
        "answer": "Jūsų atsakymas į {n} kriterijų",
        "files": "Pridėkite įrodymų {n} kriterijui",
        "submit": "Išsaugoti ir pateikti VVG",
        "submitted": "Jūsų paraiška pateikta",
        "valid_until": "Galioja iki (paskutinė diena)",
        "grant": "Suteikti ženklą",
        "granted": "Ženklas suteiktas",
        "badge": "Sertifikuotas bendruomeninis verslas",
        "register": "Bendruomeninio verslo ženklo registras",
        "bad_file": "priimami tik PDF dokumentai",
    },
    "en": {
        "email": "E-mail",
        "password": "Password",
        "sign_in": "Sign in",
        "mark": "Mark",
        "apply": "Apply for the mark",
        "answer": "Your answer to criterion {n}",
        "files": "Attach evidence for criterion {n}",
        "submit": "Save and submit to the VVG",
        "submitted": "Your application is submitted",
        "valid_until": "Valid until (the last day)",
        "grant": "Grant the mark",
        "granted": "The mark is granted",
        "badge": "Certified community business",
        "register": "Register of the community-business mark",
        "bad_file": "only PDF documents and JPEG, PNG or WebP photos are accepted",
    },
}


def phone(browser: Any, live_server: str, language: str, email: str, words: dict[str, str]) -> Any:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="lt-LT"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/prisijungti?lang={language}")
    page.get_by_label(words["email"]).fill(email)
    page.get_by_label(words["password"]).fill("demo-password")
    page.get_by_role("button", name=words["sign_in"]).click()
    page.wait_for_url(lambda url: "prisijungti" not in url)
    return page


def fits(page: Any) -> None:
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


@pytest.mark.parametrize("language", ["lt", "en"])
def test_a_community_applies_with_a_photo_staff_grant_it_and_its_product_shows_the_badge(
    live_server: str, browser: Any, tmp_path: Path, language: str
) -> None:
    words = WORDS[language]
    make_operator()
    krakes = make_community(slug="krakes", name="Krakių bendruomenė")
    make_user(krakes, email="krakes@example.org")
    make_user(email="vvg@example.org", is_staff=True)
    make_criteria()
    make_product(krakes, name_lt="Šiaudinis varpelis", name_en="Straw bell", variants=[make_variant(stock=3)])
    photo, fake = tmp_path / "dirbtuves.png", tmp_path / "netikras.png"
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (183, 133, 47)).save(buffer, "PNG")
    photo.write_bytes(buffer.getvalue())
    fake.write_bytes(b"<html>not a picture</html>")

    member = phone(browser, live_server, language, "krakes@example.org", words)
    member.get_by_role("link", name=words["mark"], exact=True).click()
    member.wait_for_url("**/workspace/zenklas")  # measured once the mark's page is there, not mid-way
    fits(member)
    member.get_by_role("button", name=words["apply"]).click()
    member.get_by_label(words["answer"].format(n=1)).fill("Pinam patys, kas antradienį.")
    member.get_by_label(words["answer"].format(n=2)).fill("Pajamos skiriamos stovyklai.")
    # a file that is not what it claims: refused beside its field, the answers kept
    member.get_by_label(words["files"].format(n=1)).set_input_files(str(fake))
    member.get_by_role("button", name=words["submit"]).click()
    expect(member.get_by_text(words["bad_file"])).to_be_visible()
    expect(member.get_by_label(words["answer"].format(n=1))).to_have_value("Pinam patys, kas antradienį.")
    fits(member)
    member.get_by_label(words["files"].format(n=1)).set_input_files(str(photo))
    member.get_by_role("button", name=words["submit"]).click()
    expect(member.get_by_text(words["submitted"])).to_be_visible()
    fits(member)

    staff = phone(browser, live_server, language, "vvg@example.org", words)
    staff.get_by_role("link", name=words["mark"], exact=True).click()
    staff.get_by_role("link", name="Krakių bendruomenė").click()
    expect(staff.get_by_role("link", name="dirbtuves.png")).to_be_visible()
    staff.get_by_label(words["valid_until"]).fill((vilnius_today() + timedelta(days=700)).isoformat())
    staff.get_by_role("button", name=words["grant"]).click()
    expect(staff.get_by_text(words["granted"])).to_be_visible()
    fits(staff)

    member.goto(f"{live_server}/bendruomenes/krakes")
    card = member.locator(
        ".product-card", has_text="Straw bell" if language == "en" else "Šiaudinis varpelis"
    )
    badge = card.get_by_role("link", name=words["badge"])
    expect(badge).to_be_visible()
    fits(member)
    badge.click()
    expect(member.get_by_role("heading", name=words["register"])).to_be_visible()
    expect(member.get_by_role("rowheader", name="Krakių bendruomenė")).to_be_visible()
    fits(member)
