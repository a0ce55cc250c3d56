"""The invariant of the payouts, for any history of orders, payments, cancellations, returns and runs:
every cent captured is paid out, kept as commission, refunded, or still held.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from orders import fulfilments, lifecycle, placing, refunds
from orders.earnings import commission as commission_on
from orders.errors import NotCancellable, NotRefundable, RefundTooLarge
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
from orders.payouts.models import Payout, PayoutAdjustment, PayoutLine, PayoutStatus
from orders.payouts.paying import approve_payout, mark_payout_paid
from orders.payouts.statements import generate_payouts, run_payouts
from shop.db import db, utcnow
from shop.i18n import VILNIUS
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import OMNIVA, make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator
from tests.helpers import count, fresh, wipe


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
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "OUTBOX_SEND_AFTER_COMMIT", False)  # the money, not the mails (queued)
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
                    buyer=make_buyer(email=f"buyer{len(orders)}@example.com"),  # each within its unpaid cap
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
    app: Flask, rate: int, months: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Month after month: parcels delivered and paid out, then returns of any of them, any share of what is
    left (with or without the delivery fee): the invariant holds and no statement ever goes below 0."""
    monkeypatch.setitem(app.config, "OUTBOX_SEND_AFTER_COMMIT", False)  # the money, not the mails (queued)
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
