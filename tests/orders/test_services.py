"""The order's life through its services: placing, paying, cancelling, expiring, moving parcels."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from catalogue.models import ProductStatus, Variant
from orders import attention, errors, fulfilments, lifecycle, placing, refunds
from orders.errors import LineNotFound
from orders.models import (
    FULFILMENT_NEXT,
    CancelReason,
    Fulfilment,
    FulfilmentStatus,
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    TransitionNotAllowed,
)
from producers.models import DeliveryMethod
from shop.db import db, utcnow
from shop.models import OutboxMessage
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import BUYER, PICKUP, make_order
from tests.factories.producers import make_community, make_locker
from tests.factories.shop import make_operator, make_user
from tests.helpers import count, stock


@pytest.fixture
def two_communities(app: object) -> tuple[Variant, Variant]:
    make_operator()
    krakes, pagiriai = (
        make_community(slug="krakes", name="Krakės"),
        make_community(slug="pagiriai", name="Pagiriai"),
    )
    star = make_product(
        krakes, name_lt="Žvaigždė", variants=[make_variant(price_cents=450, stock=5)]
    ).variants[0]
    card = make_product(
        pagiriai, name_lt="Atvirukas", variants=[make_variant(price_cents=1250, stock=3)]
    ).variants[0]
    return star, card


def test_an_order_from_two_communities_becomes_two_parcels_with_totals_to_the_cent(two_communities) -> None:
    star, card = two_communities
    omniva = placing.DeliveryChoice(DeliveryMethod.OMNIVA, locker="Kėdainių Maxima")
    order = placing.place_order(
        [placing.LineRequest(star.id, 2, "Su Kalėdomis!"), placing.LineRequest(card.id, 1)],
        {star.product.community_id: omniva, card.product.community_id: PICKUP},
        BUYER,
        payment_method=PaymentMethod.BANK_TRANSFER,
        idempotency_key="two",
    )
    assert re.fullmatch(rf"KM-{utcnow().year}-\d{{6}}", order.number)
    assert len(order.public_token) >= 32
    assert order.status is OrderStatus.PENDING_PAYMENT
    parcels = {f.community.slug: f for f in order.fulfilments}
    assert set(parcels) == {"krakes", "pagiriai"}
    assert (parcels["krakes"].goods_cents, parcels["krakes"].delivery_cents) == (900, 299)
    assert parcels["krakes"].locker == "Kėdainių Maxima"
    assert (parcels["pagiriai"].goods_cents, parcels["pagiriai"].delivery_cents) == (1250, 0)
    assert (order.goods_cents, order.delivery_cents, order.total_cents) == (2150, 299, 2449)
    assert [line.gift_message for line in parcels["krakes"].lines] == ["Su Kalėdomis!"]
    assert all(f.status is FulfilmentStatus.AWAITING_PAYMENT for f in order.fulfilments)
    assert (stock(star.id), stock(card.id)) == (3, 2)
    # an unpaid transfer holds its stock for TRANSFER_HOLD_HOURS, until the customer says they have paid
    assert order.expires_at is not None and order.expires_at - order.created_at == timedelta(hours=24)


def test_prices_and_names_are_snapshots_that_later_catalogue_changes_do_not_touch(two_communities) -> None:
    star, _card = two_communities
    order = make_order([(star, 1)])
    star.price_cents = 9999
    star.product.name_lt = "Pervadinta"
    db.session.commit()
    db.session.expire_all()
    line = db.session.get_one(Order, order.id).lines[0]
    assert (line.unit_price_cents, line.product_name_lt) == (450, "Žvaigždė")


def test_the_same_checkout_submitted_twice_makes_one_order_and_reserves_once(two_communities) -> None:
    star, _card = two_communities
    first = make_order([(star, 2)], key="same")
    second = make_order([(star, 2)], key="same")
    assert first.id == second.id
    assert count(Order) == 1
    assert stock(star.id) == 3


def test_a_short_line_stops_the_whole_basket_and_writes_nothing(two_communities) -> None:
    star, card = two_communities
    with pytest.raises(errors.OutOfStock) as short:
        make_order([(star, 2), (card, 4)])
    assert (short.value.variant_id, short.value.available) == (card.id, 3)
    assert (stock(star.id), stock(card.id)) == (5, 3)
    assert count(Order) == count(Fulfilment) == count(OutboxMessage) == 0


def test_made_to_order_variants_are_sold_without_stock(app: object) -> None:
    make_operator()
    variant = make_product(variants=[make_variant(stock=0, is_made_to_order=True, lead_days=5)]).variants[0]
    order = make_order([(variant, 3)])
    assert order.lines[0].is_made_to_order and order.lines[0].lead_days == 5
    assert stock(variant.id) == 0


@pytest.mark.parametrize("quantity", [0, -1, 21, 1000, 10**9])
def test_quantities_outside_one_to_the_line_maximum_are_refused(two_communities, quantity: int) -> None:
    star, _card = two_communities
    with pytest.raises(errors.QuantityNotAllowed):
        make_order([(star, quantity)])
    assert stock(star.id) == 5


def test_a_product_that_is_not_for_sale_cannot_be_ordered(two_communities) -> None:
    star, _card = two_communities
    star.product.status = ProductStatus.ARCHIVED
    db.session.commit()
    with pytest.raises(errors.ProductUnavailable):
        make_order([(star, 1)])
    with pytest.raises(errors.ProductUnavailable):
        placing.place_order(
            [placing.LineRequest(999_999, 1)],
            {},
            BUYER,
            payment_method=PaymentMethod.BANK_TRANSFER,
            idempotency_key="x",
        )


@pytest.mark.parametrize(
    "choice",
    [
        placing.DeliveryChoice(DeliveryMethod.DPD, locker="Kėdainiai"),  # not offered by the community
        placing.DeliveryChoice(DeliveryMethod.OMNIVA, locker="  "),  # a locker without the locker
        placing.DeliveryChoice(DeliveryMethod.COURIER),  # a courier without an address
    ],
)
def test_a_delivery_the_community_does_not_offer_or_lacking_details_is_refused(
    two_communities, choice
) -> None:
    star, _card = two_communities
    with pytest.raises(errors.DeliveryNotOffered):
        placing.place_order(
            [placing.LineRequest(star.id, 1)],
            {star.product.community_id: choice},
            BUYER,
            payment_method=PaymentMethod.BANK_TRANSFER,
            idempotency_key="d",
        )
    assert stock(star.id) == 5 and count(Order) == 0


def test_confirming_the_transfer_turns_parcels_new_and_tells_each_community(two_communities) -> None:
    star, card = two_communities
    staff = make_user(is_staff=True)
    order = make_order([(star, 1), (card, 1)])
    lifecycle.mark_paid(
        order.id, amount_cents=1700, method=PaymentMethod.BANK_TRANSFER, reference="B-1", by=staff
    )
    db.session.expire_all()
    order = db.session.get_one(Order, order.id)
    assert order.status is OrderStatus.PAID and order.paid_at is not None
    assert [(p.amount_cents, p.reference, p.confirmed_by_id) for p in order.payments] == [
        (1700, "B-1", staff.id)
    ]
    for fulfilment in order.fulfilments:
        assert fulfilment.status is FulfilmentStatus.NEW
        assert [(e.from_status, e.to_status, e.actor_id) for e in fulfilment.events] == [
            (FulfilmentStatus.AWAITING_PAYMENT, FulfilmentStatus.NEW, staff.id)
        ]
    recipients = sorted(db.session.scalars(select(OutboxMessage.recipient)))
    community_emails = sorted(f.community.email for f in order.fulfilments)
    assert recipients == sorted(["rasa@example.com", "rasa@example.com", *community_emails])


def test_a_transfer_of_the_wrong_amount_pays_nothing(two_communities) -> None:
    star, _card = two_communities
    order = make_order([(star, 1)])
    with pytest.raises(errors.PaymentAmountMismatch) as mismatch:
        lifecycle.mark_paid(order.id, amount_cents=400, method=PaymentMethod.BANK_TRANSFER, by=None)
    assert mismatch.value.expected_cents == 450
    db.session.expire_all()
    assert db.session.get_one(Order, order.id).status is OrderStatus.PENDING_PAYMENT
    assert count(Payment) == 0


def test_confirming_twice_records_one_payment_and_mails_once(two_communities) -> None:
    star, _card = two_communities
    order = make_order([(star, 1)])
    for _ in range(2):
        lifecycle.mark_paid(order.id, amount_cents=450, method=PaymentMethod.BANK_TRANSFER, by=None)
    assert count(Payment) == 1
    paid_mails = select(func.count()).where(OutboxMessage.dedup_key.like("order-paid:%"))
    assert db.session.scalar(paid_mails) == 1


def test_a_cancelled_order_cannot_be_paid(two_communities) -> None:
    star, _card = two_communities
    order = make_order([(star, 1)])
    assert lifecycle.cancel_unpaid_order(order.id, reason=CancelReason.CUSTOMER)
    with pytest.raises(errors.OrderNotAwaitingPayment):
        lifecycle.mark_paid(order.id, amount_cents=450, method=PaymentMethod.BANK_TRANSFER, by=None)


def test_expiry_returns_stock_exactly_once_however_often_it_runs(two_communities) -> None:
    star, card = two_communities
    old = make_order([(star, 2), (card, 1)], key="old")
    fresh = make_order([(star, 1)], key="fresh")
    db.session.execute(
        Order.__table__.update().where(Order.id == old.id).values(expires_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()
    assert (stock(star.id), stock(card.id)) == (2, 2)

    assert lifecycle.expire_unpaid_orders() == 1
    assert lifecycle.expire_unpaid_orders() == 0
    assert (stock(star.id), stock(card.id)) == (4, 3)
    db.session.expire_all()
    expired = db.session.get_one(Order, old.id)
    assert (expired.status, expired.cancel_reason) == (OrderStatus.CANCELLED, CancelReason.EXPIRED)
    assert all(f.status is FulfilmentStatus.CANCELLED for f in expired.fulfilments)
    assert db.session.get_one(Order, fresh.id).status is OrderStatus.PENDING_PAYMENT
    expiry_mails = select(func.count()).where(OutboxMessage.dedup_key == f"order-expired:{old.id}")
    assert db.session.scalar(expiry_mails) == 1


def test_a_paid_order_never_expires(two_communities) -> None:
    star, _card = two_communities
    make_order([(star, 1)], status=OrderStatus.PAID)
    assert lifecycle.expire_unpaid_orders(now=utcnow() + timedelta(days=30)) == 0
    assert stock(star.id) == 4


def test_parcels_move_forward_and_the_order_completes_when_all_are_delivered(two_communities) -> None:
    star, card = two_communities
    order = make_order([(star, 1), (card, 1)])
    lifecycle.mark_paid(order.id, amount_cents=1700, method=PaymentMethod.BANK_TRANSFER, by=None)
    first, second = (f.id for f in order.fulfilments)
    for fulfilment_id in (first, second):
        fulfilments.accept_fulfilment(fulfilment_id, by=None)
        fulfilments.ship_fulfilment(fulfilment_id, carrier="Omniva", tracking_number=" CE123LT ", by=None)
    fulfilments.mark_delivered(first, by=None)
    db.session.expire_all()
    assert db.session.get_one(Order, order.id).status is OrderStatus.PAID
    fulfilments.mark_delivered(second, by=None)
    db.session.expire_all()
    order = db.session.get_one(Order, order.id)
    assert order.status is OrderStatus.COMPLETED
    assert {f.tracking_number for f in order.fulfilments} == {"CE123LT"}
    with pytest.raises(TransitionNotAllowed):
        fulfilments.accept_fulfilment(first, by=None)


@pytest.mark.parametrize(
    ("start", "end"),
    [(s, e) for s in FulfilmentStatus for e in FulfilmentStatus if e not in FULFILMENT_NEXT[s]],
)
def test_a_fulfilment_refuses_a_move_its_status_does_not_allow(
    start: FulfilmentStatus, end: FulfilmentStatus
) -> None:
    fulfilment = Fulfilment(status=start)
    with pytest.raises(TransitionNotAllowed):
        fulfilment.move_to(end, by=None)
    assert fulfilment.status is start


def test_a_change_left_outside_a_transaction_is_refused_rather_than_committed_by_the_next_one(
    two_communities,
) -> None:
    star, _card = two_communities
    star.price_cents = 1  # changed, never committed
    with pytest.raises(RuntimeError, match="unsaved changes"):
        make_order([(star, 1)])
    db.session.rollback()
    assert stock(star.id) == 5


def test_a_parcel_that_is_not_there_is_not_found_by_every_move_and_refund(two_communities) -> None:
    star, card = two_communities
    order = make_order([(star, 1)], status=OrderStatus.PAID, key="mine")
    other = make_order([(card, 1)], key="other")
    (parcel,) = order.fulfilments
    missing = parcel.id + other.fulfilments[0].id + 1
    for move in (
        lambda: fulfilments.accept_fulfilment(missing, by=None),
        lambda: refunds.cancel_fulfilment(missing, reason="x", by=None),
        lambda: refunds.refund_sent_parcel(missing, goods_cents=100, reason="x", by=None),
        lambda: attention.remind_community(missing, seen_reminded_at=None, by=None),
        lambda: refunds.cancel_fulfilment(parcel.id, order_id=other.id, reason="x", by=None),  # not its order
    ):
        with pytest.raises(errors.FulfilmentNotFound):
            move()
    with pytest.raises(LineNotFound):
        refunds.cancel_line(parcel.lines[0].id, order_id=other.id, reason="x", by=None)
    assert errors.FulfilmentNotFound is errors.FulfilmentNotFound  # one error, one 404
    db.session.expire_all()
    assert db.session.get_one(Fulfilment, parcel.id).status is FulfilmentStatus.NEW
    assert stock(star.id) == 4


@pytest.mark.parametrize("case", ["another carrier's", "deactivated", "not there"])
def test_placing_refuses_a_locker_id_that_is_not_an_active_locker_of_the_chosen_carrier(
    two_communities, case: str
) -> None:
    star, _card = two_communities
    locker_id = {
        "another carrier's": lambda: make_locker(DeliveryMethod.DPD).id,
        "deactivated": lambda: make_locker(is_active=False).id,
        "not there": lambda: 2_000_000_000,
    }[case]()
    with pytest.raises(errors.LockerNotAvailable) as refused:
        placing.place_order(
            [placing.LineRequest(star.id, 1)],
            {star.product.community_id: placing.DeliveryChoice(DeliveryMethod.OMNIVA, locker_id=locker_id)},
            BUYER,
            payment_method=PaymentMethod.BANK_TRANSFER,
            idempotency_key="l",
        )
    assert refused.value.community_id == star.product.community_id
    assert stock(star.id) == 5 and count(Order) == 0


def test_placing_keeps_the_chosen_locker_as_a_snapshot_with_the_carriers_id(two_communities) -> None:
    star, _card = two_communities
    locker = make_locker(
        name="Kėdainių Rimi paštomatas",
        address="Josvainių g. 40",
        postal_code="57150",
        carrier_locker_id="7055",
    )
    order = placing.place_order(
        [placing.LineRequest(star.id, 1)],
        {star.product.community_id: placing.DeliveryChoice(DeliveryMethod.OMNIVA, locker_id=locker.id)},
        BUYER,
        payment_method=PaymentMethod.BANK_TRANSFER,
        idempotency_key="s",
    )
    parcel = order.fulfilments[0]
    assert parcel.locker == "Kėdainių Rimi paštomatas, Josvainių g. 40, 57150 Kėdainiai"
    assert (parcel.locker_code, parcel.locker_id) == ("7055", locker.id)
