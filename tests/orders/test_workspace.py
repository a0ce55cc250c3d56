"""The community workspace's orders side, as a member uses it: the list, a parcel, its moves, the money."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import select

from catalogue.models import ProductStatus
from orders import fulfilments, lifecycle, refunds
from orders.models import (
    CancelReason,
    Fulfilment,
    FulfilmentEvent,
    FulfilmentStatus,
    OrderStatus,
    PaymentMethod,
    Refund,
    RefundStatus,
)
from orders.payouts.models import CommunityTransfer, TransferStatus
from shop.db import db
from shop.models import OutboxMessage, User
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.orders import COURIER, OMNIVA, make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import count, fresh, parcel_of, stock

VILNIUS = ZoneInfo("Europe/Vilnius")
PAID, ACCEPTED, SHIPPED, DELIVERED = (
    OrderStatus.PAID,
    FulfilmentStatus.ACCEPTED,
    FulfilmentStatus.SHIPPED,
    FulfilmentStatus.DELIVERED,
)
#: The customer of this module's orders: at home (a courier needs the address), with a note for the community.
AT_HOME = make_buyer(
    address_line="Liepų g. 5", city="Kaunas", postal_code="LT-44001", notes="Skambinkite prieš atvežant"
)


@pytest.fixture
def shop(app: object) -> dict[str, Any]:
    make_operator()
    krakes = make_community(slug="krakes", name="Krakių bendruomenės centras")
    pagiriai = make_community(slug="pagiriai", name="Pagirių bendruomenės centras")
    star = make_product(
        krakes,
        name_lt="Šiaudinė žvaigždė",
        name_en="Straw star",
        variants=[make_variant(price_cents=1005, stock=50)],
    ).variants[0]
    card = make_product(
        krakes, name_lt="Atvirukas", name_en="Card", variants=[make_variant(price_cents=450, stock=50)]
    ).variants[0]
    angel = make_product(
        pagiriai, name_lt="Angelas", variants=[make_variant(price_cents=700, stock=50)]
    ).variants[0]
    member = make_user(krakes, name="Ona Kraķienė")
    return {
        "krakes": krakes,
        "pagiriai": pagiriai,
        "star": star,
        "card": card,
        "angel": angel,
        "member": member,
    }


@pytest.fixture
def member(client: FlaskClient, shop: dict[str, Any]) -> FlaskClient:
    login_as(client, shop["member"].email)
    return client


def post(client: FlaskClient, url: str, **data: Any) -> Any:
    token = csrf_token(client, "/workspace/orders?status=all")
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)


def text(response: Any) -> str:
    return str(response.get_data(as_text=True))


def listed_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'data-fulfilment="(\d+)"', html)}


# ------------------------------------------------------------------------------------------- access


def test_the_workspace_is_for_members_only(client: FlaskClient, shop: dict[str, Any]) -> None:
    response = client.get("/workspace/orders")
    assert response.status_code == 302 and "/prisijungti" in response.headers["Location"]
    outsider = make_user(email="outsider@example.org")
    login_as(client, outsider.email)
    for url in ("/workspace/", "/workspace/orders", "/workspace/payouts", "/workspace/payouts.csv"):
        assert client.get(url).status_code == 403


# ------------------------------------------------------------------------------------------- list


def test_the_list_shows_only_the_communitys_own_paid_parcels(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    both = make_order([(shop["star"], 1), (shop["angel"], 1)], status=PAID, delivery=OMNIVA, buyer=AT_HOME)
    unpaid = make_order([(shop["card"], 1)], delivery=OMNIVA, buyer=AT_HOME)
    expired = make_order(  # never paid: never theirs
        [(shop["card"], 1)],
        status=OrderStatus.CANCELLED,
        cancel_reason=CancelReason.EXPIRED,
        delivery=OMNIVA,
        buyer=AT_HOME,
    )
    theirs = make_order([(shop["angel"], 2)], status=PAID, delivery=OMNIVA, buyer=AT_HOME)
    html = text(member.get("/workspace/orders?status=all"))
    assert listed_ids(html) == {parcel_of(both, shop["krakes"]).id}
    assert both.number in html
    assert unpaid.number not in html and theirs.number not in html and expired.number not in html
    assert expired.number not in text(member.get("/workspace/orders?status=cancelled"))
    assert member.get(f"/workspace/orders/{parcel_of(expired, shop['krakes']).id}").status_code == 404
    assert "Rasa Petraitienė" in html
    assert text(member.get("/workspace/orders")).count("data-fulfilment=") == 1  # `new` is to do


def test_the_list_filters_by_status_and_needs_action_by_default(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    parcels = {}
    for status in ("new", "accepted", "shipped", "delivered", "cancelled"):
        order = make_order(
            [(shop["star"], 1)], status=FulfilmentStatus(status), delivery=OMNIVA, buyer=AT_HOME
        )
        parcels[status] = parcel_of(order, shop["krakes"]).id
    assert listed_ids(text(member.get("/workspace/orders"))) == {parcels["new"], parcels["accepted"]}
    for status, fulfilment_id in parcels.items():
        assert listed_ids(text(member.get(f"/workspace/orders?status={status}"))) == {fulfilment_id}
    assert listed_ids(text(member.get("/workspace/orders?status=all"))) == set(parcels.values())
    assert listed_ids(text(member.get("/workspace/orders?status=nonsense"))) == {
        parcels["new"],
        parcels["accepted"],
    }
    html = text(member.get("/workspace/orders?status=all"))
    newest_first = [int(i) for i in re.findall(r'data-fulfilment="(\d+)"', html)]
    assert newest_first == sorted(parcels.values(), reverse=True)


def test_the_list_is_paginated(
    member: FlaskClient, shop: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.setattr(fulfilments, "PAGE_SIZE", 2)
    ids = [
        parcel_of(
            make_order([(shop["card"], 1)], status=PAID, delivery=OMNIVA, buyer=AT_HOME), shop["krakes"]
        ).id
        for _ in range(3)
    ]
    assert listed_ids(text(member.get("/workspace/orders"))) == set(ids[1:])
    assert listed_ids(text(member.get("/workspace/orders?page=2"))) == {ids[0]}
    assert listed_ids(text(member.get("/workspace/orders?page=99"))) == {ids[0]}  # the nearest real page


# ------------------------------------------------------------------------------------------- one parcel


def test_a_parcels_page_shows_what_to_pack_where_to_send_it_and_its_history(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    order = make_order(
        [(shop["star"], 2, "Su šventėmis, močiute!"), (shop["card"], 1), (shop["angel"], 1)],
        status=PAID,
        delivery=OMNIVA,
        buyer=AT_HOME,
    )
    fulfilment = parcel_of(order, shop["krakes"])
    html = text(member.get(f"/workspace/orders/{fulfilment.id}"))
    assert order.number in html
    assert "Šiaudinė žvaigždė" in html and "Atvirukas" in html and "Angelas" not in html
    assert 'class="gift-message"' in html and "Su šventėmis, močiute!" in html
    assert "Kėdainių Maxima" in html  # the locker
    assert "+37061234567" in html and "rasa@example.com" in html
    assert "Skambinkite prieš atvežant" in html
    assert html.count('<li><span class="hint">') == 1  # one event: paid (awaiting payment → new)
    assert f"/workspace/orders/{fulfilment.id}/accept" in html
    assert f"/workspace/orders/{fulfilment.id}/ship" not in html
    assert f"/workspace/orders/{fulfilment.id}/cancel" in html


def test_a_courier_parcel_is_worded_for_the_community_never_as_the_customer_reads_it(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    order = make_order([(shop["star"], 1)], status=PAID, delivery=COURIER, buyer=AT_HOME)
    fulfilment = parcel_of(order, shop["krakes"])
    pages = (
        "/workspace/",  # the parcel to accept
        "/workspace/orders",
        f"/workspace/orders/{fulfilment.id}",
        f"/workspace/orders/{fulfilment.id}/slip",
        "/workspace/settings",  # the ways the community offers
    )
    for url in pages:
        html = text(member.get(url))
        assert "Kurjeriu pirkėjo adresu" in html, url
        assert "jūsų adres" not in html, url
    detail = text(member.get(f"/workspace/orders/{fulfilment.id}"))
    assert "Liepų g. 5" in detail and "LT-44001 Kaunas" in detail
    db.session.rollback()
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == shop["krakes"].email)
    ).one()  # "order paid: pack your parcel"
    for body in (told.text_body, told.html_body):
        assert "Kurjeriu pirkėjo adresu" in body and "jūsų adres" not in body


def test_the_packing_slip_has_sender_recipient_lines_and_boxes_to_tick(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    order = make_order(
        [(shop["star"], 3, "Linksmų Kalėdų!"), (shop["card"], 1)],
        status=PAID,
        delivery=COURIER,
        buyer=AT_HOME,
    )
    fulfilment = parcel_of(order, shop["krakes"])
    response = member.get(f"/workspace/orders/{fulfilment.id}/slip")
    html = text(response)
    assert response.status_code == 200
    assert order.number in html
    assert shop["krakes"].legal_name in html and shop["krakes"].address_line in html
    assert "Rasa Petraitienė" in html and "Liepų g. 5" in html and "LT-44001 Kaunas" in html
    assert html.count('class="slip-box"') == 2
    assert '<td class="slip-qty">3</td>' in html
    assert "Linksmų Kalėdų!" in html
    assert 'class="site-header"' not in html  # nothing but the slip is printed


@pytest.mark.parametrize(
    "parcel",
    [
        pytest.param({"card": "Ranka įrašykite į atviruką"}, id="cards only"),
        pytest.param({"angel": "Ranka užrašykite ant lapelio ir įdėkite į siuntinį"}, id="ornaments only"),
        pytest.param(
            {
                "card": "Ranka įrašykite į atviruką",
                "angel": "Ranka užrašykite ant atskiro lapelio (ne į atviruką) ir įdėkite į siuntinį",
            },
            id="mixed",
        ),
    ],
)
def test_the_community_is_told_where_each_gift_message_goes(
    client: FlaskClient, shop: dict[str, Any], parcel: dict[str, str]
) -> None:
    cards, ornaments = make_category(holds_cards=True), make_category()
    goods = {
        "card": make_product(shop["krakes"], cards, name_lt="Atvirukas su sniegena").variants[0],
        "angel": make_product(shop["krakes"], ornaments, name_lt="Veltinio angelas").variants[0],
    }
    order = make_order(
        [(goods[kind], 1, f"Sveikinimas: {kind}") for kind in parcel], status=PAID, delivery=OMNIVA
    )
    fulfilment = parcel_of(order, shop["krakes"])
    login_as(client, shop["member"].email)
    detail = text(client.get(f"/workspace/orders/{fulfilment.id}"))
    slip = text(client.get(f"/workspace/orders/{fulfilment.id}/slip"))
    db.session.rollback()
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == shop["krakes"].email)
    ).one()  # "order paid: pack your parcel"
    for kind, instruction in parcel.items():
        message = f"“Sveikinimas: {kind}”"
        assert f'{instruction}:</p><p class="gift-text">{message}' in detail
        assert f"{instruction}: <strong>{message}</strong>" in slip
        assert f"{instruction}: {message}" in told.text_body and f"{instruction}: {message}" in told.html_body
    if "card" not in parcel:
        for page in (detail, slip, told.text_body):
            assert "į atviruką" not in page


# ------------------------------------------------------------------------------------------- moves


def mails(key: str) -> list[OutboxMessage]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key == key)))


@pytest.mark.parametrize("language", ["lt", "en"])
def test_accept_ship_and_deliver_each_tell_the_customer_once_in_their_language(
    member: FlaskClient, shop: dict[str, Any], language: str
) -> None:
    order = make_order(
        [(shop["star"], 1), (shop["angel"], 1)],
        status=PAID,
        delivery=OMNIVA,
        buyer=replace(AT_HOME, language=language),
    )
    fulfilment = parcel_of(order, shop["krakes"])
    base = f"/workspace/orders/{fulfilment.id}"
    greeting = "Hello Rasa Petraitienė," if language == "en" else "Sveiki, Rasa Petraitienė,"

    html = text(post(member, f"{base}/accept"))
    assert "The customer has been told" in html or "Pirkėjui pranešta" in html
    assert fresh(Fulfilment, fulfilment.id).status is FulfilmentStatus.ACCEPTED
    (accepted,) = mails(f"fulfilment-accepted:{fulfilment.id}")
    assert accepted.recipient == "rasa@example.com" and greeting in accepted.text_body
    if language == "en":
        assert "is packing your parcel" in accepted.subject and "Straw star" in accepted.text_body
    assert f"http://shop.test/uzsakymai/{order.public_token}" in accepted.text_body

    post(member, f"{base}/ship", carrier="Omniva", tracking_number=" CE 123456789LT ")
    shipped_parcel = fresh(Fulfilment, fulfilment.id)
    assert shipped_parcel.status is FulfilmentStatus.SHIPPED
    assert (shipped_parcel.carrier, shipped_parcel.tracking_number) == ("Omniva", "CE 123456789LT")
    (shipped,) = mails(f"fulfilment-shipped:{fulfilment.id}")
    assert greeting in shipped.text_body
    assert "Omniva" in shipped.text_body and "CE 123456789LT" in shipped.text_body
    assert "CE 123456789LT" in shipped.html_body
    assert f"http://shop.test/uzsakymai/{order.public_token}" in shipped.text_body
    if language == "en":
        assert "is on its way" in shipped.subject and "Tracking number: CE 123456789LT" in shipped.text_body
    tracking_page = text(member.get(f"/uzsakymai/{order.public_token}"))
    assert "Omniva" in tracking_page and "CE 123456789LT" in tracking_page

    post(member, f"{base}/delivered")
    assert fresh(Fulfilment, fulfilment.id).status is FulfilmentStatus.DELIVERED
    (delivered,) = mails(f"fulfilment-delivered:{fulfilment.id}")
    assert greeting in delivered.text_body
    if language == "en":
        assert "has arrived" in delivered.subject

    events = fresh(Fulfilment, fulfilment.id).events
    assert [(e.from_status.value, e.to_status.value) for e in events] == [
        ("awaiting_payment", "new"),
        ("new", "accepted"),
        ("accepted", "shipped"),
        ("shipped", "delivered"),
    ]
    assert {e.actor_id for e in events[1:]} == {shop["member"].id}
    history = text(member.get(base))
    assert history.count("Ona Kraķienė") >= 3
    for key in ("accepted", "shipped", "delivered"):  # nothing mailed twice by repeated moves
        assert len(mails(f"fulfilment-{key}:{fulfilment.id}")) == 1


def test_a_pickup_parcel_is_ready_for_pickup_without_a_tracking_number(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    order = make_order([(shop["card"], 1)], status=ACCEPTED, buyer=replace(AT_HOME, language="en"))
    fulfilment = parcel_of(order, shop["krakes"])
    html = text(member.get(f"/workspace/orders/{fulfilment.id}"))
    assert 'name="carrier" value="pickup"' in html and 'name="tracking_number"' not in html
    post(member, f"/workspace/orders/{fulfilment.id}/ship", carrier="pickup")
    parcel = fresh(Fulfilment, fulfilment.id)
    assert (parcel.status, parcel.carrier, parcel.tracking_number) == (FulfilmentStatus.SHIPPED, "pickup", "")
    (mail,) = mails(f"fulfilment-shipped:{fulfilment.id}")
    assert "ready for pickup" in mail.subject and "Liepų g. 1, Kaimas" in mail.text_body
    tracking_page = text(member.get(f"/uzsakymai/{order.public_token}?lang=en"))
    assert "Ready for pickup" in tracking_page


def test_own_delivery_needs_no_tracking_number_but_a_carrier_does(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    order = make_order([(shop["card"], 1)], status=ACCEPTED, delivery=COURIER, buyer=AT_HOME)
    fulfilment = parcel_of(order, shop["krakes"])
    post(member, f"/workspace/orders/{fulfilment.id}/ship", carrier="own-delivery", tracking_number="")
    parcel = fresh(Fulfilment, fulfilment.id)
    assert (parcel.status, parcel.carrier) == (FulfilmentStatus.SHIPPED, "own-delivery")


def test_shipping_without_a_tracking_number_says_so_and_keeps_what_was_typed(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    order = make_order([(shop["card"], 1)], status=ACCEPTED, delivery=COURIER, buyer=AT_HOME)
    fulfilment = parcel_of(order, shop["krakes"])
    token = csrf_token(member, f"/workspace/orders/{fulfilment.id}")
    response = member.post(
        f"/workspace/orders/{fulfilment.id}/ship?lang=en",
        data={"csrf_token": token, "carrier": "Venipak", "tracking_number": "  "},
    )
    html = text(response)
    assert response.status_code == 400
    assert "Type the tracking number" in html
    assert '<option selected value="Venipak">' in html or '<option value="Venipak" selected>' in html
    assert fresh(Fulfilment, fulfilment.id).status is FulfilmentStatus.ACCEPTED
    assert mails(f"fulfilment-shipped:{fulfilment.id}") == []

    response = member.post(
        f"/workspace/orders/{fulfilment.id}/ship?lang=en",
        data={"csrf_token": token, "carrier": "pickup", "tracking_number": "X1"},
    )
    assert response.status_code == 400 and "Choose how the parcel goes." in text(response)
    response = member.post(
        f"/workspace/orders/{fulfilment.id}/ship?lang=en",
        data={"csrf_token": token, "carrier": "DPD", "tracking_number": "9" * 81},
    )
    assert response.status_code == 400 and 'value="' + "9" * 81 + '"' in text(response)
    assert fresh(Fulfilment, fulfilment.id).status is FulfilmentStatus.ACCEPTED


def test_shipping_a_cancelled_parcel_says_why_and_changes_nothing(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    order = make_order(
        [(shop["card"], 1)],
        status=FulfilmentStatus.CANCELLED,
        refund_reason="Neturime",
        delivery=OMNIVA,
        buyer=AT_HOME,
    )
    fulfilment = parcel_of(order, shop["krakes"])
    html = text(
        post(
            member, f"/workspace/orders/{fulfilment.id}/ship?lang=en", carrier="Omniva", tracking_number="CE1"
        )
    )
    assert "This cannot be done now: the parcel is “Cancelled”." in html
    parcel = fresh(Fulfilment, fulfilment.id)
    assert (parcel.status, parcel.carrier, parcel.tracking_number) == (FulfilmentStatus.CANCELLED, "", "")
    assert count(FulfilmentEvent, FulfilmentEvent.fulfilment_id == fulfilment.id) == 2
    html = text(post(member, f"/workspace/orders/{fulfilment.id}/delivered?lang=en"))
    assert "This cannot be done now" in html
    assert fresh(Fulfilment, fulfilment.id).status is FulfilmentStatus.CANCELLED


def test_a_double_clicked_accept_does_it_once_and_says_so_politely(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    fulfilment = parcel_of(
        make_order([(shop["card"], 1)], status=PAID, delivery=OMNIVA, buyer=AT_HOME), shop["krakes"]
    )
    first = post(member, f"/workspace/orders/{fulfilment.id}/accept?lang=en")
    second = post(member, f"/workspace/orders/{fulfilment.id}/accept?lang=en")
    assert first.status_code == second.status_code == 200
    assert "This parcel is already accepted." in text(second)
    accepted = FulfilmentEvent.to_status == FulfilmentStatus.ACCEPTED
    assert count(FulfilmentEvent, FulfilmentEvent.fulfilment_id == fulfilment.id, accepted) == 1
    assert len(mails(f"fulfilment-accepted:{fulfilment.id}")) == 1
    post(member, f"/workspace/orders/{fulfilment.id}/ship", carrier="DPD", tracking_number="05212345")
    again = post(
        member, f"/workspace/orders/{fulfilment.id}/ship?lang=en", carrier="DPD", tracking_number="0999"
    )
    assert "This parcel is already marked as sent." in text(again)
    assert fresh(Fulfilment, fulfilment.id).tracking_number == "05212345"


def test_an_action_from_the_list_goes_back_to_the_list(member: FlaskClient, shop: dict[str, Any]) -> None:
    fulfilment = parcel_of(
        make_order([(shop["card"], 1)], status=PAID, delivery=OMNIVA, buyer=AT_HOME), shop["krakes"]
    )
    token = csrf_token(member, "/workspace/orders")
    response = member.post(
        f"/workspace/orders/{fulfilment.id}/accept", data={"csrf_token": token, "next": "/workspace/orders"}
    )
    assert response.headers["Location"].endswith("/workspace/orders")
    fulfilment2 = parcel_of(
        make_order([(shop["card"], 1)], status=PAID, delivery=OMNIVA, buyer=AT_HOME), shop["krakes"]
    )
    response = member.post(
        f"/workspace/orders/{fulfilment2.id}/accept",
        data={"csrf_token": token, "next": "https://evil.example"},
    )
    assert response.headers["Location"].endswith(f"/workspace/orders/{fulfilment2.id}")


def test_cancelling_needs_a_reason_then_refunds_the_parcel_and_puts_the_stock_back(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    star, card = shop["star"], shop["card"]
    order = make_order(
        [(star, 2), (card, 1), (shop["angel"], 1)],
        status=PAID,
        delivery=OMNIVA,
        buyer=replace(AT_HOME, language="en"),
    )
    fulfilment = parcel_of(order, shop["krakes"])
    assert (stock(star), stock(card)) == (48, 49)
    base = f"/workspace/orders/{fulfilment.id}"
    token = csrf_token(member, base)

    response = member.post(f"{base}/cancel?lang=en", data={"csrf_token": token, "reason": "   "})
    assert response.status_code == 400 and "Write the reason: the customer will read it." in text(response)
    response = member.post(f"{base}/cancel?lang=en", data={"csrf_token": token, "reason": "x" * 501})
    assert response.status_code == 400 and "at most 500 characters" in text(response)
    assert "x" * 501 in text(response)  # what was typed is kept
    assert count(Refund) == 0 and fresh(Fulfilment, fulfilment.id).status is FulfilmentStatus.NEW

    reason = "Šiaudai sušlapo, žvaigždžių nebeturime."
    html = text(post(member, f"{base}/cancel?lang=en", reason=reason))
    assert "is cancelled" in html
    parcel = fresh(Fulfilment, fulfilment.id)
    assert parcel.status is FulfilmentStatus.CANCELLED
    (refund,) = db.session.scalars(select(Refund)).all()
    assert (refund.fulfilment_id, refund.goods_cents, refund.delivery_cents) == (fulfilment.id, 2460, 299)
    assert (refund.status, refund.reason, refund.created_by_id) == (
        RefundStatus.OWED,
        reason,
        shop["member"].id,
    )
    assert (stock(star), stock(card)) == (50, 50)
    (mail,) = mails(f"refund:{refund.id}")
    assert reason in mail.text_body and reason in mail.html_body
    assert "The reason given:" in mail.text_body
    assert reason in text(member.get(base))  # the refund is on the parcel's page

    again = post(member, f"{base}/cancel?lang=en", reason=reason)
    assert "This parcel is already cancelled." in text(again)
    assert count(Refund) == 1 and (stock(star), stock(card)) == (50, 50)


def test_a_sent_parcel_cannot_be_cancelled(member: FlaskClient, shop: dict[str, Any]) -> None:
    order = make_order(
        [(shop["card"], 1)],
        status=SHIPPED,
        carrier="DPD",
        tracking_number="1",
        delivery=OMNIVA,
        buyer=AT_HOME,
    )
    fulfilment = parcel_of(order, shop["krakes"])
    html = text(post(member, f"/workspace/orders/{fulfilment.id}/cancel?lang=en", reason="Per vėlu"))
    assert "can no longer be cancelled" in html
    assert count(Refund) == 0 and fresh(Fulfilment, fulfilment.id).status is FulfilmentStatus.SHIPPED


def test_another_communitys_parcel_is_not_found_for_any_page_or_action(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    theirs = parcel_of(
        make_order([(shop["angel"], 1)], status=PAID, delivery=OMNIVA, buyer=AT_HOME), shop["pagiriai"]
    )
    unpaid = parcel_of(make_order([(shop["star"], 1)], delivery=OMNIVA, buyer=AT_HOME), shop["krakes"])
    token = csrf_token(member, "/workspace/orders")
    for fulfilment in (theirs, unpaid):
        base = f"/workspace/orders/{fulfilment.id}"
        for url in (base, f"{base}/slip"):
            assert member.get(url).status_code == 404
        for action, data in (
            ("accept", {}),
            ("ship", {"carrier": "Omniva", "tracking_number": "CE1"}),
            ("delivered", {}),
            ("cancel", {"reason": "Ne mūsų"}),
        ):
            assert member.post(f"{base}/{action}", data={"csrf_token": token, **data}).status_code == 404
    assert member.get("/workspace/orders/99999999").status_code == 404
    assert fresh(Fulfilment, theirs.id).status is FulfilmentStatus.NEW
    assert fresh(Fulfilment, unpaid.id).status is FulfilmentStatus.AWAITING_PAYMENT
    assert count(FulfilmentEvent, FulfilmentEvent.fulfilment_id == theirs.id) == 1
    assert count(Refund) == 0
    assert count(OutboxMessage, OutboxMessage.dedup_key.like("fulfilment-accepted:%")) == 0


def test_a_member_of_two_communities_acts_for_the_one_chosen(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    from producers.models import Membership

    both = make_user(shop["krakes"])
    db.session.add(Membership(user_id=both.id, community_id=shop["pagiriai"].id))
    db.session.commit()
    theirs = parcel_of(
        make_order([(shop["angel"], 1)], status=PAID, delivery=OMNIVA, buyer=AT_HOME), shop["pagiriai"]
    )
    login_as(client, both.email)
    client.post(
        "/workspace/community",
        data={"csrf_token": csrf_token(client, "/workspace/"), "community_id": shop["krakes"].id},
    )
    assert client.get(f"/workspace/orders/{theirs.id}").status_code == 404
    client.post(
        "/workspace/community",
        data={"csrf_token": csrf_token(client, "/workspace/"), "community_id": shop["pagiriai"].id},
    )
    assert client.get(f"/workspace/orders/{theirs.id}").status_code == 200


# ------------------------------------------------------------------------------------------- money


def vilnius(*args: int) -> datetime:
    return datetime(*args, tzinfo=VILNIUS).astimezone(UTC)  # type: ignore[misc]


def at(moment: datetime) -> Any:
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def march(shop: dict[str, Any]) -> dict[str, Any]:
    """Parcels of Krakės placed and moved on known days of February and March 2026 (Vilnius time)."""
    star, card, krakes = shop["star"], shop["card"], shop["krakes"]
    made: dict[str, Any] = {}
    with at(vilnius(2026, 2, 28, 23, 30)):  # still February in Vilnius (already March 1 is not)
        february = make_order([(star, 1)], status=PAID, delivery=OMNIVA, buyer=AT_HOME)
        made["february"] = parcel_of(february, krakes)  # 1005 + 299
    with at(vilnius(2026, 3, 1, 0, 30)):  # March in Vilnius, still February in UTC
        made["to_accept_old"] = parcel_of(make_order([(star, 1)], delivery=OMNIVA, buyer=AT_HOME), krakes)
    with at(vilnius(2026, 3, 10, 12, 0)):
        lifecycle.mark_paid(
            made["to_accept_old"].order_id, amount_cents=1304, method=PaymentMethod.BANK_TRANSFER, by=None
        )
    with at(vilnius(2026, 3, 11, 12, 0)):
        made["to_accept_new"] = parcel_of(make_order([(card, 1)], status=PAID, buyer=AT_HOME), krakes)  # 450
    with at(vilnius(2026, 3, 9, 12, 0)):
        made["to_ship"] = parcel_of(make_order([(card, 2)], status=ACCEPTED, buyer=AT_HOME), krakes)  # 900
    with at(vilnius(2026, 3, 6, 9, 0)):
        order = make_order([(star, 1), (card, 1)], status=PAID, delivery=COURIER, buyer=AT_HOME)  # 1455 + 599
        made["refunded"] = fulfilment = parcel_of(order, krakes)
        card_line = next(line for line in fulfilment.lines if line.variant_id == card.id)
        refunds.cancel_line(card_line.id, reason="Nebeturime", by=None)  # − 450
        fulfilments.accept_fulfilment(fulfilment.id, by=None)
        fulfilments.ship_fulfilment(fulfilment.id, carrier="Venipak", tracking_number="V1", by=None)
    with at(vilnius(2026, 3, 8, 15, 0)):
        fulfilments.mark_delivered(made["refunded"].id, by=None)
    with at(vilnius(2026, 3, 3, 10, 0)):
        fulfilments.accept_fulfilment(made["february"].id, by=None)
        fulfilments.ship_fulfilment(made["february"].id, carrier="Omniva", tracking_number="O1", by=None)
        fulfilments.mark_delivered(made["february"].id, by=None)
    with at(vilnius(2026, 3, 2, 10, 0)):
        paid_out = make_order(
            [(card, 3)], status=DELIVERED, carrier="pickup", tracking_number="", buyer=AT_HOME
        )
        made["paid_out"] = parcel_of(paid_out, krakes)  # 1350, already transferred
        db.session.add(
            CommunityTransfer(
                fulfilment_id=made["paid_out"].id,
                community_id=krakes.id,
                destination="acct_1KrakesTest",
                amount_cents=1215,
                status=TransferStatus.SENT,
                idempotency_key="payout-test",
            )
        )
        db.session.commit()
    with at(vilnius(2026, 3, 7, 10, 0)):
        cancelled = make_order([(star, 2)], status=FulfilmentStatus.CANCELLED, buyer=AT_HOME)
        made["cancelled"] = parcel_of(cancelled, krakes)
        made["unpaid"] = parcel_of(make_order([(star, 4)], buyer=AT_HOME), krakes)
        make_order([(shop["angel"], 5)], status=PAID, buyer=AT_HOME)  # another community's sale
    # Stock: the dashboard warns of variants on sale with 3 or fewer, never made-to-order or archived ones.
    low = make_product(
        krakes,
        name_lt="Vokas",
        variants=[
            make_variant(name_lt="Raudonas", stock=2),
            make_variant(name_lt="Baltas", stock=0),
            make_variant(name_lt="Žalias", stock=4),
            make_variant(name_lt="Auksinis", stock=0, is_made_to_order=True, lead_days=5),
        ],
    )
    make_product(
        krakes, name_lt="Senas vokas", status=ProductStatus.ARCHIVED, variants=[make_variant(stock=1)]
    )
    make_product(shop["pagiriai"], name_lt="Svetimas", variants=[make_variant(stock=1)])
    made["low"] = low
    return made


def signed_in(client: FlaskClient, shop: dict[str, Any]) -> FlaskClient:
    """A member signed in at the (travelled) time of the test, so the session is not from the future."""
    login_as(client, shop["member"].email)
    return client


def number(html: str, key: str) -> str:
    match = re.search(rf'data-number="{key}">(?:<a [^>]*>)?([^<]+)<', html)
    assert match, key
    return match.group(1)


def test_the_dashboard_counts_to_the_cent(
    client: FlaskClient, shop: dict[str, Any], march: dict[str, Any]
) -> None:
    with at(vilnius(2026, 3, 12, 12, 0)):
        member = signed_in(client, shop)
        html = text(member.get("/workspace/?lang=en"))
    assert number(html, "to-accept") == "2" and number(html, "to-ship") == "1"
    # March orders in Vilnius time, paid and not cancelled:
    # 1005 (placed 00:30 on March 1) + 450 + 900 + (1455 − 450 refunded) + 1350 (delivered, paid out)
    assert number(html, "month-sales") == "€47.10"
    # delivered, not yet transferred: (1005 − 101 + 299) + (1005 − 101 + 599)
    assert number(html, "next-payout") == "€27.06"
    to_accept = html[html.index('id="to-accept"') : html.index('id="to-ship"')]
    old, new = march["to_accept_old"].order.number, march["to_accept_new"].order.number
    assert to_accept.index(old) < to_accept.index(new)  # oldest first
    assert "Paid 2 days ago" in to_accept and "Paid 1 day ago" in to_accept
    to_ship = html[html.index('id="to-ship"') : html.index('id="low-stock"')]
    assert march["to_ship"].order.number in to_ship and "Paid 3 days ago" in to_ship
    low = html[html.index('id="low-stock"') :]
    red, white = march["low"].variants[0], march["low"].variants[1]
    assert re.findall(r'data-variant="(\d+)"', low) == [str(white.id), str(red.id)]  # the emptiest first
    assert "none left" in low and "2 left" in low

    with at(vilnius(2026, 4, 1, 0, 5)):  # a new month in Vilnius: nothing sold yet
        client.delete_cookie("session")
        html = text(signed_in(client, shop).get("/workspace/?lang=en"))
    assert number(html, "month-sales") == "€0.00"


def test_a_lithuanian_dashboard_formats_money_the_lithuanian_way(
    client: FlaskClient, shop: dict[str, Any], march: dict[str, Any]
) -> None:
    with at(vilnius(2026, 3, 12, 12, 0)):
        member = signed_in(client, shop)
        html = text(member.get("/workspace/"))
    assert number(html, "month-sales") == "47,10\xa0€"
    assert "prieš 2 dienas" in html


def test_the_payouts_page_and_its_csv_list_what_is_not_yet_paid_out(
    client: FlaskClient, shop: dict[str, Any], march: dict[str, Any]
) -> None:
    with at(vilnius(2026, 3, 12, 12, 0)):
        member = signed_in(client, shop)
        html = text(member.get("/workspace/payouts?lang=en"))
        response = member.get("/workspace/payouts.csv?lang=en")
    assert "No statement yet: the first appears when the VVG runs a payout." in html
    payable = re.findall(r"<td data-payable>\s*(.*?)\s*</td>", html, re.S)
    assert payable == ["From 18/03/2026", "From 23/03/2026"]  # 14 days after March 3 and March 8
    assert listed_ids(html) == {march["february"].id, march["refunded"].id}
    delivered_first = [str(march["february"].id), str(march["refunded"].id)]  # March 3, then March 8
    assert re.findall(r'data-fulfilment="(\d+)"', html) == delivered_first
    assert "−€4.50" in html and "−€1.01" in html and "€15.03" in html and "€12.03" in html
    assert re.search(r"data-total><strong>€27.06<", html)
    assert "€27.06" in html[html.index("data-sum>") :][:20]

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="kaimo-muge-krakes-2026-03-12.csv"'
    )
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Order",
        "Delivered on",
        "Goods",
        "Refunds",
        "Commission",
        "Delivery fee",
        "To be paid",
    ]
    assert rows[1:] == [
        [march["february"].order.number, "2026-03-03", "10,05", "0,00", "1,01", "2,99", "12,03"],
        [march["refunded"].order.number, "2026-03-08", "14,55", "4,50", "1,01", "5,99", "15,03"],
    ]
    assert sum(int(row[-1].replace(",", "")) for row in rows[1:]) == 2706
    with at(vilnius(2026, 3, 12, 12, 0)):
        lithuanian = member.get("/workspace/payouts.csv").get_data().decode("utf-8-sig")
    refunded = march["refunded"].order.number
    assert lithuanian.splitlines()[2] == f"{refunded};2026-03-08;14,55;4,50;1,01;5,99;15,03"


def test_no_payout_lines_say_so(member: FlaskClient, shop: dict[str, Any]) -> None:
    html = text(member.get("/workspace/payouts?lang=en"))
    assert "Nothing yet" in html
    rows = list(
        csv.reader(
            io.StringIO(member.get("/workspace/payouts.csv").get_data().decode("utf-8-sig")), delimiter=";"
        )
    )
    assert len(rows) == 1


def test_every_workspace_page_renders_for_an_empty_community(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    for url in ("/workspace/", "/workspace/orders", "/workspace/orders?status=all", "/workspace/payouts"):
        response = member.get(url)
        assert response.status_code == 200, url
        assert "Krakių bendruomenės centras" in text(response)


def test_user_is_recorded_on_the_events(member: FlaskClient, shop: dict[str, Any]) -> None:
    fulfilment = parcel_of(
        make_order([(shop["card"], 1)], status=PAID, delivery=OMNIVA, buyer=AT_HOME), shop["krakes"]
    )
    post(member, f"/workspace/orders/{fulfilment.id}/accept")
    db.session.rollback()
    event = db.session.scalars(
        select(FulfilmentEvent).where(FulfilmentEvent.to_status == FulfilmentStatus.ACCEPTED)
    ).one()
    assert isinstance(db.session.get(User, event.actor_id), User)
    assert event.actor_id == shop["member"].id
    assert event.created_at > datetime.now(UTC) - timedelta(minutes=1)
