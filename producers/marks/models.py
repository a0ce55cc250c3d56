"""The mark's tables: criteria versions, applications (a state machine), answers, evidence files, grants
(another one) and the histories both keep."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Final

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from producers.models import Community
from shop.db import Base, enum_column_type, utcnow
from shop.states import check_move


class CriteriaVersion(Base):
    """One version of the VVG's criteria: a draft until published (then numbered and never changed)."""

    __tablename__ = "mark_criteria_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int | None] = mapped_column(unique=True)  #: 1, 2, 3… once published; None: the draft
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="version", order_by="Criterion.position", cascade="all, delete-orphan"
    )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Criterion(Base):
    """One requirement of a version: what is asked and the evidence expected, in Lithuanian and English."""

    __tablename__ = "mark_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("mark_criteria_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    text_lt: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")
    evidence_lt: Mapped[str] = mapped_column(Text, default="")  #: what evidence is expected
    evidence_en: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[CriteriaVersion] = relationship(back_populates="criteria")


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"  # the community is writing it
    SUBMITTED = "submitted"  # waiting for the VVG
    MORE_INFO_REQUESTED = "more_info_requested"  # the VVG asked for more; the community answers
    GRANTED = "granted"  # a grant was made (`MarkGrant`)
    REFUSED = "refused"  # with the VVG's reasons


A = ApplicationStatus
APPLICATION_NEXT: Final = {
    A.DRAFT: frozenset({A.SUBMITTED}),
    A.SUBMITTED: frozenset({A.MORE_INFO_REQUESTED, A.GRANTED, A.REFUSED}),
    A.MORE_INFO_REQUESTED: frozenset({A.SUBMITTED}),
    A.GRANTED: frozenset[ApplicationStatus](),
    A.REFUSED: frozenset[ApplicationStatus](),
}
#: The statuses in which the community may change its answers and evidence.
EDITABLE: Final = frozenset({A.DRAFT, A.MORE_INFO_REQUESTED})

APPLICATION_LABELS = {
    A.DRAFT: _l("Draft"),
    A.SUBMITTED: _l("Waiting for the VVG"),
    A.MORE_INFO_REQUESTED: _l("More information asked for"),
    A.GRANTED: _l("Granted"),
    A.REFUSED: _l("Refused"),
}


class MarkApplication(Base):
    """A community's application for the mark, answering the criteria version published when it began."""

    __tablename__ = "mark_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("mark_criteria_versions.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column_type(ApplicationStatus, "mark_application_status"), default=A.DRAFT
    )
    #: the VVG's last words to the community: what more it needs, or why it refused
    staff_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]

    community: Mapped[Community] = relationship()
    version: Mapped[CriteriaVersion] = relationship()
    answers: Mapped[list[MarkAnswer]] = relationship(
        back_populates="application", cascade="all, delete-orphan"
    )
    evidence: Mapped[list[MarkEvidence]] = relationship(
        back_populates="application", order_by="MarkEvidence.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[MarkApplicationEvent]] = relationship(
        back_populates="application", order_by="MarkApplicationEvent.id", cascade="all, delete-orphan"
    )

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    def answer_to(self, criterion_id: int) -> str:
        return next((a.text for a in self.answers if a.criterion_id == criterion_id), "")

    def evidence_for(self, criterion_id: int) -> list[MarkEvidence]:
        return [e for e in self.evidence if e.criterion_id == criterion_id]

    def move_to(self, to: ApplicationStatus, *, by_name: str, note: str = "") -> None:
        """Change status if the current one allows it, recording who, when and what was said."""
        check_move(APPLICATION_NEXT, self.status, to)
        self.events.append(
            MarkApplicationEvent(from_status=self.status, to_status=to, by_name=by_name, note=note)
        )
        self.status = to


class MarkAnswer(Base):
    """The community's answer to one criterion of its application."""

    __tablename__ = "mark_answers"
    __table_args__ = (UniqueConstraint("application_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("mark_applications.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("mark_criteria.id"))
    text: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[MarkApplication] = relationship(back_populates="answers")


class MarkEvidence(Base):
    """A file attached to an answer: kept privately under a random name, served only to staff and the
    community (`producers.marks.evidence`)."""

    __tablename__ = "mark_evidence"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("mark_applications.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(ForeignKey("mark_criteria.id"))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)  #: random, with the checked extension
    original_name: Mapped[str] = mapped_column(String(160))  #: as uploaded, sanitised
    content_type: Mapped[str] = mapped_column(String(40))  #: from the content: application/pdf, image/png…
    size_bytes: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[MarkApplication] = relationship(back_populates="evidence")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class MarkApplicationEvent(Base):
    """One step of an application: from which status to which, by whom, when, with what words."""

    __tablename__ = "mark_application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("mark_applications.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[ApplicationStatus] = mapped_column(
        enum_column_type(ApplicationStatus, "mark_event_from_status")
    )
    to_status: Mapped[ApplicationStatus] = mapped_column(
        enum_column_type(ApplicationStatus, "mark_event_to_status")
    )
    by_name: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[MarkApplication] = relationship(back_populates="events")


class GrantStatus(enum.StrEnum):
    ACTIVE = "active"  # holds the mark while its dates say so
    SUSPENDED = "suspended"  # not shown until reinstated
    REVOKED = "revoked"  # for good


G = GrantStatus
GRANT_NEXT: Final = {
    G.ACTIVE: frozenset({G.SUSPENDED, G.REVOKED}),
    G.SUSPENDED: frozenset({G.ACTIVE, G.REVOKED}),
    G.REVOKED: frozenset[GrantStatus](),
}

GRANT_LABELS = {G.ACTIVE: _l("Valid"), G.SUSPENDED: _l("Suspended"), G.REVOKED: _l("Revoked")}


class MarkGrant(Base):
    """The mark granted to a community from one application, valid from a moment until another.

    Whether it is held *now* is worked out whenever asked (`producers.marks.register.holds_mark_now`):
    active and within its dates, so an expired mark leaves the shop by itself.
    """

    __tablename__ = "mark_grants"
    __table_args__ = (CheckConstraint("valid_until > valid_from", name="valid_dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("mark_applications.id"), unique=True)
    status: Mapped[GrantStatus] = mapped_column(
        enum_column_type(GrantStatus, "mark_grant_status"), default=G.ACTIVE
    )
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    community: Mapped[Community] = relationship()
    application: Mapped[MarkApplication] = relationship()
    events: Mapped[list[MarkGrantEvent]] = relationship(
        back_populates="grant", order_by="MarkGrantEvent.id", cascade="all, delete-orphan"
    )

    @property
    def valid_through(self) -> datetime:
        """The last moment it is valid: its date is the last day shown (valid_until is the midnight after)."""
        return self.valid_until - timedelta(seconds=1)

    def holds_at(self, now: datetime) -> bool:
        return self.status is G.ACTIVE and self.valid_from <= now < self.valid_until

    def move_to(self, to: GrantStatus, *, by_name: str, reason: str) -> None:
        check_move(GRANT_NEXT, self.status, to)
        self.events.append(
            MarkGrantEvent(from_status=self.status, to_status=to, by_name=by_name, reason=reason)
        )
        self.status = to


class MarkGrantEvent(Base):
    """A suspension, reinstatement or revocation of a grant, with its reason: the register's history."""

    __tablename__ = "mark_grant_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("mark_grants.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[GrantStatus] = mapped_column(enum_column_type(GrantStatus, "mark_grant_from_status"))
    to_status: Mapped[GrantStatus] = mapped_column(enum_column_type(GrantStatus, "mark_grant_to_status"))
    by_name: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    grant: Mapped[MarkGrant] = relationship(back_populates="events")


class MarkReminder(Base):
    """A reminder of expiry mailed for a grant, at most once per grant and number of days before."""

    __tablename__ = "mark_reminders"
    __table_args__ = (UniqueConstraint("grant_id", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("mark_grants.id", ondelete="CASCADE"))
    days_before: Mapped[int]  #: 60 or 14
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
