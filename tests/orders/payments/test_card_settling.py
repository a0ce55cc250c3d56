"""The cron job that asks Stripe about card orders left unpaid, and the customer's return from Stripe:
a payment whose webhook was lost still counts; a page left unpaid cancels its order; a payment of the
wrong amount is never cancelled.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from flask import Flask
from flask.testing import FlaskClient

from orders import lifecycle
from orders.models import Order, OrderStatus
from orders.payments.checkout import settle_stale_card_orders
from orders.payments.models import CardCheckout, CardCheckoutStatus, PaymentAlert
from shop.db import utcnow
from tests.factories.orders import make_buyer
from tests.fake_stripe import FakeStripe
from tests.helpers import count, fresh, stock
from tests.orders.payments.cards import TOTAL, pay_and_notify, place_card_order, session_id_of, start


def test_a_lost_webhook_is_made_up_for_by_asking_stripe_before_cancelling(
    card_shop: Flask, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    paid = place_card_order(goods, key="paid-but-silent")
    fake_stripe.pay(session_id_of(start(paid)))
    unpaid = place_card_order(goods, key="abandoned")
    unpaid_session = session_id_of(start(unpaid))
    fake_stripe.sessions[unpaid_session]["status"] = "expired"
    away = place_card_order(goods, key="stripe-away", buyer=make_buyer(email="jonas@example.com"))
    start(away)
    fake_stripe.fail(
        "GET", f"/v1/checkout/sessions/{fresh(Order, away.id).latest_card_checkout.session_id}", times=9
    )

    with time_machine.travel(utcnow() + timedelta(hours=1)):
        cancelled = settle_stale_card_orders()
    assert cancelled == 1
    assert fresh(Order, paid.id).status is OrderStatus.PAID
    assert fresh(Order, unpaid.id).status is OrderStatus.CANCELLED
    assert fresh(Order, away.id).status is OrderStatus.PENDING_PAYMENT  # asked again on the next run
    assert lifecycle.expire_unpaid_orders(utcnow() + timedelta(hours=1)) == 0  # bank transfers only


def test_the_return_from_stripe_shows_the_payment_even_before_the_webhook(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    fake_stripe.pay(session_id_of(start(order)))
    page = card_client.get(f"/uzsakymai/{order.public_token}/kortele", follow_redirects=True)
    assert page.status_code == 200
    assert fresh(Order, order.id).status is OrderStatus.PAID
    assert count(CardCheckout, CardCheckout.status == CardCheckoutStatus.PAID) == 1


def test_a_payment_of_the_wrong_amount_is_never_cancelled_by_the_expiry_job_nor_flagged_twice(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods)
    pay_and_notify(card_client, fake_stripe, start(order), amount_total=TOTAL - 100)
    card_client.get(f"/uzsakymai/{order.public_token}/kortele")  # the customer comes back
    with time_machine.travel(utcnow() + timedelta(days=3)):
        assert settle_stale_card_orders() == 0
    assert fresh(Order, order.id).status is OrderStatus.PENDING_PAYMENT
    assert stock(goods["star"].variants[0]) == 8
    assert count(PaymentAlert) == 1
