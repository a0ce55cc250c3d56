"""Invoices as the law wants them: one per paid parcel in its community's name, numbered without gaps per
community and year, VAT worked out per line, a credit note for each refund, the VVG's commission invoices
equal to its statements' commission, and nothing issued ever changing afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from catalogue.models import Sale, Variant
from orders import lifecycle, refunds
from orders.errors import CommissionMonthNotOver
from orders.invoices.issuing import (
    LineDraft,
    issue_commission_invoices,
    list_commission_invoices,
    priced_lines,
)
from orders.invoices.models import Invoice, InvoiceKind, vat_inside
from orders.invoices.pdf import render_invoice_pdf
from orders.models import FulfilmentStatus, OrderStatus, PaymentMethod
from orders.payouts.paying import approve_payout
from orders.payouts.statements import generate_payouts
from shop.db import db, transaction
from shop.money import format_cents
from tests.factories.orders import COURIER, OMNIVA, make_buyer, make_order
from tests.helpers import fresh, parcel_of
from tests.orders.invoices.helpers import make_sellers, pdf_text

START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def invoices(kind: InvoiceKind | None = None) -> list[Invoice]:
    db.session.rollback()
    query = select(Invoice).order_by(Invoice.id)
    if kind is not None:
        query = query.where(Invoice.kind == kind)
    return list(db.session.scalars(query))


def money(cents: int) -> str:
    """An amount as the Lithuanian invoice prints it (spaces folded as `pdf_text` folds them)."""
    return " ".join(format_cents(cents, "lt").split())


# ---------------------------------------------------------------------------------------------- VAT


@pytest.mark.parametrize(
    ("total", "vat"),
    [(1210, 210), (100, 17), (450, 78), (-450, -78), (299, 52), (650, 113), (3, 1), (2, 0), (0, 0)],
)
def test_the_vat_inside_an_amount_is_rounded_half_up_to_the_cent(total: int, vat: int) -> None:
    assert vat_inside(total, 2100) == vat


def test_vat_is_rounded_on_each_line_so_the_lines_add_up_to_the_invoice() -> None:
    lines = priced_lines([LineDraft(f"Atvirukas {n}", 1, 100) for n in range(3)], 2100)

    assert [line.vat_cents for line in lines] == [17, 17, 17]
    assert sum(line.vat_cents for line in lines) == 51  # rounding the 3,00 € total once would give 52
    assert all(line.net_cents + line.vat_cents == line.total_cents == 100 for line in lines)


# ---------------------------------------------------------------------------------------------- parcels


def test_a_paid_parcel_of_a_community_that_is_not_a_vat_payer_gets_an_invoice_without_vat(
    app: Flask, clock: time_machine.Traveller
) -> None:
    sellers = make_sellers()
    buyer = make_buyer(address_line="Liepų g. 3-4", city="Kėdainiai", postal_code="LT-57101")
    order = make_order([(sellers.card, 2)], status=OrderStatus.PAID, buyer=buyer, delivery=COURIER)

    [invoice] = invoices()
    assert (invoice.kind, invoice.number, invoice.is_vat_invoice) == (
        InvoiceKind.INVOICE,
        "SLAP-2026-000001",
        False,
    )
    assert (invoice.net_cents, invoice.vat_cents, invoice.total_cents) == (1499, 0, 1499)
    text = pdf_text(render_invoice_pdf(invoice))

    assert "Sąskaita faktūra" in text and "PVM sąskaita" not in text
    assert "SLAP-2026-000001" in text and order.number in text and "2026-11-20" in text
    assert "Asociacija „Šlapaberžės bendruomenės centras“" in text and "302173840" in text
    assert "Parko g. 5, Šlapaberžė" in text
    assert "Rasa Petraitienė" in text and "Liepų g. 3-4, LT-57101 Kėdainiai" in text
    assert "Quilling atvirukas „Žiemos žvaigždė“" in text and "SLAP-Q1" in text
    assert f"2 {money(450)} {money(900)}" in text
    # the seller's document: the buyer's address, not "your" (the community keeps it in its books too)
    assert f"Pristatymas: Kurjeriu pirkėjo adresu 1 {money(599)} {money(599)}" in text
    assert f"Iš viso mokėti {money(1499)}" in text
    assert "PVM netaikomas" in text
    assert "Kėdainių rajono vietos veiklos grupė" in text and "300619429" in text  # the marketplace operator
    assert "banko pavedimu" in text


def test_a_vat_payers_parcel_gets_a_vat_invoice_with_vat_on_every_line_the_delivery_fee_too(
    app: Flask, clock: time_machine.Traveller
) -> None:
    sellers = make_sellers()
    make_order([(sellers.star, 2)], status=OrderStatus.PAID, delivery=OMNIVA)

    [invoice] = invoices()
    goods, delivery = invoice.lines
    assert (goods.total_cents, goods.vat_cents, goods.net_cents, goods.vat_rate_bp) == (650, 113, 537, 2100)
    assert (delivery.total_cents, delivery.vat_cents, delivery.net_cents) == (299, 52, 247)
    assert (invoice.net_cents, invoice.vat_cents, invoice.total_cents) == (784, 165, 949)
    text = pdf_text(render_invoice_pdf(invoice))

    assert "PVM sąskaita faktūra" in text and "KRAK-2026-000001" in text
    assert "Krakių bendruomenės centras" in text and "LT100004567810" in text
    assert "PVM netaikomas" not in text
    assert f"Šiaudinė žvaigždė KR-S1 2 {money(269)} {money(537)} {money(113)} {money(650)}" in text
    assert money(784) in text and money(165) in text and f"Iš viso mokėti {money(949)}" in text


def test_a_line_bought_on_sale_is_invoiced_at_the_price_charged_even_when_paid_after_the_sale(
    app: Flask, clock: time_machine.Traveller
) -> None:
    sellers = make_sellers()
    with transaction():  # the star (3,25 €) at 2,60 € from yesterday until tomorrow
        star = db.session.get_one(Variant, sellers.star.id)
        star.set_prices(325, Sale(260, START - timedelta(days=1), START + timedelta(days=1)), by=None)
    order = make_order([(sellers.star, 2)], status=OrderStatus.PENDING_PAYMENT, delivery=OMNIVA)
    clock.move_to(START + timedelta(days=3))  # the sale is over when the bank transfer arrives

    lifecycle.mark_paid(order.id, amount_cents=order.total_cents, method=PaymentMethod.BANK_TRANSFER, by=None)

    [invoice] = invoices()
    goods, _delivery = invoice.lines
    assert (goods.quantity, goods.unit_price_cents, goods.total_cents) == (2, 260, 520)
    assert (goods.vat_cents, goods.net_cents) == (vat_inside(520, 2100), 520 - vat_inside(520, 2100))
    assert invoice.total_cents == order.total_cents == 520 + 299
    text = pdf_text(render_invoice_pdf(invoice))
    assert f"Šiaudinė žvaigždė KR-S1 2 {money(215)} {money(430)} {money(90)} {money(520)}" in text
    assert money(650) not in text and money(269) not in text  # never the regular 2 × 3,25 €


def test_each_community_numbers_its_own_invoices_without_gaps_and_starts_again_each_year(
    app: Flask,
) -> None:
    with time_machine.travel(datetime(2026, 12, 31, 21, 30, tzinfo=UTC), tick=False):  # 23:30 in Vilnius
        sellers = make_sellers()
        make_order([(sellers.card, 1)], status=OrderStatus.PAID)
        make_order([(sellers.card, 1), (sellers.star, 1)], status=OrderStatus.PAID)
        make_order([(sellers.card, 1)])  # not paid: no invoice, no number
    with time_machine.travel(datetime(2026, 12, 31, 22, 30, tzinfo=UTC), tick=False):  # 00:30, 1 January
        make_order([(sellers.card, 1)], status=OrderStatus.PAID)
        make_order([(sellers.star, 1)], status=OrderStatus.PAID)

    assert [invoice.number for invoice in invoices()] == [
        "SLAP-2026-000001",
        "SLAP-2026-000002",
        "KRAK-2026-000001",
        "SLAP-2027-000001",
        "KRAK-2027-000001",
    ]


def test_an_issued_invoice_never_changes_when_the_community_or_the_product_does(
    app: Flask, clock: time_machine.Traveller
) -> None:
    sellers = make_sellers()
    make_order([(sellers.card, 1)], status=OrderStatus.PAID)
    with transaction():
        community = db.session.get_one(type(sellers.slapaberze), sellers.slapaberze.id)
        community.legal_name = "Naujas pavadinimas"
        community.address_line = "Kita g. 1"
        community.is_vat_payer = True
        product = sellers.card.product
        db.session.get_one(type(product), product.id).name_lt = "Kitas gaminys"

    [invoice] = invoices()
    text = pdf_text(render_invoice_pdf(invoice))
    assert "Asociacija „Šlapaberžės bendruomenės centras“" in text and "Parko g. 5" in text
    assert "Quilling atvirukas" in text and "PVM netaikomas" in text
    assert "Naujas pavadinimas" not in text and "Kitas gaminys" not in text


# ---------------------------------------------------------------------------------------------- credit notes


def test_a_cancelled_line_is_credited_from_the_same_series_naming_the_invoice_it_corrects(
    app: Flask, clock: time_machine.Traveller
) -> None:
    sellers = make_sellers()
    order = make_order([(sellers.card, 2), (sellers.star, 1)], status=OrderStatus.PAID)
    line = parcel_of(fresh(type(order), order.id), sellers.slapaberze).lines[0]

    refunds.cancel_line(line.id, reason="Išparduota", by=None)

    original, _krakes, credit = invoices()
    assert credit.kind is InvoiceKind.CREDIT_NOTE and credit.number == "SLAP-2026-000002"
    assert credit.credited_invoice_id == original.id and credit.community_id == sellers.slapaberze.id
    assert [(x.quantity, x.unit_price_cents, x.total_cents) for x in credit.lines] == [(-2, 450, -900)]
    assert credit.total_cents == -900
    text = pdf_text(render_invoice_pdf(credit))
    assert "Kreditinė sąskaita faktūra" in text and "SLAP-2026-000002" in text
    assert "SLAP-2026-000001" in text  # the invoice it corrects
    assert money(-900) in text and "Asociacija „Šlapaberžės bendruomenės centras“" in text


def test_a_cancelled_parcel_is_credited_in_full_with_its_vat_negative(
    app: Flask, clock: time_machine.Traveller
) -> None:
    sellers = make_sellers()
    make_order([(sellers.star, 2)], status=FulfilmentStatus.CANCELLED, delivery=OMNIVA)

    invoice, credit = invoices()
    assert credit.kind is InvoiceKind.CREDIT_NOTE and credit.number == "KRAK-2026-000002"
    assert (credit.net_cents, credit.vat_cents, credit.total_cents) == (-784, -165, -949)
    assert (invoice.net_cents, invoice.vat_cents, invoice.total_cents) == (784, 165, 949)
    assert "PVM kreditinė sąskaita faktūra" in pdf_text(render_invoice_pdf(credit))


def test_a_refund_of_a_sent_parcel_is_credited_as_the_amount_returned(
    app: Flask, clock: time_machine.Traveller
) -> None:
    sellers = make_sellers()
    order = make_order([(sellers.card, 2)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)

    refunds.refund_sent_parcel(
        order.fulfilments[0].id, goods_cents=300, delivery_cents=299, reason="Sulūžo kampas", by=None
    )

    _invoice, credit = invoices()
    assert [(x.description, x.quantity, x.total_cents) for x in credit.lines] == [
        ("Grąžinta už prekes: Sulūžo kampas", -1, -300),
        ("Pristatymas: Omniva paštomatas", -1, -299),
    ]
    assert credit.total_cents == -599


def test_a_parcel_paid_before_invoicing_began_gets_no_credit_note(
    app: Flask, clock: time_machine.Traveller
) -> None:
    sellers = make_sellers()
    order = make_order([(sellers.card, 1)], status=OrderStatus.PAID)
    with transaction():
        db.session.execute(Invoice.__table__.delete())

    refunds.cancel_fulfilment(order.fulfilments[0].id, reason="Sudužo", by=None)

    assert invoices() == []


# ---------------------------------------------------------------------------------------------- commission


def test_the_vvgs_commission_invoices_for_a_month_equal_its_approved_statements_commission(
    app: Flask,
) -> None:
    with time_machine.travel(datetime(2026, 10, 6, 9, 0, tzinfo=UTC), tick=False):
        sellers = make_sellers()
        make_order([(sellers.card, 3)], status=FulfilmentStatus.DELIVERED)  # 13,50 € @ 10 % → 1,35 €
        make_order([(sellers.card, 1), (sellers.star, 4)], status=FulfilmentStatus.DELIVERED)
    with time_machine.travel(datetime(2026, 11, 3, 9, 0, tzinfo=UTC), tick=False):
        statements = generate_payouts(date(2026, 10, 1), date(2026, 11, 1), by=None, hold=0)
        for payout in statements:
            if payout.community_id == sellers.slapaberze.id:
                approve_payout(payout.id, by=None)
        first = issue_commission_invoices(date(2026, 10, 1), by=None)  # Krakės' is still a draft
        for payout in statements:
            approve_payout(payout.id, by=None)
        second = issue_commission_invoices(date(2026, 10, 1), by=None)
        again = issue_commission_invoices(date(2026, 10, 1), by=None)
        with pytest.raises(CommissionMonthNotOver):
            issue_commission_invoices(date(2026, 11, 1), by=None)

    assert (first.issued, second.issued, again.issued) == (1, 1, 0)
    db.session.rollback()
    commission = {p.community_id: fresh(type(p), p.id).commission_cents for p in statements}
    made = list_commission_invoices(date(2026, 10, 1))
    assert [invoice.number for invoice in made] == ["VVG-2026-000001", "VVG-2026-000002"]
    assert {invoice.community_id: invoice.total_cents for invoice in made} == commission
    assert commission == {sellers.slapaberze.id: 180, sellers.krakes.id: 130}  # 10 % of 18,00 € and 13,00 €
    slapaberze = next(invoice for invoice in made if invoice.community_id == sellers.slapaberze.id)
    assert (slapaberze.kind, slapaberze.is_vat_invoice) == (InvoiceKind.COMMISSION, False)
    text = pdf_text(render_invoice_pdf(slapaberze))
    assert "VVG-2026-000001" in text and "Kėdainių rajono vietos veiklos grupė" in text
    assert "Asociacija „Šlapaberžės bendruomenės centras“" in text and "302173840" in text
    assert "Komisinis mokestis" in text and "2026-10-01–2026-10-31" in text.replace("– ", "–")
    assert f"Iš viso mokėti {money(180)}" in text and "PVM netaikomas" in text


def test_cron_issues_last_months_commission_invoices_and_explains_a_wrong_month(app: Flask) -> None:
    with time_machine.travel(datetime(2026, 10, 6, 9, 0, tzinfo=UTC), tick=False):
        sellers = make_sellers()
        make_order([(sellers.card, 2)], status=FulfilmentStatus.DELIVERED)
        (payout,) = generate_payouts(date(2026, 10, 1), date(2026, 11, 1), by=None, hold=0)
        approve_payout(payout.id, by=None)
    runner = app.test_cli_runner()
    with time_machine.travel(datetime(2026, 11, 1, 6, 0, tzinfo=UTC), tick=False):
        first = runner.invoke(args=["orders", "commission-invoices"])
        again = runner.invoke(args=["orders", "commission-invoices", "--month", "2026-10"])
        early = runner.invoke(args=["orders", "commission-invoices", "--month", "2026-11"])
        wrong = runner.invoke(args=["orders", "commission-invoices", "--month", "spalis"])

    assert first.exit_code == 0 and "Issued 1 commission invoice(s) for 2026-10." in first.output
    assert again.exit_code == 0 and "Issued 0" in again.output
    assert early.exit_code == 1 and "not over yet" in early.output
    assert wrong.exit_code == 2 and "YYYY-MM" in wrong.output
    assert [invoice.total_cents for invoice in invoices(InvoiceKind.COMMISSION)] == [90]
