"""The load benchmark's shop (`bench/seed.py`): written in bulk, but as the services would have left it —
orders in every state, totals that add up, each parcel's moves recorded, refunds where parcels were
cancelled after the payment — and served and paid out by the real code."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bench import seed
from catalogue.images import rendition_name
from catalogue.models import Product, ProductImage
from orders.models import (
    FULFILMENT_NEXT,
    Fulfilment,
    FulfilmentEvent,
    FulfilmentStatus,
    Order,
    OrderStatus,
    Refund,
)
from orders.payouts.period import period_bounds
from orders.payouts.statements import run_payouts
from shop.db import db, utcnow
from shop.i18n import vilnius_today

S = FulfilmentStatus


@pytest.fixture
def shop(app: Flask) -> seed.Seeded:
    # one year, so that a few hundred orders still leave some placed in the last week (unpaid) and weeks
    return seed.seed(communities=4, products=40, orders=600, now=utcnow(), years=1)


def test_the_bench_shop_has_orders_and_parcels_in_every_state(shop: seed.Seeded) -> None:
    assert set(db.session.scalars(select(Order.status).distinct())) == set(OrderStatus)
    assert set(db.session.scalars(select(Fulfilment.status).distinct())) == set(FulfilmentStatus)
    assert sum(shop.orders.values()) == 600 == db.session.scalar(select(func.count()).select_from(Order))
    assert db.session.scalar(select(func.count()).select_from(Product)) == len(shop.products) == 40


def test_every_order_adds_up_and_is_paid_once_when_it_was_paid(shop: seed.Seeded) -> None:
    for order in db.session.scalars(select(Order)):
        assert order.total_cents == order.goods_cents + order.delivery_cents
        assert order.goods_cents == sum(f.goods_cents for f in order.fulfilments)
        assert order.delivery_cents == sum(f.delivery_cents for f in order.fulfilments)
        for fulfilment in order.fulfilments:
            assert fulfilment.goods_cents == sum(
                line.unit_price_cents * line.quantity for line in fulfilment.lines
            )
            assert all(line.variant is not None and line.sku == line.variant.sku for line in fulfilment.lines)
        payments = [payment.amount_cents for payment in order.payments]
        assert payments == ([order.total_cents] if order.paid_at is not None else [])
        if order.status in {OrderStatus.PAID, OrderStatus.COMPLETED}:
            assert order.paid_at is not None and order.cancelled_at is None
        if order.status is OrderStatus.COMPLETED:
            assert {f.status for f in order.fulfilments} <= {S.DELIVERED, S.CANCELLED}
        if order.status is OrderStatus.CANCELLED:
            assert order.cancelled_at is not None and order.cancel_reason is not None
            assert {f.status for f in order.fulfilments} == {S.CANCELLED}


def test_each_parcel_got_to_its_state_by_allowed_moves_and_a_cancelled_paid_one_was_refunded(
    shop: seed.Seeded,
) -> None:
    refunds = {refund.fulfilment_id: refund for refund in db.session.scalars(select(Refund))}
    for fulfilment in db.session.scalars(select(Fulfilment)):
        events = sorted(fulfilment.events, key=lambda e: (e.created_at, e.id))
        steps = [S.AWAITING_PAYMENT] + [event.to_status for event in events]
        assert steps[-1] is fulfilment.status
        for event, (before, after) in zip(events, itertools.pairwise(steps), strict=True):
            assert event.from_status is before and event.to_status is after
            assert after in FULFILMENT_NEXT[before]
        paid = fulfilment.order.paid_at is not None
        if fulfilment.status is S.CANCELLED and paid:
            refund = refunds.pop(fulfilment.id)
            assert refund.amount_cents == fulfilment.goods_cents + fulfilment.delivery_cents
            assert refund.order_id == fulfilment.order_id
    assert refunds == {}  # no refund for a parcel that was not cancelled after the payment


def test_the_storefront_serves_the_bench_shop_with_its_photos_and_finds_its_products(
    shop: seed.Seeded, client: FlaskClient
) -> None:
    product = db.session.scalars(select(Product).where(Product.slug == shop.products[7])).one()
    assert client.get(f"/produktai/{product.slug}").status_code == 200
    assert client.get(f"/bendruomenes/{shop.communities[1]}").status_code == 200
    found = client.get("/katalogas", query_string={"q": product.name_lt, "exact": "1"})
    assert found.status_code == 200 and product.name_lt in found.get_data(as_text=True)
    image = db.session.scalars(select(ProductImage).where(ProductImage.product_id == product.id)).first()
    assert image is not None
    with client.get(f"/media/{rendition_name(image.key, 320, 'webp')}") as photo:
        assert photo.status_code == 200 and photo.mimetype == "image/webp" and photo.get_data()


def test_a_payout_run_over_the_bench_orders_takes_every_parcel_delivered_in_the_period(
    shop: seed.Seeded,
) -> None:
    today = vilnius_today()
    first, last = date(today.year - 1, today.month, 1), today.replace(day=1) - timedelta(days=60)
    _start, end = period_bounds(first, last)
    delivered = db.session.scalar(
        select(func.count())
        .select_from(FulfilmentEvent)
        .where(FulfilmentEvent.to_status == S.DELIVERED, FulfilmentEvent.created_at < end)
    )
    run = run_payouts(first, last, by=None)
    assert delivered and run.new_lines == delivered
