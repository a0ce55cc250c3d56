"""Refunds of cancelled lines and parcels, and earnings sent by Stripe transfer, on the fake Stripe."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from orders import fulfilments, lifecycle, refunds, transfers
from orders.errors import NotCancellable, NotPayableByStripe, NotRefundable, RefundTooLarge
from orders.models import FulfilmentStatus, Order, OrderStatus, PaymentMethod, Refund, RefundStatus
from orders.payouts.models import CommunityTransfer, TransferStatus
from shop.models import OutboxMessage
from tests.conftest import csrf_token, login_as
from tests.factories.shop import make_user
from tests.fake_stripe import FakeStripe
from tests.helpers import count, fresh, parcel_of, stock
from tests.orders.payments.cards import TOTAL, paid_by_card, place_card_order, post_event


def refunded_at_stripe(fake: FakeStripe, order: Order) -> int:
    intent = fake.payment_intents[order.payments[0].stripe_payment_intent]
    return fake.charges[intent["latest_charge"]]["amount_refunded"]


def test_cancelling_lines_and_parcels_refunds_exactly_their_part_to_the_cent(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    krakes, pagiriai = parcel_of(order, goods["krakes"]), parcel_of(order, goods["pagiriai"])
    small_stars = next(line for line in krakes.lines if line.unit_price_cents == 450)

    line_refund = refunds.cancel_line(small_stars.id, reason="Sudužo", by=None)
    assert line_refund is not None
    assert (line_refund.goods_cents, line_refund.delivery_cents, line_refund.status) == (
        900,
        0,
        RefundStatus.SUCCEEDED,
    )
    (call,) = fake_stripe.calls_to("POST", "/v1/refunds")
    assert call.headers["Idempotency-Key"] == line_refund.idempotency_key
    assert (call.form["amount"], call.form["payment_intent"]) == (
        "900",
        order.payments[0].stripe_payment_intent,
    )
    assert stock(goods["star"].variants[0]) == 10  # back on sale

    # The parcel's last line cancels the parcel: its remaining goods and its delivery fee.
    last = next(line for line in krakes.lines if line.unit_price_cents == 1100)
    parcel_refund = refunds.cancel_line(last.id, reason="Nebėra", by=None)
    assert parcel_refund is not None and (parcel_refund.goods_cents, parcel_refund.delivery_cents) == (
        1100,
        0,
    )
    assert fresh(Order, order.id).fulfilments[0].status is FulfilmentStatus.CANCELLED

    whole = refunds.cancel_fulfilment(pagiriai.id, reason="Liga", by=None)
    assert whole is not None and (whole.goods_cents, whole.delivery_cents) == (1250, 299)

    order = fresh(Order, order.id)
    assert sum(r.amount_cents for r in order.refunds) == TOTAL == refunded_at_stripe(fake_stripe, order)
    assert order.status is OrderStatus.CANCELLED  # nothing left to send
    assert count(OutboxMessage, OutboxMessage.dedup_key.like("refund:%")) == 3

    # Stripe's own charge.refunded events for these refunds add nothing.
    intent = fake_stripe.payment_intents[order.payments[0].stripe_payment_intent]
    post_event(
        card_client, fake_stripe.event("charge.refunded", fake_stripe.charges[intent["latest_charge"]])
    )
    assert count(Refund) == 3


def test_a_shipped_or_cancelled_parcel_cannot_be_cancelled_again_and_nothing_is_refunded(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    krakes = parcel_of(order, goods["krakes"])
    fulfilments.accept_fulfilment(krakes.id, by=None)
    fulfilments.ship_fulfilment(krakes.id, carrier="Omniva", tracking_number="CC123", by=None)
    with pytest.raises(NotCancellable):
        refunds.cancel_fulfilment(krakes.id, reason="x", by=None)
    pagiriai = parcel_of(order, goods["pagiriai"])
    refunds.cancel_fulfilment(pagiriai.id, reason="x", by=None)
    with pytest.raises(NotCancellable):  # a double click
        refunds.cancel_fulfilment(pagiriai.id, reason="x", by=None)
    assert count(Refund) == 1 and len(fake_stripe.calls_to("POST", "/v1/refunds")) == 1


def test_a_refund_stripe_could_not_take_is_sent_later_exactly_once(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    fake_stripe.hang("POST", "/v1/refunds", seconds=2, times=2)  # Stripe refunds, but the answer is lost
    refund = refunds.cancel_fulfilment(parcel_of(order, goods["pagiriai"]).id, reason="Liga", by=None)
    assert refund is not None and fresh(Refund, refund.id).status is RefundStatus.PENDING
    assert refunds.submit_pending_refunds() == 1
    assert refunds.submit_pending_refunds() == 0
    assert fresh(Refund, refund.id).status is RefundStatus.SUCCEEDED
    assert len(fake_stripe.refunds) == 1  # the same key each time: Stripe refunded once
    assert refunded_at_stripe(fake_stripe, fresh(Order, order.id)) == 1250 + 299


def test_a_refund_stripe_refuses_is_marked_failed_for_staff(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    fake_stripe.fail(
        "POST",
        "/v1/refunds",
        status=400,
        error={"type": "invalid_request_error", "message": "Charge disputed"},
    )
    refund = refunds.cancel_fulfilment(parcel_of(order, goods["pagiriai"]).id, reason="x", by=None)
    assert refund is not None
    refund = fresh(Refund, refund.id)
    assert refund.status is RefundStatus.FAILED and "disputed" in refund.last_error
    assert [alert.kind.value for alert in fresh(Order, order.id).payment_alerts] == ["refund_failed"]


def test_a_refund_that_fails_later_at_stripe_is_put_in_front_of_staff(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    refund = refunds.cancel_fulfilment(parcel_of(order, goods["pagiriai"]).id, reason="x", by=None)
    assert refund is not None and refund.stripe_refund_id
    stripe_refund = fake_stripe.refunds[refund.stripe_refund_id] | {
        "status": "failed",
        "failure_reason": "lost_card",
    }
    post_event(card_client, fake_stripe.event("refund.updated", stripe_refund))
    refund = fresh(Refund, refund.id)
    assert refund.status is RefundStatus.FAILED and refund.last_error == "lost_card"
    assert [alert.kind.value for alert in fresh(Order, order.id).payment_alerts] == ["refund_failed"]


def test_a_bank_transfer_refund_is_owed_until_staff_send_it(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = place_card_order(goods, payment_method=PaymentMethod.BANK_TRANSFER)
    lifecycle.mark_paid(order.id, amount_cents=TOTAL, method=PaymentMethod.BANK_TRANSFER, by=None)
    refund = refunds.cancel_fulfilment(parcel_of(order, goods["pagiriai"]).id, reason="Liga", by=None)
    assert refund is not None and refund.status is RefundStatus.OWED
    assert fake_stripe.calls_to("POST", "/v1/refunds") == []

    make_user(email="vvg@example.org", is_staff=True)
    login_as(card_client, "vvg@example.org")
    page = card_client.get("/backoffice/payments").get_data(as_text=True)
    assert "Grąžinimai, kuriuos reikia išsiųsti pavedimu" in page and "15,49" in page
    token = csrf_token(card_client, "/backoffice/payments")
    card_client.post(f"/backoffice/refunds/{refund.id}/sent", data={"csrf_token": token})
    card_client.post(f"/backoffice/refunds/{refund.id}/sent", data={"csrf_token": token})
    assert fresh(Refund, refund.id).status is RefundStatus.SENT
    assert "15,49" not in card_client.get("/backoffice/payments").get_data(as_text=True)


def test_a_communitys_earnings_go_to_its_stripe_account_once(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    krakes = parcel_of(order, goods["krakes"])
    first = transfers.transfer_earnings(krakes.id, amount_cents=1800)
    again = transfers.transfer_earnings(krakes.id, amount_cents=1800)
    assert first.id == again.id and again.status is TransferStatus.SENT
    (call,) = fake_stripe.calls_to("POST", "/v1/transfers")
    intent = fake_stripe.payment_intents[order.payments[0].stripe_payment_intent]
    assert call.headers["Idempotency-Key"] == first.idempotency_key
    assert first.idempotency_key.startswith(f"payout-{krakes.id}-")
    assert call.form["destination"] == "acct_1KrakesTest"
    assert call.form["transfer_group"] == order.number
    assert call.form["source_transaction"] == intent["latest_charge"]
    assert (call.form["amount"], call.form["currency"]) == ("1800", "eur")
    assert count(CommunityTransfer) == 1

    with pytest.raises(NotPayableByStripe):  # Pagiriai has no connected account: paid by bank
        transfers.transfer_earnings(parcel_of(order, goods["pagiriai"]).id, amount_cents=1000)


def test_a_transfer_stripe_could_not_take_is_sent_later_with_the_same_key(
    card_shop: Flask, card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    krakes = parcel_of(order, goods["krakes"])
    fake_stripe.hang("POST", "/v1/transfers", seconds=2, times=2)
    assert transfers.transfer_earnings(krakes.id, amount_cents=1800).status is TransferStatus.PENDING
    assert transfers.transfer_earnings(krakes.id, amount_cents=1800).status is TransferStatus.SENT
    assert len(fake_stripe.transfers) == 1


def test_a_transfer_stripe_refused_is_sent_again_under_a_new_key_once_asked_again(
    card_shop: Flask, card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    krakes = parcel_of(order, goods["krakes"])
    fake_stripe.fail(
        "POST",
        "/v1/transfers",
        status=400,
        error={"type": "invalid_request_error", "message": "The account cannot receive transfers."},
    )
    refused = transfers.transfer_earnings(krakes.id, amount_cents=1800)
    assert refused.status is TransferStatus.FAILED and "cannot receive transfers" in refused.last_error
    first_key = refused.idempotency_key
    assert fake_stripe.transfers == {}  # refused: no money moved

    sent = transfers.transfer_earnings(krakes.id, amount_cents=1800)
    assert (sent.id, sent.status, sent.last_error) == (refused.id, TransferStatus.SENT, "")
    assert sent.idempotency_key != first_key  # the old key would only replay the refusal
    assert [c.headers["Idempotency-Key"] for c in fake_stripe.calls_to("POST", "/v1/transfers")] == [
        first_key,
        sent.idempotency_key,
    ]
    assert transfers.transfer_earnings(krakes.id, amount_cents=1800).status is TransferStatus.SENT
    assert len(fake_stripe.transfers) == 1 and count(CommunityTransfer) == 1


def test_staff_can_cancel_a_parcel_from_the_command_line_until_the_back_office_has_a_button(
    card_shop: Flask, card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    runner = card_shop.test_cli_runner()
    pagiriai = parcel_of(order, goods["pagiriai"])
    result = runner.invoke(args=["orders", "cancel-parcel", str(pagiriai.id), "--reason", "Liga"])
    assert result.exit_code == 0, result.output
    assert "1549 cents is succeeded" in result.output
    again = runner.invoke(args=["orders", "cancel-parcel", str(pagiriai.id), "--reason", "Liga"])
    assert again.exit_code == 1 and "Not cancellable now (the parcel is cancelled)" in again.output
    missing = runner.invoke(args=["orders", "cancel-line", "999999", "--reason", "x"])
    assert missing.exit_code == 1 and "No such parcel or line" in missing.output


def test_a_sent_parcel_is_refunded_any_amount_up_to_what_is_left_through_stripe(
    card_client: FlaskClient, goods: dict[str, Any], fake_stripe: FakeStripe
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    krakes = parcel_of(order, goods["krakes"])
    fulfilments.accept_fulfilment(krakes.id, by=None)
    fulfilments.ship_fulfilment(krakes.id, carrier="Omniva", tracking_number="CE1LT", by=None)
    stock_before = stock(goods["star"].variants[0])
    goods_total = sum(line.total_cents for line in krakes.lines)

    refund = refunds.refund_sent_parcel(krakes.id, goods_cents=250, reason="Atvirukas sulamdytas", by=None)
    assert (refund.goods_cents, refund.delivery_cents, refund.status) == (250, 0, RefundStatus.SUCCEEDED)
    assert refunded_at_stripe(fake_stripe, order) == 250
    assert stock(goods["star"].variants[0]) == stock_before  # a return is not stock until the community says

    fulfilments.mark_delivered(krakes.id, by=None)
    left = goods_total - 250
    with pytest.raises(RefundTooLarge) as too_much:
        refunds.refund_sent_parcel(krakes.id, goods_cents=left + 1, reason="x", by=None)
    refused = too_much.value
    assert (refused.goods_left_cents, refused.delivery_left_cents) == (left, krakes.delivery_cents)
    last = refunds.refund_sent_parcel(
        krakes.id, goods_cents=left, delivery_cents=krakes.delivery_cents, reason="Grąžino", by=None
    )
    assert refunded_at_stripe(fake_stripe, order) == 250 + last.amount_cents
    with pytest.raises(RefundTooLarge):
        refunds.refund_sent_parcel(krakes.id, goods_cents=1, reason="x", by=None)
    pagiriai = parcel_of(order, goods["pagiriai"])
    with pytest.raises(NotRefundable):  # not sent yet: cancelled instead
        refunds.refund_sent_parcel(pagiriai.id, goods_cents=100, reason="x", by=None)
