"""What a community earns from one delivered fulfilment: the one rule, shared by the workspace and payouts.

A pure function of integer cents, with no database: the community keeps the goods it sold (less what was
refunded), pays the VVG its commission on those goods, and keeps the delivery fee (less any refunded).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Earnings:
    """One fulfilment's money, in euro cents, as it is shown on a payout line."""

    goods_cents: int
    refunded_goods_cents: int
    delivery_cents: int
    refunded_delivery_cents: int
    commission_cents: int

    @property
    def net_goods_cents(self) -> int:
        return self.goods_cents - self.refunded_goods_cents

    @property
    def refunded_cents(self) -> int:
        return self.refunded_goods_cents + self.refunded_delivery_cents

    @property
    def net_delivery_cents(self) -> int:
        return self.delivery_cents - self.refunded_delivery_cents

    @property
    def payable_cents(self) -> int:
        """What the VVG pays the community for this fulfilment."""
        return self.net_goods_cents - self.commission_cents + self.net_delivery_cents


def commission(net_goods_cents: int, commission_bp: int) -> int:
    """The VVG's commission on these goods, rounded half up to the cent: 1005 @ 10 % → 101, 1004 → 100."""
    if net_goods_cents <= 0:
        return 0
    return (net_goods_cents * commission_bp + 5000) // 10000


def fulfilment_earnings(
    *,
    goods_cents: int,
    refunded_goods_cents: int,
    delivery_cents: int,
    refunded_delivery_cents: int,
    commission_bp: int,
) -> Earnings:
    """A fulfilment's earnings: goods − refunded goods − commission + delivery fee − refunded delivery.

    The commission (`commission_bp` basis points, 1000 = 10 %) is taken on the goods left after refunds,
    rounded half up per fulfilment; the delivery fee carries no commission.
    """
    if not 0 <= commission_bp <= 10000:
        raise ValueError(f"commission_bp out of range: {commission_bp}")
    if min(goods_cents, refunded_goods_cents, delivery_cents, refunded_delivery_cents) < 0:
        raise ValueError("amounts are never negative")
    return Earnings(
        goods_cents=goods_cents,
        refunded_goods_cents=refunded_goods_cents,
        delivery_cents=delivery_cents,
        refunded_delivery_cents=refunded_delivery_cents,
        commission_cents=commission(goods_cents - refunded_goods_cents, commission_bp),
    )
