"""Where invoices are downloaded: the customer's tracking page (per parcel), the community's parcel and
payouts pages (its own only), the back office's order and payouts pages; a wrong token or another
community's invoice is a 404, as if there were none."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from orders.invoices.models import Invoice, InvoiceKind
from orders.models import FulfilmentStatus, OrderStatus
from orders.payouts.paying import approve_payout
from orders.payouts.statements import generate_payouts
from shop.db import db
from tests.conftest import csrf_token, login_as
from tests.factories.orders import make_buyer, make_order
from tests.factories.shop import make_user
from tests.orders.invoices.helpers import Sellers, make_sellers, pdf_text

START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sellers(app: Flask, clock: time_machine.Traveller) -> Sellers:
    sellers = make_sellers()
    make_user(sellers.slapaberze, email="slapaberze@example.org")
    make_user(sellers.krakes, email="krakes@example.org")
    make_user(email="vida@vvg.example.org", is_staff=True)
    return sellers


def invoice_of(order_id: int, community_id: int) -> Invoice:
    db.session.rollback()
    return db.session.scalars(
        select(Invoice).where(Invoice.order_id == order_id, Invoice.community_id == community_id)
    ).one()


def test_the_customer_downloads_each_parcels_invoice_from_the_tracking_page(
    client: FlaskClient, sellers: Sellers
) -> None:
    order = make_order([(sellers.card, 1), (sellers.star, 1)], status=OrderStatus.PAID)
    page = client.get(f"/uzsakymai/{order.public_token}").get_data(as_text=True)
    slap, krak = invoice_of(order.id, sellers.slapaberze.id), invoice_of(order.id, sellers.krakes.id)

    assert "SLAP-2026-000001" in page and "KRAK-2026-000001" in page
    assert "PVM sąskaita faktūra" in page  # Krakės is a VAT payer
    response = client.get(f"/uzsakymai/{order.public_token}/saskaitos/{krak.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="KRAK-2026-000001.pdf"' in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "KRAK-2026-000001" in pdf_text(response.data)
    assert f'/uzsakymai/{order.public_token}/saskaitos/{slap.id}.pdf"' in page


def test_a_wrong_token_or_another_orders_invoice_is_not_found(client: FlaskClient, sellers: Sellers) -> None:
    mine = make_order([(sellers.card, 1)], status=OrderStatus.PAID)
    theirs = make_order(
        [(sellers.card, 1)], status=OrderStatus.PAID, buyer=make_buyer(name="Jonas", email="j@example.com")
    )
    their_invoice = invoice_of(theirs.id, sellers.slapaberze.id)
    my_invoice = invoice_of(mine.id, sellers.slapaberze.id)

    assert client.get(f"/uzsakymai/{mine.public_token}/saskaitos/{their_invoice.id}.pdf").status_code == 404
    assert client.get(f"/uzsakymai/{'x' * 43}/saskaitos/{my_invoice.id}.pdf").status_code == 404
    assert client.get(f"/uzsakymai/{'x' * 500}/saskaitos/{my_invoice.id}.pdf").status_code == 404
    assert client.get(f"/uzsakymai/{mine.public_token}/saskaitos/99999999999.pdf").status_code == 404


def test_a_community_downloads_its_own_invoices_and_never_another_communitys(
    client: FlaskClient, sellers: Sellers
) -> None:
    order = make_order([(sellers.card, 1), (sellers.star, 1)], status=OrderStatus.PAID)
    slap, krak = invoice_of(order.id, sellers.slapaberze.id), invoice_of(order.id, sellers.krakes.id)
    parcel = next(f for f in order.fulfilments if f.community_id == sellers.slapaberze.id)

    login_as(client, "slapaberze@example.org")
    page = client.get(f"/workspace/orders/{parcel.id}").get_data(as_text=True)
    assert "SLAP-2026-000001" in page and "KRAK-2026-000001" not in page
    response = client.get(f"/workspace/invoices/{slap.id}.pdf")
    assert response.status_code == 200 and "SLAP-2026-000001" in pdf_text(response.data)
    assert client.get(f"/workspace/invoices/{krak.id}.pdf").status_code == 404


def test_staff_download_any_invoice_from_the_order_page(client: FlaskClient, sellers: Sellers) -> None:
    order = make_order([(sellers.card, 1), (sellers.star, 1)], status=OrderStatus.PAID)
    krak = invoice_of(order.id, sellers.krakes.id)

    assert client.get(f"/backoffice/invoices/{krak.id}.pdf").status_code == 302  # to the sign-in page
    login_as(client, "slapaberze@example.org")
    assert client.get(f"/backoffice/invoices/{krak.id}.pdf").status_code == 403
    client.post("/atsijungti", data={"csrf_token": csrf_token(client, "/workspace/")})
    login_as(client, "vida@vvg.example.org")
    page = client.get(f"/backoffice/orders/{order.id}").get_data(as_text=True)
    assert "SLAP-2026-000001" in page and "KRAK-2026-000001" in page
    response = client.get(f"/backoffice/invoices/{krak.id}.pdf")
    assert response.status_code == 200 and "Krakių bendruomenės centras" in pdf_text(response.data)


def test_staff_issue_last_months_commission_invoices_and_each_community_finds_its_own(
    client: FlaskClient, sellers: Sellers
) -> None:
    with time_machine.travel(datetime(2026, 10, 6, 9, 0, tzinfo=UTC), tick=False):
        make_order([(sellers.card, 2), (sellers.star, 2)], status=FulfilmentStatus.DELIVERED)
        statements = generate_payouts(date(2026, 10, 1), date(2026, 11, 1), by=None, hold=0)
        for payout in statements:
            approve_payout(payout.id, by=None)

    login_as(client, "vida@vvg.example.org")
    page = client.get("/backoffice/payouts/?month=2026-10").get_data(as_text=True)
    assert "Išrašyti komisinio mokesčio sąskaitas" in page
    response = client.post(
        "/backoffice/payouts/commission-invoices",
        data={"csrf_token": csrf_token(client, "/backoffice/payouts/?month=2026-10"), "month": "2026-10"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Išrašytos 2 komisinio mokesčio sąskaitos." in page
    assert "VVG-2026-000001" in page and "VVG-2026-000002" in page
    db.session.rollback()
    commission = db.session.scalars(
        select(Invoice).where(
            Invoice.kind == InvoiceKind.COMMISSION, Invoice.community_id == sellers.krakes.id
        )
    ).one()
    november = client.post(
        "/backoffice/payouts/commission-invoices",
        data={"csrf_token": csrf_token(client, "/backoffice/payouts/"), "month": "2026-11"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "dar nesibaigė" in november

    client.post("/atsijungti", data={"csrf_token": csrf_token(client, "/backoffice/")})
    login_as(client, "krakes@example.org")
    assert commission.number in client.get("/workspace/payouts").get_data(as_text=True)
    assert client.get(f"/workspace/invoices/{commission.id}.pdf").status_code == 200
    client.post("/atsijungti", data={"csrf_token": csrf_token(client, "/workspace/")})
    login_as(client, "slapaberze@example.org")
    assert commission.number not in client.get("/workspace/payouts").get_data(as_text=True)
    assert client.get(f"/workspace/invoices/{commission.id}.pdf").status_code == 404
