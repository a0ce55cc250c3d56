"""Sales: one definition for the dashboard and the report's CSV, so their totals agree, on both databases.

The shop below sold in 2025 across Vilnius month edges (winter and summer time), with a refunded line, a
cancelled parcel, an unpaid and an expired order, three communities at two commission rates and two
categories. The expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from catalogue.models import Product
from orders import fulfilments, lifecycle, placing, refunds, reports
from orders.earnings import fulfilment_earnings
from orders.errors import PeriodNotValid
from orders.models import (
    CancelReason,
    Fulfilment,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    Refund,
    RefundStatus,
)
from orders.reports import SalesFilter
from producers.models import DeliveryMethod
from shop.db import db
from shop.i18n import VILNIUS
from tests.conftest import login_as
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.orders import make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import parcel_of, wipe

YEAR_2025 = SalesFilter(date(2025, 1, 1), date(2025, 12, 31))
LOCKER = "Kėdainių Maxima, J. Basanavičiaus g. 75"
AT_LOCKER = placing.DeliveryChoice(DeliveryMethod.OMNIVA, locker=LOCKER)
PAID = OrderStatus.PAID


def at(*moment: int) -> datetime:
    return datetime(*moment, tzinfo=UTC)


@pytest.fixture
def shop(app: object) -> dict[str, Any]:
    make_operator()
    krakes = make_community(slug="krakes", name="Krakės", commission_bp=1000)
    pagiriai = make_community(slug="pagiriai", name="Pagiriai", commission_bp=1500)
    josvainiai = make_community(slug="josvainiai", name="Josvainiai", commission_bp=1000)
    cards = make_category(slug="cards", name_lt="Atvirukai", name_en="Cards")
    ornaments = make_category(slug="ornaments", name_lt="Žaisliukai", name_en="Ornaments")

    def variant(community: Any, category: Any, price: int) -> Any:
        return make_product(
            community, category, variants=[make_variant(price_cents=price, stock=50)]
        ).variants[0]

    v = {
        "k_card": variant(krakes, cards, 1005),
        "k_orn": variant(krakes, ornaments, 455),
        "p_card": variant(pagiriai, cards, 333),
        "j_orn": variant(josvainiai, ornaments, 250),
    }

    # January: Krakės 2 × 10,05 (Omniva, 2,99) and Pagiriai 3,33.
    jan = make_order(
        [(v["k_card"], 2), (v["p_card"], 1)],
        status=PAID,
        paid_at=at(2025, 1, 15, 10),
        deliveries={krakes.id: AT_LOCKER},
    )
    # 28 February 22:30 UTC is 1 March 00:30 in Vilnius (UTC+2): a March sale. 3 × 4,55 refunded later.
    march = make_order([(v["k_card"], 1), (v["k_orn"], 3)], status=PAID, paid_at=at(2025, 2, 28, 22, 30))
    line = next(line for line in parcel_of(march, krakes).lines if line.variant_id == v["k_orn"].id)
    refunds.cancel_line(line.id, reason="Sudužo", by=None)
    # 30 June 21:30 UTC is 1 July 00:30 in Vilnius (UTC+3): a July sale; Pagiriai's parcel is cancelled.
    july = make_order(
        [(v["j_orn"], 2), (v["p_card"], 2)],
        status=PAID,
        paid_at=at(2025, 6, 30, 21, 30),
        deliveries={pagiriai.id: AT_LOCKER},
    )
    refunds.cancel_fulfilment(parcel_of(july, pagiriai).id, reason="Nespėjame", by=None)
    # Never paid, and expired: no sales.
    make_order([(v["k_card"], 1)])
    make_order([(v["p_card"], 1)], status=OrderStatus.CANCELLED, cancel_reason=CancelReason.EXPIRED)
    # 31 December 23:59 in Vilnius (21:59 UTC), by card: 10,05 + 4,55 in one parcel.
    dec = make_order(
        [(v["k_card"], 1), (v["k_orn"], 1)],
        status=PAID,
        paid_at=at(2025, 12, 31, 21, 59),
        payment_method=PaymentMethod.CARD,
    )
    # 22:00 UTC is already 1 January 2026 in Vilnius.
    make_order([(v["j_orn"], 1)], status=PAID, paid_at=at(2025, 12, 31, 22, 0))
    return {
        "krakes": krakes,
        "pagiriai": pagiriai,
        "josvainiai": josvainiai,
        "cards": cards,
        "ornaments": ornaments,
        "variants": v,
        "orders": {"jan": jan, "march": march, "july": july, "dec": dec},
    }


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


@pytest.mark.parametrize(
    ("community", "category", "period", "net", "commission"),
    [
        (None, None, YEAR_2025, 5308, 548),
        ("krakes", None, YEAR_2025, 4475, 448),
        (None, "ornaments", YEAR_2025, 955, 95),
        ("krakes", "ornaments", YEAR_2025, 455, 45),
        ("pagiriai", "cards", YEAR_2025, 333, 50),
        (None, None, SalesFilter(date(2025, 3, 1), date(2025, 7, 1)), 1505, 151),
        (None, None, SalesFilter(date(2025, 2, 1), date(2025, 2, 28)), 0, 0),
        (None, None, SalesFilter(date(2026, 1, 1), date(2026, 1, 1)), 250, 25),
    ],
)
def test_the_dashboard_and_the_csv_agree_for_every_filter(
    client: FlaskClient, shop, community, category, period, net, commission
) -> None:
    wanted = SalesFilter(
        period.first_day,
        period.last_day,
        shop[community].id if community else None,
        shop[category].id if category else None,
    )
    summary = reports.sales_summary(wanted, "en")
    assert (summary.totals.net_cents, summary.totals.commission_cents) == (net, commission)

    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    query = {"from_day": wanted.first_day.isoformat(), "to_day": wanted.last_day.isoformat(), "lang": "en"}
    if community:
        query["community"] = str(shop[community].id)
    if category:
        query["category"] = str(shop[category].id)

    rows = csv_rows(client.get("/backoffice/reports.csv", query_string=query))
    header, lines, total = rows[0], rows[1:-1], rows[-1]
    assert header[8:12] == ["Goods", "Refunded", "Net", "Commission"]
    assert len(lines) == summary.totals.lines
    for column, cents in zip(
        range(8, 12),
        (summary.totals.goods_cents, summary.totals.refunded_cents, net, commission),
        strict=True,
    ):
        assert total[column] == euros(cents)  # the totals row
        assert sum(cents_of(line[column]) for line in lines) == cents  # the lines themselves

    dashboard = client.get("/backoffice/", query_string=query).get_data(as_text=True)
    report = client.get("/backoffice/reports", query_string=query).get_data(as_text=True)
    for page in (dashboard, report):
        assert f'data-total="net">{money_en(net)}<' in page
        assert f'data-total="commission">{money_en(commission)}<' in page


def test_the_csv_has_a_line_per_sold_line_with_its_words_and_amounts(client: FlaskClient, shop) -> None:
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    response = client.get(
        "/backoffice/reports.csv", query_string={"from_day": "2025-03-01", "to_day": "2025-03-31"}
    )
    assert response.mimetype == "text/csv"
    assert 'filename="kaimo-muge-sales-2025-03-01-2025-03-31.csv"' in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).startswith("\ufeff")  # Excel reads the Lithuanian letters
    rows = csv_rows(response)
    number = shop["orders"]["march"].number
    product = db.session.get_one(Product, shop["variants"]["k_orn"].product_id)
    assert rows[2] == [
        number,
        "2025-03-01",  # the Vilnius day of the payment
        "Krakės",
        "Žaisliukai",
        product.name_lt,
        "",
        "3",
        "4,55",
        "13,65",
        "13,65",
        "0,00",
        "0,00",
        "Bankinis pavedimas",
    ]
    assert rows[-1][1:] == ["", "", "", "", "", "", "", "23,70", "13,65", "10,05", "1,01", ""]  # the totals


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


def test_the_report_page_says_what_a_wrong_filter_is_and_shows_this_year(client: FlaskClient, shop) -> None:
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    for query in (
        {"from_day": "2025-02-30"},
        {"from_day": "0001-01-01"},  # a day so early (or late) that its Vilnius midnight cannot be had in UTC
        {"to_day": "9999-12-31"},
        {"from_day": "2025-03-01", "to_day": "2025-01-01"},
        {"community": "99999999999999999999"},
        {"category": "²"},
        {"community": "999999"},
    ):
        response = client.get("/backoffice/reports", query_string={**query, "lang": "en"})
        assert response.status_code == 400, query
        page = response.get_data(as_text=True)
        assert 'class="error-text"' in page
        csv_response = client.get("/backoffice/reports.csv", query_string=query)
        assert csv_response.status_code == 400 and csv_response.mimetype == "text/html"


def test_no_day_search_in_the_back_office_fails_on_a_year_far_away(client: FlaskClient, shop) -> None:
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    for url in ("/backoffice/orders?placed_from=0001-01-01", "/backoffice/orders?placed_to=9999-12-31"):
        response = client.get(url + "&lang=en")
        assert response.status_code == 200
        assert "Enter a day of the years 2000 to 2099." in response.get_data(as_text=True)


def test_reports_are_for_staff_only(client: FlaskClient, shop) -> None:
    for url in ("/backoffice/reports", "/backoffice/reports.csv"):
        assert client.get(url).status_code == 302
    make_user(shop["krakes"], email="krakes@example.org")
    login_as(client, "krakes@example.org")
    for url in ("/backoffice/reports", "/backoffice/reports.csv"):
        assert client.get(url).status_code == 403


# ---------------------------------------------------------------------------------------------- helpers


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    text = response.get_data(as_text=True).removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def cents_of(text: str) -> int:
    euros_part, cents_part = text.split(",")
    return int(euros_part) * 100 + int(cents_part)


def money_en(cents: int) -> str:
    return f"€{cents // 100:,}.{cents % 100:02d}"


# ---------------------------------------------------------------------------------------------- any history


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
    app: Flask, rates: list[int], sales: list[tuple[Any, ...]]
) -> None:
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
        for items, paid, then, which in sales:
            wanted: dict[int, int] = {}
            for index, quantity in items:
                wanted[variants[index].id] = wanted.get(variants[index].id, 0) + quantity
            with time_machine.travel(paid or datetime(2025, 6, 1, tzinfo=UTC), tick=False):
                order = make_order(
                    [placing.LineRequest(v, q) for v, q in wanted.items()],
                    status=OrderStatus.PENDING_PAYMENT if paid is None else PAID,
                    delivery=AT_LOCKER,
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
