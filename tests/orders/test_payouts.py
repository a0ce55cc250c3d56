"""Paying the communities: statements per period, approval, bank and Stripe payment, the CSV and SEPA file."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sepaxml
import time_machine
import xmlschema
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from orders import fulfilments, lifecycle, overview, placing, refunds
from orders.earnings import commission as commission_on
from orders.errors import (
    BankReferenceMissing,
    MessageIdNotValid,
    NotCancellable,
    NothingToPayByBank,
    NotRefundable,
    OperatorIbanNotValid,
    PayoutNotApproved,
    PayoutNotDraft,
    PayoutNotFound,
    PeriodNotValid,
    RefundTooLarge,
    WrongPayoutMethod,
)
from orders.models import (
    Fulfilment,
    FulfilmentStatus,
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    Refund,
    TransitionNotAllowed,
)
from orders.payments.models import AlertKind, PaymentAlert
from orders.payouts.exports import payouts_csv
from orders.payouts.models import (
    Payout,
    PayoutAdjustment,
    PayoutLine,
    PayoutMethod,
    PayoutStatus,
    TransferStatus,
)
from orders.payouts.paying import approve_payout, mark_payout_paid, pay_by_stripe, refused_transfers
from orders.payouts.sepa import PAIN_001_001_03, sepa_pain001
from orders.payouts.statements import generate_payouts, list_payouts, run_payouts
from producers.iban import normalise_iban
from producers.models import Community
from shop.db import db, transaction, utcnow
from shop.i18n import VILNIUS
from shop.models import AuditEntry, Operator
from shop.money import decimal_text
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import OMNIVA, make_order, move_parcel
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.fake_stripe import FakeStripe
from tests.helpers import count, fresh, parcel_of, wipe
from tests.orders.payments.cards import paid_by_card

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": PAIN_001_001_03}
#: 11:00 in Vilnius on 10 March 2027: deliveries "today" fall on 2027-03-10 there.
NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
MARCH = (date(2027, 3, 1), date(2027, 4, 1))
KRAKES_IBAN = "LT737300010012345678"


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shop(app: Flask, clock: Any) -> dict[str, Any]:
    make_operator()
    krakes = make_community(slug="krakes", name="Krakių bendruomenės centras", iban=KRAKES_IBAN)
    pagiriai = make_community(slug="pagiriai", name="Pagirių bendruomenės centras", commission_bp=1500)
    star = make_product(krakes, variants=[make_variant(price_cents=1005, stock=500)]).variants[0]
    card = make_product(krakes, variants=[make_variant(price_cents=450, stock=500)]).variants[0]
    angel = make_product(pagiriai, variants=[make_variant(price_cents=700, stock=500)]).variants[0]
    staff = make_user(name="VVG buhalterė", is_staff=True)
    return {
        "krakes": krakes,
        "pagiriai": pagiriai,
        "star": star,
        "card": card,
        "angel": angel,
        "staff": staff,
    }


def statement(community: Community, period: tuple[date, date] = MARCH) -> Payout | None:
    db.session.rollback()
    db.session.expire_all()
    return db.session.scalars(
        select(Payout).where(
            Payout.community_id == community.id,
            Payout.period_start == period[0],
            Payout.period_end == period[1],
        )
    ).first()


@contextmanager
def change() -> Iterator[None]:
    """A test's own change to rows, committed like a service's."""
    db.session.rollback()
    with transaction():
        yield


# ---------------------------------------------------------------------------------------------- generating


def test_a_statement_holds_each_delivered_parcel_with_its_earnings_and_sums_them(
    shop: dict[str, Any],
) -> None:
    order = make_order(
        [(shop["star"], 2), (shop["card"], 1), (shop["angel"], 1)], status=OrderStatus.PAID, delivery=OMNIVA
    )
    krakes = parcel_of(order, shop["krakes"])
    card_line = next(line for line in krakes.lines if line.variant_id == shop["card"].id)
    refunds.cancel_line(card_line.id, reason="Sudrėko", by=None)
    move_parcel(krakes.id, FulfilmentStatus.DELIVERED)
    # paid, never delivered: nothing due for Pagiriai
    make_order([(shop["angel"], 1)], status=OrderStatus.PAID, delivery=OMNIVA)

    result = generate_payouts(*MARCH, by=shop["staff"], hold=0)

    assert [p.community_id for p in result] == [shop["krakes"].id]
    payout = statement(shop["krakes"])
    assert payout is not None
    assert (payout.status, payout.method) == (PayoutStatus.DRAFT, PayoutMethod.BANK)
    (line,) = payout.lines
    assert line.fulfilment_id == krakes.id
    # 2 × 10,05 + 4,50 − 4,50 refunded = 20,10; 10 % → 2,01; delivery 2,99
    assert (line.goods_cents, line.refunded_goods_cents, line.commission_cents) == (2460, 450, 201)
    assert (line.delivery_cents, line.refunded_delivery_cents, line.amount_cents) == (
        299,
        0,
        2010 - 201 + 299,
    )
    assert (payout.goods_cents, payout.refunds_cents, payout.commission_cents) == (2460, 450, 201)
    assert (payout.delivery_cents, payout.amount_cents) == (299, 2108)
    assert statement(shop["pagiriai"]) is None


def test_generating_a_period_again_changes_nothing_and_adds_only_what_became_due(
    shop: dict[str, Any], clock: Any
) -> None:
    first = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    generate_payouts(*MARCH, by=None, hold=0)
    payout = statement(shop["krakes"])
    assert payout is not None
    before = (payout.id, [line.id for line in payout.lines], payout.amount_cents, payout.created_at)

    generate_payouts(*MARCH, by=None, hold=0)
    again = statement(shop["krakes"])
    assert again is not None
    assert (again.id, [line.id for line in again.lines], again.amount_cents, again.created_at) == before
    assert count(Payout) == 1 and count(PayoutLine) == 1

    clock.shift(timedelta(days=2))
    second = make_order([(shop["card"], 2)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    generate_payouts(*MARCH, by=None, hold=0)
    grown = statement(shop["krakes"])
    assert grown is not None and grown.id == payout.id
    assert [line.fulfilment_id for line in grown.lines] == [
        parcel_of(first, shop["krakes"]).id,
        parcel_of(second, shop["krakes"]).id,
    ]
    assert grown.amount_cents == sum(line.amount_cents for line in grown.lines)


def test_an_approved_or_paid_statement_is_never_touched_and_later_parcels_wait_for_the_next(
    shop: dict[str, Any], clock: Any
) -> None:
    make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    (payout,) = generate_payouts(*MARCH, by=None, hold=0)
    approve_payout(payout.id, by=shop["staff"])

    later = make_order([(shop["card"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    generate_payouts(*MARCH, by=None, hold=0)
    fixed = statement(shop["krakes"])
    assert fixed is not None and len(fixed.lines) == 1 and fixed.status is PayoutStatus.APPROVED

    april = (date(2027, 4, 1), date(2027, 5, 1))
    assert generate_payouts(*april, by=None, include_earlier=False, hold=0) == []  # delivered in March
    (carried,) = generate_payouts(*april, by=None, hold=0)  # but never stranded
    assert [line.fulfilment_id for line in carried.lines] == [parcel_of(later, shop["krakes"]).id]


def test_only_parcels_delivered_in_the_period_count_and_a_dispute_holds_its_order_back(
    shop: dict[str, Any], clock: Any
) -> None:
    disputed = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    settled = make_order([(shop["card"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    # accepted, never delivered: never due
    make_order([(shop["card"], 1)], status=FulfilmentStatus.ACCEPTED, delivery=OMNIVA)
    with change():
        db.session.add(PaymentAlert(order_id=disputed.id, kind=AlertKind.DISPUTE, amount_cents=1304))
        db.session.add(  # a dispute already settled holds nothing back
            PaymentAlert(order_id=settled.id, kind=AlertKind.DISPUTE, resolved_at=utcnow())
        )
    (payout,) = generate_payouts(*MARCH, by=None, hold=0)
    assert [line.fulfilment_id for line in payout.lines] == [parcel_of(settled, shop["krakes"]).id]

    clock.shift(timedelta(days=30))  # delivered on 9 April: not March's
    make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    assert run_payouts(*MARCH, by=None, hold=0).new_lines == 0

    with change():
        for alert in db.session.scalars(select(PaymentAlert)):
            alert.resolved_at = utcnow()
    (payout,) = generate_payouts(*MARCH, by=None, hold=0)
    assert [line.fulfilment_id for line in payout.lines] == [
        parcel_of(settled, shop["krakes"]).id,
        parcel_of(disputed, shop["krakes"]).id,
    ]


def test_a_period_is_read_in_vilnius_days(shop: dict[str, Any], clock: Any) -> None:
    clock.move_to(datetime(2027, 3, 31, 21, 30, tzinfo=UTC))  # 00:30 on 1 April in Vilnius
    make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    assert generate_payouts(*MARCH, by=None, hold=0) == []
    assert len(generate_payouts(date(2027, 4, 1), date(2027, 4, 2), by=None, hold=0)) == 1
    with pytest.raises(PeriodNotValid):
        generate_payouts(date(2027, 4, 1), date(2027, 4, 1), by=None, hold=0)


def test_the_database_refuses_to_put_a_parcel_in_two_statements(shop: dict[str, Any]) -> None:
    order = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    fulfilment_id = parcel_of(order, shop["krakes"]).id
    generate_payouts(*MARCH, by=None, hold=0)
    other = Payout(
        community_id=shop["krakes"].id,
        period_start=date(2027, 2, 1),
        period_end=date(2027, 3, 1),
        method=PayoutMethod.BANK,
    )
    other.lines.append(
        PayoutLine(
            fulfilment_id=fulfilment_id,
            delivered_at=utcnow(),
            goods_cents=1005,
            refunded_goods_cents=0,
            commission_cents=101,
            delivery_cents=299,
            refunded_delivery_cents=0,
            amount_cents=1203,
        )
    )
    db.session.rollback()
    db.session.add(other)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert count(PayoutLine) == 1


def test_a_line_whose_amount_does_not_add_up_is_refused_by_the_database(shop: dict[str, Any]) -> None:
    make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    generate_payouts(*MARCH, by=None, hold=0)
    db.session.rollback()
    line = db.session.scalars(select(PayoutLine)).one()
    line.amount_cents += 1
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_method_is_stripe_only_with_an_account_and_every_order_paid_by_card(shop: dict[str, Any]) -> None:
    with change():
        db.session.get_one(Community, shop["krakes"].id).stripe_account_id = "acct_1KrakesTest"
    # paid by bank transfer
    make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    (payout,) = generate_payouts(*MARCH, by=None, hold=0)
    assert payout.method is PayoutMethod.BANK


# ---------------------------------------------------------------------------------------------- paying


def test_a_refund_after_a_draft_counts_the_line_again(shop: dict[str, Any]) -> None:
    # 20,10 € of goods, 10 % commission
    order = make_order([(shop["star"], 2)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    generate_payouts(*MARCH, by=None, hold=0)
    refunds.refund_sent_parcel(order.fulfilments[0].id, goods_cents=1005, reason="Grąžino", by=None)
    payout = statement(shop["krakes"])
    assert payout is not None and payout.status is PayoutStatus.DRAFT
    (line,) = payout.lines
    assert (line.refunded_goods_cents, line.commission_cents) == (1005, 101)  # on 10,05 € left
    assert payout.amount_cents == line.amount_cents == 1005 - 101 + 299
    assert count(PayoutAdjustment) == 0


def test_a_refund_after_payout_is_taken_back_from_the_next_statement_never_below_zero(
    shop: dict[str, Any], clock: Any
) -> None:
    krakes = shop["krakes"]
    # 20,10 €: commission 2,01 €
    first = make_order([(shop["star"], 2)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    (paid,) = generate_payouts(*MARCH, by=None, hold=0)
    approve_payout(paid.id, by=None)
    mark_payout_paid(paid.id, bank_reference="SEB-1", by=None)
    assert fresh(Payout, paid.id).amount_cents == 2010 - 201 + 299

    # The customer sends back one star after the community was paid: 10,05 € refunded to the customer;
    # the VVG returns its commission on it (2,01 € − 1,01 € = 1,00 €), so the community owes 9,05 €.
    refund = refunds.refund_sent_parcel(first.fulfilments[0].id, goods_cents=1005, reason="Grąžino", by=None)
    (adjustment,) = db.session.scalars(select(PayoutAdjustment)).all()
    assert (adjustment.refund_id, adjustment.refunded_cents, adjustment.commission_returned_cents) == (
        refund.id,
        1005,
        100,
    )
    assert adjustment.amount_cents == -905 and adjustment.payout_id is None
    assert fresh(Payout, paid.id).amount_cents == 2010 - 201 + 299  # a paid statement never changes

    # April: a 4,50 € card parcel earns 4,05 + 2,99 = 7,04 €: too little to take 9,05 € back — it waits.
    april = (date(2027, 4, 1), date(2027, 5, 1))
    clock.move_to(datetime(2027, 4, 10, 9, 0, tzinfo=UTC))
    small = make_order([(shop["card"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    generate_payouts(*april, by=None, hold=0)
    small_statement = statement(krakes, april)
    assert small_statement is not None
    assert (small_statement.amount_cents, small_statement.adjustments_cents) == (450 - 45 + 299, 0)
    assert fresh(PayoutAdjustment, adjustment.id).payout_id is None

    # More is delivered in April and the draft is counted again: now the 9,05 € fit and are deducted.
    bigger = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    generate_payouts(*april, by=None, hold=0)
    april_statement = statement(krakes, april)
    assert april_statement is not None
    earned = (450 - 45 + 299) + (1005 - 101 + 299)
    assert (april_statement.adjustments_cents, april_statement.amount_cents) == (-905, earned - 905)
    assert fresh(PayoutAdjustment, adjustment.id).payout_id == april_statement.id
    approve_payout(april_statement.id, by=None)
    bank_file = sepa_pain001(
        [fresh(Payout, april_statement.id)],
        operator=db.session.scalars(select(Operator)).one(),
        execution_date=date(2027, 5, 3),
        message_id="KM-TEST-1",
    )
    assert bank_file.total_cents == earned - 905  # the bank pays what is left after the deduction

    # The spreadsheet has a row for what was taken back too, so it adds up to the bank file.
    text = payouts_csv(list_payouts(*april))
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))[1:]
    assert [row[1] for row in rows] == [small.number, bigger.number, first.number]
    assert rows[-1] == [krakes.name, first.number, "", "", "10,05", "-1,00", "", "-9,05"]
    control_sum = ET.fromstring(bank_file.xml).findtext(
        "p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS
    )
    assert control_sum == decimal_text(sum(int(row[-1].replace(",", "")) for row in rows), ".")


def test_a_statement_goes_draft_approved_paid_once_each_way(shop: dict[str, Any]) -> None:
    make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    (payout,) = generate_payouts(*MARCH, by=shop["staff"], hold=0)
    staff = shop["staff"]

    with pytest.raises(PayoutNotApproved):
        mark_payout_paid(payout.id, bank_reference="SEB-1", by=staff)
    approved = approve_payout(payout.id, by=staff)
    assert approved.status is PayoutStatus.APPROVED and approved.approved_by_id == staff.id
    first_approval = approved.approved_at
    assert approve_payout(payout.id, by=None).approved_at == first_approval  # twice: no-op

    with pytest.raises(BankReferenceMissing):
        mark_payout_paid(payout.id, bank_reference="   ", by=staff)
    with pytest.raises(WrongPayoutMethod):
        pay_by_stripe(payout.id, by=staff)
    paid = mark_payout_paid(payout.id, bank_reference="  SEB  2027-03-31 ", by=staff)
    assert (paid.status, paid.bank_reference, paid.paid_by_id) == (
        PayoutStatus.PAID,
        "SEB 2027-03-31",
        staff.id,
    )
    again = mark_payout_paid(payout.id, bank_reference="other", by=None)
    assert (again.bank_reference, again.paid_by_id) == ("SEB 2027-03-31", staff.id)  # twice: no-op

    with pytest.raises(PayoutNotDraft):
        approve_payout(payout.id, by=staff)
    with pytest.raises(PayoutNotFound):
        approve_payout(payout.id + 1000, by=staff)
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["payout.generate", "payout.approve", "payout.mark_paid"]  # each once, by staff


def test_the_workspace_stops_counting_a_parcel_once_its_statement_is_paid(shop: dict[str, Any]) -> None:
    make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    krakes = fresh(Community, shop["krakes"].id)
    assert len(overview.unpaid_earnings(krakes).parcels) == 1
    (payout,) = generate_payouts(*MARCH, by=None, hold=0)
    approve_payout(payout.id, by=None)
    assert len(overview.unpaid_earnings(krakes).parcels) == 1  # approved: still to come
    mark_payout_paid(payout.id, bank_reference="SEB-1", by=None)
    assert overview.unpaid_earnings(fresh(Community, krakes.id)).parcels == []


# ---------------------------------------------------------------------------------------------- exports


def test_the_csv_has_a_row_per_parcel_with_lithuanian_amounts(shop: dict[str, Any]) -> None:
    order = make_order([(shop["star"], 2), (shop["angel"], 1)], status=OrderStatus.PAID, delivery=OMNIVA)
    move_parcel(parcel_of(order, shop["krakes"]).id, FulfilmentStatus.DELIVERED)
    move_parcel(parcel_of(order, shop["pagiriai"]).id, FulfilmentStatus.DELIVERED)
    result = generate_payouts(*MARCH, by=None, hold=0)

    text = payouts_csv(result)

    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert len(rows) == 3
    by_community = {row[0]: row for row in rows[1:]}
    assert by_community["Krakių bendruomenės centras"][1:] == [
        order.number,
        "2027-03-10",
        "20,10",
        "0,00",
        "2,01",
        "2,99",
        "21,08",
    ]
    assert by_community["Pagirių bendruomenės centras"][3:] == ["7,00", "0,00", "1,05", "2,99", "8,94"]


def test_amounts_are_formatted_to_the_cent() -> None:
    assert decimal_text(1250) == "12,50"
    assert decimal_text(5) == "0,05"
    assert decimal_text(-300) == "-3,00"
    assert decimal_text(123456, ".") == "1234.56"


def _approved_march(shop: dict[str, Any]) -> list[Payout]:
    order = make_order([(shop["star"], 2), (shop["angel"], 1)], status=OrderStatus.PAID, delivery=OMNIVA)
    move_parcel(parcel_of(order, shop["krakes"]).id, FulfilmentStatus.DELIVERED)
    move_parcel(parcel_of(order, shop["pagiriai"]).id, FulfilmentStatus.DELIVERED)
    for payout in generate_payouts(*MARCH, by=None, hold=0):
        approve_payout(payout.id, by=None)
    return list_payouts(*MARCH)


def test_the_sepa_file_is_valid_pain_001_001_03_and_pays_each_approved_bank_statement(
    shop: dict[str, Any],
) -> None:
    long_name = "Asociacija „Krakių bendruomenės centras“ — " + "labai ilgas pavadinimas " * 4
    with change():
        db.session.get_one(Community, shop["krakes"].id).legal_name = long_name
    statements = _approved_march(shop)
    operator = db.session.scalars(select(Operator)).one()

    sepa = sepa_pain001(
        statements, operator=operator, execution_date=date(2027, 4, 2), message_id="KM-2027-03"
    )

    xmlschema.XMLSchema(str(XSD)).validate(io.BytesIO(sepa.xml))  # raises on any deviation
    root = ET.fromstring(sepa.xml)
    assert root.tag == f"{{{PAIN_001_001_03}}}Document"
    assert sepa.xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    krakes = statement(shop["krakes"])
    pagiriai = statement(shop["pagiriai"])
    assert krakes is not None and pagiriai is not None
    assert [p.id for p in sepa.included] == [krakes.id]
    assert [(s.payout.id, s.reason) for s in sepa.skipped] == [
        (pagiriai.id, "The community has no valid IBAN.")
    ]

    def text(path: str) -> str:
        found = root.find(path, NS)
        assert found is not None, path
        return found.text or ""

    assert text("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId") == "KM-2027-03"
    assert text("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs") == "1"
    assert text("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum") == "21.08"
    assert text("p:CstmrCdtTrfInitn/p:GrpHdr/p:InitgPty/p:Nm") == "Kėdainių rajono vietos veiklos grupė"
    info = "p:CstmrCdtTrfInitn/p:PmtInf/"
    assert text(info + "p:PmtMtd") == "TRF"
    assert text(info + "p:CtrlSum") == "21.08"
    assert text(info + "p:PmtTpInf/p:SvcLvl/p:Cd") == "SEPA"
    assert text(info + "p:ReqdExctnDt") == "2027-04-02"
    assert text(info + "p:DbtrAcct/p:Id/p:IBAN") == "LT207300010112345678"
    assert text(info + "p:DbtrAgt/p:FinInstnId/p:Othr/p:Id") == "NOTPROVIDED"
    assert text(info + "p:ChrgBr") == "SLEV"
    tx = info + "p:CdtTrfTxInf/"
    assert text(tx + "p:PmtId/p:EndToEndId") == f"KM-PAYOUT-{krakes.id}"
    amount = root.find(tx + "p:Amt/p:InstdAmt", NS)
    assert amount is not None and (amount.text, amount.get("Ccy")) == ("21.08", "EUR")
    assert text(tx + "p:Cdtr/p:Nm") == " ".join(long_name.split())[:70]
    assert text(tx + "p:CdtrAcct/p:Id/p:IBAN") == KRAKES_IBAN
    assert text(tx + "p:RmtInf/p:Ustrd") == "Kaimo mugė išmoka 2027-03-01–2027-03-31"


def test_the_sepa_file_leaves_out_drafts_and_invalid_ibans_and_refuses_an_empty_file(
    shop: dict[str, Any],
) -> None:
    statements = _approved_march(shop)
    with change():
        db.session.get_one(Community, shop["pagiriai"].id).iban = "LT897044060001234567"
    operator = db.session.scalars(select(Operator)).one()
    both = sepa_pain001(
        list_payouts(*MARCH), operator=operator, execution_date=date(2027, 4, 2), message_id="M1"
    )
    xmlschema.XMLSchema(str(XSD)).validate(io.BytesIO(both.xml))
    assert len(both.included) == 2 and both.skipped == [] and both.total_cents == 2108 + 894

    with change():
        db.session.get_one(Community, shop["krakes"].id).iban = "LT737300010012345679"  # one digit off
        db.session.get_one(Community, shop["pagiriai"].id).iban = ""
    with pytest.raises(NothingToPayByBank):
        sepa_pain001(
            list_payouts(*MARCH), operator=operator, execution_date=date(2027, 4, 2), message_id="M2"
        )
    with pytest.raises(MessageIdNotValid):
        sepa_pain001(statements, operator=operator, execution_date=date(2027, 4, 2), message_id="x" * 36)
    with change():
        db.session.get_one(Operator, operator.id).iban = "LT00"
    with pytest.raises(OperatorIbanNotValid):
        sepa_pain001(statements, operator=operator, execution_date=date(2027, 4, 2), message_id="M3")


def test_an_iban_is_normalised_or_refused_with_a_reason() -> None:
    assert normalise_iban(" lt73 7300-0100 1234 5678 ") == KRAKES_IBAN
    with pytest.raises(ValueError, match="check digits"):
        normalise_iban("LT737300010012345679")
    with pytest.raises(ValueError, match="number of characters"):
        normalise_iban("LT7373000100123456")
    with pytest.raises(ValueError, match="No IBAN"):
        normalise_iban("  ")


# ---------------------------------------------------------------------------------------------- Stripe


def test_a_stripe_statement_is_paid_by_one_transfer_per_parcel_once(
    card_client: FlaskClient,
    goods: dict[str, Any],
    fake_stripe: FakeStripe,
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    krakes = parcel_of(order, goods["krakes"])
    move_parcel(krakes.id, FulfilmentStatus.DELIVERED)
    move_parcel(parcel_of(order, goods["pagiriai"]).id, FulfilmentStatus.DELIVERED)
    today = utcnow().astimezone(VILNIUS).date()
    period = (today, today + timedelta(days=1))
    result = {p.community_id: p for p in generate_payouts(*period, by=None, hold=0)}
    stripe_payout = result[goods["krakes"].id]
    assert stripe_payout.method is PayoutMethod.STRIPE
    assert result[goods["pagiriai"].id].method is PayoutMethod.BANK  # no connected account

    with pytest.raises(PayoutNotApproved):
        pay_by_stripe(stripe_payout.id, by=None)
    approve_payout(stripe_payout.id, by=None)
    with pytest.raises(WrongPayoutMethod):
        mark_payout_paid(stripe_payout.id, bank_reference="x", by=None)

    fake_stripe.hang("POST", "/v1/transfers", seconds=2, times=2)
    assert pay_by_stripe(stripe_payout.id, by=None).status is PayoutStatus.APPROVED  # Stripe away
    paid = pay_by_stripe(stripe_payout.id, by=None)
    assert paid.status is PayoutStatus.PAID
    assert pay_by_stripe(stripe_payout.id, by=None).status is PayoutStatus.PAID
    (line,) = fresh(Payout, stripe_payout.id).lines
    assert len(fake_stripe.transfers) == 1
    (transfer,) = fake_stripe.transfers.values()
    assert transfer["amount"] == line.amount_cents and transfer["destination"] == "acct_1KrakesTest"
    assert fresh(Fulfilment, krakes.id).status is FulfilmentStatus.DELIVERED
    from orders.payouts.models import CommunityTransfer

    (record,) = db.session.scalars(select(CommunityTransfer)).all()
    assert record.status is TransferStatus.SENT and record.amount_cents == line.amount_cents


def test_money_taken_back_from_a_card_paid_community_with_a_stripe_account_is_settled_by_bank(
    card_client: FlaskClient,
    goods: dict[str, Any],
    fake_stripe: FakeStripe,
) -> None:
    krakes = goods["krakes"]
    first = parcel_of(paid_by_card(card_client, fake_stripe, goods), krakes)
    move_parcel(first.id, FulfilmentStatus.DELIVERED)
    today = utcnow().astimezone(VILNIUS).date()

    def run(days: int) -> Payout:
        found = generate_payouts(today, today + timedelta(days=days), by=None, hold=0)
        return next(p for p in found if p.community_id == krakes.id)

    paid = run(1)
    assert paid.method is PayoutMethod.STRIPE  # card orders, a connected account
    approve_payout(paid.id, by=None)
    assert pay_by_stripe(paid.id, by=None).status is PayoutStatus.PAID
    refunds.refund_sent_parcel(first.id, goods_cents=450, reason="Grąžino", by=None)  # after its payout
    (waiting,) = db.session.scalars(select(PayoutAdjustment)).all()
    assert waiting.payout_id is None

    second = parcel_of(paid_by_card(card_client, fake_stripe, goods, key="card-2"), krakes)
    move_parcel(second.id, FulfilmentStatus.DELIVERED)
    taking_back = run(2)  # card orders only, the same account: but a Stripe transfer cannot deduct
    assert taking_back.adjustments_cents == waiting.amount_cents < 0
    assert taking_back.method is PayoutMethod.BANK


def test_a_stripe_statement_whose_transfer_was_refused_is_paid_when_sent_again(
    card_client: FlaskClient,
    goods: dict[str, Any],
    fake_stripe: FakeStripe,
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    move_parcel(parcel_of(order, goods["krakes"]).id, FulfilmentStatus.DELIVERED)
    today = utcnow().astimezone(VILNIUS).date()
    stripe_payout = next(
        p
        for p in generate_payouts(today, today + timedelta(days=1), by=None, hold=0)
        if p.community_id == goods["krakes"].id
    )
    approve_payout(stripe_payout.id, by=None)

    fake_stripe.fail("POST", "/v1/transfers", status=400)  # e.g. the account could not take it yet
    assert pay_by_stripe(stripe_payout.id, by=None).status is PayoutStatus.APPROVED
    (refused,) = refused_transfers(stripe_payout.id)
    assert refused.last_error and fake_stripe.transfers == {}

    assert pay_by_stripe(stripe_payout.id, by=None).status is PayoutStatus.PAID  # fixed: sent
    assert refused_transfers(stripe_payout.id) == []
    assert len(fake_stripe.transfers) == 1
    (transfer,) = fake_stripe.transfers.values()
    assert transfer["amount"] == fresh(Payout, stripe_payout.id).amount_cents


# ---------------------------------------------------------------------------------------------- the invariant


def held_cents() -> int:
    """The money the VVG still holds for the communities' parcels, to the cent.

    For every parcel of a paid order that is in no **paid** statement (undelivered, delivered but waiting
    in a draft or approved statement or in none, or cancelled): its goods and delivery fee less what was
    refunded of it. A cancelled parcel has refunded all of it (0 held); a partly cancelled one holds the
    rest. So: captured = Σ paid out + Σ commission of paid-out lines + Σ refunds + held.
    """
    paid_out = (
        select(PayoutLine.fulfilment_id).join(PayoutLine.payout).where(Payout.status == PayoutStatus.PAID)
    )
    goods_and_delivery = db.session.scalar(
        select(func.coalesce(func.sum(Fulfilment.goods_cents + Fulfilment.delivery_cents), 0))
        .join(Fulfilment.order)
        .where(Order.paid_at.is_not(None), ~Fulfilment.id.in_(paid_out))
    )
    refunded = db.session.scalar(
        select(func.coalesce(func.sum(Refund.amount_cents), 0)).where(
            Refund.fulfilment_id.is_not(None), ~Refund.fulfilment_id.in_(paid_out)
        )
    )
    return int(goods_and_delivery or 0) - int(refunded or 0)


def check_the_money_adds_up() -> tuple[int, int]:
    """The invariant holds now; returns how many lines are paid out and how much was refunded.

    A refund after a parcel's statement was approved is an adjustment: taken back from a later statement
    (less the commission the VVG returns). Until a paid statement deducts it, the VVG is short of it; a
    deduction paid before the parcel's own statement is paid leaves the VVG holding it the other way.
    """
    db.session.rollback()
    db.session.expire_all()
    captured = db.session.scalar(select(func.coalesce(func.sum(Payment.amount_cents), 0)))
    paid_statements = db.session.scalars(select(Payout).where(Payout.status == PayoutStatus.PAID)).all()
    paid_lines = [line for payout in paid_statements for line in payout.lines]
    paid_parcels = {line.fulfilment_id for line in paid_lines}
    adjustments = db.session.scalars(select(PayoutAdjustment)).all()
    deducted = [a for a in adjustments if a.payout is not None and a.payout.status is PayoutStatus.PAID]
    paid_out = sum(payout.amount_cents for payout in paid_statements)
    commission = sum(line.commission_cents for line in paid_lines) - sum(
        a.commission_returned_cents for a in deducted
    )
    refunded = db.session.scalar(select(func.coalesce(func.sum(Refund.amount_cents), 0)))
    held = (
        held_cents()
        - sum(a.refunded_cents for a in adjustments if a.fulfilment_id in paid_parcels and a not in deducted)
        + sum(a.refunded_cents for a in deducted if a.fulfilment_id not in paid_parcels)
    )
    assert captured == paid_out + commission + refunded + held

    # never twice, never negative, and every line (with what was taken back since) says what its parcel earned
    lines = db.session.scalars(select(PayoutLine)).all()
    assert len({line.fulfilment_id for line in lines}) == len(lines)
    for line in lines:
        fulfilment = line.fulfilment
        assert fulfilment.status is FulfilmentStatus.DELIVERED
        refunds_of = [r for r in fulfilment.order.refunds if r.fulfilment_id == fulfilment.id]
        later = [a for a in adjustments if a.fulfilment_id == fulfilment.id]
        assert line.goods_cents == fulfilment.goods_cents
        assert line.earnings.refunded_cents + sum(a.refunded_cents for a in later) == sum(
            r.amount_cents for r in refunds_of
        )
        if line.payout.status is PayoutStatus.DRAFT:
            assert not later
        assert line.delivery_cents == fulfilment.delivery_cents
        assert line.amount_cents >= 0 and 0 <= line.commission_cents <= line.goods_cents
        # the VVG keeps exactly its commission on what the customer kept (it gives back the rest)
        kept = line.commission_cents - sum(a.commission_returned_cents for a in later)
        net_now = line.goods_cents - sum(r.goods_cents for r in refunds_of)
        assert kept == commission_on(net_now, fulfilment.community.commission_bp)
    for payout in db.session.scalars(select(Payout)):
        assert payout.lines and payout.amount_cents >= 0
        assert payout.amount_cents == sum(line.amount_cents for line in payout.lines) + sum(
            a.amount_cents for a in payout.adjustments
        )
    return len(paid_lines), int(refunded or 0)


def _snapshot() -> list[tuple[int, str, int, tuple[int, ...]]]:
    db.session.rollback()
    db.session.expire_all()
    return [
        (p.id, p.status.value, p.amount_cents, tuple(line.fulfilment_id for line in p.lines))
        for p in db.session.scalars(select(Payout).order_by(Payout.id))
    ]


def _advance(fulfilment_id: int) -> None:
    """One step along: accept, ship or deliver a paid parcel (others stay as they are)."""
    status = fresh(Fulfilment, fulfilment_id).status
    if status is FulfilmentStatus.NEW:
        fulfilments.accept_fulfilment(fulfilment_id, by=None)
    elif status is FulfilmentStatus.ACCEPTED:
        fulfilments.ship_fulfilment(fulfilment_id, carrier="Omniva", tracking_number="1", by=None)
    elif status is FulfilmentStatus.SHIPPED:
        fulfilments.mark_delivered(fulfilment_id, by=None)


ORDER = st.tuples(
    st.just("order"),
    st.lists(st.tuples(st.integers(0, 7), st.integers(1, 3)), min_size=1, max_size=4),
    st.sampled_from([True, True, True, False]),  # paid at once, mostly
)
STEPS = st.lists(
    st.one_of(
        ORDER,
        st.tuples(st.just("pay"), st.integers(0, 20)),
        st.tuples(st.just("cancel_line"), st.integers(0, 20), st.integers(0, 20)),
        st.tuples(st.just("cancel_parcel"), st.integers(0, 20), st.integers(0, 3)),
        st.tuples(st.just("refund_sent"), st.integers(0, 20), st.integers(0, 3), st.integers(1, 100)),
        st.tuples(st.just("refund_sent"), st.integers(0, 20), st.integers(0, 3), st.integers(1, 100)),
        st.tuples(st.just("advance"), st.integers(0, 20), st.integers(0, 3), st.integers(1, 3)),
        st.tuples(st.just("advance"), st.integers(0, 20), st.integers(0, 3), st.integers(1, 3)),
        st.tuples(st.just("deliver"), st.integers(0, 20), st.integers(0, 3), st.just(3)),
        st.tuples(st.just("deliver"), st.integers(0, 20), st.integers(0, 3), st.just(3)),
        st.tuples(st.just("deliver"), st.integers(0, 20), st.integers(0, 3), st.just(3)),
        st.tuples(st.just("deliver"), st.integers(0, 20), st.integers(0, 3), st.just(3)),
        st.tuples(st.just("day"), st.integers(1, 3)),
        st.tuples(st.just("run"), st.integers(0, 6), st.integers(1, 8), st.integers(0, 2)),
        st.tuples(
            st.just("rerun"),
        ),
    ),
    min_size=1,
    max_size=30,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rates=st.lists(st.integers(0, 3000), min_size=1, max_size=4),
    prices=st.lists(st.integers(1, 500_000), min_size=1, max_size=8),
    first=st.lists(ORDER, min_size=1, max_size=4),
    steps=STEPS,
    hold=st.sampled_from([0, 0, 1, 2]),  # the return window of the runs (days), the last run's being 0
)
def test_every_cent_captured_is_paid_out_kept_as_commission_refunded_or_still_held(
    app: Flask,
    rates: list[int],
    prices: list[int],
    first: list[tuple[Any, ...]],
    steps: list[tuple[Any, ...]],
    hold: int,
) -> None:
    base = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    with app.app_context(), time_machine.travel(base, tick=False) as clock:  # a fresh `g` and session
        wipe()
        make_operator()
        communities = [make_community(commission_bp=rate) for rate in rates]
        variants = [
            make_product(
                communities[i % len(communities)], variants=[make_variant(price_cents=p, stock=10_000)]
            )
            .variants[0]
            .id
            for i, p in enumerate(prices)
        ]
        orders: list[int] = []
        last_period: tuple[date, date] | None = None
        held_back = False
        for step in first + steps:
            kind = step[0]
            if kind == "order":
                wanted: dict[int, int] = {}
                for index, quantity in step[1]:
                    variant_id = variants[index % len(variants)]
                    wanted[variant_id] = wanted.get(variant_id, 0) + quantity
                order = make_order(
                    [placing.LineRequest(v, q) for v, q in wanted.items()],
                    status=OrderStatus.PAID if step[2] else OrderStatus.PENDING_PAYMENT,
                    delivery=OMNIVA,
                )
                orders.append(order.id)
            elif kind == "day":
                clock.shift(timedelta(days=step[1]))
            elif kind in {"run", "rerun"}:
                if kind == "run":
                    start = utcnow().astimezone(VILNIUS).date() - timedelta(days=step[1])
                    last_period = (start, start + timedelta(days=step[2]))
                if last_period is None:
                    continue
                before = _snapshot()
                run = run_payouts(*last_period, by=None, hold=hold)
                made, held_back = run.payouts, held_back or run.held.parcels > 0
                # a run only ever adds lines to drafts: approved and paid statements stay as they were
                after = {p[0]: p for p in _snapshot()}
                for payout_id, status, amount, fulfilments in before:
                    if status != "draft":
                        assert after[payout_id] == (payout_id, status, amount, fulfilments)
                stage = step[3] if kind == "run" else 2
                for payout in made:  # every statement of the period: drafts, approved and paid
                    if stage >= 1 and payout.status is not PayoutStatus.PAID:
                        approve_payout(payout.id, by=None)
                    if stage >= 2:
                        mark_payout_paid(payout.id, bank_reference="SEB", by=None)
                check_the_money_adds_up()
            elif orders:
                order = fresh(Order, orders[step[1] % len(orders)])
                try:
                    if kind == "pay":
                        if order.status is OrderStatus.PENDING_PAYMENT:
                            lifecycle.mark_paid(
                                order.id,
                                amount_cents=order.total_cents,
                                method=PaymentMethod.BANK_TRANSFER,
                                by=None,
                            )
                    elif kind == "cancel_line":
                        lines = order.lines
                        refunds.cancel_line(lines[step[2] % len(lines)].id, reason="", by=None)
                    else:
                        fulfilment = order.fulfilments[step[2] % len(order.fulfilments)]
                        if kind == "cancel_parcel":  # "advance" and "deliver": so many steps along
                            refunds.cancel_fulfilment(fulfilment.id, reason="", by=None)
                        elif kind == "refund_sent":  # a return: step[3] % of what is left of its goods
                            left, _delivery = refunds.refundable_left(fulfilment)
                            amount = max(1, left * step[3] // 100)
                            refunds.refund_sent_parcel(fulfilment.id, goods_cents=amount, reason="", by=None)
                        else:
                            for _ in range(step[3]):
                                _advance(fulfilment.id)
                except (
                    NotCancellable,
                    NotRefundable,
                    RefundTooLarge,
                    TransitionNotAllowed,
                ):
                    pass
        check_the_money_adds_up()
        # the whole history, paid out in one last run, still adds up, and nothing is paid twice
        for payout in generate_payouts(base.date(), base.date() + timedelta(days=400), by=None, hold=0):
            if payout.status is PayoutStatus.DRAFT:
                approve_payout(payout.id, by=None)
        for payout in db.session.scalars(select(Payout).where(Payout.status == PayoutStatus.APPROVED)).all():
            mark_payout_paid(payout.id, bank_reference="SEB", by=None)
        paid_lines, refunded = check_the_money_adds_up()
        event(f"paid-out lines: {min(paid_lines, 3)}{'+' if paid_lines >= 3 else ''}")
        event(f"refunds: {refunded > 0}")
        event(f"refunds taken back from a later statement: {count(PayoutAdjustment) > 0}")
        event(f"a run held parcels back in the return window: {held_back}")
        wipe()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rate=st.integers(0, 3000),
    months=st.lists(
        st.tuples(
            st.lists(st.tuples(st.integers(1, 50_000), st.integers(1, 3)), min_size=0, max_size=3),  # parcels
            st.lists(
                st.tuples(st.integers(0, 20), st.integers(1, 100), st.booleans()), max_size=3
            ),  # returns
            st.integers(0, 2),  # how far the month's statement goes: draft, approved, paid
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_returns_after_payouts_are_taken_back_later_and_every_cent_still_adds_up(
    app: Flask, rate: int, months: list[tuple[Any, ...]]
) -> None:
    """Month after month: parcels delivered and paid out, then returns of any of them, any share of what is
    left (with or without the delivery fee): the invariant holds and no statement ever goes below 0."""
    base = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
    with app.app_context(), time_machine.travel(base, tick=False) as clock:
        wipe()
        make_operator()
        community = make_community(commission_bp=rate)
        delivered: list[int] = []
        for number, (parcels, returns, stage) in enumerate(months):
            clock.move_to(datetime(2027, 1 + number, 10, 9, 0, tzinfo=UTC))
            for price, quantity in parcels:
                variant = make_product(
                    community, variants=[make_variant(price_cents=price, stock=10)]
                ).variants[0]
                order = make_order([(variant, quantity)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
                delivered.append(order.fulfilments[0].id)
            for pick, share, with_delivery in returns:
                if not delivered:
                    break
                fulfilment = fresh(Fulfilment, delivered[pick % len(delivered)])
                goods_left, delivery_left = refunds.refundable_left(fulfilment)
                goods = goods_left * share // 100
                delivery = delivery_left if with_delivery else 0
                if goods + delivery:
                    refunds.refund_sent_parcel(
                        fulfilment.id, goods_cents=goods, delivery_cents=delivery, reason="", by=None
                    )
                check_the_money_adds_up()
            month = (date(2027, 1 + number, 1), date(2027, 2 + number, 1))
            for payout in generate_payouts(*month, by=None, hold=0):
                if stage >= 1:
                    approve_payout(payout.id, by=None)
                if stage >= 2:
                    mark_payout_paid(payout.id, bank_reference="SEB", by=None)
            check_the_money_adds_up()
        event(f"taken back from a later statement: {count(PayoutAdjustment) > 0}")
        wipe()
