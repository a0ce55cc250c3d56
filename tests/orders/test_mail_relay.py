"""The shop's mail is not a relay: the first mail to an address the shop never wrote to carries nothing the
visitor typed but what recognises the order, and no typed text ever reaches a mail header (read off a real
SMTP server)."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask

from orders import lifecycle
from orders.models import CancelReason, Order, PaymentMethod
from orders.placing import DeliveryChoice
from producers.models import DeliveryMethod
from tests.conftest import FreshContextClient, csrf_token
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import make_buyer, make_order
from tests.factories.shop import make_operator
from tests.helpers import count, mails_to, running
from tests.mail_server import Inbox, free_port, shop_sending_to, smtp_server

STRANGER = "stranger@example.com"
WORDS = "Buy cheap pills at evil.example"


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def mail_app(app: Flask, test_config: dict[str, Any], smtp_port: int) -> Iterator[Flask]:
    """The shop sending by SMTP to `smtp_port`, mails tried at once after their change commits."""
    with running(shop_sending_to(test_config, smtp_port)) as shop:
        yield shop


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    with smtp_server(smtp_port) as inbox:
        yield inbox


def plain(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def headers(mail: EmailMessage) -> str:
    return "\n".join(f"{name}: {value}" for name, value in mail.items())


def hostile_order(email: str = STRANGER, **buyer: Any) -> Order:
    """An order of a gift card sent to a locker, every free-text field carrying the visitor's words."""
    make_operator()
    variant = make_product(name_lt="Atvirukas", variants=[make_variant(stock=10)]).variants[0]
    return make_order(
        [(variant, 1, WORDS + " (gift)")],
        delivery=DeliveryChoice(DeliveryMethod.OMNIVA, locker=WORDS + " (locker)"),
        buyer=make_buyer(
            name=WORDS + " (name)",
            email=email,
            notes=WORDS + " (notes)",
            address_line=WORDS + " (address)",
            city="Kėdainiai",
            postal_code="LT-57101",
            **buyer,
        ),
    )


def test_the_first_mail_to_a_new_address_carries_nothing_the_visitor_typed(
    mail_app: Flask, inbox: Inbox
) -> None:
    order = hostile_order()

    [mail] = inbox.to(STRANGER)
    for text in (plain(mail), html(mail), str(mail["Subject"])):
        assert "evil.example" not in text
    body = plain(mail)
    assert body.startswith("Sveiki,")
    assert order.number in body and order.number in str(mail["Subject"])  # what recognises the order
    assert "1 × Atvirukas" in body and "Sumokėkite bankiniu pavedimu" in body
    assert f"/uzsakymai/{order.public_token}" in body  # the tracking link stays


def test_an_unpaid_order_cancelled_still_carries_nothing_typed_to_the_stranger(
    mail_app: Flask, inbox: Inbox
) -> None:
    order = hostile_order()
    lifecycle.cancel_unpaid_order(order.id, reason=CancelReason.CUSTOMER)

    placed, cancelled = inbox.to(STRANGER)
    for mail in (placed, cancelled):
        assert "evil.example" not in plain(mail) + html(mail) + str(mail["Subject"])


def test_a_second_unpaid_order_to_the_same_stranger_still_carries_nothing_typed(
    mail_app: Flask, inbox: Inbox
) -> None:
    make_operator()
    variant = make_product(variants=[make_variant(stock=10)]).variants[0]
    first = make_order([(variant, 1)], buyer=make_buyer(name="Rasa Petraitienė", email="rasa@example.com"))
    second = make_order([(variant, 1)], buyer=make_buyer(name="Rasa Petraitienė", email="rasa@example.com"))
    for mail in inbox.to("rasa@example.com")[:2]:  # a script's two orders for one stranger
        assert plain(mail).startswith("Sveiki,") and "Rasa" not in plain(mail)

    lifecycle.mark_paid(first.id, amount_cents=first.total_cents, method=PaymentMethod.BANK_TRANSFER, by=None)
    assert "Rasa Petraitienė" in plain(inbox.to("rasa@example.com")[2])  # "payment received"
    lifecycle.cancel_unpaid_order(second.id, reason=CancelReason.CUSTOMER)
    # A paying customer is known now: even their unpaid order's mail greets them by name.
    assert plain(inbox.to("rasa@example.com")[3]).startswith("Sveiki, Rasa Petraitienė,")


def test_a_paying_customers_mails_greet_them_by_name_from_the_payment_on(
    mail_app: Flask, inbox: Inbox
) -> None:
    order = hostile_order(email="card@example.com")
    lifecycle.mark_paid(order.id, amount_cents=order.total_cents, method=PaymentMethod.BANK_TRANSFER, by=None)

    paid = inbox.to("card@example.com")[1]
    assert (WORDS + " (name)") in plain(paid)  # money paid shows a real customer
    assert (WORDS + " (gift)") in plain(paid)


@pytest.mark.parametrize("field", ["name", "notes", "address_line"])
def test_line_breaks_in_typed_fields_reach_no_mail_header(mail_app: Flask, inbox: Inbox, field: str) -> None:
    make_operator()
    variant = make_product(variants=[make_variant(stock=10)]).variants[0]
    injected = "Rasa\r\nBcc: victim@example.com\r\nSubject: hacked\nX-Evil: 1"
    buyer = {"name": "Rasa", "email": "rasa@example.com", field: injected}
    for number in range(2):  # the first mail and a later one, which shows what was typed
        make_order([(variant, 1, injected)], buyer=make_buyer(**buyer), key=f"crlf-{field}-{number}")

    assert [envelope.rcpt_tos for envelope in inbox.envelopes] == [["rasa@example.com"]] * 2
    for mail in inbox.to("rasa@example.com"):
        assert mail["Bcc"] is None and mail["X-Evil"] is None
        assert "victim" not in headers(mail) and "hacked" not in headers(mail)
        assert mail.get_all("Subject") is not None and len(mail.get_all("Subject")) == 1


@pytest.mark.parametrize(
    "email",
    [
        "rasa@example.com\r\nBcc: victim@example.com",
        "rasa@example.com\nCc: victim@example.com",
        "rasa@example.com, victim@example.com",
        "Rasa <rasa@example.com>",
        "rasa@example.com%0d%0aBcc:victim@example.com",
    ],
)
def test_an_e_mail_address_carrying_headers_or_more_addresses_is_refused_at_checkout(
    mail_app: Flask, inbox: Inbox, email: str
) -> None:
    make_operator()
    product = make_product(slug="atvirukas", variants=[make_variant(stock=10)])
    variant = product.variants[0]
    mail_app.test_client_class = FreshContextClient
    client = mail_app.test_client()
    client.post(
        "/krepselis/prideti",
        data={
            "variant_id": variant.id,
            "quantity": 1,
        },
    )
    page = client.get("/uzsakymas").get_data(as_text=True)
    key = page.split('name="idempotency_key" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/uzsakymas",
        data={
            "csrf_token": csrf_token(client, "/uzsakymas"),
            "idempotency_key": key,
            "name": "Rasa",
            "email": email,
            "phone": "861234567",
            f"delivery_{product.community_id}": "pickup",
            "payment_method": "bank_transfer",
            "accept_terms": "y",
            "accept_privacy": "y",
        },
    )

    assert response.status_code == 200  # the form again, with its message
    assert count(Order) == 0 and inbox.envelopes == [] and mails_to("victim@example.com") == []


def test_the_checkout_answers_before_its_mail_is_sent_and_the_mail_leaves_right_after(
    mail_app: Flask, inbox: Inbox
) -> None:
    make_operator()
    product = make_product(slug="atvirukas", variants=[make_variant(stock=10)])
    mail_app.test_client_class = FreshContextClient
    client = mail_app.test_client()
    client.post(
        "/krepselis/prideti",
        data={
            "variant_id": product.variants[0].id,
            "quantity": 1,
        },
    )
    page = client.get("/uzsakymas").get_data(as_text=True)
    key = page.split('name="idempotency_key" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/uzsakymas",
        data={
            "csrf_token": csrf_token(client, "/uzsakymas"),
            "idempotency_key": key,
            "name": "Rasa",
            "email": "rasa@example.com",
            "phone": "861234567",
            f"delivery_{product.community_id}": "pickup",
            "payment_method": "bank_transfer",
            "accept_terms": "y",
            "accept_privacy": "y",
        },
    )

    assert response.status_code == 302 and "/uzsakymai/" in response.location
    assert inbox.envelopes == []  # the customer does not wait for the mail server
    [queued] = mails_to("rasa@example.com")
    assert "Sumokėkite bankiniu pavedimu" in queued.text_body  # already written, with the order

    response.close()  # the answer has gone out

    [mail] = inbox.to("rasa@example.com")
    assert str(mail["Subject"]) == queued.subject
    assert [message.status.value for message in mails_to("rasa@example.com")] == ["sent"]
