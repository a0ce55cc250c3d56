"""Staff publish the legal pages: each change a new version with its date, audited; empty pages and any
markup outside the allowed list are refused with what was typed shown again, and nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from legal.models import LegalPageKind, LegalPageVersion
from shop.db import db
from shop.models import AuditEntry
from tests.conftest import csrf_token, login_as
from tests.factories.legal import first_texts

EDIT = "/backoffice/legal/delivery_returns"


def form(client: FlaskClient, **changes: str) -> dict[str, str]:
    title_lt, title_en, body_lt, body_en = first_texts()[LegalPageKind.DELIVERY_RETURNS]
    data = {
        "csrf_token": csrf_token(client, EDIT),
        "title_lt": title_lt,
        "title_en": title_en,
        "body_lt": body_lt + "\n<p>Grąžinimo adresas pasikeitė.</p>",
        "body_en": body_en + "\n<p>The return address changed.</p>",
        "change_note": "Grąžinimo adresas",
    }
    return {**data, **changes}


def versions(kind: LegalPageKind = LegalPageKind.DELIVERY_RETURNS) -> list[int]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(LegalPageVersion.number)
            .join(LegalPageVersion.page)
            .where(LegalPageVersion.page.has(kind=kind))
            .order_by(LegalPageVersion.number)
        )
    )


def audit_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(AuditEntry.id))) or 0


@pytest.fixture
def staff(client: FlaskClient, legal_shop: dict[str, Any]) -> FlaskClient:
    login_as(client, "vida@vvg.example.org")
    return client


def test_staff_see_every_page_with_its_version_in_force_and_its_date(staff: FlaskClient) -> None:
    html = staff.get("/backoffice/legal").get_data(as_text=True)
    for kind in LegalPageKind:
        assert f'href="/backoffice/legal/{kind.value}"' in html
    assert html.count('<td class="num">1</td>') == 5
    assert "Teisiniai puslapiai" in html


def test_publishing_makes_the_next_version_with_its_date_and_keeps_the_one_before(staff: FlaskClient) -> None:
    edit = staff.get(EDIT).get_data(as_text=True)
    assert "Skelbti kaip versiją Nr. 2" in edit
    assert "Kurjeriu jūsų nurodytu adresu." in edit  # the form starts from the version in force

    response = staff.post(EDIT, data=form(staff))
    assert response.status_code == 302 and response.location.endswith("/backoffice/legal")
    assert versions() == [1, 2]
    version = db.session.scalars(select(LegalPageVersion).where(LegalPageVersion.number == 2)).one()
    assert version.published_by is not None and version.published_by.name == "Vida"
    assert version.change_note == "Grąžinimo adresas" and version.published_at is not None

    page = staff.get("/pristatymas-ir-grazinimas").get_data(as_text=True)
    assert "Grąžinimo adresas pasikeitė." in page and "Versija Nr. 2," in page
    assert "Grąžinimo adresas pasikeitė." not in staff.get("/pristatymas-ir-grazinimas/v1").get_data(
        as_text=True
    )
    assert "Grąžinimo adresas pasikeitė." in staff.get("/pristatymas-ir-grazinimas/v2").get_data(as_text=True)

    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "legal.publish")).one()
    assert entry.subject_id == "delivery_returns" and entry.actor_name.startswith("Vida")
    assert entry.before == {"version": 1} and entry.after["version"] == 2
    assert "Paskelbtas teisinis puslapis" in staff.get("/backoffice/audit").get_data(as_text=True)

    staff.post(EDIT, data=form(staff, body_lt="<p>Trečias kartas.</p>", change_note="Trumpiau"))
    assert versions() == [1, 2, 3]


BAD_BODIES = {
    "empty": ("", "Įrašykite puslapio tekstą."),
    "only spaces": ("   \n  ", "Įrašykite puslapio tekstą."),
    "tags without words": ("<p> </p><br>", "Parašykite tekstą: šis laukas negali būti tuščias."),
    "script": ("<p>Sveiki</p><script>alert(1)</script>", "Žymė „&lt;script&gt;“ neleidžiama."),
    "onclick": ('<p onclick="steal()">Sveiki</p>', "Atributas „onclick“ neleidžiamas"),
    "javascript link": ('<p><a href="javascript:alert(1)">Spausk</a></p>', "Nuoroda „javascript:alert(1)“"),
    "hidden javascript link": (
        '<p><a href="java&#x09;script:alert(1)">Spausk</a></p>',
        "neleidžiama: nuorodos",
    ),
    "data link": ('<p><a href="data:text/html,x">Spausk</a></p>', "Nuoroda „data:text/html,x“"),
    "image onerror": ('<p>x</p><img src="x" onerror="alert(1)">', "Žymė „&lt;img&gt;“ neleidžiama."),
    "style": ("<style>p{}</style><p>x</p>", "Žymė „&lt;style&gt;“ neleidžiama."),
    "style attribute": ('<p style="color:red">x</p>', "Atributas „style“ neleidžiamas"),
    "iframe": ('<p>x</p><iframe src="https://evil.example"></iframe>', "Žymė „&lt;iframe&gt;“"),
    "svg": ("<svg><foreignObject><p>x</p></foreignObject></svg>", "Žymė „&lt;svg&gt;“"),
    "comment": ("<!-- slapta --><p>x</p>", "HTML komentarai neleidžiami."),
    "unknown section": ("<p>x</p><![foo[ x ]]>", "Žymė „&lt;![“ neleidžiama."),
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_an_empty_body_or_markup_outside_the_list_is_refused_with_the_text_shown_again_and_nothing_saved(
    staff: FlaskClient, case: str
) -> None:
    body, message = BAD_BODIES[case]
    before = audit_count()
    response = staff.post(EDIT, data=form(staff, body_en=body))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert 'aria-invalid="true"' in html
    if body.strip():
        assert str(escape(body)) in html  # re-shown as typed, escaped in the textarea
    assert "Grąžinimo adresas pasikeitė." in html  # the other language's text is kept too
    assert versions() == [1] and audit_count() == before
    assert "<script>alert(1)</script>" not in html


def test_a_title_with_markup_and_an_empty_title_or_note_are_refused(staff: FlaskClient) -> None:
    response = staff.post(EDIT, data=form(staff, title_en="<b>Returns</b>"))
    assert response.status_code == 400 and "Žymė „&lt;b&gt;“ neleidžiama." in response.get_data(as_text=True)
    response = staff.post(EDIT, data=form(staff, title_lt="  ", change_note=""))
    html = response.get_data(as_text=True)
    assert "Įrašykite pavadinimą." in html and "Keliais žodžiais parašykite, kas pasikeitė." in html
    assert versions() == [1]


def test_publishing_the_same_texts_again_makes_no_version(staff: FlaskClient) -> None:
    *_, body_lt, body_en = first_texts()[LegalPageKind.DELIVERY_RETURNS]
    response = staff.post(EDIT, data=form(staff, body_lt=body_lt, body_en=body_en))
    assert response.status_code == 400
    assert "Nuo versijos Nr. 1 niekas nepasikeitė" in response.get_data(as_text=True)
    assert versions() == [1]


def test_a_link_to_a_web_page_an_address_a_phone_or_a_shop_page_is_allowed(staff: FlaskClient) -> None:
    body = (
        '<h2>Kontaktai</h2><p><a href="https://www.vvtat.lt">VVTAT</a>, '
        '<a href="mailto:info@vvg.lt">paštas</a>, <a href="tel:+37034751234">telefonas</a>, '
        '<a href="/salygos">sąlygos</a></p><ul><li><strong>a</strong> <em>b</em></li></ul>'
        "<ol><li>c<br>d</li></ol><h3>e</h3>"
    )
    response = staff.post(EDIT, data=form(staff, body_lt=body))
    assert response.status_code == 302
    version = db.session.scalars(select(LegalPageVersion).where(LegalPageVersion.number == 2)).one()
    assert version.body_lt == body  # stored as typed: nothing had to be taken out
    assert body in staff.get("/pristatymas-ir-grazinimas").get_data(as_text=True)


def test_the_legal_pages_are_for_staff_only(
    app: Flask, client: FlaskClient, legal_shop: dict[str, Any]
) -> None:
    for url in ("/backoffice/legal", EDIT):
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/prisijungti" in anonymous.location
    member = app.test_client()
    login_as(member, "krakes@example.org")
    token = csrf_token(member, "/workspace/listings")
    assert member.get("/backoffice/legal").status_code == 403
    title_lt, title_en, _, _ = first_texts()[LegalPageKind.DELIVERY_RETURNS]
    response = member.post(
        EDIT,
        data={"csrf_token": token, "title_lt": title_lt, "title_en": title_en, "body_lt": "<p>x</p>",
              "body_en": "<p>y</p>", "change_note": "x"},
    )  # fmt: skip
    assert response.status_code == 403
    assert versions() == [1]


def test_a_publication_without_the_csrf_token_is_refused(staff: FlaskClient) -> None:
    data = form(staff)
    del data["csrf_token"]
    assert staff.post(EDIT, data=data).status_code == 400
    assert versions() == [1]
