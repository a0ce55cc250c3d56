"""The order's life: placing it, taking payment, cancelling or expiring it, moving its parcels along."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from catalogue.models import Product, ProductStatus, Variant
from orders.models import (
    CancelReason,
    Fulfilment,
    FulfilmentStatus,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
)
from producers.communities import takes_orders_today
from producers.models import DeliveryMethod, ShippingOption
from shop import audit, outbox
from shop.db import db, transaction, utcnow
from shop.models import OutboxMessage, User

#: How long after Stripe's payment page expires an unpaid card order is checked with Stripe and cancelled.
CARD_GRACE = timedelta(minutes=15)

#: The most of one variant a single order may hold; more is a typo or a wholesale enquiry.
MAX_QUANTITY = 999


class OrderProblem(Exception):
    """Something the customer or staff must be told in words; views turn each into a message."""


class EmptyOrder(OrderProblem):
    pass


class QuantityNotAllowed(OrderProblem):
    def __init__(self, variant_id: int, quantity: int) -> None:
        super().__init__(variant_id, quantity)
        self.variant_id = variant_id
        self.quantity = quantity


class ProductUnavailable(OrderProblem):
    """The variant does not exist any more, or is not for sale."""

    def __init__(self, variant_id: int) -> None:
        super().__init__(variant_id)
        self.variant_id = variant_id


class OutOfStock(OrderProblem):
    def __init__(self, variant_id: int, available: int) -> None:
        super().__init__(variant_id, available)
        self.variant_id = variant_id
        self.available = available


class DeliveryNotOffered(OrderProblem):
    """The community does not (any more) deliver the way the customer chose, or details are missing."""

    def __init__(self, community_id: int) -> None:
        super().__init__(community_id)
        self.community_id = community_id


class OrderNotFound(OrderProblem):
    def __init__(self, order_id: int) -> None:
        super().__init__(order_id)
        self.order_id = order_id


class FulfilmentNotFound(OrderProblem):
    """No parcel has this id (or none of the order it was looked for in)."""

    def __init__(self, fulfilment_id: int) -> None:
        super().__init__(fulfilment_id)
        self.fulfilment_id = fulfilment_id


class OrderNotAwaitingPayment(OrderProblem):
    def __init__(self, status: OrderStatus) -> None:
        super().__init__(status)
        self.status = status


class PaymentAmountMismatch(OrderProblem):
    def __init__(self, expected_cents: int, received_cents: int) -> None:
        super().__init__(expected_cents, received_cents)
        self.expected_cents = expected_cents
        self.received_cents = received_cents


@dataclass(frozen=True)
class LineRequest:
    variant_id: int
    quantity: int
    gift_message: str = ""


@dataclass(frozen=True)
class DeliveryChoice:
    method: DeliveryMethod
    locker: str = ""  #: the parcel locker, for locker methods


@dataclass(frozen=True)
class Buyer:
    name: str
    email: str
    phone: str  #: E.164
    language: str
    address_line: str = ""
    city: str = ""
    postal_code: str = ""
    notes: str = ""


def place_order(
    lines: Sequence[LineRequest],
    deliveries: Mapping[int, DeliveryChoice],
    buyer: Buyer,
    *,
    payment_method: PaymentMethod,
    idempotency_key: str,
) -> Order:
    """Turn a cart into an order: prices from the catalogue, stock reserved, one fulfilment per community.

    Idempotent: the same `idempotency_key` (one per checkout form) always gives the same single order.
    """
    existing = _order_by_idempotency_key(idempotency_key)
    if existing is not None:
        return existing
    if not lines:
        raise EmptyOrder()
    try:
        with transaction():
            order = _build_order(lines, deliveries, buyer, payment_method, idempotency_key)
            messages = []
            if payment_method is PaymentMethod.BANK_TRANSFER:  # a card payer hears from us once paid
                messages.append(mail_customer(order, event="order-placed", template="order_placed"))
    except IntegrityError:
        existing = _order_by_idempotency_key(idempotency_key)  # a double submit committed first
        if existing is None:
            raise
        return existing
    outbox.send_now(messages)
    return order


def _build_order(
    lines: Sequence[LineRequest],
    deliveries: Mapping[int, DeliveryChoice],
    buyer: Buyer,
    payment_method: PaymentMethod,
    idempotency_key: str,
) -> Order:
    quantities: dict[int, int] = defaultdict(int)
    for line in lines:
        quantities[line.variant_id] += line.quantity
    for variant_id, quantity in quantities.items():
        if not 0 < quantity <= MAX_QUANTITY:
            raise QuantityNotAllowed(variant_id, quantity)

    variants = {variant.id: variant for variant in list_sellable_variants(sorted(quantities))}
    for variant_id in sorted(quantities):  # one lock order for every basket: no deadlocks between buyers
        if variant_id not in variants:
            raise ProductUnavailable(variant_id)
        _reserve(variants[variant_id], quantities[variant_id])

    options = _shipping_options({variant.product.community_id for variant in variants.values()})
    now = utcnow()
    order = Order(
        number=f"new-{secrets.token_hex(12)}",  # replaced by the real number once the id is known
        public_token=secrets.token_urlsafe(24),
        idempotency_key=idempotency_key,
        payment_method=payment_method,
        language=buyer.language,
        customer_name=buyer.name,
        email=buyer.email,
        phone=buyer.phone,
        address_line=buyer.address_line,
        city=buyer.city,
        postal_code=buyer.postal_code,
        notes=buyer.notes,
        goods_cents=0,
        delivery_cents=0,
        total_cents=0,
        created_at=now,
        expires_at=payment_deadline(payment_method, now),
    )
    fulfilments: dict[int, Fulfilment] = {}
    for line in lines:
        variant = variants[line.variant_id]
        community_id = variant.product.community_id
        if community_id not in fulfilments:
            fulfilments[community_id] = _start_fulfilment(order, community_id, deliveries, options, buyer)
        fulfilment = fulfilments[community_id]
        fulfilment.lines.append(
            OrderLine(
                variant=variant,
                category_id=variant.product.category_id,
                sku=variant.sku,
                product_name_lt=variant.product.name_lt,
                product_name_en=variant.product.name_en,
                variant_name_lt=variant.name_lt,
                variant_name_en=variant.name_en,
                unit_price_cents=variant.price_cents,
                quantity=line.quantity,
                is_made_to_order=variant.is_made_to_order,
                lead_days=variant.lead_days,
                gift_message=line.gift_message.strip()[:200],
            )
        )
        fulfilment.goods_cents += variant.price_cents * line.quantity
    order.goods_cents = sum(f.goods_cents for f in fulfilments.values())
    order.delivery_cents = sum(f.delivery_cents for f in fulfilments.values())
    order.total_cents = order.goods_cents + order.delivery_cents
    db.session.add(order)
    db.session.flush()
    order.number = f"KM-{now.year}-{order.id:06d}"
    return order


def payment_deadline(method: PaymentMethod, now: datetime) -> datetime:
    """When an unpaid order gives its stock back: days for a transfer, the card page's life and a margin."""
    if method is PaymentMethod.BANK_TRANSFER:
        return now + timedelta(days=current_app.config["BANK_TRANSFER_DAYS"])
    return now + timedelta(minutes=current_app.config["CARD_CHECKOUT_MINUTES"]) + CARD_GRACE


def _start_fulfilment(
    order: Order,
    community_id: int,
    deliveries: Mapping[int, DeliveryChoice],
    options: Mapping[tuple[int, DeliveryMethod], ShippingOption],
    buyer: Buyer,
) -> Fulfilment:
    choice = deliveries.get(community_id)
    option = options.get((community_id, choice.method)) if choice else None
    if choice is None or option is None:
        raise DeliveryNotOffered(community_id)
    if choice.method.is_locker and not choice.locker.strip():
        raise DeliveryNotOffered(community_id)
    if choice.method.needs_address and not (buyer.address_line and buyer.city and buyer.postal_code):
        raise DeliveryNotOffered(community_id)
    fulfilment = Fulfilment(
        community_id=community_id,
        delivery_method=choice.method,
        delivery_cents=option.fee_cents,
        goods_cents=0,
        locker=choice.locker.strip() if choice.method.is_locker else "",
        pickup_address=option.pickup_address if choice.method is DeliveryMethod.PICKUP else "",
    )
    order.fulfilments.append(fulfilment)
    return fulfilment


def list_sellable_variants(variant_ids: Sequence[int], *, with_photos: bool = False) -> Sequence[Variant]:
    """Variants buyable now (active product, active community not on holiday), with product and community."""
    options = [contains_eager(Variant.product).contains_eager(Product.community)]
    if with_photos:
        options.append(contains_eager(Variant.product).selectinload(Product.images))
    return db.session.scalars(
        select(Variant)
        .join(Variant.product)
        .join(Product.community)
        .where(
            Variant.id.in_(variant_ids),
            Product.status == ProductStatus.ACTIVE,
            takes_orders_today(),
        )
        .options(*options)
        .order_by(Variant.id)
    ).all()


def _reserve(variant: Variant, quantity: int) -> None:
    """Take `quantity` from stock in one conditional UPDATE, so that two buyers can never oversell."""
    if variant.is_made_to_order:
        return
    reserved = db.session.execute(
        update(Variant)
        .where(Variant.id == variant.id, Variant.stock >= quantity)
        .values(stock=Variant.stock - quantity)
        .returning(Variant.id)
        .execution_options(synchronize_session=False)
    ).first()
    if reserved is None:
        available = db.session.scalar(select(Variant.stock).where(Variant.id == variant.id)) or 0
        raise OutOfStock(variant.id, available)


def _shipping_options(community_ids: set[int]) -> dict[tuple[int, DeliveryMethod], ShippingOption]:
    options = db.session.scalars(
        select(ShippingOption).where(
            ShippingOption.community_id.in_(community_ids), ShippingOption.is_active.is_(True)
        )
    )
    return {(option.community_id, option.method): option for option in options}


def _order_by_idempotency_key(key: str) -> Order | None:
    return db.session.scalars(select(Order).where(Order.idempotency_key == key)).first()


def get_order_by_token(token: str) -> Order | None:
    """The order behind a private tracking link, with everything its page shows, or None."""
    if not token or len(token) > 64:
        return None
    return db.session.scalars(
        select(Order)
        .where(Order.public_token == token)
        .options(
            selectinload(Order.fulfilments).selectinload(Fulfilment.lines),
            selectinload(Order.fulfilments).joinedload(Fulfilment.community),
            selectinload(Order.card_checkouts),
            selectinload(Order.refunds),
        )
    ).first()


def list_orders_awaiting_transfer() -> Sequence[Order]:
    """Unpaid bank-transfer orders, oldest first, for staff to match against the bank statement."""
    return db.session.scalars(
        select(Order)
        .where(
            Order.status == OrderStatus.PENDING_PAYMENT, Order.payment_method == PaymentMethod.BANK_TRANSFER
        )
        .order_by(Order.created_at)
    ).all()


def mark_paid(
    order_id: int,
    *,
    amount_cents: int,
    method: PaymentMethod,
    reference: str = "",
    by: User | None,
) -> Order:
    """Record the order's payment: its parcels turn `new` and each community is told about its part.

    Confirming an already paid order changes nothing; a wrong amount pays nothing.
    """
    order = db.session.get(Order, order_id)
    if order is None:
        raise OrderNotFound(order_id)
    if order.status is OrderStatus.PAID:
        return order
    if amount_cents != order.total_cents:
        raise PaymentAmountMismatch(order.total_cents, amount_cents)
    with transaction():
        messages = record_payment(order, amount_cents=amount_cents, method=method, reference=reference, by=by)
        audit.record(
            "order.confirm_payment",
            "order",
            order.number,
            by=by,
            before={"status": OrderStatus.PENDING_PAYMENT},
            after={"status": OrderStatus.PAID, "amount_cents": amount_cents, "reference": reference},
        )
    outbox.send_now(messages)
    return order


def record_payment(
    order: Order,
    *,
    amount_cents: int,
    method: PaymentMethod,
    reference: str = "",
    stripe_payment_intent: str | None = None,
    by: User | None,
) -> list[OutboxMessage | None]:
    """Inside a transaction: the order is paid, its parcels turn `new`, the customer and communities are told.

    Returns the mails to send after the commit; none when the order was already paid (by a racing call).
    """
    if not order.move_to(OrderStatus.PAID, if_still=OrderStatus.PENDING_PAYMENT):
        status = db.session.scalars(select(Order.status).where(Order.id == order.id)).one()
        if status is OrderStatus.PAID:
            return []  # confirmed twice at once: the other one did it
        raise OrderNotAwaitingPayment(status)
    db.session.refresh(order)
    order.paid_at = utcnow()
    order.payment_method = method
    order.payments.append(
        Payment(
            method=method,
            amount_cents=amount_cents,
            reference=reference.strip()[:120],
            stripe_payment_intent=stripe_payment_intent,
            confirmed_by=by,
        )
    )
    for fulfilment in order.fulfilments:
        fulfilment.move_to(FulfilmentStatus.NEW, by=by)
    messages = [mail_customer(order, event="order-paid", template="order_paid")]
    for fulfilment in order.fulfilments:
        messages.append(
            outbox.enqueue(
                dedup_key=f"fulfilment-new:{fulfilment.id}",
                recipient=fulfilment.community.email,
                template="orders/fulfilment_new",
                language="lt",  # communities work in Lithuanian
                context={"order": order, "fulfilment": fulfilment},
                order_id=order.id,
            )
        )
    return messages


def cancel_unpaid_order(
    order_id: int, *, reason: CancelReason, note: str = "", by: User | None = None
) -> bool:
    """Cancel an order that was never paid and put its stock back, exactly once. False if not cancellable.

    `note` is why, in words (staff say it): it goes on the parcels' history, the audit log and the mail.
    """
    with transaction():
        messages = cancel_unpaid(order_id, reason=reason, note=note, by=by)
        if messages is None:
            return False
    outbox.send_now(messages)
    return True


def cancel_unpaid(
    order_id: int, *, reason: CancelReason, note: str = "", by: User | None
) -> list[OutboxMessage | None] | None:
    """Inside a transaction: cancel an unpaid order, stock back; the mails to send, or None if not unpaid."""
    order = db.session.get(Order, order_id)
    if order is None or not order.move_to(OrderStatus.CANCELLED, if_still=OrderStatus.PENDING_PAYMENT):
        return None
    note = note.strip()[:1000]
    db.session.refresh(order)
    order.cancelled_at = utcnow()
    order.cancel_reason = reason
    audit.record(
        "order.cancel",
        "order",
        order.number,
        by=by,
        before={"status": OrderStatus.PENDING_PAYMENT},
        after={"status": OrderStatus.CANCELLED, **({"note": note} if note else {})},
    )
    restock(order.lines)
    for fulfilment in order.fulfilments:
        fulfilment.move_to(FulfilmentStatus.CANCELLED, by=by, note=note or reason.value)
    if reason is CancelReason.EXPIRED:
        return [mail_customer(order, event="order-expired", template="order_expired")]
    return [mail_customer(order, event="order-cancelled", template="order_cancelled", note=note)]


def restock(lines: Sequence[OrderLine]) -> None:
    """Put the stock of these lines back on sale (made-to-order lines took none)."""
    for line in lines:
        if line.variant_id is not None and not line.is_made_to_order:
            db.session.execute(
                update(Variant)
                .where(Variant.id == line.variant_id)
                .values(stock=Variant.stock + line.quantity)
                .execution_options(synchronize_session=False)
            )


def expire_unpaid_orders(now: datetime | None = None) -> int:
    """Cancel every bank-transfer order unpaid past its deadline; safe to run twice or from cron.

    Card orders are not cancelled here: Stripe is asked first (`payments.settle_stale_card_orders`).
    """
    now = now or utcnow()
    due = list_unpaid_past_deadline(PaymentMethod.BANK_TRANSFER, now)
    return sum(cancel_unpaid_order(order_id, reason=CancelReason.EXPIRED) for order_id in due)


def list_unpaid_past_deadline(method: PaymentMethod, now: datetime) -> list[int]:
    due = list(
        db.session.scalars(
            select(Order.id).where(
                Order.status == OrderStatus.PENDING_PAYMENT,
                Order.payment_method == method,
                Order.expires_at.is_not(None),
                Order.expires_at <= now,
            )
        )
    )
    db.session.rollback()
    return due


def accept_fulfilment(fulfilment_id: int, *, by: User | None) -> Fulfilment:
    """The community has seen the parcel and will pack it; the customer hears it is being packed."""
    with transaction():
        fulfilment = lock_fulfilment(fulfilment_id)
        fulfilment.move_to(FulfilmentStatus.ACCEPTED, by=by)
        messages = [_mail_parcel(fulfilment, "fulfilment-accepted", "fulfilment_accepted")]
    outbox.send_now(messages)
    return fulfilment


def ship_fulfilment(fulfilment_id: int, *, carrier: str, tracking_number: str, by: User | None) -> Fulfilment:
    """The parcel has left (or waits at the pickup point), with its carrier and tracking number."""
    with transaction():
        fulfilment = lock_fulfilment(fulfilment_id)
        fulfilment.move_to(FulfilmentStatus.SHIPPED, by=by)
        fulfilment.carrier = carrier.strip()[:60]
        fulfilment.tracking_number = tracking_number.strip()[:80]
        messages = [_mail_parcel(fulfilment, "fulfilment-shipped", "fulfilment_shipped")]
    outbox.send_now(messages)
    return fulfilment


def mark_delivered(fulfilment_id: int, *, by: User | None) -> Fulfilment:
    """The customer has the parcel; when every parcel is settled, the order is complete."""
    with transaction():
        fulfilment = lock_fulfilment(fulfilment_id)
        fulfilment.move_to(FulfilmentStatus.DELIVERED, by=by)
        settle_order(fulfilment.order)
        messages = [_mail_parcel(fulfilment, "fulfilment-delivered", "fulfilment_delivered")]
    outbox.send_now(messages)
    return fulfilment


def _mail_parcel(fulfilment: Fulfilment, event: str, template: str) -> OutboxMessage | None:
    """Inside the parcel's transaction: tell the customer, in the order's language, once per parcel."""
    return mail_customer(
        fulfilment.order, event=event, template=template, key=fulfilment.id, fulfilment=fulfilment
    )


def settle_order(order: Order) -> None:
    """Inside a transaction, after a paid order's parcel changed: when none is left to send, it is over.

    Every parcel cancelled (and refunded) → the order is cancelled; all delivered or cancelled → completed.
    """
    db.session.flush()
    statuses = {fulfilment.status for fulfilment in order.fulfilments}
    if statuses == {FulfilmentStatus.CANCELLED}:
        if order.move_to(OrderStatus.CANCELLED, if_still=OrderStatus.PAID):
            order.cancelled_at = utcnow()
            order.cancel_reason = CancelReason.STAFF
    elif statuses <= {FulfilmentStatus.DELIVERED, FulfilmentStatus.CANCELLED}:
        order.move_to(OrderStatus.COMPLETED, if_still=OrderStatus.PAID)


def lock_order(order_id: int) -> Order | None:
    """An order to change, its row locked (PostgreSQL; SQLite's transaction already holds the write lock)."""
    return db.session.scalars(
        select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    ).first()


def lock_fulfilment(fulfilment_id: int, *, order_id: int | None = None) -> Fulfilment:
    """A fulfilment to change, its order locked first: two parcels of one order change one at a time.

    FulfilmentNotFound if there is no such parcel, or (with `order_id`) it is not one of that order's.
    """
    found = db.session.scalar(select(Fulfilment.order_id).where(Fulfilment.id == fulfilment_id))
    if found is None or order_id not in (None, found):
        raise FulfilmentNotFound(fulfilment_id)
    db.session.execute(select(Order.id).where(Order.id == found).with_for_update())
    return db.session.scalars(
        select(Fulfilment).where(Fulfilment.id == fulfilment_id).with_for_update()
    ).one()


def mail_customer(
    order: Order, *, event: str, template: str, key: object = None, **context: object
) -> OutboxMessage | None:
    """One mail to the customer for this event of the order (or of `key` within it), never two."""
    return outbox.enqueue(
        dedup_key=f"{event}:{order.id if key is None else key}",
        recipient=order.email,
        template=f"orders/{template}",
        language=order.language,
        context={"order": order, **context},
        order_id=order.id,
    )
