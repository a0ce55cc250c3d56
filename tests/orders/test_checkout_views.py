"""Cart, checkout and tracking pages as a customer uses them, including everything typed wrong."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from catalogue.models import Product, Variant
from orders.models import Order, OrderStatus
from shop.db import db
from tests.conftest import CSRF_FIELD, csrf_token, login_as
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import mails_to


@pytest.fixture
def shop(app: object) -> dict[str, Any]:
    make_operator()
    krakes = make_community(slug="krakes", name="Krakių bendruomenės centras")
    pagiriai = make_community(slug="pagiriai", name="Pagirių bendruomenės centras")
    star = make_product(
        krakes,
        slug="zvaigzde",
        name_lt="Šiaudinė žvaigždė",
        variants=[
            make_variant(name_lt="Maža", price_cents=450, stock=5),
            make_variant(name_lt="Didelė", price_cents=1100, stock=2),
        ],
    )
    card = make_product(
        pagiriai, slug="atvirukas", name_lt="Atvirukas", variants=[make_variant(price_cents=300, stock=9)]
    )
    return {"krakes": krakes, "pagiriai": pagiriai, "star": star, "card": card}


def add(client: FlaskClient, product: Product, variant: Variant, quantity: Any = 1) -> Any:
    token = csrf_token(client, f"/produktai/{product.slug}")
    return client.post(
        "/krepselis/prideti",
        data={"csrf_token": token, "variant_id": variant.id, "quantity": quantity},
        headers={"Referer": f"http://localhost/produktai/{product.slug}"},
        follow_redirects=True,
    )


def checkout_data(client: FlaskClient, shop: dict[str, Any], **changes: Any) -> dict[str, Any]:
    html = client.get("/uzsakymas").get_data(as_text=True)
    data = {
        "csrf_token": CSRF_FIELD.search(html).group(1),
        "idempotency_key": re.search(
            r'name="idempotency_key" type="hidden" value="([0-9a-f]{32})"', html
        ).group(1),
        "name": "Rasa Petraitienė",
        "email": "rasa@example.com",
        "phone": "8 612 34567",
        f"delivery_{shop['krakes'].id}": "pickup",
        f"delivery_{shop['pagiriai'].id}": "omniva",
        f"locker_{shop['pagiriai'].id}": "Kėdainių Maxima",
        "payment_method": "bank_transfer",
        "accept_terms": "y",
        "accept_privacy": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def orders_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Order.id))) or 0


def fill_cart(client: FlaskClient, shop: dict[str, Any]) -> None:
    add(client, shop["star"], shop["star"].variants[1], 2)
    add(client, shop["card"], shop["card"].variants[0], 3)


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


def gift_label(html: str, variant: Variant) -> str:
    match = re.search(rf'<label for="gift_{variant.id}">([^<]*)</label>', html)
    assert match, f"no gift message field for variant {variant.id}"
    return match.group(1)


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


def test_delivery_chosen_for_one_parcel_is_offered_first_for_the_others(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    token = csrf_token(client, "/krepselis")
    client.post(
        "/krepselis",
        data={"csrf_token": token, f"delivery_{shop['krakes'].id}": "omniva", "action": "update"},
    )
    html = client.get("/krepselis").get_data(as_text=True)
    assert html.count('value="omniva" checked') == 2


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
    assert 'value="Kėdainių Maxima"' in html
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
    assert "Omniva paštomatas: Kėdainių Maxima" in page  # the other parcel, to a locker
    assert "pirkėjo adres" not in page and "Atsiėmimas" not in page
    mail = mails_to("rasa@example.com")[0]  # "order received"
    for body in (mail.text_body, mail.html_body):
        assert where in body and "Omniva paštomatas: Kėdainių Maxima" in body
        assert "pirkėjo adres" not in body


def test_a_courier_parcel_without_an_address_is_refused_with_a_message(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    response = client.post(
        "/uzsakymas", data=checkout_data(client, shop, **{f"delivery_{shop['krakes'].id}": "courier"})
    )
    assert response.get_data(as_text=True).count("Reikia kurjeriui.") == 3
    assert orders_count() == 0


def test_a_locker_parcel_needs_its_locker(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    response = client.post(
        "/uzsakymas", data=checkout_data(client, shop, **{f"locker_{shop['pagiriai'].id}": ""})
    )
    assert "Nurodykite paštomatą (pavadinimą arba adresą)." in response.get_data(as_text=True)
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
    add(client, shop["card"], shop["card"].variants[0], 4)  # a new cart, then the back button
    again = client.post("/uzsakymas", data=old_form)
    assert again.headers["Location"] == first.headers["Location"]  # that form's order, shown again
    assert "4" in client.get("/krepselis").get_data(as_text=True)
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


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "1000000000", "", "1.5"])
def test_adding_a_silly_quantity_is_refused_with_a_message(client: FlaskClient, shop, quantity: str) -> None:
    html = add(client, shop["card"], shop["card"].variants[0], quantity).get_data(as_text=True)
    messages = ("Įveskite skaičių nuo 1 iki 999.", "Įveskite, kiek norite.", "Įveskite sveikąjį skaičių.")
    assert any(message in html for message in messages)
    assert "Jūsų krepšelis tuščias." in client.get("/krepselis").get_data(as_text=True)


def test_adding_more_than_the_stock_says_how_many_are_left(client: FlaskClient, shop) -> None:
    html = add(client, shop["star"], shop["star"].variants[1], 3).get_data(as_text=True)
    assert "Liko tik 2" in html
    add(client, shop["star"], shop["star"].variants[1], 2)
    html = add(client, shop["star"], shop["star"].variants[1], 1).get_data(as_text=True)
    assert "Liko tik 2 – visus likusius jau turite krepšelyje." in html


@pytest.mark.parametrize("variant_id", ["999999", "abc", "-1"])
def test_a_tampered_variant_is_refused(client: FlaskClient, shop, variant_id: str) -> None:
    token = csrf_token(client, "/produktai/zvaigzde")
    response = client.post(
        "/krepselis/prideti",
        data={"csrf_token": token, "variant_id": variant_id, "quantity": 1},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Jūsų krepšelis tuščias." in client.get("/krepselis").get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Įveskite sveikąjį skaičių."),
        ("-2", "Įveskite skaičių nuo 1 iki 999."),
        ("1000000000", "Įveskite skaičių nuo 1 iki 999."),
        ("6", "Liko tik 5."),
    ],
)
def test_changing_a_cart_quantity_to_nonsense_is_explained_and_kept(
    client: FlaskClient, shop, typed, message
) -> None:
    variant = shop["star"].variants[0]
    add(client, shop["star"], variant, 1)
    token = csrf_token(client, "/krepselis")
    response = client.post(
        "/krepselis", data={"csrf_token": token, f"qty_{variant.id}": typed, "action": "update"}
    )
    html = response.get_data(as_text=True)
    assert message in html and f'value="{typed}"' in html
    assert 'value="1"' in client.get("/krepselis").get_data(as_text=True)  # the cart itself is unchanged


def test_a_quantity_of_zero_or_remove_takes_the_line_out(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    star, card = shop["star"].variants[1], shop["card"].variants[0]
    token = csrf_token(client, "/krepselis")
    client.post("/krepselis", data={"csrf_token": token, f"qty_{star.id}": "0", f"qty_{card.id}": "3"})
    client.post("/krepselis", data={"csrf_token": token, "remove": str(card.id)})
    assert "Jūsų krepšelis tuščias." in client.get("/krepselis").get_data(as_text=True)


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
        db.session.scalars(select(Variant.stock).where(Variant.id == shop["star"].variants[1].id)).one() == 2
    )
    again = client.post(
        location.split("?")[0] + "/atsaukti", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Šio užsakymo čia atšaukti nebegalima" in again.get_data(as_text=True)


@pytest.mark.parametrize("token", ["wrong", "x" * 500, "%00", "../../etc"])
def test_a_wrong_tracking_link_is_a_plain_404(client: FlaskClient, shop, token: str) -> None:
    response = client.get(f"/uzsakymai/{token}")
    assert response.status_code == (400 if token == "%00" else 404)
    form = {"csrf_token": csrf_token(client, "/produktai/zvaigzde")}
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


@pytest.mark.parametrize("variant_id", ["99999999999999999999", "2147483648"])
def test_adding_a_variant_id_too_large_for_the_database_is_refused(
    client: FlaskClient, shop, variant_id
) -> None:
    token = csrf_token(client, "/produktai/zvaigzde")
    response = client.post(
        "/krepselis/prideti",
        data={"csrf_token": token, "variant_id": variant_id, "quantity": 1},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Šis gaminys nebeparduodamas." in response.get_data(as_text=True)


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
    token = csrf_token(client, "/produktai/zvaigzde")
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


def test_enter_in_a_quantity_box_updates_the_cart_rather_than_removing_a_line(
    client: FlaskClient, shop
) -> None:
    """Browsers submit with a form's first button on Enter: it must be "update", never "remove"."""
    fill_cart(client, shop)
    html = client.get("/krepselis").get_data(as_text=True)
    form = html[html.index('class="cart-form"') :]
    assert form.index('name="action" value="update"') < form.index('name="remove"')


def test_confirming_a_transfer_for_an_order_that_does_not_exist_is_a_404(client: FlaskClient, shop) -> None:
    make_user(email="staff@example.org", is_staff=True)
    login_as(client, "staff@example.org")
    token = csrf_token(client, "/produktai/zvaigzde")
    response = client.post(
        "/backoffice/orders/999999/confirm-transfer", data={"csrf_token": token, "o999999-amount": "5"}
    )
    assert response.status_code == 404
