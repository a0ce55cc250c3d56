"""The order side's state machines as tables: what each allows, that every allowed move is made, and that
every other move is refused with the one error and leaves the row as it was."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

import pytest
from sqlalchemy import select

from orders.models import (
    FULFILMENT_NEXT,
    ORDER_NEXT,
    Fulfilment,
    FulfilmentStatus,
    Order,
    OrderStatus,
    PaymentMethod,
    TransitionNotAllowed,
)
from orders.payments.models import CARD_CHECKOUT_NEXT, CardCheckout, CardCheckoutStatus
from orders.payouts.models import PAYOUT_NEXT, Payout, PayoutStatus
from shop import states
from shop.db import db, transaction, utcnow
from shop.models import User

Table = Mapping[StrEnum, frozenset[StrEnum]]


def allowed(table: Table) -> list[tuple[StrEnum, StrEnum]]:
    """Every move the table allows, as (from, to)."""
    return [(start, end) for start, ends in table.items() for end in sorted(ends)]


def refused(table: Table) -> list[tuple[StrEnum, StrEnum]]:
    """Every move the table does not allow, staying put included."""
    return [(start, end) for start in table for end in table if end not in table[start]]


def make_order(status: OrderStatus) -> Order:
    order = Order(
        number="KM-2026-000001",
        public_token="t" * 32,
        idempotency_key="states",
        status=status,
        payment_method=PaymentMethod.BANK_TRANSFER,
        language="lt",
        customer_name="Rasa Petraitienė",
        email="rasa@example.com",
        phone="+37061234567",
        goods_cents=450,
        delivery_cents=0,
        total_cents=450,
    )
    db.session.add(order)
    db.session.commit()
    return order


def stored_status(order_id: int) -> OrderStatus:
    db.session.rollback()
    return db.session.scalars(select(Order.status).where(Order.id == order_id)).one()


# --- The tables ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "table"),
    [
        (OrderStatus, ORDER_NEXT),
        (FulfilmentStatus, FULFILMENT_NEXT),
        (PayoutStatus, PAYOUT_NEXT),
        (CardCheckoutStatus, CARD_CHECKOUT_NEXT),
    ],
    ids=["order", "fulfilment", "payout", "card checkout"],
)
def test_each_table_has_a_row_for_every_status_and_no_status_moves_to_itself(
    statuses: type[StrEnum], table: Table
) -> None:
    assert set(table) == set(statuses)
    assert all(ends <= set(statuses) and start not in ends for start, ends in table.items())


def test_an_order_is_paid_or_cancelled_unpaid_and_a_paid_one_completes_or_is_cancelled() -> None:
    S = OrderStatus
    assert {
        S.PENDING_PAYMENT: {S.PAID, S.CANCELLED},
        S.PAID: {S.COMPLETED, S.CANCELLED},
        S.COMPLETED: set(),
        S.CANCELLED: set(),
    } == ORDER_NEXT


def test_a_parcel_goes_forward_one_step_at_a_time_and_is_cancellable_until_shipped() -> None:
    S = FulfilmentStatus
    assert {
        S.AWAITING_PAYMENT: {S.NEW, S.CANCELLED},
        S.NEW: {S.ACCEPTED, S.CANCELLED},
        S.ACCEPTED: {S.SHIPPED, S.CANCELLED},
        S.SHIPPED: {S.DELIVERED},
        S.DELIVERED: set(),
        S.CANCELLED: set(),
    } == FULFILMENT_NEXT


def test_a_payout_is_approved_then_paid_and_never_goes_back() -> None:
    S = PayoutStatus
    assert {S.DRAFT: {S.APPROVED}, S.APPROVED: {S.PAID}, S.PAID: set()} == PAYOUT_NEXT


def test_a_card_checkout_takes_money_whenever_it_comes_and_ends_paid_or_in_mismatch() -> None:
    S = CardCheckoutStatus
    money = {S.PAID, S.MISMATCH}
    assert {
        S.CREATING: {S.OPEN, S.PROCESSING, S.FAILED, S.EXPIRED, *money},
        S.OPEN: {S.PROCESSING, S.FAILED, S.EXPIRED, *money},
        S.PROCESSING: {S.FAILED, *money},
        S.FAILED: money,  # a page failed here may have been made and paid at Stripe after all
        S.EXPIRED: money,  # a payment on a page closed here still counts
        S.PAID: set(),
        S.MISMATCH: set(),
    } == CARD_CHECKOUT_NEXT


def test_every_machine_refuses_with_the_one_error_of_the_ground_floor() -> None:
    assert TransitionNotAllowed is states.TransitionNotAllowed
    refusal = TransitionNotAllowed(PayoutStatus.PAID, PayoutStatus.DRAFT)
    assert (refusal.current, refusal.wanted, str(refusal)) == (
        PayoutStatus.PAID,
        PayoutStatus.DRAFT,
        "paid → draft",
    )


# --- Order: a compare-and-set in the database --------------------------------------------------------


@pytest.mark.parametrize(("start", "end"), allowed(ORDER_NEXT))
def test_an_order_makes_every_move_its_table_allows(
    app: object, start: OrderStatus, end: OrderStatus
) -> None:
    order = make_order(start)
    with transaction():
        assert order.move_to(end, if_still=start) is True
    assert stored_status(order.id) is end


@pytest.mark.parametrize(("start", "end"), allowed(ORDER_NEXT))
def test_an_order_another_transaction_moved_first_is_left_as_that_one_left_it(
    app: object, start: OrderStatus, end: OrderStatus
) -> None:
    order = make_order(end)  # the racing payment or cancel got there first
    with transaction():
        assert order.move_to(end, if_still=start) is False
    assert stored_status(order.id) is end


@pytest.mark.parametrize(("start", "end"), refused(ORDER_NEXT))
def test_an_order_refuses_every_move_its_table_does_not_allow_and_stays_as_it_was(
    app: object, start: OrderStatus, end: OrderStatus
) -> None:
    order = make_order(start)
    with pytest.raises(TransitionNotAllowed) as refusal, transaction():
        order.move_to(end, if_still=start)
    assert (refusal.value.current, refusal.value.wanted) == (start, end)
    assert stored_status(order.id) is start


# --- Fulfilment, Payout, CardCheckout: on the loaded row ---------------------------------------------


@pytest.mark.parametrize(("start", "end"), allowed(FULFILMENT_NEXT))
def test_a_parcel_makes_every_move_its_table_allows_and_records_it(
    start: FulfilmentStatus, end: FulfilmentStatus
) -> None:
    parcel, staff = Fulfilment(status=start), User(id=7, name="Staff")
    parcel.move_to(end, by=staff, note="why")
    assert parcel.status is end
    assert [(e.from_status, e.to_status, e.actor, e.note) for e in parcel.events] == [
        (start, end, staff, "why")
    ]


@pytest.mark.parametrize(("start", "end"), refused(FULFILMENT_NEXT))
def test_a_parcel_refuses_every_move_its_table_does_not_allow_and_records_nothing(
    start: FulfilmentStatus, end: FulfilmentStatus
) -> None:
    parcel = Fulfilment(status=start)
    with pytest.raises(TransitionNotAllowed) as refusal:
        parcel.move_to(end, by=None)
    assert (refusal.value.current, refusal.value.wanted) == (start, end)
    assert (parcel.status, parcel.events) == (start, [])


#: What a payout records when it moves, as (when, by whom).
STAMPS = {
    PayoutStatus.APPROVED: ("approved_at", "approved_by_id"),
    PayoutStatus.PAID: ("paid_at", "paid_by_id"),
}


@pytest.mark.parametrize(("start", "end"), allowed(PAYOUT_NEXT))
def test_a_payout_makes_every_move_its_table_allows_and_records_who_and_when(
    start: PayoutStatus, end: PayoutStatus
) -> None:
    payout, before = Payout(status=start), utcnow()
    payout.move_to(end, by=User(id=7, name="Staff"))
    when, who = STAMPS[end]
    assert payout.status is end and getattr(payout, who) == 7 and before <= getattr(payout, when) <= utcnow()
    others = [name for status, stamps in STAMPS.items() if status is not end for name in stamps]
    assert [getattr(payout, name) for name in others] == [None] * len(others)


@pytest.mark.parametrize(("start", "end"), refused(PAYOUT_NEXT))
def test_a_payout_refuses_every_move_its_table_does_not_allow_and_records_nothing(
    start: PayoutStatus, end: PayoutStatus
) -> None:
    payout = Payout(status=start)
    with pytest.raises(TransitionNotAllowed) as refusal:
        payout.move_to(end, by=User(id=7, name="Staff"))
    assert (refusal.value.current, refusal.value.wanted) == (start, end)
    stamps = [getattr(payout, name) for pair in STAMPS.values() for name in pair]
    assert (payout.status, stamps) == (start, [None] * len(stamps))


@pytest.mark.parametrize(("start", "end"), allowed(CARD_CHECKOUT_NEXT))
def test_a_card_checkout_makes_every_move_its_table_allows(
    start: CardCheckoutStatus, end: CardCheckoutStatus
) -> None:
    checkout = CardCheckout(status=start)
    checkout.move_to(end)
    assert checkout.status is end


@pytest.mark.parametrize(("start", "end"), refused(CARD_CHECKOUT_NEXT))
def test_a_card_checkout_refuses_every_move_its_table_does_not_allow_and_stays_as_it_was(
    start: CardCheckoutStatus, end: CardCheckoutStatus
) -> None:
    checkout = CardCheckout(status=start)
    with pytest.raises(TransitionNotAllowed) as refusal:
        checkout.move_to(end)
    assert (refusal.value.current, refusal.value.wanted) == (start, end)
    assert checkout.status is start
