"""Staff's privacy requests: every request and its state, one recorded by hand (asked by phone) and handled
on its page — a copy, erasure after a confirmation — each step in the audit log, which names no address."""

from __future__ import annotations

import html
import json
from typing import Any

import time_machine
from flask.testing import FlaskClient
from sqlalchemy import select

from orders.invoices.models import Invoice
from orders.privacy import asking, erasure
from orders.privacy.models import ERASED_EMAIL, PrivacyRequest, PrivacyRequestStatus, RequestChannel
from shop.db import db
from shop.models import AuditEntry, User
from tests.conftest import csrf_token, login_as
from tests.factories.orders import make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_user
from tests.helpers import fresh, mails_to
from tests.orders.privacy.customers import AFTER_RETURNS, JONAS, RASA, RASA_TRACES, found, full_order

PAGE = "/backoffice/privacy"


def as_staff(client: FlaskClient) -> FlaskClient:
    login_as(client, "vida@vvg.example.org")
    client.get("/?lang=en")
    return client


def audit_text() -> str:
    db.session.rollback()
    entries = db.session.scalars(select(AuditEntry)).all()
    return json.dumps([[e.action, e.subject_id, e.before, e.after] for e in entries], ensure_ascii=False)


def test_staff_record_a_request_made_by_phone_and_erase_it_after_a_confirmation(
    client: FlaskClient, staff: User, clock: time_machine.Traveller
) -> None:
    full_order(RASA, staff=staff)
    clock.move_to(AFTER_RETURNS)
    as_staff(client)

    recorded = client.post(
        PAGE,
        data={
            "csrf_token": csrf_token(client, PAGE),
            "email": " Rasa.Petraitiene@Example.com ",
            "note": "Paskambino kovo 18 d.",
        },
    )
    assert recorded.status_code == 302
    db.session.rollback()  # see what the request committed
    request = db.session.scalars(select(PrivacyRequest)).one()
    assert (request.channel, request.email, request.note) == (
        RequestChannel.STAFF,
        "rasa.petraitiene@example.com",
        "Paskambino kovo 18 d.",
    )
    detail = client.get(recorded.location).get_data(as_text=True)
    assert "rasa.petraitiene@example.com" in detail and "can be erased" in detail
    assert mails_to("rasa.petraitiene@example.com") == []  # staff decide whether to mail the link

    erase = f"{PAGE}/{request.id}/erase"
    page = client.get(erase).get_data(as_text=True)
    assert "1 closed order is anonymised now" in page
    kept = "Invoices and credit notes stay as issued, with the buyer's name and address, until"
    assert kept in html.unescape(page)
    unconfirmed = client.post(erase, data={"csrf_token": csrf_token(client, erase)})
    assert unconfirmed.status_code == 400 and found(RASA_TRACES)
    done = client.post(erase, data={"csrf_token": csrf_token(client, erase), "confirm": "y"})

    assert done.status_code == 302
    assert "1 order anonymised." in client.get(done.location).get_data(as_text=True)
    assert found(RASA_TRACES) == []
    assert fresh(PrivacyRequest, request.id).status is PrivacyRequestStatus.ERASED
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.subject_type == "privacy_request").order_by(AuditEntry.id)
    )
    assert list(actions) == ["privacy.record", "privacy.erase"]


def test_staff_take_a_copy_to_hand_over_and_mail_the_link(
    client: FlaskClient, staff: User, clock: time_machine.Traveller
) -> None:
    order = full_order(RASA, staff=staff)
    request = asking.record_request(RASA.email, note="", by=staff)
    as_staff(client)
    detail = f"{PAGE}/{request.id}"

    copy = client.post(f"{detail}/copy", data={"csrf_token": csrf_token(client, detail)})
    mailed = client.post(f"{detail}/link", data={"csrf_token": csrf_token(client, detail)})

    assert copy.status_code == 200 and copy.mimetype == "application/json"
    assert copy.get_json()["orders"][0]["number"] == order.number
    assert mailed.status_code == 302
    [mail] = mails_to("rasa.petraitiene@example.com")
    assert "/privatumas/" in mail.text_body
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.subject_type == "privacy_request").order_by(AuditEntry.id)
    )
    assert list(actions) == ["privacy.record", "privacy.export", "privacy.mail_link"]
    assert "rasa.petraitiene" not in audit_text().casefold()  # the audit log is kept for ever


def test_the_request_names_the_invoices_kept_and_until_when_before_and_after_erasure(
    client: FlaskClient, staff: User, clock: time_machine.Traveller
) -> None:
    order = full_order(RASA, staff=staff)
    numbers = db.session.scalars(select(Invoice.number).where(Invoice.order_id == order.id)).all()
    request = asking.record_request(RASA.email, note="", by=staff)
    clock.move_to(AFTER_RETURNS)
    as_staff(client)

    before = client.get(f"{PAGE}/{request.id}").get_data(as_text=True)
    erasure.erase(request.id, by=staff)
    after = client.get(f"{PAGE}/{request.id}").get_data(as_text=True)

    assert len(numbers) == 3  # two parcels' invoices and the cancelled one's credit note
    assert all(number in before for number in numbers)
    assert "kept as issued until 31 December 2036" in before
    assert "10 years after the order" in before
    assert not any(number in after for number in numbers)  # the address is forgotten: nothing is looked up
    assert (
        db.session.scalars(select(Invoice.buyer_name).where(Invoice.order_id == order.id)).all()
        == [RASA.name] * 3
    )  # the invoices themselves stay as issued


def test_the_list_shows_every_request_and_finds_an_erased_address_by_its_hash(
    client: FlaskClient, staff: User, clock: time_machine.Traveller
) -> None:
    full_order(RASA, staff=staff)
    make_order(buyer=JONAS)
    clock.move_to(AFTER_RETURNS)
    asking.request_link(RASA.email, language="lt")
    asking.request_link(JONAS.email, language="en")
    erasure.erase(db.session.scalars(select(PrivacyRequest.id).order_by(PrivacyRequest.id)).first())
    as_staff(client)

    listed = client.get(PAGE).get_data(as_text=True)
    found_again = client.get(PAGE, query_string={"q": RASA.email}).get_data(as_text=True)

    assert "jonas.kazlauskas@example.com" in listed and "forgotten" in listed and ERASED_EMAIL not in listed
    assert "erased" in listed and "open" in listed
    assert found_again.count('data-request="') == 1 and "forgotten" in found_again
    dashboard = client.get("/backoffice/").get_data(as_text=True)
    assert 'data-count="privacy"' in dashboard


def test_a_community_member_cannot_see_the_requests(client: FlaskClient, staff: User) -> None:
    make_user(make_community(), email="ona@example.org")
    login_as(client, "ona@example.org")

    assert client.get(PAGE).status_code == 403


def test_a_wrong_address_is_said_next_to_the_field(client: FlaskClient, staff: User) -> None:
    as_staff(client)
    response: Any = client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE), "email": "rasa@"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter an e-mail address like vardas@example.lt." in html and 'value="rasa@"' in html
