"""Statements paid through Stripe: one transfer per parcel to a community's connected account, sent once,
from the service and from the back office's page, and sent again when Stripe was away or refused.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from orders import refunds
from orders.errors import PayoutNotApproved, WrongPayoutMethod
from orders.models import Fulfilment, FulfilmentStatus
from orders.payouts.models import Payout, PayoutAdjustment, PayoutMethod, PayoutStatus, TransferStatus
from orders.payouts.paying import approve_payout, mark_payout_paid, pay_by_stripe, refused_transfers
from orders.payouts.statements import generate_payouts
from shop.db import db, utcnow
from shop.i18n import VILNIUS
from shop.models import AuditEntry
from tests.conftest import csrf_token, login_as
from tests.factories.orders import move_parcel
from tests.factories.shop import make_user
from tests.fake_stripe import FakeStripe
from tests.helpers import fresh, parcel_of
from tests.orders.payments.cards import paid_by_card
from tests.orders.payouts.helpers import LIST, flashes


def test_a_stripe_statement_is_paid_by_one_transfer_per_parcel_once(
    card_client: FlaskClient,
    goods: dict[str, Any],
    fake_stripe: FakeStripe,
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    krakes = parcel_of(order, goods["krakes"])
    move_parcel(krakes.id, FulfilmentStatus.DELIVERED)
    move_parcel(parcel_of(order, goods["pagiriai"]).id, FulfilmentStatus.DELIVERED)
    today = utcnow().astimezone(VILNIUS).date()
    period = (today, today + timedelta(days=1))
    result = {p.community_id: p for p in generate_payouts(*period, by=None, hold=0)}
    stripe_payout = result[goods["krakes"].id]
    assert stripe_payout.method is PayoutMethod.STRIPE
    assert result[goods["pagiriai"].id].method is PayoutMethod.BANK  # no connected account

    with pytest.raises(PayoutNotApproved):
        pay_by_stripe(stripe_payout.id, by=None)
    approve_payout(stripe_payout.id, by=None)
    with pytest.raises(WrongPayoutMethod):
        mark_payout_paid(stripe_payout.id, bank_reference="x", by=None)

    fake_stripe.hang("POST", "/v1/transfers", seconds=2, times=2)
    assert pay_by_stripe(stripe_payout.id, by=None).status is PayoutStatus.APPROVED  # Stripe away
    paid = pay_by_stripe(stripe_payout.id, by=None)
    assert paid.status is PayoutStatus.PAID
    assert pay_by_stripe(stripe_payout.id, by=None).status is PayoutStatus.PAID
    (line,) = fresh(Payout, stripe_payout.id).lines
    assert len(fake_stripe.transfers) == 1
    (transfer,) = fake_stripe.transfers.values()
    assert transfer["amount"] == line.amount_cents and transfer["destination"] == "acct_1KrakesTest"
    assert fresh(Fulfilment, krakes.id).status is FulfilmentStatus.DELIVERED
    from orders.payouts.models import CommunityTransfer

    (record,) = db.session.scalars(select(CommunityTransfer)).all()
    assert record.status is TransferStatus.SENT and record.amount_cents == line.amount_cents


def test_money_taken_back_from_a_card_paid_community_with_a_stripe_account_is_settled_by_bank(
    card_client: FlaskClient,
    goods: dict[str, Any],
    fake_stripe: FakeStripe,
) -> None:
    krakes = goods["krakes"]
    first = parcel_of(paid_by_card(card_client, fake_stripe, goods), krakes)
    move_parcel(first.id, FulfilmentStatus.DELIVERED)
    today = utcnow().astimezone(VILNIUS).date()

    def run(days: int) -> Payout:
        found = generate_payouts(today, today + timedelta(days=days), by=None, hold=0)
        return next(p for p in found if p.community_id == krakes.id)

    paid = run(1)
    assert paid.method is PayoutMethod.STRIPE  # card orders, a connected account
    approve_payout(paid.id, by=None)
    assert pay_by_stripe(paid.id, by=None).status is PayoutStatus.PAID
    refunds.refund_sent_parcel(first.id, goods_cents=450, reason="Grąžino", by=None)  # after its payout
    (waiting,) = db.session.scalars(select(PayoutAdjustment)).all()
    assert waiting.payout_id is None

    second = parcel_of(paid_by_card(card_client, fake_stripe, goods, key="card-2"), krakes)
    move_parcel(second.id, FulfilmentStatus.DELIVERED)
    taking_back = run(2)  # card orders only, the same account: but a Stripe transfer cannot deduct
    assert taking_back.adjustments_cents == waiting.amount_cents < 0
    assert taking_back.method is PayoutMethod.BANK


def test_a_stripe_statement_whose_transfer_was_refused_is_paid_when_sent_again(
    card_client: FlaskClient,
    goods: dict[str, Any],
    fake_stripe: FakeStripe,
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    move_parcel(parcel_of(order, goods["krakes"]).id, FulfilmentStatus.DELIVERED)
    today = utcnow().astimezone(VILNIUS).date()
    stripe_payout = next(
        p
        for p in generate_payouts(today, today + timedelta(days=1), by=None, hold=0)
        if p.community_id == goods["krakes"].id
    )
    approve_payout(stripe_payout.id, by=None)

    fake_stripe.fail("POST", "/v1/transfers", status=400)  # e.g. the account could not take it yet
    assert pay_by_stripe(stripe_payout.id, by=None).status is PayoutStatus.APPROVED
    (refused,) = refused_transfers(stripe_payout.id)
    assert refused.last_error and fake_stripe.transfers == {}

    assert pay_by_stripe(stripe_payout.id, by=None).status is PayoutStatus.PAID  # fixed: sent
    assert refused_transfers(stripe_payout.id) == []
    assert len(fake_stripe.transfers) == 1
    (transfer,) = fake_stripe.transfers.values()
    assert transfer["amount"] == fresh(Payout, stripe_payout.id).amount_cents


def test_a_stripe_statement_is_paid_from_the_page_and_stays_approved_while_stripe_is_away(
    card_client: FlaskClient,
    goods: dict[str, Any],
    fake_stripe: FakeStripe,
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    move_parcel(parcel_of(order, goods["krakes"]).id, FulfilmentStatus.DELIVERED)
    today = datetime.now(VILNIUS).date()
    by_community = {
        p.community_id: p for p in generate_payouts(today, today + timedelta(days=1), by=None, hold=0)
    }
    stripe_payout = by_community[goods["krakes"].id]
    assert stripe_payout.method is PayoutMethod.STRIPE
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(card_client, "vida@vvg.example.org")
    card_client.get("/?lang=en")
    args = {"first_day": today.isoformat(), "last_day": today.isoformat()}
    token = csrf_token(card_client, LIST + "?" + "&".join(f"{k}={v}" for k, v in args.items()))
    url = f"{LIST}{stripe_payout.id}/stripe"

    draft = card_client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "Approve the payout before paying it." in flashes(draft.get_data(as_text=True))
    card_client.post(f"{LIST}{stripe_payout.id}/approve", data={"csrf_token": token})
    html = card_client.get(LIST, query_string=args).get_data(as_text=True)
    assert "Pay through Stripe" in html and "acct_1KrakesTest" in html
    assert "The payout is paid through Stripe." in html  # left out of the bank file, and why

    fake_stripe.hang("POST", "/v1/transfers", seconds=2, times=2)
    away = card_client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert any(
        "Stripe did not answer" in f and "stays approved" in f for f in flashes(away.get_data(as_text=True))
    )
    assert fresh(Payout, stripe_payout.id).status is PayoutStatus.APPROVED

    sent = card_client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "The payout to Krakės was sent through Stripe." in flashes(sent.get_data(as_text=True))
    assert fresh(Payout, stripe_payout.id).status is PayoutStatus.PAID
    assert len(fake_stripe.transfers) == 1
    assert card_client.post(url, data={"csrf_token": token}).status_code == 302  # again: nothing more
    assert len(fake_stripe.transfers) == 1
    db.session.rollback()
    assert db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == (
        "payout.pay_by_stripe"
    )
