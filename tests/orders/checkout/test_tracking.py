"""After the order: the customer follows, cancels or sees it paid; staff confirm the transfer; wrong links."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from catalogue.models import Variant
from orders import lifecycle
from orders.models import Order, OrderStatus, PaymentMethod
from shop.db import db
from tests.conftest import csrf_token, login_as
from tests.factories.shop import make_user
from tests.helpers import mails_to
from tests.orders.checkout.helpers import checkout_data, fill_cart

#: The Omniva locker of the checkout tests' shop, as a parcel names it: name, address, carrier's number.
LOCKER = "Kėdainių Maxima paštomatas, J. Basanavičiaus g. 75, 57001 Kėdainiai (Nr. 57001)"


@pytest.mark.parametrize(
    ("method", "where"),
    [
        ("courier", "Kurjeriu į jūsų adresą: Liepų g. 3-4, LT-57101 Kėdainiai"),
        ("pickup", "Atsiimti bendruomenėje: Liepų g. 1, Kaimas"),
    ],
)
def test_the_tracking_page_and_the_order_mail_say_where_each_parcel_goes_in_the_customers_words(
    client: FlaskClient, shop, method: str, where: str
) -> None:
    fill_cart(client, shop)
    assert "Kurjeriu į jūsų adresą" in client.get("/krepselis").get_data(as_text=True)
    address = {"address_line": "Liepų g. 3-4", "city": "Kėdainiai", "postal_code": "57101"}
    data = checkout_data(client, shop, **{f"delivery_{shop['krakes'].id}": method, **address})
    response = client.post("/uzsakymas", data=data)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert where in page
    assert f"Omniva paštomatas: {LOCKER}" in page  # the other parcel, to a locker: all of it
    assert "pirkėjo adres" not in page and "Atsiėmimas" not in page
    first = mails_to("rasa@example.com")[0]  # "order received", the shop's first mail to this address
    for body in (first.text_body, first.html_body):  # nothing typed but what recognises the order
        assert "Liepų g. 3-4" not in body
        assert ("Liepų g. 1, Kaimas" in body) is (method == "pickup")  # the community's own place stays
        # the locker was picked from Omniva's list, not typed: naming it carries none of the visitor's words
        assert LOCKER in body
    order = db.session.scalars(select(Order)).one()
    lifecycle.mark_paid(order.id, amount_cents=order.total_cents, method=PaymentMethod.BANK_TRANSFER, by=None)
    paid = mails_to("rasa@example.com")[1]  # "payment received": the address has heard from us before
    for body in (paid.text_body, paid.html_body):
        assert where in body and f"Omniva paštomatas: {LOCKER}" in body
        assert "pirkėjo adres" not in body


def test_the_customer_can_cancel_an_unpaid_order_from_the_tracking_page(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    location = client.post("/uzsakymas", data=checkout_data(client, shop)).headers["Location"]
    token = csrf_token(client, location)
    page = client.post(
        location.split("?")[0] + "/atsaukti", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Užsakymas atšauktas. Nieko nesate skolingi." in page.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(select(Order.status)).one() is OrderStatus.CANCELLED
    assert (
        db.session.scalars(select(Variant.stock).where(Variant.id == shop["star"].variants[1].id)).one() == 4
    )
    again = client.post(
        location.split("?")[0] + "/atsaukti", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Šio užsakymo čia atšaukti nebegalima" in again.get_data(as_text=True)


@pytest.mark.parametrize("token", ["wrong", "x" * 500, "%00", "../../etc"])
def test_a_wrong_tracking_link_is_a_plain_404(client: FlaskClient, shop, token: str) -> None:
    response = client.get(f"/uzsakymai/{token}")
    assert response.status_code == (400 if token == "%00" else 404)
    form = {"csrf_token": csrf_token(client, "/prisijungti")}
    assert client.post(f"/uzsakymai/{token}/atsaukti", data=form).status_code == (
        400 if token == "%00" else 404
    )


@pytest.mark.parametrize(
    "path", ["/backoffice/mail/99999999999999999999", "/backoffice/mail/2147483648/html"]
)
def test_an_id_too_large_for_the_database_is_a_404_not_an_error(client: FlaskClient, shop, path: str) -> None:
    make_user(email="staff@example.org", is_staff=True)
    login_as(client, "staff@example.org")
    assert client.get(path).status_code == 404


def test_staff_confirm_a_transfer_and_the_customer_sees_it_paid(client: FlaskClient, shop, app: Any) -> None:
    fill_cart(client, shop)
    location = client.post("/uzsakymas", data=checkout_data(client, shop)).headers["Location"]
    db.session.rollback()  # see what the request committed
    order = db.session.scalars(select(Order)).one()
    staff_client = app.test_client()
    make_user(email="staff@example.org", is_staff=True)
    login_as(staff_client, "staff@example.org")
    page = staff_client.get("/backoffice/payments").get_data(as_text=True)
    assert order.number in page
    token = csrf_token(staff_client, "/backoffice/payments")
    wrong = staff_client.post(
        f"/backoffice/orders/{order.id}/confirm-transfer",
        data={"csrf_token": token, f"o{order.id}-amount": "30,00"},
    )
    assert "gauta suma nesutampa" in wrong.get_data(as_text=True)
    right = staff_client.post(
        f"/backoffice/orders/{order.id}/confirm-transfer",
        data={"csrf_token": token, f"o{order.id}-amount": "33,99", f"o{order.id}-reference": "SEB 1"},
        follow_redirects=True,
    )
    assert f"Užsakymo {order.number} mokėjimas patvirtintas" in right.get_data(as_text=True)
    assert "Apmokėtas" in client.get(location).get_data(as_text=True)


def test_the_staff_pages_are_for_staff_only(client: FlaskClient, shop, app: Any) -> None:
    assert client.get("/backoffice/").status_code == 302
    assert "/prisijungti?next=" in client.get("/backoffice/").headers["Location"]
    make_user(shop["krakes"], email="krakes@example.org")
    login_as(client, "krakes@example.org")
    assert client.get("/backoffice/").status_code == 403
    anonymous = client.application.test_client()  # a customer places an order to confirm
    fill_cart(anonymous, shop)
    anonymous.post("/uzsakymas", data=checkout_data(anonymous, shop))
    db.session.rollback()
    order = db.session.scalars(select(Order)).one()
    token = csrf_token(client, "/prisijungti")
    attempt = client.post(
        f"/backoffice/orders/{order.id}/confirm-transfer",
        data={"csrf_token": token, f"o{order.id}-amount": "33,99"},
    )
    assert attempt.status_code == 403
    db.session.rollback()
    assert db.session.get_one(Order, order.id).status is OrderStatus.PENDING_PAYMENT


def test_a_wrong_password_gets_one_generic_message(client: FlaskClient, shop) -> None:
    make_user(email="staff@example.org", is_staff=True)
    token = csrf_token(client, "/prisijungti")
    for email in ("staff@example.org", "nobody@example.org"):
        html = client.post(
            "/prisijungti", data={"csrf_token": token, "email": email, "password": "nope"}
        ).get_data(as_text=True)
        assert "Neteisingas el. paštas arba slaptažodis." in html


def test_confirming_a_transfer_for_an_order_that_does_not_exist_is_a_404(client: FlaskClient, shop) -> None:
    make_user(email="staff@example.org", is_staff=True)
    login_as(client, "staff@example.org")
    token = csrf_token(client, "/backoffice/")
    response = client.post(
        "/backoffice/orders/999999/confirm-transfer", data={"csrf_token": token, "o999999-amount": "5"}
    )
    assert response.status_code == 404


def test_a_customer_orders_from_two_communities_and_follows_both_parcels(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    cart = client.get("/krepselis").get_data(as_text=True)
    assert (
        "Siuntinys iš: Krakių bendruomenės centras" in cart
        and "Siuntinys iš: Pagirių bendruomenės centras" in cart
    )
    assert "31,00\xa0€" in cart  # 2 × 11,00 + 3 × 3,00, both picked up for free

    response = client.post(
        "/uzsakymas",
        data=checkout_data(client, shop, **{f"gift_{shop['card'].variants[0].id}": "Močiutei"}),
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.rollback()  # see what the request committed
    order = db.session.scalars(select(Order)).one()
    assert order.number in page and "LT207300010112345678" in page
    assert "33,99\xa0€" in page  # 31,00 + Omniva 2,99
    assert "Kėdainių Maxima" in page and "Močiutei" in page
    assert order.phone == "+37061234567"
    assert client.get("/krepselis").get_data(as_text=True).count("Jūsų krepšelis tuščias.") == 1
