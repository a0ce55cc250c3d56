"""Sales: one definition of the figures for the dashboard and the report's CSV, so their totals agree, on
both databases: paid lines less refunds, in the Vilnius day of payment, with the commission as payouts
take it.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from catalogue.models import Product
from orders import fulfilments, refunds, reports
from orders.earnings import fulfilment_earnings
from orders.errors import PeriodNotValid
from orders.models import OrderLine, PaymentMethod, Refund, RefundStatus
from orders.reports import SalesFilter
from shop.db import db
from tests.orders.reports.helpers import YEAR_2025


def test_a_year_of_sales_counts_paid_lines_less_refunds_in_the_vilnius_day_of_payment(shop) -> None:
    summary = reports.sales_summary(YEAR_2025, "en")
    # goods 20,10 + 3,33 | 10,05 + 13,65 | 5,00 + 6,66 | 10,05 + 4,55; refunded 13,65 and 6,66
    assert summary.totals == reports.Totals(
        goods_cents=7339, refunded_cents=2031, net_cents=5308, commission_cents=548, orders=4, lines=8
    )
    # Delivery apart: Krakės' and Pagiriai's Omniva fees, the second refunded with its parcel.
    assert summary.delivery == reports.Delivery(fees_cents=598, refunded_cents=299)
    assert summary.unassigned_refunds_cents == 0

    months = {group.key: group.totals.net_cents for group in reports.sales_by_month(YEAR_2025)}
    assert list(months) == [date(2025, month, 1) for month in range(1, 13)]
    assert months == {
        **{date(2025, month, 1): 0 for month in range(1, 13)},
        date(2025, 1, 1): 2343,
        date(2025, 3, 1): 1005,  # paid on the last evening of February, UTC
        date(2025, 7, 1): 500,  # paid on the last evening of June, UTC
        date(2025, 12, 1): 1460,  # and not the order paid a minute later: that is 2026 in Vilnius
    }
    assert sum(months.values()) == summary.totals.net_cents


def test_commission_is_rounded_once_per_parcel_as_payouts_do(shop) -> None:
    # December's parcel: 10,05 + 4,55 = 14,60 at 10 % → 1,46 (per line it would be 1,01 + 0,46 = 1,47).
    december = SalesFilter(date(2025, 12, 1), date(2025, 12, 31))
    lines = reports.list_sales_lines(december)
    assert [line.commission_cents for line in lines] == [101, 45]
    assert reports.sales_summary(december, "en").totals.commission_cents == 146

    # Over the year, the lines' commission is exactly what payouts would take from each parcel.
    refunded = {
        f_id: (goods, delivery)
        for f_id, goods, delivery in db.session.execute(
            select(Refund.fulfilment_id, Refund.goods_cents, Refund.delivery_cents)
        )
    }
    expected = 0
    for order in shop["orders"].values():
        for fulfilment in order.fulfilments:
            goods, delivery = refunded.get(fulfilment.id, (0, 0))
            expected += fulfilment_earnings(
                goods_cents=fulfilment.goods_cents,
                refunded_goods_cents=goods,
                delivery_cents=fulfilment.delivery_cents,
                refunded_delivery_cents=delivery,
                commission_bp=fulfilment.community.commission_bp,
            ).commission_cents
    assert expected == 548 == reports.sales_summary(YEAR_2025, "en").totals.commission_cents


def test_a_refund_after_sending_is_taken_from_the_parcel_s_live_lines_in_turn(shop) -> None:
    # March's Krakės parcel: 10,05 live and 13,65 cancelled. Sent, then 6,00 of its goods returned: the
    # live line has 4,05 left, and the commission is 10 % of that, once (0,405 → 0,41), as payouts take it.
    (parcel,) = shop["orders"]["march"].fulfilments
    fulfilments.accept_fulfilment(parcel.id, by=None)
    fulfilments.ship_fulfilment(parcel.id, carrier="Omniva", tracking_number="CE1LT", by=None)
    refunds.refund_sent_parcel(parcel.id, goods_cents=600, reason="Grąžino", by=None)
    lines = reports.list_sales_lines(SalesFilter(date(2025, 3, 1), date(2025, 3, 31)))
    figures = [(ln.goods_cents, ln.refunded_cents, ln.net_cents, ln.commission_cents) for ln in lines]
    assert figures == [(1005, 600, 405, 41), (1365, 1365, 0, 0)]
    totals = reports.sales_summary(YEAR_2025, "en").totals
    assert (totals.refunded_cents, totals.net_cents, totals.commission_cents) == (2631, 4708, 488)


def test_sales_by_community_and_category_add_up_to_the_totals(shop) -> None:
    summary = reports.sales_summary(YEAR_2025, "en")
    assert [(g.label, g.totals.net_cents, g.totals.commission_cents) for g in summary.by_community] == [
        ("Krakės", 4475, 448),
        ("Josvainiai", 500, 50),
        ("Pagiriai", 333, 50),  # the July parcel was cancelled: 6,66 sold, 6,66 refunded
    ]
    assert [(g.label, g.totals.net_cents, g.totals.commission_cents) for g in summary.by_category] == [
        ("Cards", 4353, 453),
        ("Ornaments", 955, 95),
    ]
    for groups in (summary.by_community, summary.by_category):
        for field in ("goods_cents", "refunded_cents", "net_cents", "commission_cents"):
            assert sum(getattr(g.totals, field) for g in groups) == getattr(summary.totals, field)


def test_a_line_keeps_the_category_it_was_sold_in(shop) -> None:
    product = db.session.get_one(Product, shop["variants"]["k_card"].product_id)
    product.category = shop["ornaments"]  # moved to another shelf after the sales
    db.session.commit()
    orn = db.session.get_one(Product, shop["variants"]["j_orn"].product_id)
    orn.variants.clear()  # and a sold variant deleted: its lines lose the variant, not the category
    db.session.commit()
    sold = db.session.scalars(select(OrderLine).where(OrderLine.product_name_lt == orn.name_lt)).all()
    assert sold and all(line.variant_id is None for line in sold)
    summary = reports.sales_summary(YEAR_2025, "en")
    assert [(g.label, g.totals.net_cents) for g in summary.by_category] == [
        ("Cards", 4353),
        ("Ornaments", 955),
    ]


def test_a_refund_made_in_stripe_for_no_parcel_is_shown_apart(shop) -> None:
    dec = shop["orders"]["dec"]
    db.session.add(
        Refund(
            order_id=dec.id,
            method=PaymentMethod.CARD,
            status=RefundStatus.SUCCEEDED,
            goods_cents=200,
            amount_cents=200,
            reason="Refunded in Stripe directly",
            idempotency_key="stripe-ch_1-abc",
        )
    )
    db.session.commit()
    summary = reports.sales_summary(YEAR_2025, "en")
    assert summary.unassigned_refunds_cents == 200
    assert summary.totals.net_cents == 5308  # it belongs to no line
    with_community = SalesFilter(YEAR_2025.first_day, YEAR_2025.last_day, community_id=shop["krakes"].id)
    assert reports.sales_summary(with_community, "en").unassigned_refunds_cents is None


def test_a_period_that_ends_before_it_begins_is_refused() -> None:
    with pytest.raises(PeriodNotValid):
        SalesFilter(date(2025, 2, 1), date(2025, 1, 31))
