"""The cart as a customer uses it, including everything typed wrong."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.factories.catalogue import make_product, make_variant
from tests.orders.checkout.helpers import add, fill_cart


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "1000000000", "", "1.5"])
def test_adding_a_silly_quantity_is_refused_with_a_message(client: FlaskClient, shop, quantity: str) -> None:
    html = add(client, shop["card"], shop["card"].variants[0], quantity).get_data(as_text=True)
    messages = ("Įveskite skaičių nuo 1 iki 20.", "Įveskite, kiek norite.", "Įveskite sveikąjį skaičių.")
    assert any(message in html for message in messages)
    assert "Jūsų krepšelis tuščias." in client.get("/krepselis").get_data(as_text=True)


def test_adding_more_than_the_stock_says_how_many_are_left(client: FlaskClient, shop) -> None:
    html = add(client, shop["star"], shop["star"].variants[1], 5).get_data(as_text=True)
    assert "Liko tik 4" in html


def test_adding_more_than_one_orders_share_of_the_stock_says_how_many_and_whom_to_ask(
    client: FlaskClient, shop
) -> None:
    big = shop["star"].variants[1]  # 4 in stock: one order may take half
    add(client, shop["star"], big, 2)
    html = add(client, shop["star"], big, 1).get_data(as_text=True)
    assert "Viename užsakyme gali būti ne daugiau kaip 2 vnt. šios prekės." in html
    vvg = "info@vvg.example.org, +370 347 51234"
    assert f"Didesnius užsakymus mielai priimame: susisiekite su VVG ({vvg})." in html
    assert "Šiaudinė žvaigždė" in client.get("/krepselis").get_data(as_text=True)  # the 2 stay


def test_one_line_holds_at_most_20_on_the_product_page_in_the_cart_and_at_the_checkout(
    client: FlaskClient, shop
) -> None:
    plenty = make_product(shop["krakes"], slug="daug", variants=[make_variant(stock=500)])
    assert 'name="quantity" type="number" inputmode="numeric" min="1" max="20"' in client.get(
        "/produktai/daug"
    ).get_data(as_text=True)
    assert "Įveskite skaičių nuo 1 iki 20." in add(client, plenty, plenty.variants[0], 21).get_data(
        as_text=True
    )

    add(client, plenty, plenty.variants[0], 15)
    html = add(client, plenty, plenty.variants[0], 10).get_data(as_text=True)
    assert "Viename užsakyme gali būti ne daugiau kaip 20 vnt. vienos prekės." in html
    assert 'value="15"' in client.get("/krepselis").get_data(as_text=True)


@pytest.mark.parametrize("variant_id", ["999999", "abc", "-1"])
def test_a_tampered_variant_is_refused(client: FlaskClient, shop, variant_id: str) -> None:
    response = client.post(
        "/krepselis/prideti",
        data={"variant_id": variant_id, "quantity": 1},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Jūsų krepšelis tuščias." in client.get("/krepselis").get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Įveskite sveikąjį skaičių."),
        ("-2", "Įveskite skaičių nuo 1 iki 20."),
        ("1000000000", "Įveskite skaičių nuo 1 iki 20."),
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


@pytest.mark.parametrize("variant_id", ["99999999999999999999", "2147483648"])
def test_adding_a_variant_id_too_large_for_the_database_is_refused(
    client: FlaskClient, shop, variant_id
) -> None:
    response = client.post(
        "/krepselis/prideti",
        data={"variant_id": variant_id, "quantity": 1},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Šis gaminys nebeparduodamas." in response.get_data(as_text=True)


def test_enter_in_a_quantity_box_updates_the_cart_rather_than_removing_a_line(
    client: FlaskClient, shop
) -> None:
    """Browsers submit with a form's first button on Enter: it must be "update", never "remove"."""
    fill_cart(client, shop)
    html = client.get("/krepselis").get_data(as_text=True)
    form = html[html.index('class="cart-form"') :]
    assert form.index('name="action" value="update"') < form.index('name="remove"')


def test_delivery_chosen_for_one_parcel_is_offered_first_for_the_others(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    token = csrf_token(client, "/krepselis")
    client.post(
        "/krepselis",
        data={"csrf_token": token, f"delivery_{shop['krakes'].id}": "omniva", "action": "update"},
    )
    html = client.get("/krepselis").get_data(as_text=True)
    assert html.count('value="omniva" checked') == 2


# Adding from a product card: no form token, but never from another site's page.


def cart_text(client: FlaskClient) -> str:
    return client.get("/krepselis").get_data(as_text=True)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},  # a sandboxed frame or a page that hides where it is
        {"Origin": "https://evil.example", "Referer": "http://localhost/katalogas"},
        {"Referer": "https://evil.example/dovanos"},
    ],
)
def test_adding_to_the_cart_from_another_sites_page_is_refused(
    client: FlaskClient, shop, headers: dict[str, str]
) -> None:
    card = shop["card"].variants[0]
    response = client.post("/krepselis/prideti", data={"variant_id": card.id, "quantity": 1}, headers=headers)
    assert response.status_code == 403
    assert "Šis puslapis ne jums" in response.get_data(as_text=True)  # the shop's own error page
    assert "Jūsų krepšelis tuščias." in cart_text(client)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://localhost"},
        {"Referer": "http://localhost/katalogas?page=2"},
        {},  # a browser told to send neither, or a script: a cart of its own
    ],
)
def test_a_product_cards_form_adds_to_the_cart_without_a_token_from_the_shops_own_pages(
    client: FlaskClient, shop, headers: dict[str, str]
) -> None:
    html = client.get("/katalogas").get_data(as_text=True)
    card = shop["card"].variants[0]
    form = html[html.index(f'name="variant_id" value="{card.id}"') - 300 :].split("</form>")[0]
    assert 'action="/krepselis/prideti"' in form and "csrf_token" not in form
    response = client.post(
        "/krepselis/prideti",
        data={"variant_id": card.id, "quantity": 1},
        headers=headers,
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "„Atvirukas“ – jūsų krepšelyje." in response.get_data(as_text=True)
    assert f'name="qty_{card.id}"' in cart_text(client)


def test_a_tokenless_addition_is_still_checked_for_its_variant_quantity_and_stock(
    client: FlaskClient, shop
) -> None:
    star = shop["star"].variants[1]  # 4 in stock
    for data, message in (
        ({"variant_id": "999999", "quantity": 1}, "Šis gaminys nebeparduodamas."),
        ({"variant_id": star.id, "quantity": 0}, "Įveskite skaičių nuo 1 iki 20."),
        ({"variant_id": star.id, "quantity": 5}, "Liko tik 4"),
    ):
        response = client.post("/krepselis/prideti", data=data, follow_redirects=True)
        assert message in response.get_data(as_text=True)
    assert "Jūsų krepšelis tuščias." in cart_text(client)
