"""Staff write the criteria as a draft and publish it as the next version; the guide shows the version in
force. Reminders before expiry go once per stage, and a grant found late gets only the nearer one."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from catalogue.browsing import list_visible_products
from producers.communities import get_active_community, list_active_communities
from producers.marks.criteria import published_version
from producers.marks.models import MarkReminder
from producers.marks.reminders import send_reminders
from producers.marks.reviewing import change_grant
from shop.db import db, utcnow
from tests.conftest import csrf_token, login_as
from tests.factories.marks import make_grant
from tests.helpers import mails_to
from tests.producers.marks.conftest import Mark


def criteria_form(rows: list[tuple[str, str, str, str]]) -> dict[str, str]:
    data = {}
    for i, (text_lt, text_en, evidence_lt, evidence_en) in enumerate(rows):
        data |= {
            f"criteria-{i}-text_lt": text_lt,
            f"criteria-{i}-text_en": text_en,
            f"criteria-{i}-evidence_lt": evidence_lt,
            f"criteria-{i}-evidence_en": evidence_en,
        }
    return data


def test_staff_draft_and_publish_a_new_version_that_the_guide_shows(client: FlaskClient, mark: Mark) -> None:
    login_as(client, "vida@vvg.example.org")
    page = "/backoffice/zenklas/kriterijai"
    shown = client.get(page).get_data(as_text=True)
    assert "Gaminius kuria bendruomenės nariai" in shown  # the draft starts from the version in force
    half = client.post(
        page,
        data={"csrf_token": csrf_token(client, page), **criteria_form([("Tik lietuviškai", "", "", "")])},
    )
    assert half.status_code == 400
    text = half.get_data(as_text=True)
    assert "Parašykite reikalavimą ir angliškai." in text and "Tik lietuviškai" in text
    saved = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            **criteria_form(
                [("Vietinės medžiagos", "Local materials", "Sąskaitos", "Invoices"), ("", "", "", "")]
            ),
        },
    )
    assert saved.status_code == 302
    assert published_version() is not None and published_version().number == 1  # a draft changes nothing yet
    published = client.post(f"{page}/skelbti", data={"csrf_token": csrf_token(client, page)})
    assert published.status_code == 302
    db.session.rollback()
    version = published_version()
    assert (
        version is not None
        and version.number == 2
        and [c.text_en for c in version.criteria] == ["Local materials"]
    )
    client.get("/?lang=en")
    guide = client.get("/zenklas/apie").get_data(as_text=True)
    assert "Local materials" in guide and "Invoices" in guide and "Version 2" in guide
    nothing = client.post(
        f"{page}/skelbti", data={"csrf_token": csrf_token(client, page)}, follow_redirects=True
    )
    assert "There is no draft with criteria to publish" in nothing.get_data(as_text=True)


def test_a_grant_found_inside_14_days_gets_only_the_14_day_reminder_once(app: Flask, mark: Mark) -> None:
    with time_machine.travel(utcnow(), tick=False) as traveller:
        grant = make_grant(mark.community, mark.member, mark.staff, days=10)
        assert send_reminders() == 1
        assert send_reminders() == 0
        traveller.shift(timedelta(days=5))
        assert send_reminders() == 0
        db.session.rollback()
        assert sorted(
            db.session.scalars(select(MarkReminder.days_before).where(MarkReminder.grant_id == grant.id))
        ) == [
            14,
            60,
        ]
        reminders = [m for m in mails_to("pagiriai-info@example.org") if "baigia galioti" in m.subject]
        assert [m.subject for m in reminders] == [
            "Jūsų bendruomeninio verslo ženklas baigia galioti po 14 d."
        ]


def test_a_suspended_or_expired_grant_gets_no_reminder(mark: Mark) -> None:
    with time_machine.travel(utcnow(), tick=False) as traveller:
        grant = make_grant(mark.community, mark.member, mark.staff, days=30)
        change_grant(grant.id, "suspend", "Tikrinama", by=mark.staff)
        assert send_reminders() == 0
        traveller.shift(timedelta(days=31))
        assert send_reminders() == 0


def test_a_holders_cards_show_the_badge_whatever_loaded_its_community_first(mark: Mark) -> None:
    """The home page lists the communities (without the mark) before the best sellers' cards: the cards'
    query fills the mark in all the same; a community's own page reads it with the community."""
    make_grant(mark.community, mark.member, mark.staff)
    product_id = mark.product.id
    db.session.expunge_all()
    list_active_communities()
    (card,) = list_visible_products([product_id])
    assert card.holds_mark is True
    db.session.expunge_all()
    assert get_active_community("pagiriai").holds_mark is True  # type: ignore[union-attr]
    assert get_active_community("krakes").holds_mark is False  # type: ignore[union-attr]
