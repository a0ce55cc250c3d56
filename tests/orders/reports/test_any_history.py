"""For any history of sales, payments, cancellations and returns, the report's figures are the orders'
and every view of them (totals, lines, communities, categories, months) agrees.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from orders import fulfilments, lifecycle, placing, refunds, reports
from orders.earnings import fulfilment_earnings
from orders.models import CancelReason, Fulfilment, Order, OrderStatus, Refund
from orders.reports import SalesFilter
from shop.db import db
from shop.i18n import VILNIUS
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.orders import make_buyer, make_order
from tests.factories.producers import make_community
from tests.helpers import wipe
from tests.orders.reports.helpers import AT_LOCKER, PAID, YEAR_2025


def _expected(wanted: SalesFilter) -> tuple[reports.Totals, reports.Delivery, dict[date, int]]:
    """The filter's sales worked out from the orders, their parcels and their refund records, in Python."""
    start, end = wanted.bounds
    goods = refunded = commission = lines = fees = refunded_fees = 0
    orders: set[int] = set()
    months: dict[date, int] = {}
    for order in db.session.scalars(select(Order)):
        if order.paid_at is None or not start <= order.paid_at < end:
            continue
        for fulfilment in order.fulfilments:
            if wanted.community_id not in (None, fulfilment.community_id):
                continue
            its_refunds = [r for r in order.refunds if r.fulfilment_id == fulfilment.id]
            fees += fulfilment.delivery_cents
            refunded_fees += sum(r.delivery_cents for r in its_refunds)
            chosen = [l for l in fulfilment.lines if wanted.category_id in (None, l.category_id)]  # noqa: E741
            if not chosen:
                continue
            orders.add(order.id)
            lines += len(chosen)
            goods += sum(line.total_cents for line in chosen)
            if wanted.category_id is None:  # the whole parcel: its refunds and commission as payouts see them
                back = sum(r.goods_cents for r in its_refunds)
                refunded += back
                commission += fulfilment_earnings(
                    goods_cents=fulfilment.goods_cents,
                    refunded_goods_cents=back,
                    delivery_cents=fulfilment.delivery_cents,
                    refunded_delivery_cents=sum(r.delivery_cents for r in its_refunds),
                    commission_bp=fulfilment.community.commission_bp,
                ).commission_cents
                net = fulfilment.goods_cents - back
            else:  # cancelled lines in full, and a sent parcel's refund over its live lines in turn
                back = sum(_refunded_of_lines(fulfilment, its_refunds)[line.id] for line in chosen)
                refunded += back
                net = sum(line.total_cents for line in chosen) - back
            month = order.paid_at.astimezone(VILNIUS).date().replace(day=1)
            months[month] = months.get(month, 0) + net
    totals = reports.Totals(goods, refunded, goods - refunded, commission, len(orders), lines)
    return totals, reports.Delivery(fees, refunded_fees), months


def _refunded_of_lines(fulfilment: Fulfilment, its_refunds: list[Refund]) -> dict[int, int]:
    """Each line's refunded goods: a cancelled line all of its goods; what the parcel's refunds gave back
    beyond its cancelled lines (a refund after sending) fills its live lines one by one in id order."""
    lines = sorted(fulfilment.lines, key=lambda line: line.id)
    cancelled = {line.id: line.total_cents for line in lines if line.cancelled_at is not None}
    beyond = sum(r.goods_cents for r in its_refunds) - sum(cancelled.values())
    spread = {}
    for line in lines:
        if line.id not in cancelled:
            spread[line.id] = min(line.total_cents, max(0, beyond))
            beyond -= spread[line.id]
    return cancelled | spread


MOMENTS = st.one_of(  # any moment of 2025, and often one on or near a Vilnius month's edge (2026's too)
    st.datetimes(datetime(2025, 1, 1), datetime(2025, 12, 31, 23, 59)).map(lambda d: d.replace(tzinfo=UTC)),
    st.tuples(st.integers(1, 13), st.one_of(st.sampled_from([-1, 0]), st.integers(-60, 60))).map(
        lambda m: (
            datetime(2025 + m[0] // 13, m[0] % 13 or 1, 1, tzinfo=VILNIUS).astimezone(UTC)
            + timedelta(minutes=m[1])
        )
    ),
)
SALE = st.tuples(
    st.lists(st.tuples(st.integers(0, 5), st.integers(1, 3)), min_size=1, max_size=4),  # variants, quantities
    st.one_of(st.none(), MOMENTS),  # paid then, or never
    st.sampled_from(["", "", "line", "parcel", "unpaid-cancel", "sent", "line-sent"]),  # what happens after
    st.integers(0, 5),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rates=st.lists(st.integers(0, 3000), min_size=3, max_size=3), sales=st.lists(SALE, max_size=8))
def test_for_any_history_the_figures_are_the_orders_and_every_view_agrees(
    app: Flask, rates: list[int], sales: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "OUTBOX_SEND_AFTER_COMMIT", False)  # the figures, not the mails (queued)
    with app.app_context():
        wipe()
        communities = [make_community(commission_bp=rate) for rate in rates]
        categories = [make_category(), make_category()]
        prices = (1005, 455, 333, 250, 1, 99_999)
        variants = [
            make_product(
                communities[i % 3], categories[i % 2], variants=[make_variant(price_cents=p, stock=10_000)]
            ).variants[0]
            for i, p in enumerate(prices)
        ]
        for number, (items, paid, then, which) in enumerate(sales):
            wanted: dict[int, int] = {}
            for index, quantity in items:
                wanted[variants[index].id] = wanted.get(variants[index].id, 0) + quantity
            with time_machine.travel(paid or datetime(2025, 6, 1, tzinfo=UTC), tick=False):
                order = make_order(
                    [placing.LineRequest(v, q) for v, q in wanted.items()],
                    status=OrderStatus.PENDING_PAYMENT if paid is None else PAID,
                    delivery=AT_LOCKER,
                    buyer=make_buyer(email=f"buyer{number}@example.com"),  # each within its unpaid cap
                )
                if paid is not None:
                    if then == "line":
                        refunds.cancel_line(order.lines[which % len(order.lines)].id, reason="", by=None)
                    elif then == "parcel":
                        fulfilment = order.fulfilments[which % len(order.fulfilments)]
                        refunds.cancel_fulfilment(fulfilment.id, reason="", by=None)
                    elif then in {"sent", "line-sent"}:  # sent, then part of its goods refunded (a return)
                        fulfilment = order.fulfilments[which % len(order.fulfilments)]
                        if then == "line-sent" and len(fulfilment.lines) > 1:
                            refunds.cancel_line(fulfilment.lines[-1].id, reason="", by=None)
                        fulfilments.accept_fulfilment(fulfilment.id, by=None)
                        fulfilments.ship_fulfilment(
                            fulfilment.id, carrier="Omniva", tracking_number="", by=None
                        )
                        fulfilment = db.session.get_one(Fulfilment, fulfilment.id)
                        goods_left, _delivery_left = refunds.refundable_left(fulfilment)
                        back = max(1, goods_left * (which + 1) // 6)
                        refunds.refund_sent_parcel(fulfilment.id, goods_cents=back, reason="", by=None)
                elif then == "unpaid-cancel":
                    lifecycle.cancel_unpaid_order(order.id, reason=CancelReason.CUSTOMER)
        db.session.rollback()

        filters = [YEAR_2025, SalesFilter(date(2025, 2, 1), date(2025, 3, 31))]
        filters += [SalesFilter(date(2025, 1, 1), date(2025, 12, 31), c.id, None) for c in communities[:2]]
        filters += [SalesFilter(date(2025, 1, 1), date(2025, 12, 31), None, k.id) for k in categories]
        filters.append(SalesFilter(date(2025, 1, 1), date(2025, 12, 31), communities[0].id, categories[1].id))
        for wanted in filters:
            totals, delivery, months = _expected(wanted)
            summary = reports.sales_summary(wanted, "lt")
            if wanted.category_id is None:
                assert summary.totals == totals, wanted
                assert summary.delivery == delivery, wanted
            else:  # commission per category is a share of each parcel's: checked through the sums below
                assert replace(summary.totals, commission_cents=0) == totals, wanted
            lines = reports.list_sales_lines(wanted)
            for field in ("goods_cents", "refunded_cents", "net_cents", "commission_cents"):
                total = getattr(summary.totals, field)
                assert sum(getattr(line, field) for line in lines) == total, (wanted, field)
                assert sum(getattr(g.totals, field) for g in summary.by_community) == total
                assert sum(getattr(g.totals, field) for g in summary.by_category) == total
            if wanted.last_day == date(2025, 12, 31):
                by_month = reports.sales_by_month(wanted)
                assert {g.key: g.totals.net_cents for g in by_month if g.totals.net_cents} == {
                    month: net for month, net in months.items() if net
                }
                assert sum(g.totals.commission_cents for g in by_month) == summary.totals.commission_cents
