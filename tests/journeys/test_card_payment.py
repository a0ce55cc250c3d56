"""A customer pays by card in a real Chromium: the shop, Stripe's hosted page (the fake) and its webhook."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app import create_app
from shop.db import db
from shop.models import OutboxMessage
from tests.fake_stripe import FakeStripe
from tests.journeys.test_checkout import KRAKES, seed_fair
from tests.orders.payments.cards import WEBHOOK_SECRET, stripe_settings

pytestmark = pytest.mark.browser


@pytest.fixture
def card_fair(app: Flask, test_config: dict[str, Any]) -> Iterator[tuple[str, FakeStripe]]:
    """The shop with Stripe keys on loopback, and a fake Stripe that delivers its webhooks to it."""
    with FakeStripe() as fake:
        shop = create_app({**test_config, **stripe_settings(fake)})
        server = make_server("127.0.0.1", 0, shop, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        shop.config["SITE_URL"] = base  # Stripe sends the browser back to SITE_URL: here, this server
        fake.webhook_url, fake.webhook_secret = f"{base}/stripe/webhook", WEBHOOK_SECRET
        with shop.app_context():
            seed_fair()
            yield base, fake
            db.session.remove()
        server.shutdown()
        thread.join()
        with shop.app_context():
            db.engine.dispose()


def test_a_customer_pays_by_card_after_a_declined_card_and_sees_the_order_paid(
    card_fair: tuple[str, FakeStripe], page: Any
) -> None:
    shop, fake = card_fair
    page.goto(shop + "/produktai/lininis-vokas")
    page.get_by_role("button", name="Į krepšelį").click()
    page.goto(shop + "/uzsakymas")

    payment = page.get_by_role("group", name="Mokėjimas")
    expect(payment.get_by_role("radio", name=re.compile("Kortele"))).to_be_checked()  # cards come first
    page.get_by_label("Vardas ir pavardė").fill("Rasa Petraitienė")
    page.get_by_label("El. paštas").fill("rasa@example.com")
    page.get_by_label("Telefonas", exact=True).fill("8 612 34567")
    page.get_by_label("Perskaičiau pardavimo sąlygas").check()
    page.get_by_label("Sutinku, kad mano duomenys").check()
    page.get_by_role("button", name="Užsakyti ir apmokėti").click()

    # Stripe's hosted page: the first card is declined, the second one pays.
    page.wait_for_url(f"{fake.base}/pay/**")
    expect(page.get_by_role("heading", level=1)).to_contain_text("3.01 EUR")
    page.get_by_role("button", name="Decline card").click()
    expect(page.get_by_text("Your card was declined.")).to_be_visible()
    page.get_by_role("button", name="Pay").click()

    # Back in the shop: the webhook has arrived, the order is paid and its parcel is with the community.
    page.wait_for_url(re.compile(r"/uzsakymai/[^/?]+\?returned=1$"))
    expect(page.get_by_text(re.compile(r"Ačiū! Jūsų mokėjimas už KM-\d{4}-\d{6} gautas."))).to_be_visible()
    expect(page.locator(".order-status")).to_contain_text("Apmokėtas")
    expect(page.get_by_role("heading", name=f"Siuntinys iš: {KRAKES}")).to_have_count(0)
    expect(page.locator(".parcel-status")).to_have_text(["Apmokėtas; bendruomenė jį ruošia"])
    expect(page.locator(".pay-box")).to_have_count(0)
    assert [status for _, status in fake.webhook_deliveries] == [200, 200]

    # The confirmation mails left once Stripe had its answer.
    def statuses() -> set[str]:
        db.session.rollback()
        return {message.status.value for message in db.session.scalars(select(OutboxMessage))}

    for _ in range(100):
        if statuses() == {"sent"}:
            break
        time.sleep(0.1)
    rows = [
        (m.dedup_key, m.status.value, m.attempts, m.last_error)
        for m in db.session.scalars(select(OutboxMessage))
    ]
    assert statuses() == {"sent"}, (rows, fake.webhook_deliveries)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2  # customer, community
