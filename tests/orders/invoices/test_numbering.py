"""Invoice numbers under load: twenty payments at once for one community's parcels take twenty numbers of
its series, each once, none skipped (PostgreSQL: the series' row is locked by the paying transaction)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from orders import lifecycle
from orders.invoices.models import Invoice
from orders.models import PaymentMethod
from shop.db import db
from tests.factories.orders import make_buyer, make_order
from tests.orders.invoices.helpers import make_sellers

PAYMENTS = 20


@pytest.mark.postgres_only
def test_twenty_payments_at_once_take_twenty_numbers_without_a_gap_or_a_repeat(
    app: Flask, is_postgres: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not is_postgres:
        pytest.skip("concurrency is tested on PostgreSQL (SQLite writes one transaction at a time)")
    monkeypatch.setitem(app.config, "OUTBOX_SEND_AFTER_COMMIT", False)  # the numbers, not the mails
    traveller = time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=UTC), tick=True)
    traveller.start()
    try:
        _pay_twenty_at_once(app)
    finally:
        traveller.stop()


def _pay_twenty_at_once(app: Flask) -> None:
    sellers = make_sellers()
    orders = [
        make_order(
            [(sellers.card, 1), (sellers.star, 1)],
            buyer=make_buyer(name=f"Pirkėjas {n}", email=f"p{n}@example.com"),
        )
        for n in range(PAYMENTS)
    ]
    to_pay = [(order.id, order.total_cents) for order in orders]
    db.session.remove()
    start = threading.Barrier(PAYMENTS)

    def pay(order: tuple[int, int]) -> None:
        with app.app_context():
            start.wait()
            lifecycle.mark_paid(order[0], amount_cents=order[1], method=PaymentMethod.BANK_TRANSFER, by=None)
            db.session.remove()

    with ThreadPoolExecutor(max_workers=PAYMENTS) as pool:
        list(pool.map(pay, to_pay))

    db.session.rollback()
    for prefix in ("SLAP", "KRAK"):
        numbers = db.session.scalars(
            select(Invoice.sequence).where(Invoice.series == f"{prefix}-2026").order_by(Invoice.sequence)
        ).all()
        assert list(numbers) == list(range(1, PAYMENTS + 1)), prefix
    assert db.session.scalar(select(Invoice.id).where(Invoice.order_id.is_(None))) is None
