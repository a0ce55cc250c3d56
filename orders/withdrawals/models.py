"""A withdrawal from the contract for some lines of one parcel: when it was made, and how far it has got."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Final

from sqlalchemy import CheckConstraint, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orders.models import Fulfilment, Order, OrderLine, Refund
from shop.db import Base, enum_column_type, utcnow
from shop.models import User
from shop.states import check_move


class ExemptReason(enum.StrEnum):
    """Why the right of withdrawal does not cover a line (Art. 16(c) of Directive 2011/83/EU)."""

    MADE_TO_ORDER = "made_to_order"  # made to the customer's order
    PERSONALISED = "personalised"  # the customer's message written into a card


class WithdrawalStatus(enum.StrEnum):
    RETURN_EXPECTED = "return_expected"  # the parcel had left: its lines are to come back
    RECEIVED = "received"  # the community (or staff) has the lines back
    REFUNDED = "refunded"  # the money owed went back (at once for a parcel that had not left)


W = WithdrawalStatus
WITHDRAWAL_NEXT: Final[Mapping[WithdrawalStatus, frozenset[WithdrawalStatus]]] = {
    # Staff may refund before the goods are back (the law lets the trader wait for them, not must).
    W.RETURN_EXPECTED: frozenset({W.RECEIVED, W.REFUNDED}),
    W.RECEIVED: frozenset({W.REFUNDED}),
    W.REFUNDED: frozenset(),
}


class Withdrawal(Base):
    """The customer withdrew from the contract for these lines of one parcel, at `created_at` (UTC).

    `goods_cents` + `delivery_cents` is the refund owed: the lines' goods, and the parcel's delivery fee
    when, with this withdrawal, every line of the parcel not cancelled is withdrawn.
    """

    __tablename__ = "withdrawals"
    __table_args__ = (
        CheckConstraint("goods_cents >= 0 AND delivery_cents >= 0", name="amounts_not_negative"),
        Index("ix_withdrawals_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    fulfilment_id: Mapped[int] = mapped_column(ForeignKey("fulfilments.id", ondelete="CASCADE"), index=True)
    status: Mapped[WithdrawalStatus] = mapped_column(enum_column_type(WithdrawalStatus, "withdrawal_status"))
    goods_cents: Mapped[int]  #: EUR cents of the withdrawn lines' goods
    delivery_cents: Mapped[int] = mapped_column(default=0)  #: the delivery fee owed back with them
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  #: the moment of withdrawal
    received_at: Mapped[datetime | None]
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id", ondelete="SET NULL"))
    refunded_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship()
    fulfilment: Mapped[Fulfilment] = relationship(backref="withdrawals")
    lines: Mapped[list[WithdrawalLine]] = relationship(
        back_populates="withdrawal", order_by="WithdrawalLine.id", cascade="all, delete-orphan"
    )
    received_by: Mapped[User | None] = relationship()
    refund: Mapped[Refund | None] = relationship()

    @property
    def owed_cents(self) -> int:
        return self.goods_cents + self.delivery_cents

    @property
    def is_open(self) -> bool:
        return self.status is not WithdrawalStatus.REFUNDED

    def move_to(self, to: WithdrawalStatus) -> None:
        """Change status if the current one allows it."""
        check_move(WITHDRAWAL_NEXT, self.status, to)
        self.status = to


class WithdrawalLine(Base):
    """One order line withdrawn, whole: a line is withdrawn at most once (the unique key says so)."""

    __tablename__ = "withdrawal_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    withdrawal_id: Mapped[int] = mapped_column(ForeignKey("withdrawals.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"), unique=True)

    withdrawal: Mapped[Withdrawal] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()
