"""What unpaid orders may hold (`orders.caps`): two unpaid orders per e-mail address and per client IP at a
time, half of a variant's stock per order, 20 of one line; counted right under concurrent checkouts."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from sqlalchemy import select

from catalogue.models import Variant
from orders import errors, lifecycle, placing
from orders.models import CancelReason, Order, OrderStatus, PaymentMethod
from producers.models import DeliveryMethod
from shop.db import db
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import make_buyer
from tests.factories.producers import make_community
from tests.factories.shop import make_operator
from tests.helpers import count, fresh, stock

_keys = itertools.count(1)


@pytest.fixture
def variant(app: Flask) -> Variant:
    make_operator()
    return make_product(variants=[make_variant(stock=100)]).variants[0]


def place(
    lines: Variant | list[tuple[Variant, int]],
    *,
    email: str = "rasa@example.com",
    ip: str = "",
) -> Order:
    """An unpaid bank-transfer order placed as the checkout places it, from `ip` ("" as the demo does)."""
    pairs = [(lines, 1)] if isinstance(lines, Variant) else lines
    requests = [placing.LineRequest(variant.id, quantity) for variant, quantity in pairs]
    communities = {fresh(Variant, variant.id).product.community_id for variant, _quantity in pairs}
    return placing.place_order(
        requests,
        {community_id: placing.DeliveryChoice(DeliveryMethod.PICKUP) for community_id in communities},
        make_buyer(email=email),
        payment_method=PaymentMethod.BANK_TRANSFER,
        idempotency_key=f"caps-{next(_keys)}",
        client_ip=ip,
    )


def client_ips() -> list[str]:
    db.session.rollback()
    return sorted(db.session.scalars(select(Order.client_ip)))


def test_a_third_unpaid_order_of_one_address_is_refused_until_one_is_paid_or_cancelled(
    variant: Variant,
) -> None:
    first = place(variant, email="rasa@example.com")
    place(variant, email="Rasa@Example.com")  # the same address, however typed

    with pytest.raises(errors.TooManyUnpaidOrders) as refused:
        place(variant, email="rasa@example.com")
    assert (refused.value.by, refused.value.limit) == ("email", 2)
    assert count(Order) == 2 and stock(variant) == 98  # nothing of the third was reserved

    lifecycle.cancel_unpaid_order(first.id, reason=CancelReason.CUSTOMER)
    place(variant, email="rasa@example.com")
    assert count(Order, Order.status == OrderStatus.PENDING_PAYMENT) == 2


def test_a_paid_order_does_not_count_against_the_address(variant: Variant) -> None:
    first = place(variant)
    lifecycle.mark_paid(first.id, amount_cents=first.total_cents, method=PaymentMethod.BANK_TRANSFER, by=None)
    place(variant)
    place(variant)
    with pytest.raises(errors.TooManyUnpaidOrders):
        place(variant)


def test_a_third_unpaid_order_from_one_ip_address_is_refused_whatever_the_e_mail(variant: Variant) -> None:
    place(variant, email="a@example.com", ip="203.0.113.7")
    place(variant, email="b@example.com", ip="203.0.113.7")

    with pytest.raises(errors.TooManyUnpaidOrders) as refused:
        place(variant, email="c@example.com", ip="203.0.113.7")
    assert (refused.value.by, refused.value.limit) == ("ip", 2)

    place(variant, email="c@example.com", ip="198.51.100.1")  # another visitor is not held up
    place(variant, email="d@example.com")  # the demo and scripts give no address: not capped by it
    place(variant, email="e@example.com")
    place(variant, email="f@example.com")
    assert client_ips() == ["", "", "", "198.51.100.1", "203.0.113.7", "203.0.113.7"]


def test_the_caps_follow_the_settings(app: Flask, variant: Variant, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "UNPAID_ORDERS_PER_EMAIL", 1)
    place(variant)
    with pytest.raises(errors.TooManyUnpaidOrders):
        place(variant)


@pytest.mark.parametrize(
    ("on_sale", "allowed", "refusal"),
    [
        (100, 20, errors.QuantityNotAllowed),  # the line's maximum comes first
        (30, 15, errors.ShareOfStockExceeded),
        (9, 4, errors.ShareOfStockExceeded),
        (2, 1, errors.ShareOfStockExceeded),
        (1, 1, errors.OutOfStock),  # one on sale: it may all go, and no more is there
    ],
)
def test_one_order_takes_at_most_half_of_what_is_on_sale_and_20_of_a_line(
    app: Flask, on_sale: int, allowed: int, refusal: type[Exception]
) -> None:
    make_operator()
    variant = make_product(variants=[make_variant(stock=on_sale)]).variants[0]

    with pytest.raises(refusal) as refused:
        place([(variant, allowed + 1)])
    if isinstance(refused.value, errors.ShareOfStockExceeded):
        assert refused.value.allowed == allowed
    assert stock(variant) == on_sale and count(Order) == 0

    place([(variant, allowed)])
    assert stock(variant) == on_sale - allowed


def test_made_to_order_lines_have_no_stock_to_share_but_keep_the_line_maximum(app: Flask) -> None:
    make_operator()
    variant = make_product(variants=[make_variant(stock=0, is_made_to_order=True, lead_days=5)]).variants[0]
    place([(variant, 20)])
    with pytest.raises(errors.QuantityNotAllowed):
        place([(variant, 21)], email="kitas@example.com")


def test_one_cart_cannot_take_a_communitys_whole_stock(app: Flask) -> None:
    """The probe's cart: 141 units of 7 variants, one community's whole stock, in one unpaid order."""
    make_operator()
    community = make_community()
    stocks = [40, 30, 25, 20, 12, 9, 5]
    variants = [make_product(community, variants=[make_variant(stock=n)]).variants[0] for n in stocks]

    with pytest.raises(errors.OrderProblem):
        place(list(zip(variants, stocks, strict=True)))
    assert [stock(v) for v in variants] == stocks

    most = [min(n // 2, 20) for n in stocks]  # what one order may take of each
    place(list(zip(variants, most, strict=True)))
    left = [stock(v) for v in variants]
    assert sum(left) == 141 - sum(most) and all(n > 0 for n in left)  # 72 of 141 stay on sale


def test_two_checkouts_of_one_address_at_once_take_one_last_place(app: Flask, variant: Variant) -> None:
    """With one unpaid order open, eight checkouts of the same address at the same moment: one passes."""
    place(variant, email="rasa@example.com", ip="203.0.113.9")
    variant_id = variant.id
    community_id = fresh(Variant, variant_id).product.community_id
    start = threading.Barrier(8)

    def checkout(number: int) -> str:
        with app.app_context():
            start.wait()
            try:
                placing.place_order(
                    [placing.LineRequest(variant_id, 1)],
                    {community_id: placing.DeliveryChoice(DeliveryMethod.PICKUP)},
                    make_buyer(email="rasa@example.com" if number % 2 else "RASA@example.com"),
                    payment_method=PaymentMethod.BANK_TRANSFER,
                    idempotency_key=f"at-once-{number}",
                    client_ip=f"198.51.100.{number}",
                )
            except errors.TooManyUnpaidOrders:
                return "refused"
            finally:
                db.session.remove()
            return "placed"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(checkout, range(8)))

    assert outcomes.count("placed") == 1 and outcomes.count("refused") == 7
    assert count(Order, Order.status == OrderStatus.PENDING_PAYMENT) == 2


def test_two_checkouts_from_one_ip_address_at_once_take_one_last_place(app: Flask, variant: Variant) -> None:
    place(variant, email="first@example.com", ip="203.0.113.9")
    variant_id = variant.id
    community_id = fresh(Variant, variant_id).product.community_id
    start = threading.Barrier(8)

    def checkout(number: int) -> str:
        with app.app_context():
            start.wait()
            try:
                placing.place_order(
                    [placing.LineRequest(variant_id, 1)],
                    {community_id: placing.DeliveryChoice(DeliveryMethod.PICKUP)},
                    make_buyer(email=f"buyer-{number}@example.com"),
                    payment_method=PaymentMethod.BANK_TRANSFER,
                    idempotency_key=f"at-once-ip-{number}",
                    client_ip="203.0.113.9",
                )
            except errors.TooManyUnpaidOrders:
                return "refused"
            finally:
                db.session.remove()
            return "placed"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(checkout, range(8)))

    assert outcomes.count("placed") == 1 and outcomes.count("refused") == 7
