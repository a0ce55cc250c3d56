"""People who sign in: VVG staff and community members (membership lives in `producers`)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base, enum_column_type, utcnow
from shop.passwords import password_fingerprint


class User(UserMixin, Base):
    """A person with an account; customers buy as guests and have none."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  #: stored lower-case
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_staff: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: when the person last signed in with their password (None: never, or before this was kept)
    last_signed_in_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    def get_id(self) -> str:
        """What the session and the remember cookie hold: the id, a fingerprint of the password (changing
        it ends every other sign-in, remembered ones included) and the token of this sign-in's record
        (`SignIn`), so that signing out on the server ends every copy of the cookies."""
        token: str = getattr(self, "_sign_in_token", "")
        return f"{self.id}:{password_fingerprint(self.password_hash)}:{token}"

    def signed_in_with(self, token: str, sign_in: SignIn) -> None:
        """Attach the sign-in this request runs under (not stored: it lives for this object only)."""
        self._sign_in_token = token
        self._sign_in = sign_in

    @property
    def sign_in(self) -> SignIn | None:
        """The sign-in this request runs under, if any."""
        value: SignIn | None = getattr(self, "_sign_in", None)
        return value


class SignIn(Base):
    """One live sign-in of a person (one browser): the session and remember cookies carry its token.

    Only a hash of the token is stored, so the table cannot be used to sign in. Signing out deletes the
    row, and so does "sign out everywhere", a new password and removal from a community: a copied cookie
    then names a row that is gone, and opens nothing.
    """

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  #: SHA-256 of the token, hex
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    remembered: Mapped[bool] = mapped_column(default=False)  #: "keep me signed in" was ticked
    user_agent: Mapped[str] = mapped_column(String(80), default="")  #: a summary: "Firefox, Windows"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the last request under it, written at most every few minutes (`shop.sign_ins.SEEN_EVERY`)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Operator(Base):
    """The organisation that runs the shop (the VVG): named on every page, paid by bank transfer."""

    __tablename__ = "operators"
    __table_args__ = (
        CheckConstraint(
            "unpaid_transfer_days BETWEEN 1 AND 60 AND unaccepted_days BETWEEN 1 AND 60"
            " AND unshipped_days BETWEEN 1 AND 60",
            name="attention_days_range",
        ),
        CheckConstraint(
            "christmas_month BETWEEN 1 AND 12 AND christmas_day BETWEEN 1 AND 31", name="christmas_day_valid"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    registration_code: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(250))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40))
    iban: Mapped[str] = mapped_column(String(34))  #: where customers pay bank transfers
    #: the VVG's own invoices (its commission, to the communities) are numbered VVG-2026-000001
    invoice_prefix: Mapped[str] = mapped_column(String(12), default="VVG", server_default="VVG")
    #: the VVG's VAT payer's code (PVM mokėtojo kodas), "" while it is not a VAT payer
    vat_code: Mapped[str] = mapped_column(String(20), default="", server_default="")
    #: the back office's attention lists: a bank transfer unpaid for this many days is listed…
    unpaid_transfer_days: Mapped[int] = mapped_column(default=3, server_default="3")
    #: …a paid parcel not accepted by its community within this many days…
    unaccepted_days: Mapped[int] = mapped_column(default=2, server_default="2")
    #: …and an accepted parcel not sent within this many days
    unshipped_days: Mapped[int] = mapped_column(default=5, server_default="5")
    #: the day customers want their parcels by (24 December, Kūčios): month and day, every year
    #: (`producers.promises.christmas_target` finds its next date)
    christmas_month: Mapped[int] = mapped_column(default=12, server_default="12")
    christmas_day: Mapped[int] = mapped_column(default=24, server_default="24")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting to be sent (first try, or a retry after `next_attempt_at`)
    SENDING = "sending"  # claimed by one sender
    SENT = "sent"
    DEAD = "dead"  # gave up after too many attempts; staff can retry


class OutboxMessage(Base):
    """One e-mail, written in the same transaction as the change that caused it, sent after commit."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)  #: one message per event, ever
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(250))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column_type(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", order_by="OutboxAttachment.id", cascade="all, delete-orphan"
    )


class OutboxAttachment(Base):
    """A file a message carries, named by what makes it (`kind`, `reference`: e.g. invoice 12), not stored.

    The file is made when the message is sent, from rows that never change (an issued invoice), so the
    change that queues the message stays quick and holds no lock while a PDF is drawn.
    """

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  #: which renderer makes it ("invoice")
    reference: Mapped[str] = mapped_column(String(100))  #: what the renderer is given (an invoice's id)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int | None]  #: bytes, as last made for sending; None until then

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")


class NumberSeries(Base):
    """A gap-free number series (`SLAP-2026`): the last number given, its row locked while one is taken."""

    __tablename__ = "number_series"

    series: Mapped[str] = mapped_column(String(40), primary_key=True)  #: prefix and year: SLAP-2026
    prefix: Mapped[str] = mapped_column(String(20), index=True)  #: SLAP: a prefix once used stays its own
    last_number: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """One thing a member of VVG staff did: who, when, what, to which row, and the values before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(String(254))  #: kept as it was, even if the account goes
    action: Mapped[str] = mapped_column(String(80), index=True)  #: e.g. "order.confirm_transfer"
    subject_type: Mapped[str] = mapped_column(String(40))  #: e.g. "order"
    subject_id: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()


class CacheVersion(Base):
    """What a family of cached fragments was drawn from: a new token each time its data changes, written in
    the transaction of the change (`shop.caching`), so every app server and worker sees it at once."""

    __tablename__ = "cache_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  #: e.g. "catalogue"
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
