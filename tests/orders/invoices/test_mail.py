"""The payment-confirmed mail carries each parcel's invoice as a PDF, read back from a real SMTP server;
a refund's mail carries its credit note."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import time_machine
from flask import Flask

from orders import refunds
from orders.models import OrderStatus
from tests.factories.orders import make_order
from tests.helpers import running
from tests.mail_server import free_port, shop_sending_to, smtp_server
from tests.orders.invoices.helpers import make_sellers, pdf_text

START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def attachments(mail: Any) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in mail.iter_attachments()}


def test_the_payment_mail_carries_each_parcels_invoice_and_a_refund_mail_its_credit_note(
    app: Flask, test_config: dict[str, Any]
) -> None:
    port = free_port()
    with (
        time_machine.travel(START, tick=True),
        smtp_server(port) as inbox,
        running(shop_sending_to(test_config, port)),
    ):
        sellers = make_sellers()
        order = make_order([(sellers.card, 2), (sellers.star, 1)], status=OrderStatus.PAID)
        refunds.cancel_fulfilment(order.fulfilments[1].id, reason="Sudužo", by=None)
        mails = inbox.to("rasa@example.com")

    placed, paid, refund = mails
    assert attachments(placed) == {}
    files = attachments(paid)
    assert sorted(files) == ["KRAK-2026-000001.pdf", "SLAP-2026-000001.pdf"]
    assert [part.get_content_type() for part in paid.iter_attachments()] == ["application/pdf"] * 2
    text = pdf_text(files["SLAP-2026-000001.pdf"])
    assert "Asociacija „Šlapaberžės bendruomenės centras“" in text and "Rasa Petraitienė" in text
    assert "PVM sąskaita faktūra" in pdf_text(files["KRAK-2026-000001.pdf"])
    [(name, credit)] = attachments(refund).items()
    assert name == "KRAK-2026-000002.pdf" and "KRAK-2026-000001" in pdf_text(credit)
