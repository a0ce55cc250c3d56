"""What a community earns from one delivered parcel: goods − refunds − commission + delivery, to the cent."""

from __future__ import annotations

import pytest

from orders.earnings import commission, fulfilment_earnings


def earn(goods: int, *, refunded: int = 0, delivery: int = 0, refunded_delivery: int = 0, bp: int = 1000):
    return fulfilment_earnings(
        goods_cents=goods,
        refunded_goods_cents=refunded,
        delivery_cents=delivery,
        refunded_delivery_cents=refunded_delivery,
        commission_bp=bp,
    )


@pytest.mark.parametrize(
    ("goods", "expected"),
    [(1005, 101), (1004, 100), (1000, 100), (5, 1), (4, 0), (0, 0), (995, 100), (994, 99)],
)
def test_the_commission_is_rounded_half_up_per_fulfilment(goods: int, expected: int) -> None:
    assert earn(goods).commission_cents == expected


def test_the_commission_follows_the_communitys_rate() -> None:
    assert commission(1005, 0) == 0
    assert commission(1005, 10000) == 1005
    assert commission(1005, 750) == 75  # 75.375 → 75
    assert commission(1010, 750) == 76  # 75.75 → 76
    assert commission(1000, 1250) == 125


def test_refunded_goods_carry_no_commission_and_the_delivery_fee_none_at_all() -> None:
    earnings = earn(1455, refunded=450, delivery=599)
    assert earnings.net_goods_cents == 1005
    assert earnings.commission_cents == 101
    assert earnings.refunded_cents == 450
    assert earnings.payable_cents == 1005 - 101 + 599 == 1503


def test_a_refunded_delivery_fee_is_not_paid_out() -> None:
    earnings = earn(1000, refunded=1000, delivery=299, refunded_delivery=299)
    assert (earnings.commission_cents, earnings.payable_cents, earnings.refunded_cents) == (0, 0, 1299)


@pytest.mark.parametrize(
    "wrong",
    [
        {"bp": -1},
        {"bp": 10001},
        {"refunded": -1},
        {"delivery": -5},
    ],
)
def test_impossible_inputs_are_refused(wrong: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        earn(1000, **wrong)


@pytest.mark.parametrize("bp", [0, 1, 333, 1000, 1250, 9999, 10000])
def test_the_parts_always_add_up(bp: int) -> None:
    for goods in range(0, 3000, 7):
        for refunded in (0, goods // 3, goods):
            earnings = earn(goods, refunded=refunded, delivery=299, bp=bp)
            net = goods - refunded
            assert earnings.payable_cents + earnings.commission_cents + refunded == goods + 299
            assert 0 <= earnings.commission_cents <= net
            assert abs(earnings.commission_cents * 10000 - net * bp) <= 5000  # within half a cent
