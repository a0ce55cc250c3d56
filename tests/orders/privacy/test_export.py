"""The copy of a customer's data holds every piece the shop keeps about her, and nobody else's."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, select
from sqlalchemy.orm import DeclarativeBase

from orders.invoices.models import Invoice, InvoiceLine
from orders.models import Fulfilment, FulfilmentEvent, Order, OrderLine, Payment, Refund
from orders.payments.models import PaymentAlert
from orders.privacy import asking, export
from orders.privacy.models import PrivacyRequest
from orders.withdrawals.models import Withdrawal
from shop.db import db
from shop.models import OutboxMessage, User
from tests.factories.orders import make_order
from tests.orders.privacy.customers import (
    JONAS,
    JONAS_TRACES,
    RASA,
    RASA_TRACES,
    full_order,
    withdraw_from_delivered_parcel,
)

#: Columns that say nothing about the customer: ids, keys against double clicks, the HTML copy of a mail
#: (its text is there), why a mail or a refund had to be retried, the sender's bookkeeping.
NOT_HERS = {
    "orders.idempotency_key",
    "orders.anonymised_at",
    "refunds.idempotency_key",
    "refunds.last_error",
    "refunds.created_by_id",
    "outbox_messages.dedup_key",
    "outbox_messages.html_body",
    "outbox_messages.last_error",
    "outbox_messages.attempts",
    "outbox_messages.next_attempt_at",
    "outbox_messages.claimed_at",
    "fulfilments.reminded_at",
    "payment_alerts.resolved_by_id",
    "payments.confirmed_by_id",
    "fulfilment_events.actor_id",
}


def in_json(value: Any) -> str:
    """How a stored value is written in the copy."""
    if isinstance(value, datetime | date):  # a moment, or a day (a parcel's promised days)
        return value.isoformat()
    if hasattr(value, "value"):
        return str(value.value)
    return json.dumps(value, ensure_ascii=False).strip('"')


def stored_values(model: type[DeclarativeBase], *where: Any) -> list[tuple[str, str]]:
    """(table.column, value as the copy writes it) of every filled column of these rows that tells
    something about the customer: not ids, not yes/no flags, not the columns in NOT_HERS."""
    table = model.__table__  # type: ignore[attr-defined]
    columns = [
        c
        for c in table.columns
        if not c.primary_key
        and not c.foreign_keys
        and not isinstance(c.type, Boolean)
        and f"{table.name}.{c.name}" not in NOT_HERS
    ]
    values = []
    for row in db.session.execute(select(*columns).where(*where)):
        for column, value in zip(columns, row, strict=True):
            if value not in (None, ""):
                values.append((f"{table.name}.{column.name}", in_json(value)))
    return values


def test_the_copy_holds_every_piece_of_the_customers_data(staff: User) -> None:
    first = full_order(RASA, staff=staff)
    withdrawn = withdraw_from_delivered_parcel(first, staff=staff)
    second = make_order(buyer=RASA)  # a second order, still waiting for its transfer
    full_order(JONAS, staff=staff)
    asking.request_link("  rasa.petraitiene@EXAMPLE.com", language="lt")
    request_id = db.session.scalars(select(PrivacyRequest.id)).one()

    copy = export.export_request(request_id)
    text = export.to_json(copy)

    orders = [first.id, second.id]
    parcels = select(Fulfilment.id).where(Fulfilment.order_id.in_(orders))
    hers = [
        *stored_values(Order, Order.id.in_(orders)),
        *stored_values(Fulfilment, Fulfilment.order_id.in_(orders)),
        *stored_values(OrderLine, OrderLine.fulfilment_id.in_(parcels)),
        *stored_values(FulfilmentEvent, FulfilmentEvent.fulfilment_id.in_(parcels)),
        *stored_values(Payment, Payment.order_id.in_(orders)),
        *stored_values(Refund, Refund.order_id.in_(orders)),
        *stored_values(PaymentAlert, PaymentAlert.order_id.in_(orders)),
        *stored_values(Withdrawal, Withdrawal.order_id.in_(orders)),
        *stored_values(OutboxMessage, OutboxMessage.recipient.ilike(RASA.email)),
        *stored_values(Invoice, Invoice.order_id.in_(orders)),
        *stored_values(
            InvoiceLine, InvoiceLine.invoice_id.in_(select(Invoice.id).where(Invoice.order_id.in_(orders)))
        ),
    ]
    missing = [(where, value) for where, value in hers if value not in text]
    assert not missing, missing
    assert len(hers) > 120  # every kind of row is there to be looked for
    assert all(
        trace in text for trace in ("Rasa Petraitienė", "Vyšnių takas 99-12", "Mylimai mamai nuo dukros")
    )
    assert [o["number"] for o in copy["orders"]] == [first.number, second.number]
    assert {m["subject"] for m in copy["mails"]} >= {"Jūsų duomenys Kaimo mugėje"}  # the link she asked for
    assert copy["privacy_requests"][0]["channel"] == "web"
    assert copy["card_numbers"].startswith("never held")
    invoices = copy["orders"][0]["invoices"]
    # The second parcel cancelled, the first withdrawn from and refunded: a credit note for each.
    assert [i["kind"] for i in invoices] == ["invoice", "invoice", "credit_note", "credit_note"]
    assert {i["corrects_invoice"] for i in invoices[2:]} == {invoices[0]["number"], invoices[1]["number"]}
    assert invoices[0]["buyer"]["name"] == "Rasa Petraitienė"
    assert invoices[0]["lines"][0]["quantity"] == 2 and invoices[0]["total_cents"] > 0
    assert {i["kept_until"] for i in invoices} == {"2036-12-31"}
    assert "erasure leaves them as issued" in copy["accounting_records"]
    assert copy["orders"][1]["invoices"] == []  # not paid: nothing invoiced
    (withdrawal,) = copy["orders"][0]["parcels"][0]["withdrawals"]
    assert withdrawal["withdrawn_at"] == withdrawn.created_at.isoformat()
    assert [(line["sku"], line["quantity"]) for line in withdrawal["lines"]] == [
        (line.sku, 2) for line in first.fulfilments[0].lines
    ]
    assert withdrawal["status"] == "refunded" and withdrawal["returned_at"] is not None
    assert withdrawal["refund"]["method"] == "bank_transfer"
    assert withdrawal["refund"]["amount_cents"] == withdrawn.goods_cents + withdrawn.delivery_cents > 0
    assert copy["orders"][0]["parcels"][1]["withdrawals"] == []


def test_the_copy_holds_nobody_elses_orders_or_mails(staff: User) -> None:
    full_order(RASA, staff=staff)
    full_order(JONAS, staff=staff)

    text = export.to_json(export.personal_data(RASA.email))

    assert not [trace for trace in JONAS_TRACES if trace.casefold() in text.casefold()]
    assert all(trace.casefold() in text.casefold() for trace in RASA_TRACES[:4])


def test_an_address_with_no_orders_has_an_empty_copy(staff: User) -> None:
    full_order(RASA, staff=staff)

    copy = export.personal_data("nobody@example.com")

    assert copy["orders"] == [] and copy["mails"] == []
