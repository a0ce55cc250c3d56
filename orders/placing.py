"""Placing an order: one transaction that re-prices the cart from the catalogue, reserves stock, books the
made-to-order work into a week (`producers.capacity`), splits the lines into one parcel per community with
its delivery fee, and queues the mails."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from catalogue.models import Product, Variant, on_sale_now
from legal.models import LegalPageKind, LegalPageVersion
from legal.pages import current_version
from orders import caps
from orders.errors import (
    DeliveryNotOffered,
    EmptyOrder,
    LockerNotAvailable,
    OutOfStock,
    PriceChanged,
    ProductionFull,
    ProductUnavailable,
    QuantityNotAllowed,
    TermsChanged,
)
from orders.lifecycle import mail_customer
from orders.models import (
    Fulfilment,
    Order,
    OrderLine,
    PaymentMethod,
)
from producers import capacity
from producers.communities import takes_orders_today
from producers.errors import CapacityFull
from producers.lockers import find_active_locker
from producers.models import DeliveryMethod, Locker, ShippingOption
from producers.promises import promise_for
from shop import outbox
from shop.db import db, transaction, utcnow
from shop.i18n import VILNIUS
from shop.models import OutboxMessage

#: How long after Stripe's payment page expires an unpaid card order is checked with Stripe and cancelled.
CARD_GRACE = timedelta(minutes=15)


@dataclass(frozen=True)
class LineRequest:
    variant_id: int
    quantity: int
    gift_message: str = ""
    #: the unit price the customer was shown; the order is refused (`PriceChanged`) if it is not the one in
    #: force any more (None: whatever is in force)
    unit_price_cents: int | None = None


@dataclass(frozen=True)
class DeliveryChoice:
    method: DeliveryMethod
    #: the parcel locker as words, for a locker method without a chosen row (scripts, a shop whose
    #: carriers' lists are not loaded); the checkout always sends `locker_id`
    locker: str = ""
    locker_id: int | None = None  #: the chosen `Locker` row, for locker methods


def unavailable_lockers(deliveries: Mapping[int, DeliveryChoice]) -> set[int]:
    """The parcels (by community) whose chosen locker is not an active locker of their chosen carrier."""
    return {
        community_id
        for community_id, choice in deliveries.items()
        if choice.method.is_locker
        and choice.locker_id is not None
        and find_active_locker(choice.method, choice.locker_id) is None
    }


def locker_snapshot(locker: Locker) -> str:
    """The locker on one line as a parcel keeps it: "Name, street, postal code town"."""
    return f"{locker.name}, {locker.full_address}"[:200]


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


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    #: the order's, read before the commit expired it: where the customer goes next needs no query
    public_token: str
    payment_method: PaymentMethod
    #: the mails queued with it (committed), for the caller to try at once (`outbox.send_ids_now`), e.g.
    #: once its answer has gone out; `flask outbox send` delivers whatever is not sent then
    mail_ids: list[int]


def place_order(
    lines: Sequence[LineRequest],
    deliveries: Mapping[int, DeliveryChoice],
    buyer: Buyer,
    *,
    payment_method: PaymentMethod,
    idempotency_key: str,
    terms_version_id: int | None = None,
    client_ip: str = "",
) -> Order:
    """Turn a cart into an order (`take_order`), and try its mails at once."""
    placed = take_order(
        lines,
        deliveries,
        buyer,
        payment_method=payment_method,
        idempotency_key=idempotency_key,
        terms_version_id=terms_version_id,
        client_ip=client_ip,
    )
    outbox.send_ids_now(placed.mail_ids)
    return placed.order


def take_order(
    lines: Sequence[LineRequest],
    deliveries: Mapping[int, DeliveryChoice],
    buyer: Buyer,
    *,
    payment_method: PaymentMethod,
    idempotency_key: str,
    terms_version_id: int | None = None,
    client_ip: str = "",
) -> PlacedOrder:
    """Turn a cart into an order: prices in force from the catalogue (a sale's while it runs), stock
    reserved, made-to-order items booked into each community's first week with room (`ProductionFull` if
    none has), one fulfilment per community, its mails queued (not sent: see `PlacedOrder.mail_ids`).

    Idempotent: the same `idempotency_key` (one per checkout form) always gives the same single order.
    `terms_version_id` is the version of the terms of sale the checkout showed and the customer accepted:
    the order records it, and refuses (`TermsChanged`) one that is no longer in force. Without it (the
    demo, scripts) the order records none.

    What an unpaid order may hold is capped (`orders.caps`): a third unpaid order of one e-mail address or
    one `client_ip` (the visitor's IP address; "" for the demo and scripts, which are not capped by it) is
    refused (`TooManyUnpaidOrders`), and so is a line above its share of the stock (`ShareOfStockExceeded`)
    or above `MAX_LINE_QUANTITY` (`QuantityNotAllowed`).
    """
    existing = _order_by_idempotency_key(idempotency_key)
    if existing is not None:
        return PlacedOrder(existing, existing.public_token, existing.payment_method, [])
    if not lines:
        raise EmptyOrder()
    try:
        with transaction():
            terms = _terms_in_force(terms_version_id) if terms_version_id is not None else None
            order = _build_order(lines, deliveries, buyer, payment_method, idempotency_key, client_ip, terms)
            messages = []
            if payment_method is PaymentMethod.BANK_TRANSFER:  # a card payer hears from us once paid
                messages.append(mail_transfer_instructions(order))
            db.session.flush()  # the mails' ids, known before the commit expires them
            mail_ids = [message.id for message in messages if message is not None]
            public_token = order.public_token
    except IntegrityError:
        existing = _order_by_idempotency_key(idempotency_key)  # a double submit committed first
        if existing is None:
            raise
        return PlacedOrder(existing, existing.public_token, existing.payment_method, [])
    return PlacedOrder(order, public_token, payment_method, mail_ids)


def _terms_in_force(shown_id: int) -> LegalPageVersion | None:
    """The version of the terms the customer was shown, if it is still the one in force."""
    terms = current_version(LegalPageKind.TERMS)
    if terms is None:  # the shop has no terms yet (a test shop): nothing to record
        return None
    if terms.id != shown_id:
        raise TermsChanged(terms.id, terms.number)
    return terms


def _build_order(
    lines: Sequence[LineRequest],
    deliveries: Mapping[int, DeliveryChoice],
    buyer: Buyer,
    payment_method: PaymentMethod,
    idempotency_key: str,
    client_ip: str,
    terms: LegalPageVersion | None,
) -> Order:
    quantities: dict[int, int] = defaultdict(int)
    for line in lines:
        quantities[line.variant_id] += line.quantity
    for variant_id, quantity in quantities.items():
        if not 0 < quantity <= caps.max_line_quantity():
            raise QuantityNotAllowed(variant_id, quantity)
    caps.check_unpaid_orders(buyer.email, client_ip)

    now = utcnow()
    variants = {variant.id: variant for variant in list_sellable_variants(sorted(quantities))}
    for variant_id in sorted(quantities):
        if variant_id not in variants:
            raise ProductUnavailable(variant_id)
    prices = {variant_id: variant.offer(now).price_cents for variant_id, variant in variants.items()}
    for line in lines:
        if line.unit_price_cents is not None and line.unit_price_cents != prices[line.variant_id]:
            raise PriceChanged(line.variant_id, prices[line.variant_id])  # e.g. a sale ended just now
    for variant_id in sorted(quantities):  # one lock order for every basket: no deadlocks between buyers
        _reserve(variants[variant_id], quantities[variant_id])
    weeks = _book_production(variants, quantities, today=now.astimezone(VILNIUS).date())

    options = _shipping_options({variant.product.community_id for variant in variants.values()})
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
        client_ip=client_ip,
        goods_cents=0,
        delivery_cents=0,
        total_cents=0,
        created_at=now,
        expires_at=payment_deadline(payment_method, now),
        terms_version=terms,
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
                unit_price_cents=prices[variant.id],
                quantity=line.quantity,
                is_made_to_order=variant.is_made_to_order,
                lead_days=variant.lead_days,
                production_week=weeks.get(community_id) if variant.is_made_to_order else None,
                gift_message=line.gift_message.strip()[:200],
            )
        )
        fulfilment.goods_cents += prices[variant.id] * line.quantity
    for community_id, fulfilment in fulfilments.items():
        option = options[(community_id, fulfilment.delivery_method)]
        _promise(fulfilment, option, now, production_starts=weeks.get(community_id))
    order.goods_cents = sum(f.goods_cents for f in fulfilments.values())
    order.delivery_cents = sum(f.delivery_cents for f in fulfilments.values())
    order.total_cents = order.goods_cents + order.delivery_cents
    db.session.add(order)
    db.session.flush()
    order.number = f"KM-{now.year}-{order.id:06d}"
    return order


def payment_deadline(method: PaymentMethod, now: datetime) -> datetime:
    """When an unpaid order gives its stock back: a transfer's short hold (`transfer_hold`), the card
    page's life and a margin."""
    if method is PaymentMethod.BANK_TRANSFER:
        return now + transfer_hold()
    return now + timedelta(minutes=current_app.config["CARD_CHECKOUT_MINUTES"]) + CARD_GRACE


def mail_transfer_instructions(order: Order) -> OutboxMessage | None:
    """Inside the transaction: the "order placed" mail of an order to be paid by transfer (how to pay, how
    long its items are held, and "I have paid"), queued once."""
    return mail_customer(
        order,
        event="order-placed",
        template="order_placed",
        transfer_deadline=transfer_deadline(order.created_at),
        legal_version=cache(current_version),  # each legal page read once for the mail's text and HTML
    )


def transfer_hold() -> timedelta:
    """How long an unpaid transfer holds its stock until the customer says they have paid.

    Short (`TRANSFER_HOLD_HOURS`), so that unpaid orders cannot keep the catalogue sold out for days;
    never longer than the transfer deadline itself.
    """
    config = current_app.config
    return min(timedelta(hours=config["TRANSFER_HOLD_HOURS"]), timedelta(days=config["BANK_TRANSFER_DAYS"]))


def transfer_deadline(placed_at: datetime) -> datetime:
    """The last moment a transfer's money may arrive once the customer has said they paid
    (`BANK_TRANSFER_DAYS` after placing): until then the order holds its stock."""
    return placed_at + timedelta(days=current_app.config["BANK_TRANSFER_DAYS"])


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
    locker = None
    if choice.method.is_locker and choice.locker_id is not None:
        locker = find_active_locker(choice.method, choice.locker_id)
        if locker is None:  # deactivated while the page was open, another carrier's, or made up
            raise LockerNotAvailable(community_id)
    elif choice.method.is_locker and not choice.locker.strip():
        raise DeliveryNotOffered(community_id)
    if choice.method.needs_address and not (buyer.address_line and buyer.city and buyer.postal_code):
        raise DeliveryNotOffered(community_id)
    fulfilment = Fulfilment(
        community_id=community_id,
        delivery_method=choice.method,
        delivery_cents=option.fee_cents,
        goods_cents=0,
        locker=(locker_snapshot(locker) if locker else choice.locker.strip())
        if choice.method.is_locker
        else "",
        locker_code=locker.carrier_locker_id if locker else "",
        locker_id=locker.id if locker else None,
        pickup_address=option.pickup_address if choice.method is DeliveryMethod.PICKUP else "",
    )
    order.fulfilments.append(fulfilment)
    return fulfilment


def _promise(
    fulfilment: Fulfilment, option: ShippingOption, now: datetime, *, production_starts: date | None
) -> None:
    """Store the parcel's delivery promise as made now, so that the mails, the tracking page and the
    community's ship-by date keep what was promised; its made-to-order work starts no earlier than the
    week it was booked into (`production_starts`, a Monday)."""
    lead_days = parcel_lead_days(fulfilment.lines)
    promise = promise_for(now, option, lead_days, production_starts=production_starts)
    fulfilment.ship_by = promise.ship_by
    fulfilment.delivery_earliest = promise.earliest
    fulfilment.delivery_latest = promise.latest


def parcel_lead_days(lines: Iterable[OrderLine]) -> int:
    """The largest made-to-order lead days among a parcel's lines (0 when all are in stock)."""
    return max((line.lead_days or 0 for line in lines if line.is_made_to_order), default=0)


def list_sellable_variants(
    variant_ids: Sequence[int], *, with_photos: bool = False, with_category: bool = False
) -> Sequence[Variant]:
    """Variants buyable now (active product, active community not on holiday), with product and community
    (and the product's photos, and its category: whether it is a card)."""
    options = [contains_eager(Variant.product).contains_eager(Product.community)]
    if with_photos:
        options.append(contains_eager(Variant.product).selectinload(Product.images))
    if with_category:
        options.append(contains_eager(Variant.product).joinedload(Product.category))
    return db.session.scalars(
        select(Variant)
        .join(Variant.product)
        .join(Product.community)
        .where(
            Variant.id.in_(variant_ids),
            on_sale_now(utcnow()),
            takes_orders_today(),
        )
        .options(*options)
        .order_by(Variant.id)
    ).all()


def _reserve(variant: Variant, quantity: int) -> None:
    """Take `quantity` from stock in one conditional UPDATE, so that two buyers can never oversell, and
    refuse more than one order's share of what was on sale (the whole transaction then rolls back)."""
    if variant.is_made_to_order:
        return
    left = db.session.execute(
        update(Variant)
        .where(Variant.id == variant.id, Variant.stock >= quantity)
        .values(stock=Variant.stock - quantity)
        .returning(Variant.stock)
        .execution_options(synchronize_session=False)
    ).scalar()
    if left is None:
        available = db.session.scalar(select(Variant.stock).where(Variant.id == variant.id)) or 0
        raise OutOfStock(variant.id, available)
    caps.check_share(variant.id, quantity, stock_before=left + quantity)


def _book_production(
    variants: Mapping[int, Variant], quantities: Mapping[int, int], *, today: date
) -> dict[int, date]:
    """Book each community's made-to-order items into its first week with room for them (one week for the
    whole parcel: it leaves when all of it is made); the week per community."""
    made_to_order: dict[int, int] = defaultdict(int)
    for variant_id, quantity in quantities.items():
        variant = variants[variant_id]
        if variant.is_made_to_order:
            made_to_order[variant.product.community_id] += quantity
    weeks = {}
    for community_id in sorted(made_to_order):  # one lock order for every basket, as for stock
        try:
            weeks[community_id] = capacity.book(community_id, made_to_order[community_id], today)
        except CapacityFull as full:
            name = next(
                v.product.community.name for v in variants.values() if v.product.community_id == community_id
            )
            raise ProductionFull(name, full.quantity, full.per_week) from full
    return weeks


def _shipping_options(community_ids: set[int]) -> dict[tuple[int, DeliveryMethod], ShippingOption]:
    options = db.session.scalars(
        select(ShippingOption).where(
            ShippingOption.community_id.in_(community_ids), ShippingOption.is_active.is_(True)
        )
    )
    return {(option.community_id, option.method): option for option in options}


def _order_by_idempotency_key(key: str) -> Order | None:
    return db.session.scalars(select(Order).where(Order.idempotency_key == key)).first()
