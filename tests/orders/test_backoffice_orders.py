"""VVG staff find any order and cancel an order, a parcel or a line, each refunded and logged."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from orders import fulfilments, placing
from orders.models import FulfilmentStatus, Order, OrderStatus, RefundStatus
from shop.db import db
from shop.models import AuditEntry, OutboxMessage
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import COURIER, make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user


@pytest.fixture
def staff_and_orders(client: FlaskClient, app: object) -> dict[str, Any]:
    make_operator()
    krakes, pagiriai = (
        make_community(slug="krakes", name="Krakės"),
        make_community(slug="pagiriai", name="Pagiriai"),
    )
    star = make_product(krakes, variants=[make_variant(price_cents=450, stock=9)]).variants[0]
    card = make_product(pagiriai, variants=[make_variant(price_cents=300, stock=9)]).variants[0]

    paid = make_order([(star, 1), (card, 1)], status=OrderStatus.PAID)
    unpaid = make_order([(card, 1)], buyer=make_buyer(name="Jonas Kazlauskas", email="jonas@example.com"))
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    return {"paid": paid, "unpaid": unpaid, "krakes": krakes, "pagiriai": pagiriai}


def test_staff_search_orders_by_customer_community_status_and_number(
    client: FlaskClient, staff_and_orders
) -> None:
    paid, unpaid = staff_and_orders["paid"], staff_and_orders["unpaid"]

    def found(**query: str) -> str:
        return client.get("/backoffice/orders", query_string=query).get_data(as_text=True)

    assert paid.number in found(q="petraitien") and unpaid.number not in found(q="petraitien")
    assert unpaid.number in found(q=unpaid.number)
    by_community = found(community=str(staff_and_orders["krakes"].id))
    assert paid.number in by_community and unpaid.number not in by_community
    assert unpaid.number in found(status="pending_payment") and paid.number not in found(
        status="pending_payment"
    )
    assert "2 užsakymai" in found(placed_from="2000-01-01", placed_to="2999-12-31")
    variant_id = paid.lines[0].variant_id

    underscored, dotted = (
        make_order([placing.LineRequest(variant_id, 1)], buyer=make_buyer(name="Jonas", email=email))
        for email in ("jonas_k@example.com", "jonas.k@example.com")
    )
    # "_" and "%" are letters typed, not patterns: "jonas_k" is not "jonas", any one letter, then "k".
    assert underscored.number in found(q="jonas_k") and dotted.number not in found(q="jonas_k")
    assert "0 užsakymų" in found(q="jonas%example")
    assert (
        client.get("/backoffice/orders", query_string={"placed_from": "junk", "status": "x"}).status_code
        == 200
    )


def test_staff_read_each_parcels_delivery_in_the_shops_words_with_where_it_goes(
    client: FlaskClient, staff_and_orders
) -> None:
    star = staff_and_orders["paid"].lines[0].variant
    at_home = make_buyer(address_line="Liepų g. 5", city="Kaunas", postal_code="LT-44001")
    order = make_order([placing.LineRequest(star.id, 1)], delivery=COURIER, buyer=at_home)
    html = client.get(f"/backoffice/orders/{order.id}").get_data(as_text=True)
    assert "Kurjeriu pirkėjo adresu: Liepų g. 5, LT-44001 Kaunas" in html
    assert "jūsų adres" not in html


def test_staff_cancel_a_line_a_parcel_and_an_unpaid_order_each_refunded_and_logged(
    client: FlaskClient, staff_and_orders
) -> None:
    paid, unpaid = staff_and_orders["paid"], staff_and_orders["unpaid"]
    page = f"/backoffice/orders/{paid.id}"
    text = client.get(page).get_data(as_text=True)
    assert "Bankinis pavedimas" in text and "bank_transfer" not in text  # states in words, not codes
    token = csrf_token(client, page)
    url = f"/backoffice/orders/{paid.id}/cancel"
    empty = client.post(
        url, data={"csrf_token": token, "fulfilment": str(paid.fulfilments[0].id), "reason": ""}
    )
    assert empty.status_code == 400
    krakes_parcel, pagiriai_parcel = paid.fulfilments
    client.post(url, data={"csrf_token": token, "line": str(krakes_parcel.lines[0].id), "reason": "Sudužo"})
    client.post(url, data={"csrf_token": token, "fulfilment": str(pagiriai_parcel.id), "reason": "Liga"})
    db.session.rollback()
    order = db.session.get_one(Order, paid.id)
    assert [f.status for f in order.fulfilments] == [FulfilmentStatus.CANCELLED, FulfilmentStatus.CANCELLED]
    assert order.status is OrderStatus.CANCELLED
    assert sum(r.amount_cents for r in order.refunds) == order.total_cents
    assert {r.status for r in order.refunds} == {RefundStatus.OWED}  # bank transfer: staff send it back
    assert "skolinga: grąžinkite iš banko" in client.get(page).get_data(as_text=True)
    again = client.post(url, data={"csrf_token": token, "reason": "x"}, follow_redirects=True)
    assert "nebegalima atšaukti" in again.get_data(as_text=True)

    client.post(f"/backoffice/orders/{unpaid.id}/cancel", data={"csrf_token": token, "reason": "Nebėra"})
    db.session.rollback()
    assert db.session.get_one(Order, unpaid.id).status is OrderStatus.CANCELLED
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedup_key == f"order-cancelled:{unpaid.id}")
    ).one()
    assert "VVG atšaukė" in mail.text_body
    assert "Nebėra" in mail.text_body and "Nebėra" in mail.html_body  # the staff's reason, told
    cancelled = db.session.get_one(Order, unpaid.id)
    assert [event.note for f in cancelled.fulfilments for event in f.events] == ["Nebėra"]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "order.cancel", AuditEntry.subject_id == unpaid.number)
    ).one()
    assert entry.after["note"] == "Nebėra"
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("fulfilment.cancel") == 2
    assert (
        client.post("/backoffice/orders/999999/cancel", data={"csrf_token": token, "reason": "x"}).status_code
        == 404
    )


def test_the_order_pages_are_for_staff_only(client: FlaskClient, staff_and_orders) -> None:
    client.post("/atsijungti", data={"csrf_token": csrf_token(client, "/backoffice/orders")})
    assert client.get("/backoffice/orders").status_code == 302
    assert client.get(f"/backoffice/orders/{staff_and_orders['paid'].id}").status_code == 302


def test_staff_refund_part_of_a_delivered_parcel_and_a_too_large_amount_is_refused_and_re_shown(
    client: FlaskClient, staff_and_orders
) -> None:
    paid = staff_and_orders["paid"]
    krakes_parcel, pagiriai_parcel = paid.fulfilments  # 4,50 € and 3,00 € of goods
    fulfilments.accept_fulfilment(krakes_parcel.id, by=None)
    fulfilments.ship_fulfilment(krakes_parcel.id, carrier="Omniva", tracking_number="CE1LT", by=None)
    fulfilments.mark_delivered(krakes_parcel.id, by=None)
    page = f"/backoffice/orders/{paid.id}"
    text = client.get(page).get_data(as_text=True)
    assert "Liko grąžinti: 4,50" in text
    token = csrf_token(client, page)
    url = f"/backoffice/orders/{paid.id}/parcels/{krakes_parcel.id}/refund"
    prefix = f"f{krakes_parcel.id}-"

    too_much = client.post(
        url, data={"csrf_token": token, f"{prefix}goods": "5,00", f"{prefix}reason": "Sudužo"}
    )
    assert too_much.status_code == 400
    html = too_much.get_data(as_text=True)
    assert (
        "ne didesnę nei liko grąžinti: 4,50" in html and 'value="5,00"' in html and 'value="Sudužo"' in html
    )

    done = client.post(
        url,
        data={"csrf_token": token, f"{prefix}goods": "1,50", f"{prefix}reason": "Sudužo"},
        follow_redirects=True,
    )
    assert "Grąžinama 1,50" in done.get_data(as_text=True)
    db.session.rollback()
    order = db.session.get_one(Order, paid.id)
    (refund,) = order.refunds
    assert (refund.fulfilment_id, refund.amount_cents, refund.status) == (
        krakes_parcel.id,
        150,
        RefundStatus.OWED,
    )
    assert order.status is OrderStatus.PAID  # the other parcel is still on its way
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedup_key == f"refund:{refund.id}")
    ).one()
    assert "Grąžiname pinigus už jūsų užsakymo" in mail.text_body and "1,50" in mail.text_body
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "fulfilment.refund")).one()
    assert entry.after["goods_cents"] == 150
    assert "Liko grąžinti: 3,00" in client.get(page).get_data(as_text=True)

    not_sent = client.post(
        f"/backoffice/orders/{paid.id}/parcels/{pagiriai_parcel.id}/refund",
        data={
            "csrf_token": token,
            f"f{pagiriai_parcel.id}-goods": "1,00",
            f"f{pagiriai_parcel.id}-reason": "x",
        },
        follow_redirects=True,
    )
    assert "tik už išsiųstą siuntą" in not_sent.get_data(as_text=True)
    other_order = client.post(
        f"/backoffice/orders/{staff_and_orders['unpaid'].id}/parcels/{krakes_parcel.id}/refund",
        data={"csrf_token": token},
    )
    assert other_order.status_code == 404


@pytest.mark.parametrize(
    "field",
    [{"line": "0"}, {"line": "abc"}, {"line": "-1"}, {"line": ""}, {"fulfilment": "0"}, {"fulfilment": "²"}],
)
def test_junk_in_the_cancel_form_s_line_or_parcel_cancels_nothing(
    client: FlaskClient, staff_and_orders, field: dict[str, str]
) -> None:
    paid = staff_and_orders["paid"]
    token = csrf_token(client, f"/backoffice/orders/{paid.id}")
    answer = client.post(
        f"/backoffice/orders/{paid.id}/cancel", data={"csrf_token": token, "reason": "x", **field}
    )
    assert answer.status_code == 404  # never the whole order instead
    db.session.rollback()
    order = db.session.get_one(Order, paid.id)
    assert order.status is OrderStatus.PAID and not order.refunds
    assert {f.status for f in order.fulfilments} == {FulfilmentStatus.NEW}


def test_a_parcel_or_line_of_another_order_is_not_found_through_this_one(
    client: FlaskClient, staff_and_orders
) -> None:
    paid, unpaid = staff_and_orders["paid"], staff_and_orders["unpaid"]
    token = csrf_token(client, f"/backoffice/orders/{unpaid.id}")
    url = f"/backoffice/orders/{unpaid.id}/cancel"
    parcel = paid.fulfilments[0]
    for field in ({"fulfilment": str(parcel.id)}, {"line": str(parcel.lines[0].id)}):
        assert client.post(url, data={"csrf_token": token, "reason": "x", **field}).status_code == 404
    db.session.rollback()
    assert db.session.get_one(Order, paid.id).status is OrderStatus.PAID
    assert {f.status for f in db.session.get_one(Order, paid.id).fulfilments} == {FulfilmentStatus.NEW}
    assert not db.session.get_one(Order, paid.id).refunds
    assert db.session.get_one(Order, unpaid.id).status is OrderStatus.PENDING_PAYMENT


def test_cancelling_a_paid_order_cancels_and_refunds_what_has_not_been_sent_and_leaves_the_rest(
    client: FlaskClient, staff_and_orders
) -> None:
    paid = staff_and_orders["paid"]
    krakes_parcel, pagiriai_parcel = paid.fulfilments  # 4,50 € and 3,00 € of goods, collected in person
    fulfilments.accept_fulfilment(krakes_parcel.id, by=None)
    fulfilments.ship_fulfilment(krakes_parcel.id, carrier="Omniva", tracking_number="CE1LT", by=None)
    token = csrf_token(client, f"/backoffice/orders/{paid.id}")
    done = client.post(
        f"/backoffice/orders/{paid.id}/cancel",
        data={"csrf_token": token, "reason": "Bendruomenė nebegali"},
        follow_redirects=True,
    )
    assert "Atšaukta" in done.get_data(as_text=True)
    db.session.rollback()
    order = db.session.get_one(Order, paid.id)
    assert [f.status for f in order.fulfilments] == [FulfilmentStatus.SHIPPED, FulfilmentStatus.CANCELLED]
    assert order.status is OrderStatus.PAID  # the sent parcel is still on its way
    (refund,) = order.refunds
    assert (refund.fulfilment_id, refund.amount_cents, refund.status, refund.reason) == (
        pagiriai_parcel.id,
        300,
        RefundStatus.OWED,
        "Bendruomenė nebegali",
    )
    assert all(line.cancelled_at is None for line in order.fulfilments[0].lines)
    assert all(line.cancelled_at is not None for line in order.fulfilments[1].lines)
    assert db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedup_key == f"refund:{refund.id}")
    ).one()
