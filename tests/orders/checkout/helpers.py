"""What the cart, checkout and tracking tests share: adding to the cart, the checkout's fields, counting."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from catalogue.models import Product, Variant
from orders.models import Order
from shop.db import db
from tests.conftest import CSRF_FIELD


def add(client: FlaskClient, product: Product, variant: Variant, quantity: Any = 1) -> Any:
    client.get(f"/produktai/{product.slug}")  # the page the customer adds it from
    return client.post(
        "/krepselis/prideti",
        data={"variant_id": variant.id, "quantity": quantity},
        headers={"Referer": f"http://localhost/produktai/{product.slug}"},
        follow_redirects=True,
    )


TERMS_FIELD = re.compile(r'name="terms_version" type="hidden" value="([0-9]*)"')


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
        f"locker_{shop['pagiriai'].id}": str(shop["locker"].id),
        "payment_method": "bank_transfer",
        "accept_terms": "y",
        "accept_privacy": "y",
    }
    shown = TERMS_FIELD.search(html)  # the version of the terms the page shows, when the shop has terms
    if shown:
        data["terms_version"] = shown.group(1)
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def orders_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Order.id))) or 0


def fill_cart(client: FlaskClient, shop: dict[str, Any]) -> None:
    add(client, shop["star"], shop["star"].variants[1], 2)
    add(client, shop["card"], shop["card"].variants[0], 3)


def gift_label(html: str, variant: Variant) -> str:
    match = re.search(rf'<label for="gift_{variant.id}">([^<]*)</label>', html)
    assert match, f"no gift message field for variant {variant.id}"
    return match.group(1)


def chosen_locker(html: str, community: Any) -> str | None:
    """The locker the page's select holds chosen for a community's parcel (its value), or None."""
    select = re.search(rf'<select id="locker_{community.id}".*?</select>', html, re.S)
    assert select, f"no locker select for community {community.id}"
    chosen = re.search(r'<option value="([^"]*)"[^>]*\sselected>', select.group(0))
    return chosen.group(1) if chosen else None
