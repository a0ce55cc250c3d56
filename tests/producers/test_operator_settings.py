"""Staff keep the VVG's own details (the shop's operator) on the settings page: checked as typed, shown at
once under the legal pages, audited; a new invoice prefix starts a series of its own."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from shop.db import db
from shop.models import AuditEntry, Operator
from tests.conftest import csrf_token, login_as
from tests.factories.legal import make_legal_pages
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user

URL = "/backoffice/settings"


@pytest.fixture
def staff(app: Flask, client: FlaskClient) -> FlaskClient:
    make_operator()
    make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    return client


def form(client: FlaskClient, **changes: str) -> dict[str, str]:
    data = {
        "csrf_token": csrf_token(client, URL),
        "name": "Kėdainių rajono vietos veiklos grupė",
        "registration_code": "300619429",
        "address": "Pirmūnų g. 13A, 57214 Kėdainiai",
        "email": "Info@VVG.example.org ",
        "phone": "8 347 51234",
        "iban": "lt12 1000 0111 0100 1000",
        "invoice_prefix": "vvg",
        "vat_code": "",
    }
    return {**data, **changes}


def operator() -> Operator:
    db.session.rollback()
    return db.session.scalars(select(Operator)).one()


def test_staff_change_the_vvgs_details_and_every_legal_page_shows_them_at_once(staff: FlaskClient) -> None:
    make_legal_pages()
    page = staff.get(URL).get_data(as_text=True)
    assert 'value="300619429"' in page and "Sąskaitų serija" in page

    response = staff.post(URL, data=form(staff, phone="+370 347 99999", vat_code="lt 100001234567"))
    assert response.status_code == 302, re.findall(
        r"error-text[^>]*>([^<]*)", response.get_data(as_text=True)
    )
    saved = operator()
    assert (saved.email, saved.phone, saved.iban, saved.invoice_prefix, saved.vat_code) == (
        "info@vvg.example.org",
        "+370 347 99999",
        "LT121000011101001000",
        "VVG",
        "LT100001234567",
    )
    terms = staff.get("/salygos").get_data(as_text=True)
    assert 'href="tel:+37034799999"' in terms and "Versija Nr. 1," in terms
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "operator.update")).one()
    assert entry.after["phone"] == "+370 347 99999" and entry.before["phone"] == "+370 347 51234"


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("iban", "LT12 1000 0111 0100 1001", "nėra tinkamas IBAN"),
        ("iban", "", "Įrašykite IBAN."),
        ("vat_code", "LT12345", "PVM mokėtojo kodą sudaro LT ir 9 arba 12 skaitmenų"),
        ("vat_code", "100001234567", "PVM mokėtojo kodą sudaro LT ir 9 arba 12 skaitmenų"),
        ("invoice_prefix", "V", "Naudokite nuo 2 iki 12 didžiųjų raidžių A–Z ir skaitmenų"),
        ("invoice_prefix", "VVG-2026", "Naudokite nuo 2 iki 12 didžiųjų raidžių A–Z ir skaitmenų"),
        ("invoice_prefix", "ABCDEFGHIJKLM", "Naudokite nuo 2 iki 12 didžiųjų raidžių A–Z ir skaitmenų"),
        ("invoice_prefix", "ŠVVG", "Naudokite nuo 2 iki 12 didžiųjų raidžių A–Z ir skaitmenų"),
        ("registration_code", "300619420", "Paskutinis kodo skaitmuo nedera su kitais"),
        ("email", "vvg-at-example", "Įveskite el. pašto adresą"),
        ("phone", "skambinkit", "telefono"),
        ("name", " ", "Įveskite pavadinimą, kaip jis įrašytas Juridinių asmenų registre."),
    ],
)
def test_a_wrong_value_is_refused_with_everything_typed_shown_again_and_nothing_saved(
    staff: FlaskClient, field: str, typed: str, message: str
) -> None:
    before = operator().__dict__.copy()
    response = staff.post(URL, data=form(staff, **{field: typed}, address="Naujas adresas 1, Kėdainiai"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html, html[html.find("error-text") - 200 : html.find("error-text") + 300]
    assert 'value="Naujas adresas 1, Kėdainiai"' in html  # the other fields as typed
    if typed.strip():
        assert f'value="{typed}"' in html
    after = operator().__dict__
    assert all(after[name] == before[name] for name in ("address", "iban", "vat_code", "invoice_prefix"))


def test_a_prefix_a_community_numbers_its_invoices_with_is_refused(staff: FlaskClient) -> None:
    make_community(slug="krakes", name="Krakių bendruomenės centras", invoice_prefix="KRAK")
    response = staff.post(URL, data=form(staff, invoice_prefix="krak"))
    assert response.status_code == 400
    assert "Krakių bendruomenės centras savo sąskaitas numeruoja serija KRAK" in response.get_data(
        as_text=True
    )
    assert operator().invoice_prefix == "VVG"


def test_the_settings_are_for_staff_only(app: Flask, client: FlaskClient) -> None:
    make_operator()
    make_user(make_community(), email="krakes@example.org")
    assert client.get(URL).status_code == 302
    login_as(client, "krakes@example.org")
    token = csrf_token(client, "/workspace/listings")
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={"csrf_token": token, "name": "Įsilaužėliai"}).status_code == 403
    assert operator().name == "Kėdainių rajono vietos veiklos grupė"
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_the_first_save_makes_the_operators_row(app: Flask, client: FlaskClient) -> None:
    make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    assert client.get(URL).status_code == 200
    assert client.post(URL, data=form(client)).status_code == 302
    assert operator().invoice_prefix == "VVG"
