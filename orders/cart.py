"""The customer's cart: variant quantities and delivery choices kept in the session, shown per community.

The session holds only ids and numbers; names, prices, stock and fees are read from the catalogue each
time the cart is shown, so the cart never shows (or charges) a stale price.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import select

from catalogue.models import Offer, Product, Variant
from orders.caps import allowed_of, max_line_quantity
from orders.errors import OutOfStock, ProductUnavailable, QuantityNotAllowed, ShareOfStockExceeded
from orders.models import Fulfilment, Order, OrderLine, OrderStatus, PaymentMethod
from orders.placing import LineRequest, list_sellable_variants
from producers.delivery import MethodPromise, list_delivery_promises, variant_lead_days
from producers.models import Community, DeliveryMethod, ShippingOption
from shop.db import db, utcnow

SESSION_KEY = "cart"


@dataclass
class Cart:
    """What the session remembers: quantities by variant, a delivery method by community."""

    quantities: dict[int, int] = field(default_factory=dict)
    deliveries: dict[int, DeliveryMethod] = field(default_factory=dict)
    preferred: DeliveryMethod | None = None  #: the last method chosen, offered first to other parcels

    @classmethod
    def from_session(cls, session: MutableMapping[str, Any]) -> Cart:
        raw = session.get(SESSION_KEY) or {}
        cart = cls()
        most = max_line_quantity()
        try:
            for key, quantity in dict(raw.get("items", {})).items():
                if str(key).isdigit() and isinstance(quantity, int) and quantity > 0:
                    cart.quantities[int(key)] = min(quantity, most)  # the maximum may have been lowered
            for key, method in dict(raw.get("delivery", {})).items():
                if str(key).isdigit() and method in DeliveryMethod._value2member_map_:
                    cart.deliveries[int(key)] = DeliveryMethod(method)
            if raw.get("preferred") in DeliveryMethod._value2member_map_:
                cart.preferred = DeliveryMethod(raw["preferred"])
        except (TypeError, ValueError, AttributeError):
            return cls()  # a cookie from an older version of the shop: start afresh
        return cart

    def save(self, session: MutableMapping[str, Any]) -> None:
        session[SESSION_KEY] = {
            "items": {str(k): v for k, v in self.quantities.items()},
            "delivery": {str(k): v.value for k, v in self.deliveries.items()},
            "preferred": self.preferred.value if self.preferred else None,
        }

    @staticmethod
    def clear(session: MutableMapping[str, Any]) -> None:
        session.pop(SESSION_KEY, None)

    @property
    def count(self) -> int:
        return sum(self.quantities.values())

    def choose_delivery(self, community_id: int, method: DeliveryMethod) -> None:
        self.deliveries[community_id] = method
        self.preferred = method

    def change_quantity(self, variant: Variant, quantity: int) -> None:
        """Hold `quantity` of a variant the cart shows, if that many can be had (0 takes its line out)."""
        if quantity == 0:
            self.quantities.pop(variant.id, None)
            return
        if not 0 < quantity <= max_line_quantity():
            raise QuantityNotAllowed(variant.id, quantity)
        if not variant.is_made_to_order and quantity > variant.stock:
            held_until = stock_held_until(variant.id) if variant.stock <= 0 else None
            raise OutOfStock(variant.id, variant.stock, held_until=held_until)
        _check_share(variant, quantity)
        self.quantities[variant.id] = quantity


@dataclass
class CartLine:
    variant: Variant
    quantity: int
    offer: Offer  #: the price in force when the cart was priced (a sale's, while one runs)

    @property
    def product(self) -> Product:
        return self.variant.product

    @property
    def total_cents(self) -> int:
        return self.offer.price_cents * self.quantity

    @property
    def short_by(self) -> int:
        """How many units more than the stock the cart asks for (0 when it can be had)."""
        if self.variant.is_made_to_order:
            return 0
        return max(0, self.quantity - self.variant.stock)


@dataclass
class CartGroup:
    """One community's part of the cart: its future parcel."""

    community: Community
    lines: list[CartLine]
    options: list[ShippingOption]
    chosen: ShippingOption | None

    @property
    def goods_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)

    @property
    def delivery_cents(self) -> int:
        return self.chosen.fee_cents if self.chosen else 0

    @property
    def total_cents(self) -> int:
        return self.goods_cents + self.delivery_cents

    @property
    def has_cards(self) -> bool:
        """Whether the parcel will hold a greeting card (gift messages for the rest then go on a note)."""
        return any(line.product.is_card for line in self.lines)

    @property
    def lead_days(self) -> int:
        """The parcel's slowest made-to-order lead days (0 when all its lines are in stock)."""
        return max((variant_lead_days(line.variant) for line in self.lines), default=0)

    @cached_property
    def promises(self) -> dict[int, MethodPromise]:
        """Each offered method's delivery promise for this parcel ordered now, by option id."""
        made_to_order = sum(line.quantity for line in self.lines if variant_lead_days(line.variant))
        promises = list_delivery_promises(self.options, self.lead_days, made_to_order=made_to_order)
        return {p.option.id: p for p in promises}


@dataclass
class CartView:
    groups: list[CartGroup]
    removed: int = 0  #: lines dropped because their product is no longer sold

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def count(self) -> int:
        return sum(line.quantity for group in self.groups for line in group.lines)

    @property
    def goods_cents(self) -> int:
        return sum(group.goods_cents for group in self.groups)

    @property
    def delivery_cents(self) -> int:
        return sum(group.delivery_cents for group in self.groups)

    @property
    def total_cents(self) -> int:
        return self.goods_cents + self.delivery_cents

    @property
    def lines(self) -> list[CartLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def has_stock_problems(self) -> bool:
        return any(line.short_by for line in self.lines)

    def line_requests(self, gift_messages: Mapping[int, str]) -> list[LineRequest]:
        """The cart's lines as `place_order` takes them, each with the gift message typed for it and the
        price the customer was shown."""
        return [
            LineRequest(
                line.variant.id,
                line.quantity,
                gift_messages.get(line.variant.id, ""),
                unit_price_cents=line.offer.price_cents,
            )
            for line in self.lines
        ]


def sellable_variants(variant_ids: Sequence[int], *, with_photos: bool = True) -> dict[int, Variant]:
    """The variants that can be bought now, by id, with their product, its category (a card or not: where
    a gift message goes), its community (and its photos)."""
    if not variant_ids:
        return {}
    variants = list_sellable_variants(variant_ids, with_photos=with_photos, with_category=True)
    return {variant.id: variant for variant in variants}


def check_addition(variant_id: int, quantity: int, already: int = 0) -> Variant:
    """The variant, if `quantity` more of it (beyond `already`) may go into the cart; else the reason."""
    if quantity <= 0:
        raise QuantityNotAllowed(variant_id, quantity)
    if already + quantity > max_line_quantity():
        raise QuantityNotAllowed(variant_id, already + quantity)
    variant = sellable_variants([variant_id], with_photos=False).get(variant_id)  # no page shows it
    if variant is None:
        raise ProductUnavailable(variant_id)
    if not variant.is_made_to_order and already + quantity > variant.stock:
        held_until = stock_held_until(variant_id) if variant.stock <= 0 else None
        raise OutOfStock(variant_id, variant.stock, in_cart=already, held_until=held_until)
    _check_share(variant, already + quantity)
    return variant


def _check_share(variant: Variant, quantity: int) -> None:
    """Refuse, already in the cart, more than one order may take of a variant (`orders.caps`)."""
    if not variant.is_made_to_order and quantity > allowed_of(variant.stock):
        raise ShareOfStockExceeded(variant.id, allowed_of(variant.stock))


def stock_held_until(variant_id: int) -> datetime | None:
    """When the first unpaid bank-transfer order holding this variant gives its stock back, if one does.

    A card order's hold ends when Stripe says so, not at a time we can promise, so it is not counted.
    """
    return db.session.scalar(
        select(Order.expires_at)
        .join(Fulfilment, Fulfilment.order_id == Order.id)
        .join(OrderLine, OrderLine.fulfilment_id == Fulfilment.id)
        .where(
            OrderLine.variant_id == variant_id,
            Order.status == OrderStatus.PENDING_PAYMENT,
            Order.payment_method == PaymentMethod.BANK_TRANSFER,
            Order.expires_at > utcnow(),
        )
        .order_by(Order.expires_at)
        .limit(1)
    )


def build_cart_view(cart: Cart, *, with_photos: bool = True) -> CartView:
    """The cart as the customer sees it: grouped by community, priced from the catalogue as it is now
    (without the products' photos when no page will show it: a checkout that places the order)."""
    now = utcnow()
    variants = sellable_variants(list(cart.quantities), with_photos=with_photos)
    removed = [variant_id for variant_id in cart.quantities if variant_id not in variants]
    for variant_id in removed:
        del cart.quantities[variant_id]
    community_ids = {variant.product.community_id for variant in variants.values()}
    options_by_community: dict[int, list[ShippingOption]] = {cid: [] for cid in community_ids}
    if community_ids:
        for option in db.session.scalars(
            select(ShippingOption)
            .where(ShippingOption.community_id.in_(community_ids), ShippingOption.is_active.is_(True))
            .order_by(ShippingOption.position, ShippingOption.id)
        ):
            options_by_community[option.community_id].append(option)

    groups: dict[int, CartGroup] = {}
    for variant_id, quantity in cart.quantities.items():
        variant = variants[variant_id]
        community = variant.product.community
        if community.id not in groups:
            options = options_by_community[community.id]
            groups[community.id] = CartGroup(
                community, [], options, _chosen_option(cart, community.id, options)
            )
        groups[community.id].lines.append(CartLine(variant, quantity, variant.offer(now)))
    return CartView(groups=sorted(groups.values(), key=lambda g: g.community.name), removed=len(removed))


def _chosen_option(cart: Cart, community_id: int, options: list[ShippingOption]) -> ShippingOption | None:
    """The customer's choice for this parcel; else the method they chose elsewhere; else the first."""
    by_method = {option.method: option for option in options}
    for method in (cart.deliveries.get(community_id), cart.preferred):
        if method in by_method:
            return by_method[method]
    return options[0] if options else None
