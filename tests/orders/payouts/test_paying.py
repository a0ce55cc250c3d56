"""Paying a statement: draft, approved, paid once each way; a refund before it is paid counts its line
again, one after is taken back from a later statement.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from orders import overview, refunds
from orders.errors import (
    BankReferenceMissing,
    PayoutNotApproved,
    PayoutNotDraft,
    PayoutNotFound,
    WrongPayoutMethod,
)
from orders.models import FulfilmentStatus
from orders.payouts.exports import payouts_csv
from orders.payouts.models import Payout, PayoutAdjustment, PayoutStatus
from orders.payouts.paying import approve_payout, mark_payout_paid, pay_by_stripe
from orders.payouts.sepa import sepa_pain001
from orders.payouts.statements import generate_payouts, list_payouts
from producers.models import Community
from shop.db import db
from shop.models import AuditEntry, Operator
from shop.money import decimal_text
from tests.factories.orders import OMNIVA, make_order
from tests.helpers import count, fresh
from tests.orders.payouts.helpers import MARCH, NS, statement


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
