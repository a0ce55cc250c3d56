"""Staff set a community's invoice series and VAT code: a prefix is the community's own, and fixed once it
has issued an invoice; a VAT payer must give its VAT payer's code."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from orders.models import OrderStatus
from producers.models import Community
from shop.db import db
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_product
from tests.factories.orders import make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import fresh
from tests.producers.backoffice import VALID


def form(client: FlaskClient, url: str, **changes: str) -> dict[str, str]:
    return {**VALID, "csrf_token": csrf_token(client, url), **changes}


def test_a_new_community_gets_the_prefix_staff_type_or_one_made_from_its_address(
    app: Flask, client: FlaskClient
) -> None:
    make_operator()
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    url = "/backoffice/communities/new"

    client.post(url, data=form(client, url, invoice_prefix=" peld "))
    client.post(url, data=form(client, url, name="Kita", slug="kita-bendruomene", invoice_prefix=""))
    client.post(url, data=form(client, url, name="Kita 2", slug="kitabendruomene", invoice_prefix=""))

    db.session.rollback()
    prefixes = {c.slug: c.invoice_prefix for c in db.session.scalars(select(Community))}
    assert prefixes == {
        "pelednagiu-bendruomene": "PELD",
        "kita-bendruomene": "KITABENDRUOMENE",
        "kitabendruomene": "KITABENDRUOMENE2",  # the same letters: a number keeps them apart
    }


def test_a_prefix_taken_by_another_community_or_the_vvg_is_refused_with_what_was_typed(
    app: Flask, client: FlaskClient
) -> None:
    make_operator()
    make_community(name="Krakės", invoice_prefix="KRAK")
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    url = "/backoffice/communities/new"

    taken = client.post(url, data=form(client, url, invoice_prefix="krak"))
    vvg = client.post(url, data=form(client, url, invoice_prefix="VVG"))
    bad = client.post(url, data=form(client, url, invoice_prefix="SL-AP"))

    assert taken.status_code == vvg.status_code == bad.status_code == 400
    assert "Krakės savo sąskaitas numeruoja serija KRAK" in taken.get_data(as_text=True)
    assert "Kėdainių rajono vietos veiklos grupė savo sąskaitas numeruoja serija VVG" in vvg.get_data(
        as_text=True
    )
    assert "Naudokite 2–20 didžiųjų raidžių" in bad.get_data(as_text=True)
    assert 'value="SL-AP"' in bad.get_data(as_text=True)


def test_a_vat_payer_must_give_its_vat_code(app: Flask, client: FlaskClient) -> None:
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    url = "/backoffice/communities/new"

    missing = client.post(url, data=form(client, url, is_vat_payer="y", vat_code=""))
    wrong = client.post(url, data=form(client, url, is_vat_payer="y", vat_code="LT12"))
    client.post(url, data=form(client, url, is_vat_payer="y", vat_code="lt 100001234567"))

    assert "įrašykite jį" in missing.get_data(as_text=True)
    assert "LT ir 9 arba 12 skaitmenų" in wrong.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(select(Community.vat_code)).one() == "LT100001234567"


def test_the_prefix_is_fixed_once_the_community_has_issued_an_invoice(
    app: Flask, client: FlaskClient
) -> None:
    make_operator()
    community = make_community(invoice_prefix="SLAP", registration_code="302173840")
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    url = f"/backoffice/communities/{community.id}/edit"

    assert client.post(url, data=form(client, url, invoice_prefix="SLP")).status_code == 302
    assert fresh(Community, community.id).invoice_prefix == "SLP"
    make_order([(make_product(fresh(Community, community.id)).variants[0], 1)], status=OrderStatus.PAID)
    refused = client.post(url, data=form(client, url, invoice_prefix="SLAP"))

    assert refused.status_code == 400
    assert "sąskaitų serija SLP: serija lieka" in refused.get_data(as_text=True)
    assert fresh(Community, community.id).invoice_prefix == "SLP"
