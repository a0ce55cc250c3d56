"""The workspace speaks to the community: a delivery in the community's words (never the customer's "your
address"), and where each gift message goes, by what the parcel holds.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from shop.db import db
from shop.models import OutboxMessage
from tests.conftest import login_as
from tests.factories.catalogue import make_category, make_product
from tests.factories.orders import COURIER, OMNIVA, make_order
from tests.helpers import parcel_of
from tests.orders.workspace.helpers import AT_HOME, PAID, text


def test_a_courier_parcel_is_worded_for_the_community_never_as_the_customer_reads_it(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    order = make_order([(shop["star"], 1)], status=PAID, delivery=COURIER, buyer=AT_HOME)
    fulfilment = parcel_of(order, shop["krakes"])
    pages = (
        "/workspace/",  # the parcel to accept
        "/workspace/orders",
        f"/workspace/orders/{fulfilment.id}",
        f"/workspace/orders/{fulfilment.id}/slip",
        "/workspace/settings",  # the ways the community offers
    )
    for url in pages:
        html = text(member.get(url))
        assert "Kurjeriu pirkėjo adresu" in html, url
        assert "jūsų adres" not in html, url
    detail = text(member.get(f"/workspace/orders/{fulfilment.id}"))
    assert "Liepų g. 5" in detail and "LT-44001 Kaunas" in detail
    db.session.rollback()
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == shop["krakes"].email)
    ).one()  # "order paid: pack your parcel"
    for body in (told.text_body, told.html_body):
        assert "Kurjeriu pirkėjo adresu" in body and "jūsų adres" not in body


@pytest.mark.parametrize(
    "parcel",
    [
        pytest.param({"card": "Ranka įrašykite į atviruką"}, id="cards only"),
        pytest.param({"angel": "Ranka užrašykite ant lapelio ir įdėkite į siuntinį"}, id="ornaments only"),
        pytest.param(
            {
                "card": "Ranka įrašykite į atviruką",
                "angel": "Ranka užrašykite ant atskiro lapelio (ne į atviruką) ir įdėkite į siuntinį",
            },
            id="mixed",
        ),
    ],
)
def test_the_community_is_told_where_each_gift_message_goes(
    client: FlaskClient, shop: dict[str, Any], parcel: dict[str, str]
) -> None:
    cards, ornaments = make_category(holds_cards=True), make_category()
    goods = {
        "card": make_product(shop["krakes"], cards, name_lt="Atvirukas su sniegena").variants[0],
        "angel": make_product(shop["krakes"], ornaments, name_lt="Veltinio angelas").variants[0],
    }
    order = make_order(
        [(goods[kind], 1, f"Sveikinimas: {kind}") for kind in parcel], status=PAID, delivery=OMNIVA
    )
    fulfilment = parcel_of(order, shop["krakes"])
    login_as(client, shop["member"].email)
    detail = text(client.get(f"/workspace/orders/{fulfilment.id}"))
    slip = text(client.get(f"/workspace/orders/{fulfilment.id}/slip"))
    db.session.rollback()
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == shop["krakes"].email)
    ).one()  # "order paid: pack your parcel"
    for kind, instruction in parcel.items():
        message = f"“Sveikinimas: {kind}”"
        assert f'{instruction}:</p><p class="gift-text">{message}' in detail
        assert f"{instruction}: <strong>{message}</strong>" in slip
        assert f"{instruction}: {message}" in told.text_body and f"{instruction}: {message}" in told.html_body
    if "card" not in parcel:
        for page in (detail, slip, told.text_body):
            assert "į atviruką" not in page


# ------------------------------------------------------------------------------------------- moves
