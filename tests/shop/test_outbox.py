"""The mail outbox against a real SMTP server (aiosmtpd on loopback) and the real database.

Each test that sends builds its own shop wired to a free loopback port (Flask-Mail reads MAIL_* when
the app is made); it shares the migrated test database with the session's app.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from catalogue.models import Variant
from orders import errors, lifecycle
from orders.models import Order, PaymentMethod
from producers.models import Community
from shop import outbox
from shop.db import db, transaction
from shop.models import OutboxMessage, OutboxStatus
from tests.conftest import FreshContextClient, login_as
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import BUYER, OMNIVA, make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import count, running
from tests.mail_server import Inbox, free_port, shop_sending_to, smtp_server

IBAN = "LT207300010112345678"  # make_operator's account
CUSTOMER = BUYER.email


# --- a real SMTP server (tests/mail_server.py) ------------------------------------------------------


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def mail_app(app: Flask, test_config: dict[str, Any], smtp_port: int) -> Iterator[Flask]:
    """The shop sending by SMTP to `smtp_port`, mails tried at once after their change commits."""
    with running(shop_sending_to(test_config, smtp_port)) as shop:
        yield shop


@pytest.fixture
def queued_mail_app(app: Flask, test_config: dict[str, Any], smtp_port: int) -> Iterator[Flask]:
    """The same, but messages stay queued until `send_due` runs (as with a separate relay)."""
    with running(shop_sending_to(test_config, smtp_port, OUTBOX_SEND_AFTER_COMMIT=False)) as shop:
        yield shop


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    with smtp_server(smtp_port) as inbox:
        yield inbox


# --- helpers -----------------------------------------------------------------------------------------


def stored_messages() -> list[OutboxMessage]:
    db.session.rollback()  # a fresh read: the senders committed in their own transactions
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def plain(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def seed_two_communities() -> tuple[Community, Variant, Community, Variant]:
    """Krakės sells a straw star (3,25 €), Pagiriai a linen envelope (3,01 €); Omniva costs 2,99 €."""
    make_operator()
    krakes = make_community(slug="krakes", name="Krakių bendruomenė", email="krakes@example.org")
    pagiriai = make_community(slug="pagiriai", name="Pagirių bendruomenė", email="pagiriai@example.org")
    star = make_product(
        krakes, name_lt="Šiaudinė žvaigždė", variants=[make_variant(price_cents=325, stock=5)]
    ).variants[0]
    envelope = make_product(
        pagiriai, name_lt="Lininis vokas", variants=[make_variant(price_cents=301, stock=3)]
    ).variants[0]
    return krakes, star, pagiriai, envelope


# --- the tests ---------------------------------------------------------------------------------------


def test_an_order_placed_while_the_mail_server_is_down_is_kept_and_mailed_once_the_server_is_back(
    mail_app: Flask, smtp_port: int
) -> None:
    _, star, _, _ = seed_two_communities()

    order = make_order([(star, 1)], key="smtp-down")  # nothing listens on smtp_port: connection refused

    assert count(Order) == 1
    [message] = stored_messages()
    assert message.status is OutboxStatus.PENDING
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    wait = (message.next_attempt_at - message.created_at).total_seconds()
    assert 119 <= wait <= 125, wait

    with smtp_server(smtp_port) as inbox:
        assert outbox.send_due() == 0  # not due yet: the server is not hammered
        later = message.next_attempt_at + timedelta(seconds=1)
        assert outbox.send_due(now=later) == 1
        assert outbox.send_due(now=later + timedelta(hours=1)) == 0

    assert [envelope.rcpt_tos for envelope in inbox.envelopes] == [[CUSTOMER]]
    assert order.number in str(inbox.mails[0]["Subject"])
    [message] = stored_messages()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, "")


def test_the_customer_and_each_community_get_their_own_mails_when_an_order_is_placed_and_paid(
    mail_app: Flask, inbox: Inbox
) -> None:
    krakes, star, pagiriai, envelope = seed_two_communities()

    order = make_order([(star, 2), (envelope, 1)], key="two-parcels", deliveries={pagiriai.id: OMNIVA})

    assert order.total_cents == 2 * 325 + 301 + 299
    [received] = inbox.mails
    assert inbox.envelopes[0].rcpt_tos == [CUSTOMER]
    assert received["To"] == CUSTOMER
    assert "parduotuve@example.org" in str(received["From"])
    assert received["Subject"] == f"Užsakymas {order.number} gautas: mokėjimo duomenys"
    assert "order-placed" in str(received["Message-ID"])
    for body in (plain(received), html(received)):
        assert IBAN in body
        assert "12,50\xa0€" in body
        assert order.number in body
        assert "Šiaudinė žvaigždė" in body and "Lininis vokas" in body  # the customer sees both parcels

    lifecycle.mark_paid(order.id, amount_cents=1250, method=PaymentMethod.BANK_TRANSFER, by=None)

    assert sorted(e.rcpt_tos[0] for e in inbox.envelopes) == sorted(
        [CUSTOMER, CUSTOMER, "krakes@example.org", "pagiriai@example.org"]
    )
    assert all(len(e.rcpt_tos) == 1 for e in inbox.envelopes)
    paid = inbox.to(CUSTOMER)[1]
    assert paid["Subject"] == f"Gautas užsakymo {order.number} mokėjimas"
    assert f"Gavome 12,50\xa0€ už jūsų užsakymą {order.number}" in plain(paid)

    for community, own, other in (
        (krakes, "Šiaudinė žvaigždė", "Lininis vokas"),
        (pagiriai, "Lininis vokas", "Šiaudinė žvaigždė"),
    ):
        [mail] = inbox.to(community.email)
        assert mail["Subject"] == f"Naujas užsakymas {order.number} – supakuokite"
        for body in (plain(mail), html(mail)):
            assert f"Sveiki, {community.name}," in body
            assert own in body
            assert other not in body
            assert IBAN not in body
    assert "Kėdainių Maxima" in plain(inbox.to("pagiriai@example.org")[0])  # where the parcel goes


def test_an_order_that_cannot_be_placed_leaves_no_mail_behind(mail_app: Flask, inbox: Inbox) -> None:
    _, star, _, envelope = seed_two_communities()

    with pytest.raises(errors.OutOfStock):
        make_order([(star, 1), (envelope, 4)], key="too-many")  # only 3 envelopes: the last line fails

    assert count(Order) == 0
    assert count(OutboxMessage) == 0
    assert inbox.envelopes == []
    assert db.session.get_one(Variant, star.id).stock == 5


def test_enqueueing_an_event_that_was_already_written_adds_no_second_message(
    mail_app: Flask, inbox: Inbox
) -> None:
    _, star, _, _ = seed_two_communities()
    order = make_order([(star, 1)], key="once")
    order_id = order.id

    with transaction():
        again = outbox.enqueue(
            dedup_key=f"order-placed:{order_id}",
            recipient=CUSTOMER,
            template="orders/order_placed",
            language="lt",
            context={"order": db.session.get_one(Order, order_id)},
            order_id=order_id,
        )

    assert again is None
    assert [m.dedup_key for m in stored_messages()] == [f"order-placed:{order_id}"]
    assert len(inbox.envelopes) == 1


def test_confirming_a_payment_twice_mails_the_customer_once(mail_app: Flask, inbox: Inbox) -> None:
    _, star, _, _ = seed_two_communities()
    order = make_order([(star, 1)], key="paid-twice")

    for _ in range(2):
        lifecycle.mark_paid(order.id, amount_cents=325, method=PaymentMethod.BANK_TRANSFER, by=None)

    paid_rows = [m for m in stored_messages() if m.dedup_key.startswith("order-paid:")]
    assert len(paid_rows) == 1
    subjects = [str(mail["Subject"]) for mail in inbox.to(CUSTOMER)]
    assert subjects == [
        f"Užsakymas {order.number} gautas: mokėjimo duomenys",
        f"Gautas užsakymo {order.number} mokėjimas",
    ]
    assert len(inbox.to("krakes@example.org")) == 1


def test_two_senders_at_once_deliver_each_message_exactly_once(
    queued_mail_app: Flask, smtp_port: int
) -> None:
    make_operator()
    star = make_product(variants=[make_variant(price_cents=325, stock=100)]).variants[0]
    buyers = [make_buyer(name=f"Pirkėjas {n}", email=f"buyer{n}@example.com") for n in range(12)]
    for n, buyer in enumerate(buyers):
        make_order([(star, 1)], key=f"queued-{n}", buyer=buyer)
    assert [m.status for m in stored_messages()] == [OutboxStatus.PENDING] * 12
    start = threading.Barrier(2)

    def sender(_: int) -> int:
        with queued_mail_app.app_context():
            start.wait()
            return outbox.send_due()

    with smtp_server(smtp_port, Inbox(delay=0.02)) as inbox, ThreadPoolExecutor(max_workers=2) as pool:
        sent = list(pool.map(sender, range(2)))

    assert sum(sent) == 12
    assert sorted(e.rcpt_tos[0] for e in inbox.envelopes) == sorted(b.email for b in buyers)
    assert len({mail["Message-ID"] for mail in inbox.mails}) == 12
    assert {(m.status, m.attempts) for m in stored_messages()} == {(OutboxStatus.SENT, 1)}


def test_a_message_that_keeps_failing_waits_longer_each_time_then_waits_for_staff_to_retry_it(
    mail_app: Flask, smtp_port: int
) -> None:
    _, star, _, _ = seed_two_communities()
    make_order([(star, 1)], key="backoff")  # the first attempt fails at once: nothing listens
    waits: list[float] = []

    for _ in range(outbox.MAX_ATTEMPTS):
        [message] = stored_messages()
        if message.status is not OutboxStatus.PENDING:
            break
        assert message.claimed_at is not None
        waits.append((message.next_attempt_at - message.claimed_at).total_seconds())
        attempts = message.attempts
        assert outbox.send_due(now=message.next_attempt_at - timedelta(seconds=1)) == 0
        assert stored_messages()[0].attempts == attempts  # not tried before its time
        assert outbox.send_due(now=message.next_attempt_at) == 0

    assert waits == [min(60 * 2**k, 6 * 3600) for k in range(1, 12)]  # 2 min, 4 min, … then 6 h
    assert outbox.backoff(9) == outbox.backoff(30) == timedelta(hours=6)  # never more than 6 hours
    [message] = stored_messages()
    assert message.status is OutboxStatus.DEAD
    assert message.attempts == outbox.MAX_ATTEMPTS == 12
    assert message.last_error.startswith("ConnectionRefusedError")
    assert outbox.send_due(now=message.next_attempt_at + timedelta(days=30)) == 0  # dead stays dead
    mail_app.test_client_class = FreshContextClient
    staff = mail_app.test_client()
    login_as(staff, make_user(is_staff=True).email)
    page = staff.get(f"/backoffice/mail/{message.id}").get_data(as_text=True)
    assert "nebesiunčiamas" in page and "ConnectionRefusedError" in page  # staff see why it was given up

    outbox.retry(message.id)

    [message] = stored_messages()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.PENDING, 0, "")
    with smtp_server(smtp_port) as inbox:
        assert outbox.send_due() == 1
    assert [e.rcpt_tos for e in inbox.envelopes] == [[CUSTOMER]]
    assert stored_messages()[0].status is OutboxStatus.SENT


def test_a_product_name_with_a_line_break_cannot_add_a_hidden_recipient(
    mail_app: Flask, inbox: Inbox
) -> None:
    make_operator()
    krakes = make_community(email="krakes@example.org")
    star = make_product(
        krakes,
        name_lt="Žvaigždė\r\nBcc: evil@example.com",
        name_en="Star\r\nBcc: evil@example.com",
        variants=[make_variant(price_cents=325)],
    ).variants[0]

    order = make_order([(star, 1)], key="injection")
    lifecycle.mark_paid(order.id, amount_cents=325, method=PaymentMethod.BANK_TRANSFER, by=None)

    assert sorted(e.rcpt_tos for e in inbox.envelopes) == [["krakes@example.org"], [CUSTOMER], [CUSTOMER]]
    for envelope, mail in zip(inbox.envelopes, inbox.mails, strict=True):
        headers = envelope.content.split(b"\r\n\r\n", 1)[0]
        assert b"evil@example.com" not in headers
        assert mail["Bcc"] is None
        assert "\r" not in str(mail["Subject"]) and "\n" not in str(mail["Subject"])
        assert "Žvaigždė" in plain(mail)  # the name itself still reaches the body


def test_staff_read_every_message_in_the_mail_room(client: FlaskClient) -> None:
    _, star, _, _ = seed_two_communities()
    order = make_order([(star, 1)], key="mail-room")  # no MAIL_SERVER here: written to the mail folder
    [message] = stored_messages()
    login_as(client, make_user(is_staff=True).email)

    listing = client.get("/backoffice/mail")
    detail = client.get(f"/backoffice/mail/{message.id}")

    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert f"Užsakymas {order.number} gautas: mokėjimo duomenys" in page
    assert CUSTOMER in page
    assert f'href="/backoffice/mail/{message.id}"' in page
    assert detail.status_code == 200
    page = detail.get_data(as_text=True)
    assert f"Užsakymas {order.number} gautas: mokėjimo duomenys" in page
    assert IBAN in page and CUSTOMER in page


def write_mails(count: int) -> None:
    """`count` messages straight into the outbox, numbered in the order they were written (0001 oldest)."""
    db.session.add_all(
        OutboxMessage(
            dedup_key=f"room-{n}",
            recipient=f"pirkejas{n}@example.com",
            subject=f"Laiškas {n:04d}",
            text_body="…",
            html_body="<p>…</p>",
            status=OutboxStatus.SENT,
        )
        for n in range(1, count + 1)
    )
    db.session.commit()


def subjects(html: str) -> list[str]:
    return re.findall(r">(Laiškas \d{4})</a>", html)


def test_the_mail_room_pages_through_every_message_newest_first(client: FlaskClient) -> None:
    size = outbox.MAIL_ROOM_PAGE_SIZE
    write_mails(size + 5)
    login_as(client, make_user(is_staff=True).email)

    first = client.get("/backoffice/mail").get_data(as_text=True)
    second = client.get("/backoffice/mail?page=2").get_data(as_text=True)

    newest_first = [f"Laiškas {n:04d}" for n in range(size + 5, 0, -1)]
    assert subjects(first) == newest_first[:size]
    assert subjects(second) == newest_first[size:] == ["Laiškas 0005", "Laiškas 0004", "Laiškas 0003",
                                                       "Laiškas 0002", "Laiškas 0001"]  # fmt: skip
    assert "1 puslapis iš 2" in first and '<a rel="next" href="/backoffice/mail?page=2">' in first
    assert 'rel="prev"' not in first
    assert "2 puslapis iš 2" in second and '<a rel="prev" href="/backoffice/mail?page=1">' in second
    assert 'rel="next"' not in second
    assert "išsiųstas: 105" in first  # the counts are of every message, not of the page


@pytest.mark.parametrize(("asked", "shown"), [("99", 2), ("0", 1), ("-3", 1), ("dvi", 1), ("", 1)])
def test_a_mail_room_page_out_of_range_shows_the_nearest_real_page(
    client: FlaskClient, asked: str, shown: int
) -> None:
    write_mails(outbox.MAIL_ROOM_PAGE_SIZE + 5)
    login_as(client, make_user(is_staff=True).email)
    response = client.get(f"/backoffice/mail?page={asked}")
    assert response.status_code == 200
    assert f"{shown} puslapis iš 2" in response.get_data(as_text=True)


def test_the_mail_room_keeps_other_query_arguments_when_paging(client: FlaskClient) -> None:
    write_mails(outbox.MAIL_ROOM_PAGE_SIZE + 1)
    login_as(client, make_user(is_staff=True).email)
    html = client.get("/backoffice/mail?lang=en").get_data(as_text=True)
    assert "Page 1 of 2" in html and 'href="/backoffice/mail?lang=en&amp;page=2"' in html


def test_an_empty_mail_room_says_so(client: FlaskClient, app: Flask) -> None:
    login_as(client, make_user(is_staff=True).email)
    html = client.get("/backoffice/mail").get_data(as_text=True)
    assert "Kol kas nieko." in html and "<table" not in html and 'aria-label="Puslapiai"' not in html


def test_the_mail_room_reads_no_message_bodies_for_its_list(app: Flask) -> None:
    write_mails(3)
    db.session.expunge_all()
    page = outbox.list_messages()
    assert [m.subject for m in page.items] == ["Laiškas 0003", "Laiškas 0002", "Laiškas 0001"]
    assert all("html_body" not in m.__dict__ and "text_body" not in m.__dict__ for m in page.items)


def test_the_mail_room_is_closed_to_visitors_and_to_community_members(client: FlaskClient) -> None:
    _, star, _, _ = seed_two_communities()
    make_order([(star, 1)], key="closed")
    [message] = stored_messages()

    for path in ("/backoffice/mail", f"/backoffice/mail/{message.id}"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/prisijungti")

    login_as(client, make_user(make_community()).email)
    for path in ("/backoffice/mail", f"/backoffice/mail/{message.id}"):
        assert client.get(path).status_code == 403


def test_a_message_that_can_never_be_sent_is_set_aside_and_the_others_still_go_out(
    mail_app: Flask, inbox: Inbox
) -> None:
    make_operator()
    broken = make_community(email="krakes@example.org\n")  # a pasted address with its line break
    pagiriai = make_community(email="pagiriai@example.org")
    star = make_product(broken, variants=[make_variant(price_cents=325)]).variants[0]
    envelope = make_product(pagiriai, variants=[make_variant(price_cents=301)]).variants[0]
    order = make_order([(star, 1), (envelope, 1)], key="malformed")

    lifecycle.mark_paid(order.id, amount_cents=626, method=PaymentMethod.BANK_TRANSFER, by=None)

    assert sorted(e.rcpt_tos[0] for e in inbox.envelopes) == sorted(
        [CUSTOMER, CUSTOMER, "pagiriai@example.org"]
    )
    [stuck] = [m for m in stored_messages() if m.recipient.startswith("krakes@")]
    assert stuck.status is OutboxStatus.DEAD  # set aside at once: it can never be sent
    assert "BadHeaderError" in stuck.last_error


def test_a_mail_server_that_never_answers_delays_a_payment_confirmation_by_one_short_timeout(
    app: Flask, test_config: dict[str, Any]
) -> None:
    """A black hole: the server takes the connection and never greets. The request waits once, briefly."""
    with socket.socket() as black_hole:
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen(8)  # connections complete in the kernel; nobody ever answers
        port = black_hole.getsockname()[1]
        with running(shop_sending_to(test_config, port, OUTBOX_SEND_AFTER_COMMIT=False)):
            _, star, _, envelope = seed_two_communities()
            order = make_order([(star, 1), (envelope, 1)], key="black-hole")
            order_id, total = order.id, order.total_cents
        with running(shop_sending_to(test_config, port)):
            started = time.monotonic()
            lifecycle.mark_paid(order_id, amount_cents=total, method=PaymentMethod.BANK_TRANSFER, by=None)
            waited = time.monotonic() - started
            messages = stored_messages()
            paid = db.session.get_one(Order, order_id).status.value == "paid"
    assert paid
    assert waited < outbox.AFTER_COMMIT_TIMEOUT_SECONDS + 3  # one timeout, not one per mail (three are due)
    assert len(messages) == 4  # order placed, paid, and one for each community
    tried = [m for m in messages if m.attempts]
    assert len(tried) == 1 and "timed out" in tried[0].last_error
    assert all(m.status is OutboxStatus.PENDING for m in messages)  # the rest waits for `flask outbox send`
