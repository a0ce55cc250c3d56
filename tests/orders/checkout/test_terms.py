"""The checkout shows the terms of sale in force, by their version, and the order records the version the
customer accepted; the tracking page, the back office and the order mail link it. A version published while
the page was open is not accepted unseen. Each parcel's seller is named with its telephone."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from catalogue.models import Variant
from legal.models import LegalPageKind
from legal.pages import current_version
from orders import placing
from orders.errors import TermsChanged
from orders.models import Order, PaymentMethod
from shop.db import db
from tests.conftest import login_as
from tests.factories.legal import make_legal_pages, publish_version
from tests.factories.orders import BUYER, PICKUP
from tests.factories.shop import make_user
from tests.helpers import running
from tests.mail_server import free_port, shop_sending_to, smtp_server
from tests.orders.checkout.helpers import TERMS_FIELD, checkout_data, fill_cart, orders_count


@pytest.fixture
def terms(shop: dict[str, Any]) -> Any:
    return make_legal_pages()[LegalPageKind.TERMS]


def placed_order() -> Order:
    db.session.rollback()
    return db.session.scalars(select(Order)).one()


def test_the_checkout_links_the_terms_in_force_by_version_and_the_delivery_and_returns_page(
    client: FlaskClient, shop: dict[str, Any], terms: Any
) -> None:
    fill_cart(client, shop)
    html = client.get("/uzsakymas").get_data(as_text=True)
    date = terms.published_at
    assert 'href="/salygos/v1" target="_blank" rel="noopener">Pardavimo sąlygos, ' in html
    assert "versija Nr. 1</a>" in html and str(date.year) in html
    assert 'href="/pristatymas-ir-grazinimas"' in html and 'href="/privatumas"' in html
    assert TERMS_FIELD.search(html).group(1) == str(terms.id)


def test_the_order_records_the_version_accepted_and_the_customer_and_staff_see_it_linked(
    app: Flask, client: FlaskClient, shop: dict[str, Any], terms: Any
) -> None:
    fill_cart(client, shop)
    response = client.post("/uzsakymas", data=checkout_data(client, shop))
    assert response.status_code == 302
    order = placed_order()
    assert order.terms_version_id == terms.id

    publish_version(LegalPageKind.TERMS, body_lt="<p>Vėlesnės sąlygos.</p>")  # later versions change nothing
    tracking = client.get(response.location).get_data(as_text=True)
    assert '<a href="/salygos/v1">Sutikta su pardavimo sąlygomis: ' in tracking
    assert placed_order().terms_version_id == terms.id

    staff = app.test_client()
    make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    login_as(staff, "vida@vvg.example.org")
    detail = staff.get(f"/backoffice/orders/{order.id}").get_data(as_text=True)
    assert '<a href="/salygos/v1">Sutikta su pardavimo sąlygomis: ' in detail


def test_terms_published_while_the_checkout_was_open_are_shown_to_be_accepted_before_any_order(
    client: FlaskClient, shop: dict[str, Any], terms: Any
) -> None:
    fill_cart(client, shop)
    data = checkout_data(client, shop)  # the page as opened: version 1
    newer = publish_version(LegalPageKind.TERMS, body_lt="<p>Naujos sąlygos.</p>")

    response = client.post("/uzsakymas", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and orders_count() == 0
    assert "Kol šis puslapis buvo atvertas, pasikeitė pardavimo sąlygos." in html
    assert 'href="/salygos/v2"' in html and TERMS_FIELD.search(html).group(1) == str(newer.id)
    box = re.search(r'<input[^>]*id="accept_terms"[^>]*>', html).group(0)
    assert "checked" not in box and 'aria-invalid="true"' in box  # to be ticked again
    assert 'value="Rasa Petraitienė"' in html  # what was typed is kept

    response = client.post("/uzsakymas", data={**data, "terms_version": str(newer.id)})
    assert response.status_code == 302
    assert placed_order().terms_version_id == newer.id


@pytest.mark.parametrize("shown", ["", "abc", "-1", "99999999", "99999999999999999999", "privacy", "1.0"])
def test_a_missing_or_forged_terms_version_places_no_order(
    client: FlaskClient, shop: dict[str, Any], terms: Any, shown: str
) -> None:
    if shown == "privacy":  # another page's version: a real id, but not the terms
        privacy = current_version(LegalPageKind.PRIVACY)
        assert privacy is not None
        shown = str(privacy.id)
    fill_cart(client, shop)
    response = client.post("/uzsakymas", data=checkout_data(client, shop, terms_version=shown))
    assert response.status_code == 200
    assert "pasikeitė pardavimo sąlygos" in response.get_data(as_text=True)
    assert orders_count() == 0


def test_without_any_terms_published_the_order_records_none(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    fill_cart(client, shop)
    assert client.post("/uzsakymas", data=checkout_data(client, shop)).status_code == 302
    assert placed_order().terms_version_id is None


def test_each_parcels_seller_box_gives_the_communitys_telephone(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    fill_cart(client, shop)
    html = client.get("/uzsakymas").get_data(as_text=True)
    sellers = html.split('class="seller seller-small"')[1:]
    assert len(sellers) == 2
    for box in sellers:
        box = box[: box.index("</div>")]
        assert '<a href="tel:+37060000000">+370 600 00000</a>' in box
        assert "mailto:" in box and "kodas" in box


def test_the_order_placed_mail_links_the_version_of_the_terms_accepted(
    app: Flask, test_config: dict[str, Any], shop: dict[str, Any], terms: Any
) -> None:
    port = free_port()
    # Read in the test's own app: a row of its session loaded inside the other shop would take a connection
    # from that shop's engine and keep it after the engine is closed.
    line, delivery = placing.LineRequest(shop["card"].variants[0].id, 1), {shop["pagiriai"].id: PICKUP}
    terms_id = terms.id
    db.session.rollback()
    with smtp_server(port) as inbox, running(shop_sending_to(test_config, port)):
        placing.place_order(
            [line],
            delivery,
            BUYER,
            payment_method=PaymentMethod.BANK_TRANSFER,
            idempotency_key="mail-terms",
            terms_version_id=terms_id,
        )
        (mail,) = inbox.to("rasa@example.com")
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Sutikote su pardavimo sąlygomis, " in text and "versija Nr. 1:" in text
    assert "http://shop.test/salygos/v1?lang=lt" in text
    assert 'href="http://shop.test/salygos/v1?lang=lt"' in html


def test_place_order_itself_refuses_terms_no_longer_in_force_and_reserves_nothing(
    shop: dict[str, Any], terms: Any
) -> None:
    """The guard behind the form: a version published between the form's check and the order."""
    newer = publish_version(LegalPageKind.TERMS, body_lt="<p>Naujos sąlygos.</p>")
    variant = shop["card"].variants[0]
    order_of = partial(
        placing.place_order,
        [placing.LineRequest(variant.id, 2)],
        {shop["pagiriai"].id: PICKUP},
        BUYER,
        payment_method=PaymentMethod.BANK_TRANSFER,
    )
    with pytest.raises(TermsChanged) as changed:
        order_of(idempotency_key="k1", terms_version_id=terms.id)
    assert (changed.value.version_id, changed.value.number) == (newer.id, 2)
    assert orders_count() == 0 and db.session.get(Variant, variant.id).stock == 9

    assert order_of(idempotency_key="k2", terms_version_id=newer.id).terms_version_id == newer.id
