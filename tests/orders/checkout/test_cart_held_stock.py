"""Stock held by others' unpaid orders: the cart says it is sold out for now, and when it may come back;
"your cart already holds what is left" only when the customer's own cart truly does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient

from catalogue.models import Variant
from orders.models import PaymentMethod
from tests.conftest import csrf_token
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import make_buyer, make_order
from tests.orders.checkout.helpers import add

PLACED = datetime(2031, 3, 10, 10, 0, tzinfo=UTC)  # its 24-hour hold ends 2031-03-11 12:00 in Vilnius
ALREADY_YOURS = "visus likusius jau turite krepšelyje"


def add_from_cart(client: FlaskClient, variant_id: int, quantity: int) -> str:
    """Add to the cart with no page to go back to: the answer is shown on the cart page."""
    response = client.post(
        "/krepselis/prideti",
        data={
            "variant_id": variant_id,
            "quantity": quantity,
        },
        follow_redirects=True,
    )
    assert response.status_code == 200 and response.request.path == "/krepselis"
    return response.get_data(as_text=True)


def hold_all(variant: Variant, payment_method: PaymentMethod = PaymentMethod.BANK_TRANSFER) -> None:
    """Other customers' unpaid orders take the whole stock of 4: each may take half of what is left."""
    for quantity, email in ((2, "kita@example.com"), (1, "kitas@example.com"), (1, "trecia@example.com")):
        make_order([(variant, quantity)], buyer=make_buyer(email=email), payment_method=payment_method)


@pytest.fixture
def travelled() -> Any:
    with time_machine.travel(PLACED, tick=False) as traveller:
        yield traveller


def test_stock_held_by_someone_elses_unpaid_transfer_is_sold_out_for_now_until_its_deadline(
    client: FlaskClient, shop: dict[str, Any], travelled: Any
) -> None:
    big = shop["star"].variants[1]  # 4 in stock; one order takes at most half
    hold_all(big)

    html = add_from_cart(client, big.id, 1)
    sold_out = "Šiuo metu išparduota: likutį laiko kitų neapmokėti užsakymai."
    assert f"{sold_out} Gali vėl atsirasti po 2031-03-11 12:00." in html
    assert ALREADY_YOURS not in html and "Liko tik 0" not in html
    assert "Jūsų krepšelis tuščias." in html

    client.get("/?lang=en")
    html = add_from_cart(client, big.id, 1)
    assert "Sold out for now: others&#39; unpaid orders hold what is left. It may be back after" in html


def test_stock_held_by_an_unpaid_card_order_is_sold_out_for_now_without_a_promised_time(
    client: FlaskClient, shop: dict[str, Any], travelled: Any
) -> None:
    big = shop["star"].variants[1]
    hold_all(big, payment_method=PaymentMethod.CARD)

    html = add_from_cart(client, big.id, 1)
    assert "Šiuo metu išparduota." in html
    assert "Gali vėl atsirasti" not in html and ALREADY_YOURS not in html


def test_a_cart_line_taken_by_someone_elses_order_says_sold_out_for_now(
    client: FlaskClient, shop: dict[str, Any], travelled: Any
) -> None:
    big = shop["star"].variants[1]
    add(client, shop["star"], big, 2)  # the customer's cart holds two; a cart reserves nothing
    hold_all(big)

    html = add_from_cart(client, big.id, 1)
    assert "Šiuo metu išparduota: likutį laiko kitų neapmokėti užsakymai." in html
    assert ALREADY_YOURS not in html
    line = html[html.index("Šiaudinė žvaigždė") :]
    assert "Šiuo metu išparduota." in line and "Liko tik 0" not in line  # the line itself says so too


def test_already_having_them_all_is_said_only_when_the_cart_holds_them_all(
    client: FlaskClient, shop: dict[str, Any], travelled: Any
) -> None:
    last = make_product(shop["krakes"], slug="paskutine", variants=[make_variant(stock=1)]).variants[0]
    small = shop["star"].variants[0]  # 5 in stock
    add(client, last.product, last, 1)
    html = add_from_cart(client, last.id, 1)
    assert "Liko tik 1 – visus likusius jau turite krepšelyje." in html

    add(client, shop["star"], small, 1)
    html = add_from_cart(client, small.id, 5)
    assert "Liko tik 5 – galite pridėti dar 4." in html and ALREADY_YOURS not in html


def test_changing_a_quantity_on_the_cart_page_when_others_hold_the_rest_says_when_it_may_be_back(
    client: FlaskClient, shop: dict[str, Any], travelled: Any
) -> None:
    big = shop["star"].variants[1]
    add(client, shop["star"], big, 1)
    hold_all(big)

    response = client.post(
        "/krepselis",
        data={"csrf_token": csrf_token(client, "/krepselis"), f"qty_{big.id}": "2", "action": "update"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Šiuo metu išparduota: likutį laiko kitų neapmokėti užsakymai." in html
    assert "Gali vėl atsirasti po 2031-03-11 12:00." in html and "Liko tik 0" not in html
