"""A customer withdraws from the contract for a delivered parcel in two clicks, in a real Chromium, in
Lithuanian and in English, and is mailed the acknowledgement."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from orders.models import FulfilmentStatus
from orders.withdrawals.models import Withdrawal
from shop.db import db
from shop.models import OutboxMessage
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import OMNIVA, make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator

pytestmark = pytest.mark.browser

WORDS = {
    "lt": ("Atsisakyti sutarties", "Patvirtinti sutarties atsisakymą", "Jūsų sutarties atsisakymas gautas"),
    "en": (
        "Withdraw from contract",
        "Confirm the withdrawal",
        "Your withdrawal from the contract was received",
    ),
}


@pytest.mark.parametrize("language", ["lt", "en"])
def test_a_delivered_parcel_is_withdrawn_in_two_clicks(live_server: str, page: Any, language: str) -> None:
    make_operator()
    krakes = make_community(slug="krakes", name="Krakių bendruomenė", email="krakes@example.org")
    star = make_product(
        krakes, name_lt="Šiaudinė žvaigždė", name_en="Straw star", variants=[make_variant(price_cents=1005)]
    ).variants[0]
    order = make_order(
        [(star, 2)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA, buyer=make_buyer(language=language)
    )
    button, confirm, done = WORDS[language]

    page.goto(f"{live_server}/uzsakymai/{order.public_token}?lang={language}")
    page.get_by_role("link", name=button).click()  # click one
    expect(page.get_by_role("heading", level=1)).to_have_text(button)
    expect(page.get_by_text(order.number)).to_be_visible()
    expect(page.get_by_role("checkbox")).to_be_checked()
    page.get_by_role("button", name=confirm).click()  # click two

    expect(page.get_by_role("status")).to_contain_text(done)
    expect(page.get_by_role("link", name=button)).to_have_count(0)
    db.session.rollback()
    assert len(db.session.scalars(select(Withdrawal)).all()) == 1
    acknowledgement = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedup_key.like("withdrawal:%"))
    ).one()
    assert acknowledgement.recipient == "rasa@example.com"
    assert (
        "sutarties atsisakymą" if language == "lt" else "withdrawal from the contract"
    ) in acknowledgement.subject
