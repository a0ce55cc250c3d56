"""Orders in any state, placed and moved on through the real services (`orders.services`, `orders.refunds`).

`make_order(status=…)` is one call for an order in any state: an `OrderStatus` (the order's) or a
`FulfilmentStatus` (every parcel's). `move_parcel` moves one parcel of a paid order on.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select, update

from catalogue.models import Product, Variant
from orders import fulfilments, lifecycle, placing, refunds
from orders.models import CancelReason, Fulfilment, FulfilmentStatus, Order, OrderStatus, PaymentMethod
from orders.placing import Buyer, DeliveryChoice, LineRequest
from producers.models import DeliveryMethod
from shop.db import db
from shop.models import User
from tests.factories.catalogue import make_product

BUYER = Buyer(name="Rasa Petraitienė", email="rasa@example.com", phone="+37061234567", language="lt")
PICKUP = DeliveryChoice(DeliveryMethod.PICKUP)
OMNIVA = DeliveryChoice(DeliveryMethod.OMNIVA, locker="Kėdainių Maxima")
COURIER = DeliveryChoice(DeliveryMethod.COURIER)  # needs a buyer with an address

#: A line: (variant, quantity), (variant, quantity, gift message), or the service's own LineRequest.
Line = tuple[Variant, int] | tuple[Variant, int, str] | LineRequest

_keys = itertools.count(1)
_FORWARD = (
    FulfilmentStatus.NEW,
    FulfilmentStatus.ACCEPTED,
    FulfilmentStatus.SHIPPED,
    FulfilmentStatus.DELIVERED,
)
#: What the parcels of an order in this state are (an unpaid cancelled order's are cancelled too).
_PARCELS_OF = {
    OrderStatus.PENDING_PAYMENT: FulfilmentStatus.AWAITING_PAYMENT,
    OrderStatus.PAID: FulfilmentStatus.NEW,
    OrderStatus.COMPLETED: FulfilmentStatus.DELIVERED,
    OrderStatus.CANCELLED: FulfilmentStatus.CANCELLED,
}


def make_buyer(**changes: Any) -> Buyer:
    """BUYER with some details changed: `make_buyer(name="Jonas", email="jonas@example.com")`."""
    return replace(BUYER, **changes)


def make_order(
    lines: Sequence[Line] | None = None,
    *,
    status: OrderStatus | FulfilmentStatus = OrderStatus.PENDING_PAYMENT,
    delivery: DeliveryChoice = PICKUP,
    deliveries: Mapping[int, DeliveryChoice] | None = None,
    buyer: Buyer = BUYER,
    payment_method: PaymentMethod = PaymentMethod.BANK_TRANSFER,
    key: str | None = None,
    by: User | None = None,
    placed_at: datetime | None = None,
    paid_at: datetime | None = None,
    carrier: str = "Omniva",
    tracking_number: str = "CE1LT",
    refund_reason: str = "Sudužo",
    cancel_reason: CancelReason = CancelReason.CUSTOMER,
    client_ip: str = "",
) -> Order:
    """An order of `lines` (one of a new product if none) placed and brought to `status`.

    `status`:
    - `OrderStatus.PENDING_PAYMENT` (or `FulfilmentStatus.AWAITING_PAYMENT`): placed, not paid;
    - `OrderStatus.PAID` (or `FulfilmentStatus.NEW`): paid in full by `payment_method` (`mark_paid`);
    - `FulfilmentStatus.ACCEPTED`, `.SHIPPED`, `.DELIVERED`: paid, every parcel moved on that far (shipped
      with `carrier` and `tracking_number`); `OrderStatus.COMPLETED` is every parcel delivered;
    - `OrderStatus.CANCELLED`: cancelled before it was paid (`cancel_reason`), its stock back;
    - `FulfilmentStatus.CANCELLED`: paid, then every parcel cancelled and refunded (`refund_reason`).

    Each community's parcel goes by `delivery` unless `deliveries` (community id → choice) says otherwise.
    `key` is the checkout's idempotency key (a new one by default). `by` is who confirms and moves (None: the
    system). `placed_at` / `paid_at` then rewrite when it was placed / paid (`paid_at` is also when it was
    placed, unless `placed_at` says otherwise), for lists that sort or age by those. `client_ip` is the
    address it was placed from (as the checkout records it; capped like the checkout's, and forgotten once
    the order is paid or cancelled).
    """
    parcels = status if isinstance(status, FulfilmentStatus) else _PARCELS_OF[status]
    paid = parcels is not FulfilmentStatus.AWAITING_PAYMENT and status is not OrderStatus.CANCELLED
    if paid_at is not None and not paid:
        raise ValueError(f"an order left {status} was never paid: it has no paid_at")
    if lines is None:
        lines = [(make_product().variants[0], 1)]
    requests: list[LineRequest] = []
    choices: dict[int, DeliveryChoice] = {}
    for line in lines:
        if isinstance(line, LineRequest):
            request, community_id = line, _community_of(line.variant_id)
        else:
            variant, quantity, *gift = line
            request, community_id = LineRequest(variant.id, quantity, *gift), variant.product.community_id
        requests.append(request)
        if community_id is not None:
            choices[community_id] = delivery
    order = placing.place_order(
        requests,
        {**choices, **(deliveries or {})},
        buyer,
        payment_method=payment_method,
        idempotency_key=key or f"make-order-{next(_keys)}",
        client_ip=client_ip,
    )
    order_id = inspect(order).identity[
        0
    ]  # not order.id: reading the committed order would open a transaction
    if status is OrderStatus.CANCELLED:
        lifecycle.cancel_unpaid_order(order_id, reason=cancel_reason, by=by)
    elif paid:
        lifecycle.mark_paid(order_id, amount_cents=order.total_cents, method=payment_method, by=by)
        if parcels is FulfilmentStatus.CANCELLED:
            refunds.cancel_paid_order(order_id, reason=refund_reason, by=by)
        elif parcels is not FulfilmentStatus.NEW:
            for fulfilment_id in [fulfilment.id for fulfilment in order.fulfilments]:
                move_parcel(fulfilment_id, parcels, by=by, carrier=carrier, tracking_number=tracking_number)
    _backdate(order_id, placed_at=placed_at, paid_at=paid_at)
    return order  # as the last service left it (committed: read when used)


def move_parcel(
    fulfilment_id: int,
    to: FulfilmentStatus,
    *,
    by: User | None = None,
    carrier: str = "Omniva",
    tracking_number: str = "CE1LT",
    reason: str = "Sudužo",
) -> None:
    """Move a paid parcel on to `to` through the real services: forward from where it is (accepted, shipped,
    delivered), or cancelled and refunded (`reason`)."""
    if to is FulfilmentStatus.CANCELLED:
        refunds.cancel_fulfilment(fulfilment_id, reason=reason, by=by)
        return
    now = db.session.scalar(select(Fulfilment.status).where(Fulfilment.id == fulfilment_id))
    steps = _FORWARD[_FORWARD.index(now) + 1 : _FORWARD.index(to) + 1] if {now, to} <= set(_FORWARD) else ()
    if not steps:
        raise ValueError(f"a parcel does not move from {now} to {to}")
    for step in steps:
        if step is FulfilmentStatus.ACCEPTED:
            fulfilments.accept_fulfilment(fulfilment_id, by=by)
        elif step is FulfilmentStatus.SHIPPED:
            fulfilments.ship_fulfilment(
                fulfilment_id, carrier=carrier, tracking_number=tracking_number, by=by
            )
        else:
            fulfilments.mark_delivered(fulfilment_id, by=by)


def _community_of(variant_id: int) -> int | None:
    return db.session.scalar(
        select(Product.community_id).join(Variant.product).where(Variant.id == variant_id)
    )


def _backdate(order_id: int, *, placed_at: datetime | None, paid_at: datetime | None) -> None:
    values: dict[str, datetime] = {}
    if paid_at is not None:
        values.update(paid_at=paid_at, created_at=paid_at)
    if placed_at is not None:
        values["created_at"] = placed_at
    if values:
        db.session.execute(update(Order).where(Order.id == order_id).values(**values))
        db.session.commit()
