"""The checkout form as a customer fills it, including everything typed wrong."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from catalogue.models import Variant
from orders.models import Order
from shop.db import db
from tests.conftest import csrf_token
from tests.factories.catalogue import make_category, make_product
from tests.factories.producers import make_community
from tests.orders.checkout.helpers import (
    add,
    checkout_data,
    chosen_locker,
    fill_cart,
    gift_label,
    orders_count,
)


def test_the_gift_message_is_worded_by_what_the_parcel_holds(client: FlaskClient, shop) -> None:
    cards, ornaments = make_category(holds_cards=True), make_category()
    card = make_product(shop["krakes"], cards, name_lt="Atvirukas su sniegena").variants[0]
    angel = make_product(shop["pagiriai"], ornaments, name_lt="Veltinio angelas").variants[0]
    mixed = make_community(name="Josvainių bendruomenė")
    mixed_card = make_product(mixed, cards, name_lt="Quilling atvirukas").variants[0]
    mixed_star = make_product(mixed, ornaments, name_lt="Šiaudinė žvaigždutė").variants[0]
    for variant in (card, angel, mixed_card, mixed_star):
        add(client, variant.product, variant)
    html = client.get("/uzsakymas").get_data(as_text=True)

    # Only cards in the parcel: written into the card.
    assert gift_label(html, card) == (
        "Sveikinimas gaminiui „Atvirukas su sniegena“, ranka įrašomas į atviruką (neprivaloma)"
    )
    # No card in the parcel: a note enclosed in it, and no word of a card.
    assert gift_label(html, angel) == (
        "Sveikinimas gaminiui „Veltinio angelas“, ranka užrašomas ant lapelio ir įdedamas į siuntinį "
        "(neprivaloma)"
    )
    # A card and an ornament together: the card's into the card, the ornament's on a note of its own.
    assert gift_label(html, mixed_card) == (
        "Sveikinimas gaminiui „Quilling atvirukas“, ranka įrašomas į atviruką (neprivaloma)"
    )
    assert gift_label(html, mixed_star) == (
        "Sveikinimas gaminiui „Šiaudinė žvaigždutė“, ranka užrašomas ant atskiro lapelio ir įdedamas į "
        "siuntinį, ne į atviruką (neprivaloma)"
    )
    english = client.get("/uzsakymas?lang=en").get_data(as_text=True)
    assert gift_label(english, angel).endswith("written by hand on a note enclosed in the parcel (optional)")


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("email", "rasa@example", "Įveskite el. pašto adresą, pvz., vardas@example.lt."),
        ("phone", "123", "Įveskite telefono numerį, pvz., +370 612 34567 arba 8 612 34567."),
        ("name", "", "Įveskite savo vardą ir pavardę."),
        ("accept_terms", None, "Sutikite su pardavimo sąlygomis."),
        ("gift", "x" * 201, "Naudokite ne daugiau kaip 200 simbolių."),
    ],
)
def test_a_wrong_field_is_explained_and_everything_typed_stays(
    client: FlaskClient, shop, field, typed, message
) -> None:
    fill_cart(client, shop)
    name = f"gift_{shop['card'].variants[0].id}" if field == "gift" else field
    response = client.post("/uzsakymas", data=checkout_data(client, shop, **{name: typed}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html or field == "accept_terms"
    if field != "name":
        assert 'value="Rasa Petraitienė"' in html
    assert chosen_locker(html, shop["pagiriai"]) == str(shop["locker"].id)
    assert orders_count() == 0


@pytest.mark.parametrize(
    ("postal_code", "ok"), [("LT-58364", True), ("58364", True), ("lt58364", True), ("5836", False)]
)
def test_courier_parcels_need_an_address_with_a_lithuanian_postal_code(
    client: FlaskClient, shop, postal_code, ok
) -> None:
    fill_cart(client, shop)
    data = checkout_data(
        client,
        shop,
        **{
            f"delivery_{shop['krakes'].id}": "courier",
            "address_line": "Liepų g. 3",
            "city": "Krakės",
            "postal_code": postal_code,
        },
    )
    response = client.post("/uzsakymas", data=data)
    if ok:
        assert response.status_code == 302
        db.session.rollback()
        assert db.session.scalars(select(Order.postal_code)).one() == "LT-58364"
    else:
        assert "Įveskite pašto kodą, pvz., LT-12345 arba 12345." in response.get_data(as_text=True)
        assert orders_count() == 0


def test_a_courier_parcel_without_an_address_is_refused_with_a_message(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    response = client.post(
        "/uzsakymas", data=checkout_data(client, shop, **{f"delivery_{shop['krakes'].id}": "courier"})
    )
    assert response.get_data(as_text=True).count("Reikia kurjeriui.") == 3
    assert orders_count() == 0


def test_a_delivery_the_community_does_not_offer_is_refused(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    response = client.post(
        "/uzsakymas", data=checkout_data(client, shop, **{f"delivery_{shop['krakes'].id}": "dpd"})
    )
    assert response.status_code == 200
    assert orders_count() == 0


def test_stock_gone_between_cart_and_checkout_names_the_item_and_keeps_the_form(
    client: FlaskClient, shop
) -> None:
    fill_cart(client, shop)
    big = shop["star"].variants[1]
    db.session.execute(Variant.__table__.update().where(Variant.id == big.id).values(stock=1))
    db.session.commit()
    response = client.post("/uzsakymas", data=checkout_data(client, shop))
    html = response.get_data(as_text=True)
    assert "„Šiaudinė žvaigždė (Didelė)“ liko tik 1." in html
    assert 'value="Rasa Petraitienė"' in html
    assert orders_count() == 0


def test_prices_and_communities_in_the_form_are_never_trusted(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    data = checkout_data(
        client, shop, price_cents="1", total_cents="1", community_id=str(shop["pagiriai"].id)
    )
    assert client.post("/uzsakymas", data=data).status_code == 302
    db.session.rollback()
    assert db.session.scalars(select(Order.total_cents)).one() == 3399


def test_a_double_submitted_checkout_makes_one_order(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    data = checkout_data(client, shop)
    first = client.post("/uzsakymas", data=data)
    second = client.post("/uzsakymas", data=data)  # the second click
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert orders_count() == 1


def test_an_old_checkout_form_sent_again_never_swallows_the_new_cart(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    old_form = checkout_data(client, shop)
    first = client.post("/uzsakymas", data=old_form)
    add(client, shop["card"], shop["card"].variants[0], 3)  # a new cart, then the back button
    again = client.post("/uzsakymas", data=old_form)
    assert again.headers["Location"] == first.headers["Location"]  # that form's order, shown again
    assert 'value="3"' in client.get("/krepselis").get_data(as_text=True)
    assert "Atvirukas" in client.get("/krepselis").get_data(as_text=True)  # the new cart is kept
    assert orders_count() == 1


def test_a_form_opened_before_the_cart_changed_is_shown_again_with_a_word_of_why(
    client: FlaskClient, shop
) -> None:
    fill_cart(client, shop)
    stale = checkout_data(client, shop)
    add(client, shop["card"], shop["card"].variants[0], 1)  # in another tab
    response = client.post("/uzsakymas", data=stale)
    html = response.get_data(as_text=True)
    assert "Jūsų krepšelis pasikeitė, kol šis puslapis buvo atvertas." in html
    assert 'value="Rasa Petraitienė"' in html
    assert orders_count() == 0
    assert (
        client.post(
            "/uzsakymas",
            data={
                **stale,
                "csrf_token": csrf_token(client, "/uzsakymas"),
                "idempotency_key": checkout_data(client, shop)["idempotency_key"],
            },
        ).status_code
        == 302
    )


@pytest.mark.parametrize("key", ["", "x" * 100, "%00", "' OR 1=1"])
def test_a_tampered_idempotency_key_never_breaks_checkout(client: FlaskClient, shop, key: str) -> None:
    fill_cart(client, shop)
    response = client.post("/uzsakymas", data=checkout_data(client, shop, idempotency_key=key))
    assert response.status_code in {200, 400}
    assert orders_count() == 0


def test_the_totals_follow_the_delivery_chosen_on_the_checkout_page(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    data = checkout_data(client, shop, **{f"delivery_{shop['krakes'].id}": "courier", "phone": "12"})
    html = client.post("/uzsakymas", data=data).get_data(as_text=True)
    assert "39,98\xa0€" in html  # 31,00 + courier 5,99 + Omniva 2,99, as place_order will charge


def test_an_email_address_with_non_ascii_letters_before_the_at_is_refused(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    response = client.post("/uzsakymas", data=checkout_data(client, shop, email="rąsa@example.com"))
    assert "Įveskite el. pašto adresą, pvz., vardas@example.lt." in response.get_data(as_text=True)
    assert orders_count() == 0


def test_overlong_texts_are_explained_in_lithuanian(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    html = client.post("/uzsakymas", data=checkout_data(client, shop, phone="1" * 40)).get_data(as_text=True)
    assert "Naudokite ne daugiau kaip 30 simbolių." in html
    assert "Field cannot be longer" not in html


def test_a_missing_or_stale_csrf_token_shows_the_form_again_as_typed(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    for token in (None, "stale-token"):
        response = client.post("/uzsakymas", data=checkout_data(client, shop, csrf_token=token))
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "Formos galiojimas baigėsi. Patikrinkite duomenis ir pateikite dar kartą." in html
        assert 'value="Rasa Petraitienė"' in html
    assert orders_count() == 0


def test_checkout_with_an_empty_or_expired_cart_goes_back_to_the_cart(client: FlaskClient, shop) -> None:
    response = client.get("/uzsakymas", follow_redirects=True)
    assert "Jūsų krepšelis tuščias." in response.get_data(as_text=True)
    assert client.post("/uzsakymas", data={"name": "x"}).status_code in {302, 400}
    assert orders_count() == 0
