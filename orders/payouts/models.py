"""Paying the communities' records: the statements (`Payout`) with their parcels (`PayoutLine`) and the
money taken back for refunds after them (`PayoutAdjustment`), and the Stripe transfers that pay card-paid
parcels (`CommunityTransfer`).

They point down at the parcels and refunds of `orders.models`, which knows nothing of them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Final

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orders.earnings import Earnings
from orders.models import Fulfilment, Refund
from producers.models import Community
from shop.db import Base, enum_column_type, utcnow
from shop.models import User
from shop.states import check_move


class TransferStatus(enum.StrEnum):
    PENDING = "pending"  # recorded; Stripe has not confirmed it yet
    SENT = "sent"
    FAILED = "failed"


class CommunityTransfer(Base):
    """A community's earnings from one fulfilment sent to its Stripe connected account (at most once)."""

    __tablename__ = "community_transfers"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_cents_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fulfilment_id: Mapped[int] = mapped_column(ForeignKey("fulfilments.id"), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    destination: Mapped[str] = mapped_column(String(255))  #: acct_…, as it was when sent
    amount_cents: Mapped[int]
    status: Mapped[TransferStatus] = mapped_column(
        enum_column_type(TransferStatus, "transfer_status"), default=TransferStatus.PENDING
    )
    stripe_transfer_id: Mapped[str | None] = mapped_column(String(255), unique=True)  #: tr_…
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)  #: payout-<fulfilment>-<random>
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    fulfilment: Mapped[Fulfilment] = relationship()


class PayoutStatus(enum.StrEnum):
    DRAFT = "draft"  # generated; staff check it, and a rerun of its period may still add lines
    APPROVED = "approved"  # staff agreed to pay it: fixed, goes into the bank file or to Stripe
    PAID = "paid"  # the money has left (bank transfer made, or every Stripe transfer sent)


PAYOUT_NEXT: Final[Mapping[PayoutStatus, frozenset[PayoutStatus]]] = {
    PayoutStatus.DRAFT: frozenset({PayoutStatus.APPROVED}),
    PayoutStatus.APPROVED: frozenset({PayoutStatus.PAID}),
    PayoutStatus.PAID: frozenset(),
}


class PayoutMethod(enum.StrEnum):
    BANK = "bank"  # by SEPA credit transfer to the community's IBAN
    STRIPE = "stripe"  # by Stripe transfers to the community's connected account (card orders only)


class Payout(Base):
    """A community's statement for one period: the delivered parcels it is paid for, and the totals.

    The period is a range of Lithuanian calendar days, `period_end` exclusive. The totals are the sums
    of its lines, in euro cents, less what is taken back for earlier statements (`adjustments_cents`):
    amount = goods − refunds − commission + delivery + adjustments, never below 0.
    """

    __tablename__ = "payouts"
    __table_args__ = (
        UniqueConstraint("community_id", "period_start", "period_end"),
        CheckConstraint("period_start < period_end", name="period_not_empty"),
        CheckConstraint(
            "goods_cents >= 0 AND refunds_cents >= 0 AND commission_cents >= 0 AND delivery_cents >= 0",
            name="amounts_not_negative",
        ),
        CheckConstraint(
            "amount_cents = goods_cents - refunds_cents - commission_cents + delivery_cents"
            " + adjustments_cents",
            name="amount_sum",
        ),
        CheckConstraint("adjustments_cents <= 0", name="adjustments_not_positive"),
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),  # never a negative transfer
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]  #: exclusive: the first day after the period
    status: Mapped[PayoutStatus] = mapped_column(
        enum_column_type(PayoutStatus, "payout_status"), default=PayoutStatus.DRAFT
    )
    method: Mapped[PayoutMethod] = mapped_column(enum_column_type(PayoutMethod, "payout_method"))
    goods_cents: Mapped[int] = mapped_column(default=0)
    refunds_cents: Mapped[int] = mapped_column(default=0)  #: refunded goods and delivery fees
    commission_cents: Mapped[int] = mapped_column(default=0)
    delivery_cents: Mapped[int] = mapped_column(default=0)
    #: money taken back for parcels paid out earlier and refunded since (`PayoutAdjustment`), ≤ 0
    adjustments_cents: Mapped[int] = mapped_column(default=0, server_default="0")
    amount_cents: Mapped[int] = mapped_column(default=0)  #: what the community receives
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    paid_at: Mapped[datetime | None]
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    bank_reference: Mapped[str] = mapped_column(String(120), default="")  #: the bank's reference

    community: Mapped[Community] = relationship()
    lines: Mapped[list[PayoutLine]] = relationship(
        back_populates="payout", order_by="PayoutLine.id", cascade="all, delete-orphan"
    )
    adjustments: Mapped[list[PayoutAdjustment]] = relationship(
        back_populates="payout", order_by="PayoutAdjustment.id"
    )

    def move_to(self, to: PayoutStatus, *, by: User | None) -> None:
        """Change status if the current one allows it, and record who approved or paid it, and when."""
        check_move(PAYOUT_NEXT, self.status, to)
        if to is PayoutStatus.APPROVED:
            self.approved_at, self.approved_by_id = utcnow(), by.id if by else None
        elif to is PayoutStatus.PAID:
            self.paid_at, self.paid_by_id = utcnow(), by.id if by else None
        self.status = to


class PayoutLine(Base):
    """One delivered parcel in a statement, with its earnings as `orders.earnings` computes them.

    A fulfilment is paid out at most once: `fulfilment_id` is unique across all statements.
    """

    __tablename__ = "payout_lines"
    __table_args__ = (
        CheckConstraint("commission_cents >= 0", name="commission_not_negative"),
        CheckConstraint(
            "goods_cents >= 0 AND refunded_goods_cents >= 0 AND delivery_cents >= 0"
            " AND refunded_delivery_cents >= 0",
            name="amounts_not_negative",
        ),
        CheckConstraint(
            "amount_cents = goods_cents - refunded_goods_cents - commission_cents"
            " + delivery_cents - refunded_delivery_cents",
            name="amount_sum",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payout_id: Mapped[int] = mapped_column(ForeignKey("payouts.id", ondelete="CASCADE"), index=True)
    fulfilment_id: Mapped[int] = mapped_column(ForeignKey("fulfilments.id"), unique=True)
    delivered_at: Mapped[datetime]
    goods_cents: Mapped[int]
    refunded_goods_cents: Mapped[int]
    commission_cents: Mapped[int]
    delivery_cents: Mapped[int]
    refunded_delivery_cents: Mapped[int]
    amount_cents: Mapped[int]

    payout: Mapped[Payout] = relationship(back_populates="lines")
    fulfilment: Mapped[Fulfilment] = relationship()

    @property
    def earnings(self) -> Earnings:
        """The parcel's earnings as the statement holds them (`payable_cents` is `amount_cents`)."""
        return Earnings(
            goods_cents=self.goods_cents,
            refunded_goods_cents=self.refunded_goods_cents,
            delivery_cents=self.delivery_cents,
            refunded_delivery_cents=self.refunded_delivery_cents,
            commission_cents=self.commission_cents,
        )


class PayoutAdjustment(Base):
    """Money taken back from a community: a refund of a parcel whose statement was already approved.

    The community was (or will be) paid for the parcel as it was; the refund takes back what it changes:
    `refunded_cents` less the commission the VVG gives back on it. It is deducted from the community's
    next statement with room for it (`payout_id`), so a statement never shows a negative transfer.
    """

    __tablename__ = "payout_adjustments"
    __table_args__ = (
        CheckConstraint(
            "refunded_cents > 0 AND commission_returned_cents >= 0"
            " AND commission_returned_cents <= refunded_cents",
            name="amounts_in_range",
        ),
        CheckConstraint("amount_cents = commission_returned_cents - refunded_cents", name="amount_sum"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    fulfilment_id: Mapped[int] = mapped_column(ForeignKey("fulfilments.id"), index=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"), unique=True)  #: taken back once
    #: the statement it is deducted from; none yet while no statement has room for it
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id"), index=True)
    refunded_cents: Mapped[int]
    commission_returned_cents: Mapped[int]
    amount_cents: Mapped[int]  #: ≤ 0: what the community's next statement is short by
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    payout: Mapped[Payout | None] = relationship(back_populates="adjustments")
    fulfilment: Mapped[Fulfilment] = relationship()
    refund: Mapped[Refund] = relationship()
