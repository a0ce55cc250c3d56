"""Withdrawing from the contract: the 14 Vilnius days after delivery, exempt lines, another order's parcel,
twice (one after another and at once), the refund owed and its refund through the usual rules."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from orders.errors import (
    FulfilmentNotFound,
    LinesExempt,
    NoLinesChosen,
    WithdrawalAlreadyRefunded,
    WithdrawalNotFound,
    WithdrawalNotOpen,
    WithdrawalPeriodOver,
)
from orders.invoices.models import Invoice, InvoiceKind
from orders.models import Fulfilment, FulfilmentStatus, OrderLine, OrderStatus, Refund, RefundStatus
from orders.payouts.models import PayoutAdjustment
from orders.payouts.paying import approve_payout, mark_payout_paid
from orders.payouts.statements import generate_payouts
from orders.withdrawals.models import Withdrawal, WithdrawalStatus
from orders.withdrawals.withdrawing import (
    mark_return_received,
    offer_for,
    refund_withdrawal,
    withdraw,
    withdrawal_ends_at,
)
from shop.db import db
from shop.models import OutboxMessage
from tests.factories.orders import OMNIVA, make_order
from tests.helpers import count, fresh, stock


def _lines(order: Any) -> list[int]:
    return [line.id for line in order.fulfilments[0].lines]


def _parcel(order: Any) -> Fulfilment:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get_one(Fulfilment, order.fulfilments[0].id)


def _mail_keys() -> list[str]:
    db.session.rollback()
    return sorted(
        db.session.scalars(select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.like("withdrawal%")))
    )


# ------------------------------------------------------------------------------------------------ the window


@pytest.mark.parametrize(
    ("delivered", "last_moment", "ended"),
    [
        # Summer (UTC+3): delivered at 00:30 on 2 July in Vilnius (still 1 July in UTC). Day 0 is 2 July, so
        # the right ends at midnight after 16 July, Vilnius: 21:00 UTC on 16 July.
        (
            datetime(2027, 7, 1, 21, 30, tzinfo=UTC),
            datetime(2027, 7, 16, 20, 59, 59, tzinfo=UTC),
            datetime(2027, 7, 16, 21, 0, tzinfo=UTC),
        ),
        # Winter (UTC+2): delivered at 00:30 on 11 January in Vilnius; ends at 22:00 UTC on 25 January.
        (
            datetime(2027, 1, 10, 22, 30, tzinfo=UTC),
            datetime(2027, 1, 25, 21, 59, 59, tzinfo=UTC),
            datetime(2027, 1, 25, 22, 0, tzinfo=UTC),
        ),
    ],
    ids=["summer", "winter"],
)
def test_a_parcel_may_be_withdrawn_until_the_end_of_the_14th_vilnius_day_after_delivery(
    shop: dict[str, Any], clock: Any, delivered: datetime, last_moment: datetime, ended: datetime
) -> None:
    clock.move_to(delivered)
    late = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    in_time = make_order([(shop["bowl"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    assert withdrawal_ends_at(delivered) == ended

    clock.move_to(last_moment)  # day 14, one second before midnight in Vilnius
    assert offer_for(_parcel(in_time)).is_open
    result = withdraw(in_time.fulfilments[0].id, _lines(in_time), order_id=in_time.id)
    assert result.is_new and result.withdrawal.status is WithdrawalStatus.RETURN_EXPECTED

    clock.move_to(ended)  # day 15 begins in Vilnius
    offer = offer_for(_parcel(late))
    assert (offer.is_open, offer.closed_because, offer.ends_at) == (False, "over", ended)
    with pytest.raises(WithdrawalPeriodOver) as refused:
        withdraw(late.fulfilments[0].id, _lines(late), order_id=late.id)
    assert refused.value.ended_at == ended
    assert count(Withdrawal) == 1
    assert _mail_keys() == sorted(
        f"withdrawal{who}:{result.withdrawal.id}" for who in ("", "-community", "-vvg")
    )


def test_a_parcel_not_delivered_yet_may_be_withdrawn_at_any_time(shop: dict[str, Any], clock: Any) -> None:
    order = make_order([(shop["star"], 1)], status=FulfilmentStatus.SHIPPED, delivery=OMNIVA)
    clock.shift(60 * 86400)  # two months in a van
    offer = offer_for(_parcel(order))
    assert offer.is_open and offer.ends_at is None
    assert withdraw(order.fulfilments[0].id, _lines(order), order_id=order.id).is_new


def test_an_unpaid_order_has_nothing_to_withdraw_from(shop: dict[str, Any]) -> None:
    order = make_order([(shop["star"], 1)], delivery=OMNIVA)
    assert offer_for(_parcel(order)).closed_because == "unpaid"
    with pytest.raises(WithdrawalNotOpen):
        withdraw(order.fulfilments[0].id, _lines(order), order_id=order.id)
    assert count(Withdrawal) == 0


# ---------------------------------------------------------------------------------------------- refusals


def test_personalised_and_made_to_order_lines_are_not_offered_and_are_refused(shop: dict[str, Any]) -> None:
    order = make_order(
        [(shop["star"], 1, "Su meile"), (shop["card"], 1, "Su gimtadieniu!"), (shop["basket"], 1)],
        status=FulfilmentStatus.DELIVERED,
        delivery=OMNIVA,
    )
    star, card, basket = order.fulfilments[0].lines
    offer = offer_for(_parcel(order))
    # A star's gift message goes on a note, not into the star: the star stays returnable.
    assert [line.id for line in offer.lines] == [star.id]
    assert [(line.id, reason) for line, reason in offer.exempt] == [
        (card.id, "personalised"),
        (basket.id, "made_to_order"),
    ]
    for line_ids in ([card.id], [basket.id], [star.id, basket.id]):
        with pytest.raises(LinesExempt) as refused:
            withdraw(order.fulfilments[0].id, line_ids, order_id=order.id)
        assert set(refused.value.line_ids) == set(line_ids) - {star.id}
    assert count(Withdrawal) == 0 and _mail_keys() == []


def test_another_orders_parcel_or_lines_are_refused(shop: dict[str, Any]) -> None:
    mine = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    theirs = make_order([(shop["bowl"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    with pytest.raises(FulfilmentNotFound):
        withdraw(theirs.fulfilments[0].id, _lines(theirs), order_id=mine.id)
    with pytest.raises(NoLinesChosen):  # my parcel, their lines
        withdraw(mine.fulfilments[0].id, _lines(theirs), order_id=mine.id)
    assert count(Withdrawal) == 0 and _mail_keys() == []


# -------------------------------------------------------------------------------------------------- twice


def test_withdrawing_twice_changes_nothing_and_mails_once(shop: dict[str, Any], clock: Any) -> None:
    order = make_order([(shop["star"], 2)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    first = withdraw(order.fulfilments[0].id, _lines(order), order_id=order.id)
    clock.shift(3600)
    again = withdraw(order.fulfilments[0].id, _lines(order), order_id=order.id)
    assert first.is_new and not again.is_new
    assert again.withdrawal.id == first.withdrawal.id
    assert count(Withdrawal) == 1
    assert len(_mail_keys()) == 3  # the customer's acknowledgement, the community's and the VVG's notice
    customer = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedup_key.like("withdrawal:%"))
    ).one()
    assert customer.recipient == "rasa@example.com"
    # 12:00 in Vilnius on 1 July 2027: the moment of withdrawal, on a durable medium
    assert "2027-07-01 12:00:00" in customer.text_body or "2027 m. liepos 1 d. 12:00:00" in customer.text_body
    assert "Šiaudinė žvaigždė" in customer.text_body


def test_two_withdrawals_of_one_parcel_at_once_make_one(app: Flask, shop: dict[str, Any]) -> None:
    order = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    fulfilment_id, order_id, line_ids = order.fulfilments[0].id, order.id, _lines(order)
    start = threading.Barrier(4)

    def click(_: int) -> bool:
        with app.app_context():
            start.wait()
            try:
                return withdraw(fulfilment_id, line_ids, order_id=order_id).is_new
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(click, range(4)))
    assert sorted(outcomes) == [False, False, False, True]
    assert count(Withdrawal) == 1 and len(_mail_keys()) == 3


# ----------------------------------------------------------------------------------------------- the money


def test_the_refund_owed_is_the_goods_and_the_standard_delivery_fee_for_a_whole_parcel(
    shop: dict[str, Any],
) -> None:
    order = make_order(
        [(shop["star"], 2), (shop["bowl"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA
    )
    fee = order.fulfilments[0].delivery_cents
    assert fee > 0
    withdrawal = withdraw(order.fulfilments[0].id, _lines(order), order_id=order.id).withdrawal
    assert (withdrawal.goods_cents, withdrawal.delivery_cents) == (2 * 1005 + 2000, fee)
    assert withdrawal.owed_cents == 4010 + fee


def test_a_partial_withdrawal_owes_the_goods_and_the_last_part_the_delivery_fee(shop: dict[str, Any]) -> None:
    order = make_order(
        [(shop["star"], 2), (shop["bowl"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA
    )
    star, bowl = _lines(order)
    fee = order.fulfilments[0].delivery_cents
    first = withdraw(order.fulfilments[0].id, [star], order_id=order.id).withdrawal
    assert (first.goods_cents, first.delivery_cents) == (2010, 0)
    rest = withdraw(order.fulfilments[0].id, [star, bowl], order_id=order.id)  # the star again: left out
    assert rest.is_new
    assert [line.order_line_id for line in rest.withdrawal.lines] == [bowl]
    assert (rest.withdrawal.goods_cents, rest.withdrawal.delivery_cents) == (2000, fee)


def test_a_parcel_not_sent_yet_is_cancelled_for_the_withdrawn_lines_and_refunded_at_once(
    shop: dict[str, Any],
) -> None:
    order = make_order(
        [(shop["star"], 2), (shop["bowl"], 1)], status=FulfilmentStatus.ACCEPTED, delivery=OMNIVA
    )
    star, bowl = _lines(order)
    before = stock(shop["star"])
    withdrawal = withdraw(order.fulfilments[0].id, [star], order_id=order.id).withdrawal
    assert withdrawal.status is WithdrawalStatus.REFUNDED
    assert stock(shop["star"]) == before + 2
    refund = fresh(Refund, withdrawal.refund_id)
    assert (refund.goods_cents, refund.delivery_cents, refund.status) == (2010, 0, RefundStatus.OWED)
    assert fresh(OrderLine, star).cancelled_at is not None and fresh(OrderLine, bowl).cancelled_at is None
    # No "we are sorry, they cannot send it" refund mail: the acknowledgement says what happens.
    assert count(OutboxMessage, OutboxMessage.dedup_key.like("refund:%")) == 0

    last = withdraw(order.fulfilments[0].id, [bowl], order_id=order.id).withdrawal
    refund = fresh(Refund, last.refund_id)
    assert (refund.goods_cents, refund.delivery_cents) == (2000, order.fulfilments[0].delivery_cents)
    assert _parcel(order).status is FulfilmentStatus.CANCELLED
    assert _parcel(order).order.status is OrderStatus.CANCELLED


def test_staff_refund_a_return_through_the_refund_rules_once(shop: dict[str, Any]) -> None:
    order = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    withdrawal = withdraw(order.fulfilments[0].id, _lines(order), order_id=order.id).withdrawal
    assert mark_return_received(withdrawal.id, by=None).status is WithdrawalStatus.RECEIVED
    assert mark_return_received(withdrawal.id, by=None).status is WithdrawalStatus.RECEIVED  # twice: nothing
    done = refund_withdrawal(withdrawal.id, by=None)
    assert done.status is WithdrawalStatus.REFUNDED
    refund = fresh(Refund, done.refund_id)
    assert refund.amount_cents == 1005 + order.fulfilments[0].delivery_cents
    assert count(Invoice, Invoice.kind == InvoiceKind.CREDIT_NOTE) == 1
    with pytest.raises(WithdrawalAlreadyRefunded):
        refund_withdrawal(withdrawal.id, by=None)
    assert count(Refund) == 1


def test_a_refund_after_the_community_was_paid_is_taken_back_from_a_later_statement(
    app: Flask, shop: dict[str, Any], clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PAYOUT_HOLD_DAYS", 0)
    order = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    (payout,) = generate_payouts(datetime(2027, 7, 1).date(), datetime(2027, 8, 1).date(), by=None, hold=0)
    approve_payout(payout.id, by=None)
    mark_payout_paid(payout.id, bank_reference="SEB-1", by=None)
    withdrawal = withdraw(order.fulfilments[0].id, _lines(order), order_id=order.id).withdrawal
    refund = refund_withdrawal(withdrawal.id, by=None).refund
    (adjustment,) = db.session.scalars(select(PayoutAdjustment)).all()
    assert adjustment.refund_id == refund.id and adjustment.amount_cents < 0


def test_the_withdrawal_mails_go_to_the_customer_community_and_vvg_in_their_languages(
    shop: dict[str, Any],
) -> None:
    order = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    withdraw(order.fulfilments[0].id, _lines(order), order_id=order.id)
    db.session.rollback()
    mails = {
        m.recipient: m
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key.like("withdrawal%")))
    }
    assert set(mails) == {"rasa@example.com", "krakes@example.org", "info@vvg.example.org"}
    assert "sutarties" in mails["rasa@example.com"].subject
    assert "Rasa Petraitienė" in mails["krakes@example.org"].text_body
    assert "Krakių bendruomenė" in mails["info@vvg.example.org"].text_body


def test_a_second_parcel_of_the_order_is_not_touched(shop: dict[str, Any]) -> None:
    order = make_order(
        [(shop["star"], 1), (shop["angel"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA
    )
    krakes = next(f for f in order.fulfilments if f.community_id == shop["krakes"].id)
    withdraw(krakes.id, [line.id for line in krakes.lines], order_id=order.id)
    other = next(f for f in order.fulfilments if f.community_id == shop["pagiriai"].id)
    assert offer_for(fresh(Fulfilment, other.id)).is_open
    assert count(Withdrawal, Withdrawal.fulfilment_id == other.id) == 0


def test_a_community_cannot_mark_another_community_s_return_received(shop: dict[str, Any]) -> None:
    order = make_order(
        [(shop["star"], 1), (shop["angel"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA
    )
    krakes = next(f for f in order.fulfilments if f.community_id == shop["krakes"].id)
    pagiriai = next(f for f in order.fulfilments if f.community_id == shop["pagiriai"].id)
    withdrawal = withdraw(krakes.id, [line.id for line in krakes.lines], order_id=order.id).withdrawal
    with pytest.raises(WithdrawalNotFound):  # Pagiriai's member, on Pagiriai's own parcel's page
        mark_return_received(
            withdrawal.id, by=None, community_id=shop["pagiriai"].id, fulfilment_id=pagiriai.id
        )
    with pytest.raises(WithdrawalNotFound):  # Krakės' member, through another parcel's page of the order
        mark_return_received(
            withdrawal.id, by=None, community_id=shop["krakes"].id, fulfilment_id=pagiriai.id
        )
    assert fresh(Withdrawal, withdrawal.id).status is WithdrawalStatus.RETURN_EXPECTED
    done = mark_return_received(
        withdrawal.id, by=None, community_id=shop["krakes"].id, fulfilment_id=krakes.id
    )
    assert done.status is WithdrawalStatus.RECEIVED
