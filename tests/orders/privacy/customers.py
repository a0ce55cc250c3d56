"""A customer with everything filled in, and ways to look for her anywhere in the database (the privacy
tests share them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, String, Text, select

from orders import lifecycle, refunds, reports
from orders.models import Fulfilment, FulfilmentStatus, Order, PaymentMethod
from orders.payments.alerts import raise_alert, resolve_alert
from orders.payments.models import AlertKind
from orders.placing import Buyer, DeliveryChoice
from orders.reports import SalesFilter
from orders.withdrawals.models import Withdrawal
from orders.withdrawals.withdrawing import mark_return_received, refund_withdrawal, withdraw
from producers.models import DeliveryMethod
from shop.db import db, transaction
from shop.models import User
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import make_buyer, make_order, move_parcel
from tests.factories.producers import make_community

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  #: 11:00 in Vilnius, a Monday
#: When every parcel of a full order has closed: delivered on START's day, 14 whole days to return it.
AFTER_RETURNS = START + timedelta(days=16)

RASA = make_buyer(
    name="Rasa Petraitienė",
    email="Rasa.Petraitiene@example.com",
    phone="+37061234567",
    language="lt",
    address_line="Vyšnių takas 99-12",
    city="Vilkapjūdžiai",
    postal_code="LT-99999",
    notes="Skambinkite prieš atvežant, vartai žali",
)
GIFT = "Mylimai mamai nuo dukros"
JONAS = make_buyer(
    name="Jonas Kazlauskas",
    email="jonas.kazlauskas@example.com",
    phone="+37069876543",
    language="en",
    address_line="Beržų alėja 7",
    city="Pelėdnagiai",
    postal_code="LT-58123",
    notes="Palikite pas kaimyną",
)
#: What names Rasa, as the checkout stored it and as people write it.
RASA_TRACES = (
    "Rasa Petraitienė",
    "Petraitienė",
    "rasa.petraitiene@example.com",
    "+37061234567",
    "+370 612 34567",
    "8 612 34567",
    "Vyšnių takas 99-12",
    "Vilkapjūdžiai",
    "LT-99999",
    "Skambinkite prieš atvežant",
    GIFT,
)
JONAS_TRACES = (
    "Jonas Kazlauskas",
    "jonas.kazlauskas@example.com",
    "+37069876543",
    "Beržų alėja 7",
    "Pelėdnagiai",
    "Palikite pas kaimyną",
)


def full_order(buyer: Buyer = RASA, *, staff: User, gift: str | None = None) -> Order:
    """An order with every field a customer fills in, and every kind of row an order gathers, all closed by
    AFTER_RETURNS: two communities' parcels — a courier's (with a gift message) shipped and delivered on
    START's day, a parcel locker's cancelled after the payment with a reason naming the customer and its
    money sent back; paid by a transfer whose reference names her; a dispute raised and settled. Staff did
    it all, so the audit log holds their words too."""
    if gift is None:
        gift = GIFT if buyer == RASA else "Linksmų švenčių, sese!"
    first, second = make_community(), make_community()
    card = make_product(first, variants=[make_variant(price_cents=350, stock=9)]).variants[0]
    star = make_product(second, variants=[make_variant(price_cents=1200, stock=9)]).variants[0]
    order = make_order(
        [(card, 2, gift), (star, 1)],
        buyer=buyer,
        deliveries={
            first.id: DeliveryChoice(DeliveryMethod.COURIER),
            second.id: DeliveryChoice(DeliveryMethod.OMNIVA, locker="Kėdainių Maxima"),
        },
    )
    order_id = order.id
    total = db.session.get_one(Order, order_id).total_cents
    lifecycle.mark_paid(
        order_id,
        amount_cents=total,
        method=PaymentMethod.BANK_TRANSFER,
        reference=f"{buyer.name} už {order.number}",
        by=staff,
    )
    courier, locker = (
        db.session.scalars(
            select(Fulfilment.id).where(Fulfilment.order_id == order_id).order_by(Fulfilment.id)
        )
    ).all()
    move_parcel(courier, FulfilmentStatus.DELIVERED, by=staff, carrier="DPD", tracking_number="DPD123")
    refund = refunds.cancel_fulfilment(
        locker, reason=f"{buyer.name} paprašė atšaukti (tel. {buyer.phone})", by=staff
    )
    assert refund is not None
    refunds.mark_bank_refund_sent(refund.id, by=staff)
    with transaction():
        raise_alert(db.session.get_one(Order, order_id), AlertKind.DISPUTE, 350, f"ginčas: {buyer.email}")
    alert_id = db.session.get_one(Order, order_id).payment_alerts[0].id
    resolve_alert(alert_id, by=staff)
    return db.session.get_one(Order, order_id)


def texts_in_database() -> Iterator[tuple[str, str]]:
    """Every text the database holds, anywhere: (table.column, text) for every string, text and JSON column
    of every table (JSON as the text of its values)."""
    db.session.rollback()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                text = json.dumps(value, ensure_ascii=False) if isinstance(column.type, JSON) else str(value)
                yield f"{table.name}.{column.name}", text


#: Issued invoices and credit notes name their buyer and are accounting records the law keeps (Lithuanian
#: accounting law: ACCOUNTING_RETENTION_YEARS); erasure leaves them as issued, and only the retention job
#: clears their buyer once those years are over.
ACCOUNTING_RECORDS = ("invoices.", "invoice_lines.")


def found(traces: tuple[str, ...], *, accounting_kept: bool = True) -> list[tuple[str, str]]:
    """Where any of `traces` (in any case) is still written: (table.column, the trace). While
    `accounting_kept`, outside the accounting records the law keeps; once their years are over, anywhere."""
    wanted = [trace.casefold() for trace in traces]
    skipped = ACCOUNTING_RECORDS if accounting_kept else ()
    return [
        (where, trace)
        for where, text in texts_in_database()
        if not where.startswith(skipped)
        for trace in wanted
        if trace in text.casefold()
    ]


def sales_of_the_year() -> reports.Totals:
    """The sales report's totals for START's year, as the dashboard and the CSV have them."""
    return reports.sales_totals(
        SalesFilter(START.date().replace(month=1, day=1), START.date().replace(month=12, day=31))
    )


def withdraw_from_delivered_parcel(order: Order, *, staff: User) -> Withdrawal:
    """The customer withdraws from the delivered (courier) parcel of a `full_order` on its day of delivery;
    the items come back and staff refund them: a withdrawal with every field filled."""
    courier = min(order.fulfilments, key=lambda f: f.id)
    withdrawal = withdraw(courier.id, [line.id for line in courier.lines], order_id=order.id).withdrawal
    mark_return_received(withdrawal.id, by=staff)
    return refund_withdrawal(withdrawal.id, by=staff)
