"""Orders, split into one fulfilment (parcel) per producing community, with their lines, payments and refunds.

Card payments' records live in `orders.payments.models` (each `Order` reaches them), the payouts' in
`orders.payouts.models` (they reach the parcels and refunds here; nothing here reaches them).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Final

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text, update
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from catalogue.models import Category, Variant
from legal.models import LegalPageVersion
from orders.payments.models import CardCheckout, PaymentAlert
from producers.models import Community, DeliveryMethod
from shop.db import Base, enum_column_type, utcnow
from shop.models import User
from shop.states import TransitionNotAllowed as TransitionNotAllowed  # the one refusal, re-exported
from shop.states import check_move


class OrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"  # stock reserved, waiting for the money
    PAID = "paid"
    COMPLETED = "completed"  # every parcel delivered or cancelled
    CANCELLED = "cancelled"  # by the customer, by staff, or expired unpaid; stock returned


ORDER_NEXT: Final[Mapping[OrderStatus, frozenset[OrderStatus]]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELLED}),  # by settle_order
    OrderStatus.COMPLETED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


class PaymentMethod(enum.StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"


class CancelReason(enum.StrEnum):
    CUSTOMER = "customer"
    EXPIRED = "expired"
    STAFF = "staff"


class Carrier(enum.StrEnum):
    """How a parcel left: the value is what the fulfilment stores and the customer sees (brands as is)."""

    OMNIVA = "Omniva"
    LP_EXPRESS = "LP Express"
    DPD = "DPD"
    VENIPAK = "Venipak"
    OWN = "own-delivery"  # the community takes it to the customer itself
    PICKUP = "pickup"  # the parcel waits at the community's pickup point

    @property
    def needs_tracking_number(self) -> bool:
        return self not in {Carrier.OWN, Carrier.PICKUP}


class FulfilmentStatus(enum.StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    NEW = "new"  # paid; the community has been told
    ACCEPTED = "accepted"
    SHIPPED = "shipped"  # has a carrier and tracking number (or is ready for pickup)
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


S = FulfilmentStatus
FULFILMENT_NEXT: Final[Mapping[FulfilmentStatus, frozenset[FulfilmentStatus]]] = {
    S.AWAITING_PAYMENT: frozenset({S.NEW, S.CANCELLED}),
    S.NEW: frozenset({S.ACCEPTED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
}


class Order(Base):
    """What one customer bought in one checkout; paid once, delivered as one parcel per community."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("goods_cents >= 0 AND delivery_cents >= 0", name="amounts_not_negative"),
        CheckConstraint("total_cents = goods_cents + delivery_cents", name="total_is_the_sum"),
        Index("ix_orders_status_expires_at", "status", "expires_at"),
        Index("ix_orders_paid_at", "paid_at"),  # sales reports and the dashboard read by payment time
        # the caps on unpaid orders count them per e-mail address and per client address
        Index("ix_orders_status_email", "status", "email"),
        Index("ix_orders_status_client_ip", "status", "client_ip"),
        # whether an address has ever paid (the order mail's greeting of a first-time customer), in any case
        Index("ix_orders_email_lower", text("lower(email)")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)  #: KM-2026-000123, the payment reference
    public_token: Mapped[str] = mapped_column(String(64), unique=True)  #: the private tracking link
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)  #: one order per checkout form
    status: Mapped[OrderStatus] = mapped_column(
        enum_column_type(OrderStatus, "order_status"), default=OrderStatus.PENDING_PAYMENT
    )
    payment_method: Mapped[PaymentMethod] = mapped_column(enum_column_type(PaymentMethod, "payment_method"))
    language: Mapped[str] = mapped_column(String(5))  #: the customer's language, for every mail
    customer_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(20))  #: E.164
    address_line: Mapped[str] = mapped_column(String(200), default="")  #: for courier parcels
    city: Mapped[str] = mapped_column(String(120), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    goods_cents: Mapped[int]
    delivery_cents: Mapped[int]
    total_cents: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]  #: an unpaid bank transfer is cancelled after this
    paid_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[CancelReason | None] = mapped_column(
        enum_column_type(CancelReason, "cancel_reason")
    )
    #: when its customer's details were erased (`orders.privacy`): on request, or after the retention period
    anonymised_at: Mapped[datetime | None]
    #: the version of the terms of sale the customer was shown and accepted (None: placed before versions)
    terms_version_id: Mapped[int | None] = mapped_column(ForeignKey("legal_page_versions.id"), index=True)

    #: the client address the order was placed from ("" for the demo and scripts), so that unpaid orders can
    #: be capped and reviewed per address; forgotten once the order is paid or cancelled (`move_to`)
    client_ip: Mapped[str] = mapped_column(String(45), default="", server_default="")
    #: when the customer said they had paid by transfer ("Sumokėjau"): their stock is then held until the
    #: transfer deadline, and staff look for the money
    payment_claimed_at: Mapped[datetime | None]

    terms_version: Mapped[LegalPageVersion | None] = relationship()
    fulfilments: Mapped[list[Fulfilment]] = relationship(
        back_populates="order", order_by="Fulfilment.id", cascade="all, delete-orphan"
    )
    payments: Mapped[list[Payment]] = relationship(back_populates="order", order_by="Payment.id")
    #: `CardCheckout.order` and `PaymentAlert.order` are backrefs of these two, so orders.payments.models
    #: maps without this module
    card_checkouts: Mapped[list[CardCheckout]] = relationship(
        backref="order", order_by="CardCheckout.attempt"
    )
    refunds: Mapped[list[Refund]] = relationship(back_populates="order", order_by="Refund.id")
    payment_alerts: Mapped[list[PaymentAlert]] = relationship(backref="order", order_by="PaymentAlert.id")

    @property
    def is_awaiting_payment(self) -> bool:
        return self.status is OrderStatus.PENDING_PAYMENT

    @property
    def lines(self) -> list[OrderLine]:
        return [line for fulfilment in self.fulfilments for line in fulfilment.lines]

    @property
    def latest_card_checkout(self) -> CardCheckout | None:
        return self.card_checkouts[-1] if self.card_checkouts else None

    @property
    def refunded_cents(self) -> int:
        """Money returned or owed back to the customer (refunds that failed are not counted)."""
        return sum(refund.amount_cents for refund in self.refunds if refund.status is not RefundStatus.FAILED)

    def move_to(self, to: OrderStatus, *, if_still: OrderStatus) -> bool:
        """Change status only if the row still is `if_still` and the table lets that move to `to`.

        One `UPDATE … WHERE status = if_still`, the guard that makes races harmless: False when another
        transaction moved the order first. The loaded row is not changed; the caller refreshes it. An order
        that stops being unpaid forgets its client address: only the caps on unpaid orders needed it.
        """
        check_move(ORDER_NEXT, if_still, to)
        session = object_session(self)
        if session is None:
            raise RuntimeError("an order moves only when loaded from the database")
        forget = {"client_ip": ""} if if_still is OrderStatus.PENDING_PAYMENT else {}
        moved = session.execute(
            update(Order)
            .where(Order.id == self.id, Order.status == if_still)
            .values(status=to, **forget)
            .returning(Order.id)
            .execution_options(synchronize_session=False)
        ).first()
        return moved is not None


class Fulfilment(Base):
    """One community's part of an order: its lines, its delivery, its own parcel."""

    __tablename__ = "fulfilments"
    __table_args__ = (
        CheckConstraint("goods_cents >= 0 AND delivery_cents >= 0", name="amounts_not_negative"),
        Index("ix_fulfilments_community_id_status", "community_id", "status"),
        # the dashboard's parcels to accept and to send: a few hundred among all the parcels ever sent
        Index("ix_fulfilments_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    status: Mapped[FulfilmentStatus] = mapped_column(
        enum_column_type(FulfilmentStatus, "fulfilment_status"), default=FulfilmentStatus.AWAITING_PAYMENT
    )
    delivery_method: Mapped[DeliveryMethod] = mapped_column(
        enum_column_type(DeliveryMethod, "delivery_method")
    )
    delivery_cents: Mapped[int]
    goods_cents: Mapped[int]
    #: the parcel locker the customer chose, as it was then: "Name, address, postal code town" (a snapshot:
    #: the carrier renaming or closing it later changes nothing the order shows)
    locker: Mapped[str] = mapped_column(String(200), default="")
    locker_code: Mapped[str] = mapped_column(
        String(40), default="", server_default=""
    )  #: the carrier's own id of that locker
    #: the locker's row (None for a locker typed before the lists were loaded); lockers are never deleted
    locker_id: Mapped[int | None] = mapped_column(ForeignKey("lockers.id"), index=True)
    pickup_address: Mapped[str] = mapped_column(String(250), default="")  #: snapshot, for pickup
    carrier: Mapped[str] = mapped_column(String(60), default="")
    tracking_number: Mapped[str] = mapped_column(String(80), default="")
    cancel_note: Mapped[str] = mapped_column(Text, default="")
    reminded_at: Mapped[datetime | None]  #: when the VVG last reminded the community of this late parcel
    #: the delivery promise made when the order was placed (`producers.promises`), kept as promised: the day
    #: the community is to hand the parcel over, and the first and last day it is expected (None: older
    #: orders, placed before promises)
    ship_by: Mapped[date | None] = mapped_column(index=True)
    delivery_earliest: Mapped[date | None]
    delivery_latest: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="fulfilments")
    community: Mapped[Community] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="fulfilment", order_by="OrderLine.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[FulfilmentEvent]] = relationship(
        back_populates="fulfilment", order_by="FulfilmentEvent.id", cascade="all, delete-orphan"
    )

    @property
    def total_cents(self) -> int:
        return self.goods_cents + self.delivery_cents

    @property
    def destination(self) -> str:
        """Where the parcel goes, on one line: the courier address the customer typed, the parcel locker
        they chose or the community's pickup place ("" if none was stored)."""
        if self.delivery_method.needs_address:
            order = self.order
            return f"{order.address_line}, {order.postal_code} {order.city}"
        return self.locker or self.pickup_address

    @property
    def has_cards(self) -> bool:
        """Whether any of its lines is a greeting card (gift messages for the rest then go on a note)."""
        return any(line.is_card for line in self.lines)

    def is_late_to_ship(self, today: date) -> bool:
        """Whether the parcel is still to be sent and its ship-by day has passed."""
        waiting = self.status in (FulfilmentStatus.NEW, FulfilmentStatus.ACCEPTED)
        return waiting and self.ship_by is not None and self.ship_by < today

    def move_to(self, to: FulfilmentStatus, *, by: User | None, note: str = "") -> None:
        """Change status if the current one allows it, and record who did it and when."""
        check_move(FULFILMENT_NEXT, self.status, to)
        self.events.append(FulfilmentEvent(from_status=self.status, to_status=to, actor=by, note=note))
        self.status = to


class OrderLine(Base):
    """A variant bought, with the names and price as they were when the order was placed."""

    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_cents >= 0", name="unit_price_cents_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fulfilment_id: Mapped[int] = mapped_column(ForeignKey("fulfilments.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id", ondelete="SET NULL"), index=True)
    #: the product's category when it was sold: sales reports keep it if the product moves or goes
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    sku: Mapped[str] = mapped_column(String(64))
    product_name_lt: Mapped[str] = mapped_column(String(160))
    product_name_en: Mapped[str] = mapped_column(String(160), default="")
    variant_name_lt: Mapped[str] = mapped_column(String(120), default="")
    variant_name_en: Mapped[str] = mapped_column(String(120), default="")
    unit_price_cents: Mapped[int]
    quantity: Mapped[int]
    is_made_to_order: Mapped[bool] = mapped_column(default=False)  #: no stock was reserved for it
    lead_days: Mapped[int | None]
    #: the Monday of the week a made-to-order line was booked into (`producers.capacity`); None when the
    #: community caps nothing or the line is not made to order. A cancel gives back exactly that week's share.
    production_week: Mapped[date | None]
    #: written by hand into the card, or on a note in the parcel (see `orders.labels.GiftNote`)
    gift_message: Mapped[str] = mapped_column(String(200), default="")
    cancelled_at: Mapped[datetime | None]  #: taken out of a paid order; its money refunded

    fulfilment: Mapped[Fulfilment] = relationship(back_populates="lines")
    variant: Mapped[Variant | None] = relationship()
    category: Mapped[Category | None] = relationship()

    @property
    def total_cents(self) -> int:
        return self.unit_price_cents * self.quantity

    @property
    def is_card(self) -> bool:
        """Whether it was sold as a greeting card (its category holds cards): a gift message goes into it."""
        return self.category is not None and self.category.holds_cards


class FulfilmentEvent(Base):
    """A fulfilment's status change: from, to, who and when."""

    __tablename__ = "fulfilment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    fulfilment_id: Mapped[int] = mapped_column(ForeignKey("fulfilments.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[FulfilmentStatus] = mapped_column(enum_column_type(FulfilmentStatus, "from_status"))
    to_status: Mapped[FulfilmentStatus] = mapped_column(enum_column_type(FulfilmentStatus, "to_status"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    fulfilment: Mapped[Fulfilment] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Payment(Base):
    """Money received for an order: a bank transfer confirmed by staff, or a card payment through Stripe."""

    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_cents_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(enum_column_type(PaymentMethod, "payment_method"))
    amount_cents: Mapped[int]
    reference: Mapped[str] = mapped_column(String(120), default="")  #: the bank's reference of the transfer
    stripe_payment_intent: Mapped[str | None] = mapped_column(String(255), unique=True)  #: card payments
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="payments")
    confirmed_by: Mapped[User | None] = relationship()


class RefundStatus(enum.StrEnum):
    PENDING = "pending"  # recorded; Stripe has not confirmed it yet (or was not reachable)
    SUCCEEDED = "succeeded"  # the money is on its way back
    FAILED = "failed"  # Stripe could not return it: staff must step in
    OWED = "owed"  # a bank-transfer order: staff must send the money back
    SENT = "sent"  # staff sent a bank-transfer refund


class Refund(Base):
    """Money going back to the customer for a cancelled line or parcel (or refunded in Stripe directly)."""

    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("goods_cents >= 0 AND delivery_cents >= 0", name="amounts_not_negative"),
        CheckConstraint(
            "amount_cents > 0 AND amount_cents = goods_cents + delivery_cents", name="amount_sum"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    fulfilment_id: Mapped[int | None] = mapped_column(ForeignKey("fulfilments.id", ondelete="SET NULL"))
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id", ondelete="SET NULL"))
    method: Mapped[PaymentMethod] = mapped_column(enum_column_type(PaymentMethod, "payment_method"))
    status: Mapped[RefundStatus] = mapped_column(enum_column_type(RefundStatus, "refund_status"))
    goods_cents: Mapped[int]
    delivery_cents: Mapped[int] = mapped_column(default=0)
    amount_cents: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255), unique=True)  #: re_…
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)  #: refund-<order>-<random>
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship(back_populates="refunds")
    fulfilment: Mapped[Fulfilment | None] = relationship()
    order_line: Mapped[OrderLine | None] = relationship()
    created_by: Mapped[User | None] = relationship()
