"""Unpaid bank transfers hold their stock only briefly: 24 hours, or until the transfer deadline once the
customer presses "Sumokėjau" (staff are then told to look for the money); staff see unpaid orders per
e-mail and per client address and cancel a group at once; money for an order cancelled meanwhile is
never taken as its payment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from orders import lifecycle, unpaid
from orders.attention import list_attention
from orders.models import CancelReason, Order, OrderStatus, PaymentMethod
from orders.payments.models import AlertKind, PaymentAlert
from shop.config import ConfigError, check_transfers
from shop.db import db
from shop.models import AuditEntry, User
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import count, fresh, mails_to, stock

VVG = "info@vvg.example.org"  # the operator's address (make_operator)
STAFF = "vida@vvg.example.org"


@pytest.fixture
def star(app: object) -> Any:
    make_operator()
    krakes = make_community(slug="krakes", name="Krakės")
    return make_product(
        krakes, name_lt="Šiaudinė žvaigždė", variants=[make_variant(price_cents=450, stock=10)]
    ).variants[0]


def hours_after(order: Order, hours: float) -> datetime:
    return fresh(Order, order.id).created_at + timedelta(hours=hours)


def claim(client: FlaskClient, token: str) -> Any:
    page = f"/uzsakymai/{token}"
    return client.post(
        f"{page}/sumokejau", data={"csrf_token": csrf_token(client, page)}, follow_redirects=True
    )


# ---------------------------------------------------------------------------------------------- the hold


def test_an_unpaid_transfer_gives_its_stock_back_once_its_24_hour_hold_is_over(star: Any) -> None:
    order = make_order([(star, 4)])
    assert stock(star) == 6

    with time_machine.travel(hours_after(order, 23.9), tick=False):
        assert lifecycle.expire_unpaid_orders() == 0
    assert stock(star) == 6 and fresh(Order, order.id).status is OrderStatus.PENDING_PAYMENT

    with time_machine.travel(hours_after(order, 24.1), tick=False):
        assert lifecycle.expire_unpaid_orders() == 1
        assert lifecycle.expire_unpaid_orders() == 0
    assert stock(star) == 10
    expired = fresh(Order, order.id)
    assert (expired.status, expired.cancel_reason) == (OrderStatus.CANCELLED, CancelReason.EXPIRED)
    mails = [m for m in mails_to("rasa@example.com") if m.dedup_key.startswith("order-expired:")]
    assert len(mails) == 1
    assert (
        "nesumokėjote už užsakymą" in mails[0].text_body
        and "nepranešėte, kad sumokėjote" in mails[0].text_body
    )


def test_the_order_mail_and_page_say_how_long_the_items_are_held_and_offer_i_have_paid(
    client: FlaskClient, star: Any
) -> None:
    with time_machine.travel(datetime(2031, 3, 10, 10, 0, tzinfo=UTC), tick=False):
        order = make_order([(star, 1)])
        page = client.get(f"/uzsakymai/{order.public_token}").get_data(as_text=True)
    placed = next(m for m in mails_to("rasa@example.com") if m.dedup_key.startswith("order-placed:"))
    for text in (placed.text_body, page):
        assert "Jūsų prekės laikomos iki 2031-03-11 12:00." in text
        assert "„Sumokėjau“" in text and "laikysime iki 2031-03-17 12:00" in text
    assert "Sumokėjau</button>" in page


# ---------------------------------------------------------------------------------------------- "Sumokėjau"


def test_i_have_paid_holds_the_items_until_the_transfer_deadline_and_tells_staff_once(
    client: FlaskClient, star: Any
) -> None:
    order = make_order([(star, 3)], buyer=make_buyer(email="jonas@example.com"))
    with time_machine.travel(hours_after(order, 20), tick=False):
        page = claim(client, order.public_token).get_data(as_text=True)
        assert "Ačiū. Ieškosime jūsų mokėjimo" in page and "Sumokėjau</button>" not in page
        claim(client, order.public_token)  # pressed twice: nothing more
    claimed = fresh(Order, order.id)
    assert claimed.payment_claimed_at is not None
    assert claimed.expires_at == claimed.created_at + timedelta(days=7)
    notices = mails_to(VVG)
    assert [m.dedup_key for m in notices] == [f"payment-claimed:{order.id}"]
    assert order.number in notices[0].subject and "Pirkėjas sako, kad sumokėjo" in notices[0].subject

    with time_machine.travel(hours_after(order, 48), tick=False):
        assert lifecycle.expire_unpaid_orders() == 0  # past the 24 hours, still held
    assert stock(star) == 7

    make_user(email=STAFF, is_staff=True)
    login_as(client, STAFF)
    dashboard = client.get("/backoffice/").get_data(as_text=True)
    claimed_list = dashboard.split('data-list="claimed"')[1].split("</section>")[0]
    assert order.number in claimed_list
    payments = client.get("/backoffice/payments").get_data(as_text=True)
    assert "Pirkėjas sako, kad sumokėjo" in payments
    with time_machine.travel(hours_after(order, 4 * 24), tick=False):  # past the 3 days of "late"
        attention = list_attention()
    assert [late.order.id for late in attention.unpaid_transfers.rows] == [order.id]
    assert attention.claimed_transfers.rows == []  # late now: in one list, not in both

    with time_machine.travel(hours_after(order, 7 * 24 + 0.1), tick=False):
        assert lifecycle.expire_unpaid_orders() == 1  # the deadline passed with no money
    assert stock(star) == 10
    expired = next(m for m in mails_to("jonas@example.com") if m.dedup_key.startswith("order-expired:"))
    assert "pavedimas už užsakymą" in expired.text_body and "nepasiekė" in expired.text_body


def test_a_customer_can_say_i_have_paid_only_through_the_orders_own_link(
    client: FlaskClient, star: Any
) -> None:
    order = make_order([(star, 1)])
    other = make_order([(star, 1)], buyer=make_buyer(email="kita@example.com"))
    token = csrf_token(client, f"/uzsakymai/{other.public_token}")
    assert client.post(f"/uzsakymai/{'x' * 32}/sumokejau", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/uzsakymai/{order.public_token}/sumokejau", data={}).status_code == 400  # no CSRF
    assert fresh(Order, order.id).payment_claimed_at is None and mails_to(VVG) == []

    paid = make_order([(star, 1)], status=OrderStatus.PAID)
    card = make_order([(star, 1)], payment_method=PaymentMethod.CARD)
    for refused in (paid, card):
        page = client.post(
            f"/uzsakymai/{refused.public_token}/sumokejau", data={"csrf_token": token}, follow_redirects=True
        ).get_data(as_text=True)
        assert "Šis užsakymas nebelaukia bankinio pavedimo." in page
        assert fresh(Order, refused.id).payment_claimed_at is None
    assert mails_to(VVG) == []


# ---------------------------------------------------------------------------------------------- staff


@pytest.fixture
def crowd(app: Flask, client: FlaskClient, star: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Three unpaid orders from one address under three e-mails, two more by one e-mail from elsewhere."""
    # A shop behind a shared address (a school, a village hall) raised its cap.
    monkeypatch.setitem(app.config, "UNPAID_ORDERS_PER_IP", 4)
    from_one_place = [
        make_order([(star, 2)], buyer=make_buyer(email=f"x{n}@example.com"), client_ip="203.0.113.7")
        for n in range(3)
    ]
    same_email = [
        make_order(
            [(star, 1)],
            buyer=make_buyer(email="Rasa@Example.com" if n else "rasa@example.com"),
            client_ip=f"198.51.100.{n + 1}",
        )
        for n in range(2)
    ]
    paid = make_order(
        [(star, 1)],
        status=OrderStatus.PAID,
        buyer=make_buyer(email="paid@example.com"),
        client_ip="203.0.113.7",
    )
    make_user(email=STAFF, is_staff=True)
    login_as(client, STAFF)
    return {"one_place": from_one_place, "same_email": same_email, "paid": paid}


def test_staff_see_unpaid_transfers_grouped_by_client_address_and_by_email(
    client: FlaskClient, crowd: dict[str, Any]
) -> None:
    html = client.get("/backoffice/unpaid").get_data(as_text=True)
    by_ip = html.split('data-groups="ip"')[1]
    by_email = html.split('data-groups="email"')[1].split('data-groups="ip"')[0]
    group = by_ip.split('data-group="203.0.113.7"')[1].split("</section>")[0]
    assert "3 užsakymai" in group and all(o.number in group for o in crowd["one_place"])
    assert "3 el. pašto adresais" in group
    assert crowd["paid"].number not in html  # paid: not unpaid
    worth = sum(fresh(Order, o.id).total_cents for o in crowd["one_place"])
    assert (
        f"{worth // 100},{worth % 100:02d}" in group
    )  # what the three are worth, and the 6 pieces they hold
    assert "laiko 6 prekės vienetus" in group
    rasa = by_email.split('data-group="rasa@example.com"')[1].split("</section>")[0]
    assert "2 užsakymai" in rasa and all(o.number in rasa for o in crowd["same_email"])
    assert by_email.index('data-group="rasa@example.com"') < by_email.index('data-group="x0@example.com"')


def test_staff_cancel_a_group_at_once_stock_back_once_each_customer_told_once(
    client: FlaskClient, crowd: dict[str, Any], star: Any
) -> None:
    orders = crowd["one_place"]
    page = "/backoffice/unpaid/cancel?ip=203.0.113.7"
    assert stock(star) == 10 - 6 - 2 - 1
    form = {
        "csrf_token": csrf_token(client, page),
        "orders": [str(o.id) for o in orders],
        "reason": "Piktnaudžiavimas",
    }

    unconfirmed = client.post(page, data=form)
    assert unconfirmed.status_code == 400
    assert "Pažymėkite langelį, kad patvirtintumėte atšaukimą." in unconfirmed.get_data(as_text=True)
    assert "Piktnaudžiavimas" in unconfirmed.get_data(as_text=True)  # what was typed, kept
    assert all(fresh(Order, o.id).status is OrderStatus.PENDING_PAYMENT for o in orders)

    done = client.post(page, data=form | {"confirm": "y"}, follow_redirects=True)
    assert "Atšaukti 3 užsakymai" in done.get_data(as_text=True)
    assert stock(star) == 10 - 2 - 1
    assert all(fresh(Order, o.id).status is OrderStatus.CANCELLED for o in orders)
    for n in range(len(orders)):
        told = [m for m in mails_to(f"x{n}@example.com") if m.dedup_key.startswith("order-cancelled:")]
        assert len(told) == 1 and "Piktnaudžiavimas" in told[0].text_body
    batch = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "order.cancel_batch")).one()
    assert batch.after["orders"] == [o.number for o in orders] and batch.after["group"] == "ip:203.0.113.7"
    assert count(AuditEntry, AuditEntry.action == "order.cancel") == 3

    again = client.post(page, data=form | {"confirm": "y"}, follow_redirects=True)  # a second submit
    assert "3 užsakymai jau nebelaukė apmokėjimo" in again.get_data(as_text=True)
    assert stock(star) == 10 - 2 - 1
    assert count(AuditEntry, AuditEntry.action == "order.cancel_batch") == 1
    assert sum(len(mails_to(f"x{n}@example.com")) for n in range(3)) == 6  # placed + cancelled, each
    assert all(fresh(Order, o.id).status is OrderStatus.PENDING_PAYMENT for o in crowd["same_email"])
    assert fresh(Order, crowd["paid"].id).status is OrderStatus.PAID


def test_a_batch_cancel_never_touches_a_paid_order_or_a_card_order_whatever_is_posted(
    client: FlaskClient, crowd: dict[str, Any], star: Any
) -> None:
    card = make_order(
        [(star, 1)], payment_method=PaymentMethod.CARD, buyer=make_buyer(email="card@example.com")
    )
    page = "/backoffice/unpaid/cancel?email=nobody@example.com"
    form = {
        "csrf_token": csrf_token(client, page),
        "confirm": "y",
        "reason": "x",
        "orders": [
            *(str(order.id) for order in (crowd["paid"], card, crowd["same_email"][0])),
            *("abc", "-1", "99999999999999"),
        ],
    }
    response = client.post(page, data=form, follow_redirects=True)
    assert response.status_code == 200
    assert fresh(Order, crowd["paid"].id).status is OrderStatus.PAID
    assert fresh(Order, card.id).status is OrderStatus.PENDING_PAYMENT
    # an unpaid transfer of another group, posted by hand, is not this group's to cancel
    assert fresh(Order, crowd["same_email"][0].id).status is OrderStatus.PENDING_PAYMENT
    assert count(AuditEntry, AuditEntry.action == "order.cancel_batch") == 0


# ---------------------------------------------------------------------------------------------- late money


def test_a_transfer_for_an_order_its_hold_cancelled_is_an_alert_to_refund_never_a_payment(
    client: FlaskClient, star: Any
) -> None:
    order = make_order([(star, 2)])
    with time_machine.travel(hours_after(order, 25), tick=False):
        lifecycle.expire_unpaid_orders()
    make_user(email=STAFF, is_staff=True)
    login_as(client, STAFF)
    detail = f"/backoffice/orders/{order.id}"
    assert "Vis dėlto atėjo pavedimas?" in client.get(detail).get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(client, detail),
        f"o{order.id}-amount": "9,00",
        f"o{order.id}-reference": "SEB 123",
    }

    for _ in range(2):  # a double submit records it once
        page = client.post(
            f"/backoffice/orders/{order.id}/confirm-transfer", data=form, follow_redirects=True
        )
        assert "nepažymėtas apmokėtu" in page.get_data(as_text=True)
    late = fresh(Order, order.id)
    assert late.status is OrderStatus.CANCELLED and late.payments == [] and stock(star) == 10
    alerts = db.session.scalars(select(PaymentAlert).where(PaymentAlert.order_id == order.id)).all()
    assert [(a.kind, a.amount_cents, a.reference) for a in alerts] == [
        (AlertKind.UNEXPECTED_PAYMENT, 900, "SEB 123")
    ]
    assert "atėjo 9,00" in client.get("/backoffice/payments").get_data(as_text=True)
    assert count(AuditEntry, AuditEntry.action == "order.late_transfer") == 1

    junk = client.post(
        f"/backoffice/orders/{order.id}/confirm-transfer",
        data={"csrf_token": form["csrf_token"], f"o{order.id}-amount": "abc"},
    )
    assert junk.status_code == 400 and "Vis dėlto atėjo pavedimas?" in junk.get_data(as_text=True)


def test_two_batch_cancels_and_the_expiry_job_at_once_give_the_stock_back_once(
    app: Flask, star: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "UNPAID_ORDERS_PER_IP", 3)
    orders = [
        make_order([(star, 2)], buyer=make_buyer(email=f"x{n}@example.com"), client_ip="203.0.113.7")
        for n in range(3)
    ]
    ids = [order.id for order in orders]
    staff = make_user(email=STAFF, is_staff=True)
    staff_id = staff.id
    later = hours_after(orders[-1], 25)
    start = threading.Barrier(3)

    def batch(_: int) -> int:
        with app.app_context():
            start.wait()
            by = db.session.get(User, staff_id)
            kind = unpaid.GroupKind.CLIENT_IP
            return len(unpaid.cancel_unpaid_orders(ids, kind=kind, key="203.0.113.7", note="", by=by).numbers)

    def job() -> int:
        with app.app_context():
            start.wait()
            return lifecycle.expire_unpaid_orders(now=later)

    with ThreadPoolExecutor(max_workers=3) as pool:
        done = [pool.submit(batch, 1), pool.submit(batch, 2), pool.submit(job)]
        cancelled = [future.result() for future in done]

    assert sum(cancelled) == 3  # each order cancelled by exactly one of them
    assert stock(star) == 10
    assert all(fresh(Order, order_id).status is OrderStatus.CANCELLED for order_id in ids)
    for n in range(3):
        told = [
            m
            for m in mails_to(f"x{n}@example.com")
            if m.dedup_key.split(":")[0] in {"order-cancelled", "order-expired"}
        ]
        assert len(told) == 1


@pytest.mark.parametrize(
    ("hours", "days"),
    [(0, 7), (-1, 7), (7 * 24 + 1, 7), (24, 0)],
    ids=["no hold", "negative", "past deadline", "no days"],
)
def test_the_shop_refuses_a_hold_that_is_not_a_positive_time_within_the_deadline(
    hours: int, days: int
) -> None:
    with pytest.raises(ConfigError):
        check_transfers({"TRANSFER_HOLD_HOURS": hours, "BANK_TRANSFER_DAYS": days})
    check_transfers({})  # the defaults work
    check_transfers({"TRANSFER_HOLD_HOURS": 7 * 24, "BANK_TRANSFER_DAYS": 7})


def test_an_order_forgets_its_client_address_once_it_is_paid_or_cancelled(star: Any) -> None:
    unpaid = make_order([(star, 1)], client_ip="203.0.113.7")
    paid = make_order(
        [(star, 1)], status=OrderStatus.PAID, buyer=make_buyer(email="b@example.com"), client_ip="203.0.113.8"
    )
    cancelled = make_order(
        [(star, 1)],
        status=OrderStatus.CANCELLED,
        buyer=make_buyer(email="c@example.com"),
        client_ip="203.0.113.9",
    )
    assert fresh(Order, unpaid.id).client_ip == "203.0.113.7"  # the caps on unpaid orders count it
    assert fresh(Order, paid.id).client_ip == "" and fresh(Order, cancelled.id).client_ip == ""
