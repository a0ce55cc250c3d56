"""Generating a period's statements: which delivered parcels each community's statement holds, what each
earned, and what a run leaves alone or for later.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from orders import refunds
from orders.errors import PeriodNotValid
from orders.models import FulfilmentStatus, OrderStatus
from orders.payments.models import AlertKind, PaymentAlert
from orders.payouts.models import Payout, PayoutLine, PayoutMethod, PayoutStatus
from orders.payouts.paying import approve_payout
from orders.payouts.statements import generate_payouts, run_payouts
from producers.models import Community
from shop.db import db, utcnow
from shop.models import AuditEntry, User
from tests.factories.orders import OMNIVA, make_order, move_parcel
from tests.helpers import count, parcel_of
from tests.orders.payouts.helpers import MARCH, change, statement


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


def test_runs_at_the_same_moment_make_each_statement_and_pay_each_parcel_once(
    app: Flask, shop: dict[str, Any]
) -> None:
    orders = [
        make_order(
            [(shop["star"], 1), (shop["angel"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA
        )
        for _ in range(3)
    ]
    runs, staff_id = 4, shop["staff"].id
    start = threading.Barrier(runs)

    def run(_number: int) -> tuple[int, int]:
        with app.app_context():  # each run its own session, as each request has
            staff = db.session.get_one(User, staff_id)
            start.wait()
            done = run_payouts(*MARCH, by=staff, hold=0)
            return done.new_statements, done.new_lines

    with ThreadPoolExecutor(max_workers=runs) as pool:
        outcomes = list(pool.map(run, range(runs)))

    # one run made both statements with every parcel; the others found nothing left to add
    assert sorted(outcomes) == [(0, 0)] * (runs - 1) + [(2, 6)]
    assert count(Payout) == 2
    lines = db.session.scalars(select(PayoutLine)).all()
    assert sorted(line.fulfilment_id for line in lines) == sorted(f.id for o in orders for f in o.fulfilments)
    for payout in db.session.scalars(select(Payout)):
        assert payout.amount_cents == sum(line.amount_cents for line in payout.lines)
    assert count(AuditEntry, AuditEntry.action == "payout.generate") == 2
