"""Refunds after a statement: a refund of a parcel already in a statement is counted again in its draft,
or, once the statement is approved, taken back from the community's next one (`PayoutAdjustment`).
"""

from __future__ import annotations

from sqlalchemy import func, select

from orders.earnings import commission, fulfilment_earnings
from orders.models import Refund
from orders.payouts.models import PayoutAdjustment, PayoutLine, PayoutStatus
from orders.payouts.paying import _lock
from orders.payouts.statements import recount
from shop.db import db


def take_back_refund(refund: Refund) -> PayoutAdjustment | None:
    """Inside the refund's transaction: a refund of a parcel already in a statement changes what it earned.

    In a **draft**, the parcel's line is counted again (refunds, commission, amount) and the draft's
    totals with it. In an **approved or paid** statement nothing changes; instead a `PayoutAdjustment`
    records what the community must give back — the refund less the commission the VVG returns on it —
    and the community's next statement deducts it (as far as that statement has room: never below 0;
    the rest waits for the one after). Returns the adjustment, if one was needed.

    The commission returned is what the line kept (less what earlier refunds returned) minus the
    commission on the goods the customer keeps at the community's rate **today**: after a change of rate
    the statement's own rate is not the one used.
    """
    if refund.fulfilment_id is None:
        return None
    line = db.session.scalars(
        select(PayoutLine).where(PayoutLine.fulfilment_id == refund.fulfilment_id).with_for_update()
    ).first()
    if line is None:
        return None  # not in a statement yet: the run counts the refund when it writes the line
    payout = _lock(line.payout_id)
    community = payout.community
    refunds = db.session.execute(
        select(
            func.coalesce(func.sum(Refund.goods_cents), 0), func.coalesce(func.sum(Refund.delivery_cents), 0)
        ).where(Refund.fulfilment_id == refund.fulfilment_id)
    ).one()
    if payout.status is PayoutStatus.DRAFT:
        earnings = fulfilment_earnings(
            goods_cents=line.goods_cents,
            refunded_goods_cents=int(refunds[0]),
            delivery_cents=line.delivery_cents,
            refunded_delivery_cents=int(refunds[1]),
            commission_bp=community.commission_bp,
        )
        line.refunded_goods_cents = earnings.refunded_goods_cents
        line.refunded_delivery_cents = earnings.refunded_delivery_cents
        line.commission_cents = earnings.commission_cents
        line.amount_cents = earnings.payable_cents
        db.session.flush()
        recount(payout, community)
        return None
    earlier = db.session.scalars(
        select(PayoutAdjustment).where(PayoutAdjustment.fulfilment_id == refund.fulfilment_id)
    ).all()
    commission_kept = line.commission_cents - sum(a.commission_returned_cents for a in earlier)
    commission_now = commission(line.goods_cents - int(refunds[0]), community.commission_bp)
    returned = max(0, min(commission_kept - commission_now, commission_kept, refund.goods_cents))
    adjustment = PayoutAdjustment(
        community_id=community.id,
        fulfilment_id=refund.fulfilment_id,
        refund_id=refund.id,
        refunded_cents=refund.amount_cents,
        commission_returned_cents=returned,
        amount_cents=returned - refund.amount_cents,
    )
    db.session.add(adjustment)
    db.session.flush()
    return adjustment
