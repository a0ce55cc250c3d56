"""The legal pages as customers (and everyone else) reach them: from every footer, in both languages, each
version at its own address, the operator's details from its row, VVTAT named and no ODR link."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text, update

from app import create_app
from legal import markup
from legal.models import SLUGS, LegalPageKind
from shop.db import db
from shop.models import Operator
from tests.conftest import login_as
from tests.factories.legal import first_texts, publish_version
from tests.helpers import running

ODR = "ec.europa.eu/consumers/odr"
TITLES = {  # what each footer link must lead to, by language
    "lt": {kind: texts[0] for kind, texts in first_texts().items()},
    "en": {kind: texts[1] for kind, texts in first_texts().items()},
}


def footer_links(html: str) -> set[str]:
    footer = html[html.index("<footer") :]
    return set(re.findall(r'<a href="([^"]+)"', footer))


@pytest.mark.parametrize("language", ["lt", "en"])
def test_every_legal_page_is_linked_from_the_footer_of_the_shop_the_workspace_and_the_back_office(
    app: Flask, client: FlaskClient, legal_shop: dict[str, Any], language: str
) -> None:
    member, staff = app.test_client(), app.test_client()
    login_as(member, "krakes@example.org")
    login_as(staff, "vida@vvg.example.org")
    footers = {
        "shop": client.get(f"/?lang={language}"),
        "product list": client.get(f"/katalogas?lang={language}"),
        "sign-in": client.get(f"/prisijungti?lang={language}"),
        "workspace": member.get(f"/workspace/?lang={language}"),
        "back office": staff.get(f"/backoffice/?lang={language}"),
    }
    for where, response in footers.items():
        assert response.status_code == 200, where
        links = footer_links(response.get_data(as_text=True))
        for kind, slug in SLUGS.items():
            assert f"/{slug}" in links, f"{where} footer lacks {kind}"

    for kind, slug in SLUGS.items():
        page = client.get(f"/{slug}")  # the language chosen above is remembered
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert f"<h1>{TITLES[language][kind]}</h1>" in html
        assert ODR not in html


def test_the_terms_name_the_consumer_authority_and_never_link_the_closed_eu_odr_platform(
    client: FlaskClient, legal_shop: dict[str, Any]
) -> None:
    for language in ("lt", "en"):
        for slug in SLUGS.values():
            html = client.get(f"/{slug}?lang={language}").get_data(as_text=True)
            assert ODR not in html and "ginčų sprendimo platform" not in html
            assert "dispute resolution platform" not in html
        terms = client.get(f"/salygos?lang={language}").get_data(as_text=True)
        assert '<a href="https://www.vvtat.lt">www.vvtat.lt</a>' in terms
        assert "Valstybinė vartotojų teisių apsaugos tarnyba" in terms or (
            "Valstybinę vartotojų teisių apsaugos tarnybą" in terms
        )


def test_each_page_shows_the_operators_details_from_its_row_so_a_change_needs_no_new_version(
    client: FlaskClient, legal_shop: dict[str, Any]
) -> None:
    html = client.get("/apie-vvg").get_data(as_text=True)
    assert "Kėdainių rajono vietos veiklos grupė" in html and "300619429" in html
    assert 'href="tel:+37034751234"' in html and "info@vvg.example.org" in html

    db.session.execute(update(Operator).values(phone="+370 347 99999", email="labas@vvg.example.org"))
    db.session.commit()
    for slug in SLUGS.values():
        html = client.get(f"/{slug}").get_data(as_text=True)
        assert "Versija Nr. 1," in html
        assert 'href="tel:+37034799999"' in html and "labas@vvg.example.org" in html


def test_a_new_version_is_in_force_at_once_and_the_earlier_one_stays_readable_at_its_own_address(
    client: FlaskClient, legal_shop: dict[str, Any]
) -> None:
    publish_version(LegalPageKind.TERMS, body_lt="<p>Naujos sąlygos nuo gruodžio.</p>")

    current = client.get("/salygos").get_data(as_text=True)
    assert "Naujos sąlygos nuo gruodžio." in current and "Versija Nr. 2," in current
    assert 'href="/salygos/v1"' in current  # the list of all versions

    earlier = client.get("/salygos/v1").get_data(as_text=True)
    assert "Naujos sąlygos nuo gruodžio." not in earlier
    assert "Kaimo mugė – internetinė prekyvietė" in earlier and "Versija Nr. 1," in earlier
    assert "Tai ankstesnė versija" in earlier and 'href="/salygos">Skaityti galiojančią versiją' in earlier

    assert client.get("/salygos/v2").status_code == 200
    assert client.get("/salygos/v3").status_code == 404
    assert client.get("/salygos/v0").status_code == 404
    assert client.get("/privatumas/v2").status_code == 404  # versions count per page


def test_the_privacy_notice_keeps_the_way_to_ones_own_data(
    client: FlaskClient, legal_shop: dict[str, Any]
) -> None:
    html = client.get("/privatumas").get_data(as_text=True)
    assert 'href="/privatumas/mano-duomenys"' in html
    assert "Duomenų valdytoja – Kėdainių rajono vietos veiklos grupė" in html


def test_a_page_without_any_version_is_not_found_and_the_footer_still_links_it(
    client: FlaskClient, app: Flask
) -> None:
    response = client.get("/salygos")
    assert response.status_code == 404
    assert "/salygos" in footer_links(response.get_data(as_text=True))


def test_the_sitemap_lists_the_legal_pages(client: FlaskClient, legal_shop: dict[str, Any]) -> None:
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    for slug in SLUGS.values():
        assert f"/{slug}</loc>" in sitemap


def test_a_freshly_migrated_shop_has_all_five_pages_as_version_1_in_the_allowed_markup(
    test_config: dict[str, Any], tmp_path: Path
) -> None:
    fresh = create_app({**test_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}"})
    with running(fresh):
        flask_migrate.upgrade()
        rows = db.session.execute(
            text(
                "SELECT kind, number, title_lt, title_en, body_lt, body_en FROM legal_page_versions"
                " JOIN legal_pages ON legal_pages.id = page_id ORDER BY legal_pages.id"
            )
        ).all()
        client = fresh.test_client()
        pages = {slug: client.get(f"/{slug}").get_data(as_text=True) for slug in SLUGS.values()}
        db.session.remove()
    assert [(row.kind, row.number) for row in rows] == [(kind.value, 1) for kind in LegalPageKind]
    for row in rows:
        for body in (row.body_lt, row.body_en):
            assert markup.findings(body) == []  # staff can publish them again as they are
            assert ODR not in body
    assert all(ODR not in html for html in pages.values())
    assert "Sutarties atsisakymo pavyzdinė forma" in pages["sutarties-atsisakymo-forma"]
