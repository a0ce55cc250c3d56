"""The first terms and delivery & returns pages say what the right of withdrawal in the shop really does."""

from __future__ import annotations

import pytest

from legal.models import LegalPageKind
from tests.factories.legal import first_texts

PAGES = [LegalPageKind.TERMS, LegalPageKind.DELIVERY_RETURNS]


@pytest.mark.parametrize("kind", PAGES)
def test_the_pages_name_the_button_the_customer_presses_on_the_tracking_page(kind: LegalPageKind) -> None:
    _, _, body_lt, body_en = first_texts()[kind]
    assert "paspausti „Atsisakyti sutarties“" in body_lt
    assert "“Withdraw from contract” by the parcel on your order's page" in body_en


@pytest.mark.parametrize("kind", PAGES)
def test_the_pages_count_14_days_after_delivery_and_refund_the_fee_only_for_a_whole_parcel(
    kind: LegalPageKind,
) -> None:
    _, _, body_lt, body_en = first_texts()[kind]
    assert "iki 14-osios dienos po siuntinio pristatymo pabaigos" in body_lt
    assert "until the end of the 14th day after" in body_en and "the day of delivery not counted" in body_en
    assert "pristatymo kainą – kai atsisakote viso siuntinio" in body_lt
    assert "the delivery fee when you withdraw from the whole parcel" in body_en
    assert "standard delivery cost" not in body_en and "įprasto pristatymo kain" not in body_lt


@pytest.mark.parametrize("kind", PAGES)
def test_the_pages_exempt_made_to_order_items_and_personalised_cards(kind: LegalPageKind) -> None:
    _, _, body_lt, body_en = first_texts()[kind]
    assert "gaminamiems užsakius, ir personalizuotiems atvirukams" in body_lt
    assert "items made to order, nor to personalised greeting cards" in body_en
    assert "grąžinimo" in body_lt and "išlaidas apmokate jūs" in body_lt
    assert "is yours" in body_en
