"""Card payments' records: each attempt at Stripe's payment page (`CardCheckout`), the alerts staff must
look at (`PaymentAlert`), and the Stripe events already handled (`StripeEvent`).

Each belongs to an order, reached as `.order`: that side is added by `orders.models` (backrefs of
`Order.card_checkouts` and `Order.payment_alerts`), so this module maps without knowing the order.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Final

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base, enum_column_type, utcnow
from shop.states import check_move


class CardCheckoutStatus(enum.StrEnum):
    CREATING = "creating"  # Stripe was asked for a payment page and has not answered yet
    OPEN = "open"  # the customer can pay on Stripe's page until it expires
    PROCESSING = "processing"  # finished with a delayed method; the bank has not confirmed the money yet
    PAID = "paid"
    FAILED = "failed"  # Stripe could not make the page, or a delayed payment failed
    EXPIRED = "expired"
    MISMATCH = "mismatch"  # Stripe took another amount or currency than the order's: staff decide


C = CardCheckoutStatus
#: Money counts whenever it comes: a page marked failed or expired here may still have been paid at Stripe.
CARD_CHECKOUT_NEXT: Final[Mapping[CardCheckoutStatus, frozenset[CardCheckoutStatus]]] = {
    C.CREATING: frozenset({C.OPEN, C.PROCESSING, C.PAID, C.FAILED, C.EXPIRED, C.MISMATCH}),
    C.OPEN: frozenset({C.PROCESSING, C.PAID, C.FAILED, C.EXPIRED, C.MISMATCH}),
    C.PROCESSING: frozenset({C.PAID, C.FAILED, C.MISMATCH}),
    C.PAID: frozenset(),
    C.FAILED: frozenset({C.PAID, C.MISMATCH}),
    C.EXPIRED: frozenset({C.PAID, C.MISMATCH}),
    C.MISMATCH: frozenset(),
}


class CardCheckout(Base):
    """One attempt to pay an order by card: a Stripe Checkout Session, the customer's hosted payment page.

    Each attempt keeps the idempotency key it sends Stripe, so a request repeated after a crash returns
    the same page instead of making a second one. Its order is `.order` (a backref of
    `Order.card_checkouts`).
    """

    __tablename__ = "card_checkouts"
    __table_args__ = (
        UniqueConstraint("order_id", "attempt"),
        CheckConstraint("amount_cents > 0", name="amount_cents_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int]
    #: sent with the request that makes the page; random per attempt, so no other install's ids collide
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[CardCheckoutStatus] = mapped_column(
        enum_column_type(CardCheckoutStatus, "card_checkout_status"), default=CardCheckoutStatus.CREATING
    )
    amount_cents: Mapped[int]
    session_id: Mapped[str | None] = mapped_column(String(255), unique=True)  #: cs_…
    url: Mapped[str] = mapped_column(Text, default="")  #: Stripe's payment page
    payment_intent: Mapped[str] = mapped_column(String(255), default="")  #: pi_…, once the customer paid
    expires_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(300), default="")  #: why the last try failed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def move_to(self, to: CardCheckoutStatus) -> None:
        """Change status if the current one allows it."""
        check_move(CARD_CHECKOUT_NEXT, self.status, to)
        self.status = to


class AlertKind(enum.StrEnum):
    AMOUNT_MISMATCH = "amount_mismatch"  # Stripe took another amount or currency than the order's
    UNEXPECTED_PAYMENT = "unexpected_payment"  # money for an order already paid or cancelled
    REFUNDED_AT_STRIPE = "refunded_at_stripe"  # a refund made in the Stripe Dashboard, for no parcel of ours
    REFUND_FAILED = "refund_failed"
    DISPUTE = "dispute"  # the customer's bank disputes the payment: its payouts wait


class PaymentAlert(Base):
    """Something about an order's money that staff must look at; closed by staff once settled. Its order is
    `.order` (a backref of `Order.payment_alerts`)."""

    __tablename__ = "payment_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AlertKind] = mapped_column(enum_column_type(AlertKind, "alert_kind"))
    amount_cents: Mapped[int] = mapped_column(default=0)
    reference: Mapped[str] = mapped_column(String(255), default="")  #: the Stripe object it is about
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class StripeEvent(Base):
    """A Stripe webhook event already handled: its id is stored once, so a replay does nothing."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)  #: evt_…
    type: Mapped[str] = mapped_column(String(100))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
