"""Said before the order: the product page, the cart and the checkout name the lines that cannot be
returned (made to order; a card with a gift message written into it), and no other."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from legal.models import LegalPageKind
from shop.db import db
from shop.models import OutboxMessage
from tests.factories.legal import make_legal_pages, publish_version
from tests.factories.orders import OMNIVA, make_buyer, make_order
from tests.orders.checkout.helpers import add

MADE = "Not returnable: made to order"
CARD = "Not returnable once a gift message is written into it"


def test_the_product_pages_say_which_items_cannot_be_returned(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    client.get("/?lang=en")
    for variant, words in ((shop["basket"], MADE), (shop["card"], CARD)):
        assert words in client.get(f"/produktai/{variant.product.slug}").get_data(as_text=True)
    star = client.get(f"/produktai/{shop['star'].product.slug}").get_data(as_text=True)
    assert "Not returnable" not in star


def test_the_cart_and_the_checkout_say_it_again_by_the_line(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    client.get("/?lang=en")
    for name in ("basket", "card", "star"):
        add(client, shop[name].product, shop[name])
    for url in ("/krepselis", "/uzsakymas"):
        page = client.get(url).get_data(as_text=True)
        assert page.count(MADE) == 1 and page.count(CARD) == 1, url


def test_the_notes_are_in_lithuanian_by_default(client: FlaskClient, shop: dict[str, Any]) -> None:
    page = client.get(f"/produktai/{shop['basket'].product.slug}").get_data(as_text=True)
    assert "Negrąžinama: gaminama pagal užsakymą" in page


def _placed_mail(order: Any) -> OutboxMessage:
    db.session.rollback()
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedup_key == f"order-placed:{order.id}")
    ).one()


def test_the_order_placed_mail_carries_the_withdrawal_information_the_model_form_and_the_guarantee(
    shop: dict[str, Any],
) -> None:
    order = make_order(
        [(shop["star"], 1), (shop["basket"], 1), (shop["card"], 1, "Su meile")], delivery=OMNIVA
    )
    mail = _placed_mail(order)
    for body in (mail.text_body, mail.html_body):
        assert "teisė atsisakyti sutarties" in body.lower()
        assert "Pavyzdinė sutarties atsisakymo forma".upper() in body.upper()
        assert "Aš / Mes (*) pranešu (-ame) (*), kad atsisakau (-ome) (*)" in body
        assert "2 metus" in body and "civilinį kodeksą" in body
        assert "Pintas krepšys: negrąžinama, gaminama užsakius" in body
        assert "Atvirukas: negrąžinama, personalizuota" in body
        assert "Šiaudinė žvaigždė: negrąžinama" not in body
        assert f"/uzsakymai/{order.public_token}" in body


def test_an_english_customer_reads_the_model_form_in_english(shop: dict[str, Any]) -> None:
    order = make_order([(shop["star"], 1)], delivery=OMNIVA, buyer=make_buyer(language="en"))
    mail = _placed_mail(order)
    assert "MODEL WITHDRAWAL FORM" in mail.text_body
    assert "I/We (*) hereby give notice that I/We (*) withdraw from my/our (*) contract" in mail.text_body
    assert "Every item of this order may be returned." in mail.text_body
    assert "LEGAL GUARANTEE (2 YEARS)" in mail.text_body


def test_the_order_mails_link_the_model_form_in_force_and_the_delivery_and_returns_page(
    shop: dict[str, Any], clock: Any
) -> None:
    make_legal_pages()
    clock.shift(timedelta(days=3))
    publish_version(LegalPageKind.WITHDRAWAL_FORM, body_lt="<p>Nauja forma</p>")
    order = make_order([(shop["star"], 1)], delivery=OMNIVA)
    mail = _placed_mail(order)
    form_url = "http://shop.test/sutarties-atsisakymo-forma/v2?lang=lt"
    returns_url = "http://shop.test/pristatymas-ir-grazinimas?lang=lt"
    assert "Pavyzdinė sutarties atsisakymo forma (žemiau) yra ir mūsų svetainėje, " in mail.text_body
    assert f"versija Nr. 2:\n{form_url}" in mail.text_body
    assert f"Kaip vyksta pristatymas ir grąžinimas:\n{returns_url}" in mail.text_body
    assert f'href="{form_url}"' in mail.html_body and f'href="{returns_url}"' in mail.html_body
    # The form itself stays in the mail (a durable medium), not only behind the link.
    assert "Aš / Mes (*) pranešu (-ame) (*), kad atsisakau (-ome) (*)" in mail.text_body


def test_an_english_customers_mail_links_the_pages_in_english(shop: dict[str, Any]) -> None:
    make_legal_pages()
    order = make_order([(shop["star"], 1)], delivery=OMNIVA, buyer=make_buyer(language="en"))
    mail = _placed_mail(order)
    assert "The model withdrawal form (below) is also on our website, version 1 of " in mail.text_body
    assert "http://shop.test/sutarties-atsisakymo-forma/v1?lang=en" in mail.text_body
    assert (
        "How delivery and returns work:\nhttp://shop.test/pristatymas-ir-grazinimas?lang=en" in mail.text_body
    )


def test_a_shop_without_its_legal_pages_mails_no_link_to_a_missing_page(shop: dict[str, Any]) -> None:
    order = make_order([(shop["star"], 1)], delivery=OMNIVA)
    mail = _placed_mail(order)
    assert "sutarties-atsisakymo-forma" not in mail.html_body + mail.text_body
    assert "pristatymas-ir-grazinimas" not in mail.html_body + mail.text_body
    assert "Pavyzdinė sutarties atsisakymo forma".upper() in mail.text_body
