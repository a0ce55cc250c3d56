"""A member moves the community's parcels on: accepted, shipped (or ready for pickup), delivered, or
cancelled and refunded; the customer is told once, and only the community's own parcels move.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from orders.models import Fulfilment, FulfilmentEvent, FulfilmentStatus, Refund, RefundStatus
from shop.db import db
from shop.models import OutboxMessage, User
from tests.conftest import csrf_token, login_as
from tests.factories.orders import COURIER, OMNIVA, make_order
from tests.factories.shop import make_user
from tests.helpers import count, fresh, parcel_of, stock
from tests.orders.workspace.helpers import ACCEPTED, AT_HOME, PAID, SHIPPED, post, text


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
