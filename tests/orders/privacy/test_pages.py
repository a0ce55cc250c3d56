"""The customer's own pages: asking by e-mail address (the same answer for any address, limited), the
mailed link (in her language, through the outbox, to a real SMTP server), the copy, and erasure once.

The pages are read in English (`?lang=en`, remembered by the session) unless the test is about Lithuanian.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from app import create_app
from orders.privacy.models import PrivacyRequest, PrivacyRequestStatus
from shop.db import db
from shop.models import OutboxMessage, User
from tests.conftest import FreshContextClient, csrf_token
from tests.factories.legal import make_legal_pages
from tests.factories.orders import make_order
from tests.helpers import count, fresh, mails_to, running
from tests.orders.privacy.customers import AFTER_RETURNS, JONAS, RASA, RASA_TRACES, START, found, full_order
from tests.shop.test_outbox import Inbox, free_port, plain, shop_sending_to, smtp_server
from tests.test_backoffice_access import snapshot

ASK = "/privatumas/mano-duomenys"
LINK = re.compile(r"http://shop\.test(/privatumas/[A-Za-z0-9_\-.]+)")
TOKEN_FIELD = re.compile(r'name="csrf_token"[^>]*value="[^"]+"|value="[^"]+"[^>]*name="csrf_token"')


def in_english(client: FlaskClient) -> FlaskClient:
    client.get("/?lang=en")
    return client


def ask(client: FlaskClient, email: str) -> Any:
    response = client.post(ASK, data={"csrf_token": csrf_token(client, ASK), "email": email})
    response.close()  # the mail is tried once the answer has gone out
    return response


def link_in(text: str) -> str:
    match = LINK.search(text)
    assert match, text
    return match.group(1)


def link_mailed_to(address: str) -> str:
    [mail] = mails_to(address)
    return link_in(mail.text_body)


def without_tokens(html: str) -> str:
    return TOKEN_FIELD.sub("", html)


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    port = free_port()
    with smtp_server(port) as inbox:
        yield port, inbox


def test_a_customer_is_mailed_the_link_in_her_language_and_sees_her_orders(
    app: Flask, test_config: dict[str, Any], smtp: tuple[int, Inbox], staff: User
) -> None:
    port, inbox = smtp
    number = make_order(buyer=JONAS).number  # Jonas ordered in English; read here, in the test's own app
    make_legal_pages()
    with running(shop_sending_to(test_config, port)) as shop:
        shop.test_client_class = FreshContextClient
        client = in_english(shop.test_client())
        assert "Your data" in client.get("/privatumas?lang=en").get_data(as_text=True)

        response = ask(client, "Jonas.Kazlauskas@example.com")

        assert response.status_code == 302 and response.location == ASK
        [mail] = inbox.to("jonas.kazlauskas@example.com")
        assert mail["Subject"] == "Your data at Kaimo mugė"
        path = link_in(plain(mail))
        page = client.get(path)
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert number in html and "jonas.kazlauskas@example.com" in html
        assert (
            page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
        )


def test_the_link_comes_in_lithuanian_to_a_customer_asking_in_lithuanian(
    client: FlaskClient, staff: User
) -> None:
    make_order(buyer=RASA)

    ask(client, RASA.email)

    [mail] = mails_to(RASA.email.lower())
    assert mail.subject == "Jūsų duomenys Kaimo mugėje"
    assert "Nuoroda galioja iki" in mail.text_body


def test_the_answer_is_the_same_whether_or_not_the_address_has_orders(
    client: FlaskClient, staff: User
) -> None:
    make_order(buyer=RASA)
    in_english(client)

    known = ask(client, RASA.email)
    known_page = client.get(known.location).get_data(as_text=True)
    unknown = ask(client, "nobody@example.com")
    unknown_page = client.get(unknown.location).get_data(as_text=True)

    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    assert without_tokens(known_page) == without_tokens(unknown_page)
    assert "If orders were placed with this address, we have sent it a link" in unknown_page
    assert mails_to("nobody@example.com") == [] and len(mails_to(RASA.email.lower())) == 1
    assert count(PrivacyRequest) == 1


def test_an_address_that_is_not_one_is_said_so_next_to_the_field(client: FlaskClient, staff: User) -> None:
    in_english(client)
    response = client.post(ASK, data={"csrf_token": csrf_token(client, ASK), "email": "rasa at example"})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter an e-mail address like vardas@example.lt." in html
    assert 'value="rasa at example"' in html


def test_asking_twice_makes_one_request_and_mails_two_links(client: FlaskClient, staff: User) -> None:
    make_order(buyer=RASA)
    ask(client, RASA.email)
    ask(client, RASA.email.upper())

    assert count(PrivacyRequest) == 1
    for mail in mails_to(RASA.email.lower()):  # two mails, each with a link that works
        assert client.get(link_in(mail.text_body)).status_code == 200


def test_the_link_works_for_a_day_then_says_it_has_expired(
    client: FlaskClient, staff: User, clock: time_machine.Traveller
) -> None:
    make_order(buyer=RASA)
    in_english(client)
    ask(client, RASA.email)
    path = link_mailed_to(RASA.email.lower())

    clock.move_to(START + timedelta(hours=24))
    assert client.get(path).status_code == 200
    clock.move_to(START + timedelta(hours=24, seconds=1))
    expired = client.get(path)

    assert expired.status_code == 410
    assert "The link has expired" in expired.get_data(as_text=True)


def test_a_link_not_made_for_this_page_opens_nothing(client: FlaskClient, app: Flask, staff: User) -> None:
    make_order(buyer=RASA)
    ask(client, RASA.email)
    path = link_mailed_to(RASA.email.lower())
    request_id = db.session.scalars(select(PrivacyRequest.id)).one()
    password_link = URLSafeTimedSerializer("test-secret-key", salt="password-reset").dumps(
        {"request": request_id}
    )
    other_secret = URLSafeTimedSerializer("another-key", salt="privacy-request").dumps(
        {"request": request_id}
    )

    for token in (password_link, other_secret, path.rsplit("/", 1)[1][:-2], "x" * 300, "abc"):
        assert client.get(f"/privatumas/{token}").status_code == 404, token
        assert (
            client.post(
                f"/privatumas/{token}/kopija", data={"csrf_token": csrf_token(client, ASK)}
            ).status_code
            == 404
        )


def test_the_copy_is_a_json_file_of_her_data_never_stored_by_the_browser(
    client: FlaskClient, staff: User
) -> None:
    order = full_order(RASA, staff=staff)
    ask(client, RASA.email)
    path = link_mailed_to(RASA.email.lower())

    response = client.post(f"{path}/kopija", data={"csrf_token": csrf_token(client, path)})

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="kaimo-muge-duomenys-2026-03-02.json"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    copy = response.get_json()
    assert copy["orders"][0]["number"] == order.number
    assert copy["orders"][0]["customer"]["name"] == RASA.name
    assert fresh(PrivacyRequest, copy_request_id()).exported_at == START


def copy_request_id() -> int:
    return db.session.scalars(select(PrivacyRequest.id)).one()


def test_the_link_erases_once_after_a_confirmation(
    client: FlaskClient, staff: User, clock: time_machine.Traveller
) -> None:
    full_order(RASA, staff=staff)
    in_english(client)
    clock.move_to(AFTER_RETURNS)
    ask(client, RASA.email)
    path = link_mailed_to(RASA.email.lower())
    confirm = client.get(f"{path}/istrinti")
    assert confirm.status_code == 200
    assert "1 order is erased now" in confirm.get_data(as_text=True)
    assert (
        "The invoices and credit notes issued to you stay as issued, with your name and address, until"
        " 31 December 2036." in confirm.get_data(as_text=True)
    )
    token = csrf_token(client, f"{path}/istrinti")

    unconfirmed = client.post(f"{path}/istrinti", data={"csrf_token": token})
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm the erasure." in unconfirmed.get_data(as_text=True)
    assert found(RASA_TRACES)

    erased = client.post(f"{path}/istrinti", data={"csrf_token": token, "confirm": "y"})
    assert erased.status_code == 302 and erased.location == ASK
    assert "Your data are erased" in client.get(ASK).get_data(as_text=True)
    assert found(RASA_TRACES) == []

    before = snapshot()
    again = client.post(f"{path}/istrinti", data={"csrf_token": token, "confirm": "y"})
    assert again.status_code == 410
    assert "Your data have already been erased" in again.get_data(as_text=True)
    assert client.get(path).status_code == 410
    assert client.post(f"{path}/kopija", data={"csrf_token": token}).status_code == 410
    assert snapshot() == before


def test_an_open_order_is_named_on_the_confirmation_and_its_erasure_waits(
    client: FlaskClient, staff: User, clock: time_machine.Traveller
) -> None:
    full_order(RASA, staff=staff)
    clock.move_to(AFTER_RETURNS)
    waiting = make_order(buyer=RASA)  # placed, not paid yet
    in_english(client)
    ask(client, RASA.email)
    path = link_mailed_to(RASA.email.lower())
    page = client.get(f"{path}/istrinti").get_data(as_text=True)
    assert "1 order is still open" in page and waiting.number in page and "it can still be paid" in page

    response = client.post(f"{path}/istrinti", data={"csrf_token": csrf_token(client, path), "confirm": "y"})

    assert response.status_code == 302 and response.location == path
    after = client.get(path).get_data(as_text=True)
    assert "Your erasure is confirmed." in after and waiting.number in after
    assert "Erase my data…" not in after  # once is enough
    assert fresh(PrivacyRequest, copy_request_id()).status is PrivacyRequestStatus.DEFERRED


def test_the_privacy_notice_leads_to_the_page(client: FlaskClient) -> None:
    make_legal_pages()
    html = in_english(client).get("/privatumas").get_data(as_text=True)
    assert 'href="/privatumas/mano-duomenys"' in html
    assert "1095 days after it was placed" in html and "10 years after the end of its year" in html


# Limits ---------------------------------------------------------------------------------------------


@pytest.fixture
def limited_app(app: Flask, test_config: dict[str, Any]) -> Iterator[Flask]:
    """The shop with its limits on (every other test runs without them)."""
    shop = create_app({**test_config, "RATELIMIT_ENABLED": True})
    shop.test_client_class = FreshContextClient
    yield shop
    with shop.app_context():
        db.engine.dispose()


def test_links_to_one_address_are_limited_to_five_an_hour(limited_app: Flask, staff: User) -> None:
    make_order(buyer=RASA)
    client = in_english(limited_app.test_client())
    for attempt in range(5):
        response = client.post(
            ASK,
            data={"csrf_token": csrf_token(client, ASK), "email": RASA.email},
            environ_base={"REMOTE_ADDR": f"10.3.0.{attempt + 1}"},
        )
        assert response.status_code == 302

    refused = client.post(
        ASK,
        data={"csrf_token": csrf_token(client, ASK), "email": RASA.email},
        environ_base={"REMOTE_ADDR": "10.3.1.1"},
    )

    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Too many attempts. Please wait a few minutes and try again." in html
    assert f'value="{RASA.email}"' in html  # the form again, as typed
    assert len(mails_to(RASA.email.lower())) == 5


def test_asking_from_one_machine_is_limited_to_ten_a_minute(limited_app: Flask, staff: User) -> None:
    client = in_english(limited_app.test_client())
    token = csrf_token(client, ASK)
    for n in range(10):
        assert (
            client.post(ASK, data={"csrf_token": token, "email": f"guess{n}@example.com"}).status_code == 302
        )

    assert client.post(ASK, data={"csrf_token": token, "email": "guess10@example.com"}).status_code == 429
    elsewhere = in_english(limited_app.test_client())
    response = elsewhere.post(
        ASK,
        data={"csrf_token": csrf_token(elsewhere, ASK), "email": "guess11@example.com"},
        environ_base={"REMOTE_ADDR": "10.4.0.1"},
    )
    assert response.status_code == 302
    assert count(OutboxMessage) == 0
