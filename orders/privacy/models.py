"""A customer's request about their personal data: asked on the shop's page or recorded by staff, answered
with a copy of what is held and, when asked, its erasure."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Final

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base, enum_column_type, utcnow
from shop.models import User
from shop.states import check_move

#: What a customer's name becomes when it is erased (the shop's staff and communities read Lithuanian).
ERASED_NAME: Final = "Anonimizuota"
#: What a customer's e-mail address becomes: `.invalid` is reserved (RFC 2606), so nothing is ever delivered
#: there, and the shop's forms refuse it, so nobody can ask for the data of every erased order at once.
ERASED_EMAIL: Final = "anonimizuota@anonimizuota.invalid"


class PrivacyRequestStatus(enum.StrEnum):
    OPEN = "open"  # asked: the customer has the link (or staff handle it by hand)
    DEFERRED = "deferred"  # erasure confirmed; orders still open are erased when they close (daily job)
    ERASED = "erased"  # every order of the address anonymised; the request no longer holds the address
    CLOSED = "closed"  # never taken to erasure; its address forgotten after the retention period


R = PrivacyRequestStatus
PRIVACY_REQUEST_NEXT: Final[Mapping[PrivacyRequestStatus, frozenset[PrivacyRequestStatus]]] = {
    R.OPEN: frozenset({R.DEFERRED, R.ERASED, R.CLOSED}),
    R.DEFERRED: frozenset({R.ERASED}),
    R.ERASED: frozenset(),
    R.CLOSED: frozenset(),
}


class RequestChannel(enum.StrEnum):
    WEB = "web"  # the customer asked on the shop's page and was mailed the link
    STAFF = "staff"  # staff recorded it: asked by phone, by letter, at the counter


class PrivacyRequest(Base):
    """One request about the data held for an e-mail address: who asked how, and how far it has got."""

    __tablename__ = "privacy_requests"
    __table_args__ = (Index("ix_privacy_requests_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))  #: lower-case; ERASED_EMAIL once erased or forgotten
    #: a keyed hash of the address, kept after it is erased: staff can still answer "did you erase me?"
    email_digest: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(5))  #: of the mailed link
    channel: Mapped[RequestChannel] = mapped_column(enum_column_type(RequestChannel, "request_channel"))
    status: Mapped[PrivacyRequestStatus] = mapped_column(
        enum_column_type(PrivacyRequestStatus, "privacy_request_status"), default=PrivacyRequestStatus.OPEN
    )
    note: Mapped[str] = mapped_column(String(500), default="")  #: staff's: how it was asked
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    link_mailed_at: Mapped[datetime | None]  #: when the last link went to the address
    exported_at: Mapped[datetime | None]  #: when a copy of the data was last taken
    erasure_confirmed_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]  #: when the last of its orders was anonymised
    orders_erased: Mapped[int] = mapped_column(default=0)  #: how many orders it anonymised so far

    created_by: Mapped[User | None] = relationship()

    @property
    def address_forgotten(self) -> bool:
        return self.email == ERASED_EMAIL

    def move_to(self, to: PrivacyRequestStatus) -> None:
        """Change status if the current one allows it."""
        check_move(PRIVACY_REQUEST_NEXT, self.status, to)
        self.status = to
