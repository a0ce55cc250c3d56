"""The mark's whole life, through the pages and the real SMTP server: a community applies with evidence,
the VVG asks for more, the community answers, the VVG grants it; the badge shows on the community's page,
its product's card and page and in the catalogue's filter; reminders go 60 and 14 days before expiry, each
once; at its end the mark leaves the storefront by itself."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from producers.marks.models import ApplicationStatus, MarkApplication, MarkGrant, MarkReminder
from shop.db import db
from shop.i18n import vilnius_midnight
from tests.conftest import FreshContextClient, csrf_token, login_as
from tests.factories.catalogue import make_product, make_variant
from tests.factories.marks import make_criteria, pdf, png
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import running
from tests.mail_server import Inbox, free_port, shop_sending_to, smtp_server

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
BADGE = 'class="mark-badge'  # the seal and "Sertifikuotas bendruomeninis verslas" (the footer names it too)


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def mail_app(app: Flask, test_config: dict[str, Any], smtp_port: int) -> Iterator[Flask]:
    with running(shop_sending_to(test_config, smtp_port)) as shop:
        yield shop


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    with smtp_server(smtp_port) as inbox:
        yield inbox


def subjects(inbox: Inbox, address: str) -> list[str]:
    return [str(mail["Subject"]) for mail in inbox.to(address)]


def badge_shown(client: FlaskClient, url: str) -> bool:
    page = client.get(url)
    assert page.status_code == 200, url
    text = page.get_data(as_text=True)
    shown = BADGE in text
    if shown:
        assert "Sertifikuotas bendruomeninis verslas</span></a>" in text and 'href="/zenklas"' in text
    return shown


def test_a_community_applies_is_asked_for_more_is_granted_shows_the_badge_is_reminded_and_expires(
    mail_app: Flask, inbox: Inbox
) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        make_operator()
        community = make_community(slug="krakes", name="Krakių bendruomenė", email="krakes-info@example.org")
        make_user(community, email="krakes@example.org")
        make_user(email="vida@vvg.example.org", is_staff=True)
        version = make_criteria()
        first, second = version.criteria
        product = make_product(community, name_lt="Šiaudinė žvaigždė", variants=[make_variant(stock=3)])
        mail_app.test_client_class = FreshContextClient
        shop = mail_app.test_client()
        staff = mail_app.test_client()
        login_as(shop, "krakes@example.org")
        login_as(staff, "vida@vvg.example.org")

        # No badge yet, anywhere
        assert not badge_shown(shop, "/bendruomenes/krakes")

        # The community starts and fills in its application, with a photo and a PDF
        token = csrf_token(shop, "/workspace/zenklas")
        started = shop.post(
            "/workspace/zenklas/paraiska", data={"csrf_token": token, "acting_for": community.id}
        )
        assert started.status_code == 302
        db.session.rollback()  # see what the requests committed
        application_id = db.session.scalars(select(MarkApplication.id)).one()
        page = f"/workspace/zenklas/paraiskos/{application_id}"
        assert "Gaminius kuria bendruomenės nariai" in shop.get(page).get_data(as_text=True)
        saved = shop.post(
            page,
            data={
                "csrf_token": csrf_token(shop, page),
                "acting_for": community.id,
                f"answer_{first.id}": "Visi žaisliukai pinami mūsų klube.",
                f"answer_{second.id}": "",
                f"evidence_{first.id}": (io.BytesIO(png("klubas")), "klubas.png"),
                f"evidence_{second.id}": (io.BytesIO(pdf()), "protokolas.pdf"),
                "submit_application": "1",
            },
            content_type="multipart/form-data",
        )
        # the second answer is missing: the files and the first answer are kept, nothing is submitted
        assert saved.status_code == 400
        assert "Answer this before you submit." not in saved.get_data(as_text=True)  # it is in Lithuanian
        assert "Atsakykite" in saved.get_data(as_text=True)
        db.session.rollback()
        application = db.session.get_one(MarkApplication, application_id)
        assert application.status is ApplicationStatus.DRAFT
        assert sorted(e.original_name for e in application.evidence) == ["klubas.png", "protokolas.pdf"]
        submitted = shop.post(
            page,
            data={
                "csrf_token": csrf_token(shop, page),
                "acting_for": community.id,
                f"answer_{first.id}": "Visi žaisliukai pinami mūsų klube.",
                f"answer_{second.id}": "Pajamos skiriamos vaikų stovyklai.",
                "submit_application": "1",
            },
            content_type="multipart/form-data",
        )
        assert submitted.status_code == 302
        assert subjects(inbox, "krakes-info@example.org") == [
            "Jūsų paraiška bendruomeninio verslo ženklui gauta"
        ]
        assert subjects(inbox, "info@vvg.example.org") == [
            "Paraiška ženklui, kurią reikia peržiūrėti: Krakių bendruomenė"
        ]

        # Staff ask for more; the community sees what and answers
        review = f"/backoffice/zenklas/paraiskos/{application_id}"
        assert "protokolas.pdf" in staff.get(review).get_data(as_text=True)
        asked = staff.post(
            f"{review}/prasyti",
            data={
                "csrf_token": csrf_token(staff, review),
                "request": "Pridėkite pinimo užsiėmimo nuotrauką.",
            },
        )
        assert asked.status_code == 302
        assert "Pridėkite pinimo užsiėmimo nuotrauką." in shop.get("/workspace/zenklas").get_data(
            as_text=True
        )
        (more,) = inbox.to("krakes-info@example.org")[1:]
        assert "Pridėkite pinimo užsiėmimo nuotrauką." in more.get_body(("plain",)).get_content()
        answered = shop.post(
            page,
            data={
                "csrf_token": csrf_token(shop, page),
                "acting_for": community.id,
                f"answer_{first.id}": "Visi žaisliukai pinami mūsų klube, antradieniais.",
                f"answer_{second.id}": "Pajamos skiriamos vaikų stovyklai.",
                f"evidence_{first.id}": (io.BytesIO(png("uzsiemimas")), "uzsiemimas.png"),
                "submit_application": "1",
            },
            content_type="multipart/form-data",
        )
        assert answered.status_code == 302
        assert len(inbox.to("info@vvg.example.org")) == 2

        # Staff grant it for two years (through 1 March 2029)
        granted = staff.post(
            f"{review}/suteikti", data={"csrf_token": csrf_token(staff, review), "valid_until": "2029-03-01"}
        )
        assert granted.status_code == 302
        assert (
            subjects(inbox, "krakes-info@example.org")[-1]
            == "Krakių bendruomenė turi bendruomeninio verslo ženklą"
        )

        # An application granted cannot be edited any more: nothing is saved
        after = shop.post(
            page,
            data={"csrf_token": csrf_token(shop, "/workspace/zenklas"), "acting_for": community.id,
                  f"answer_{first.id}": "Pakeista po suteikimo"},
            content_type="multipart/form-data",
        )  # fmt: skip
        assert after.status_code == 303
        db.session.rollback()
        assert (
            db.session.get_one(MarkApplication, application_id).answer_to(first.id).endswith("antradieniais.")
        )

        # The badge: the community's page, its product's card (catalogue, home) and page, the filter
        visitor = mail_app.test_client()
        assert badge_shown(visitor, "/bendruomenes/krakes")
        assert badge_shown(visitor, f"/produktai/{product.slug}")
        assert badge_shown(visitor, "/katalogas")
        certified = visitor.get("/katalogas?certified=y").get_data(as_text=True)
        assert "Šiaudinė žvaigždė" in certified
        register = visitor.get("/zenklas").get_data(as_text=True)
        assert "Krakių bendruomenė" in register and "2029 m. kovo 1 d." in register

        # Reminders: none yet; 60 days before, once; 14 days before, once
        runner = mail_app.test_cli_runner()
        db.session.rollback()
        end = db.session.scalars(select(MarkGrant.valid_until)).one()
        assert end == vilnius_midnight(date(2029, 3, 2))  # through the whole of its last day, in Vilnius
        assert "0" in runner.invoke(args=["mark", "remind"]).output
        traveller.move_to(end - timedelta(days=61))
        runner.invoke(args=["mark", "remind"])
        assert len(inbox.to("krakes-info@example.org")) == 4
        traveller.move_to(end - timedelta(days=59))
        runner.invoke(args=["mark", "remind"])
        runner.invoke(args=["mark", "remind"])
        reminders = subjects(inbox, "krakes-info@example.org")[4:]
        assert reminders == ["Jūsų bendruomeninio verslo ženklas baigia galioti po 60 d."]
        traveller.move_to(end - timedelta(days=13))
        runner.invoke(args=["mark", "remind"])
        runner.invoke(args=["mark", "remind"])
        assert subjects(inbox, "krakes-info@example.org")[5:] == [
            "Jūsų bendruomeninio verslo ženklas baigia galioti po 14 d."
        ]
        db.session.rollback()
        assert sorted(db.session.scalars(select(MarkReminder.days_before))) == [14, 60]

        # Still held on its last day; gone at midnight after it, by itself
        traveller.move_to(end - timedelta(seconds=1))
        assert badge_shown(visitor, f"/produktai/{product.slug}")
        traveller.move_to(end)
        assert not badge_shown(visitor, "/bendruomenes/krakes")
        assert not badge_shown(visitor, f"/produktai/{product.slug}")
        assert not badge_shown(visitor, "/katalogas")
        assert "Šiaudinė žvaigždė" not in visitor.get("/katalogas?certified=y").get_data(as_text=True)
        assert "Krakių bendruomenė" in visitor.get("/zenklas").get_data(as_text=True)  # in the history
