"""Legal pages and their versions: a page is one of five kinds; every change is a new, numbered version."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Final

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base, enum_column_type, utcnow
from shop.models import User


class LegalPageKind(enum.StrEnum):
    TERMS = "terms"  # terms of sale: what the customer accepts at checkout
    PRIVACY = "privacy"
    DELIVERY_RETURNS = "delivery_returns"
    WITHDRAWAL_FORM = "withdrawal_form"  # the model withdrawal form (Directive 2011/83/EU, Annex I(B))
    ABOUT_OPERATOR = "about_operator"  # the VVG as the marketplace's operator


#: Each page's address (Lithuanian, stable: orders and mails link them); a version is at /<slug>/v<N>.
SLUGS: Final[dict[LegalPageKind, str]] = {
    LegalPageKind.TERMS: "salygos",
    LegalPageKind.PRIVACY: "privatumas",
    LegalPageKind.DELIVERY_RETURNS: "pristatymas-ir-grazinimas",
    LegalPageKind.WITHDRAWAL_FORM: "sutarties-atsisakymo-forma",
    LegalPageKind.ABOUT_OPERATOR: "apie-vvg",
}


class LegalPage(Base):
    """One legal page; its row is locked while a version is published, so numbers go 1, 2, 3 without a gap."""

    __tablename__ = "legal_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LegalPageKind] = mapped_column(
        enum_column_type(LegalPageKind, "legal_page_kind"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[LegalPageVersion]] = relationship(
        back_populates="page", order_by="LegalPageVersion.number"
    )

    @property
    def slug(self) -> str:
        return SLUGS[self.kind]


class LegalPageVersion(Base):
    """One published text of a page, in Lithuanian and English; never changed once written."""

    __tablename__ = "legal_page_versions"
    __table_args__ = (
        UniqueConstraint("page_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("legal_pages.id"), index=True)
    number: Mapped[int]  #: 1, 2, 3… per page, without a gap
    title_lt: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    body_lt: Mapped[str] = mapped_column(Text)  #: HTML of the allowed tags only (`legal.markup`)
    body_en: Mapped[str] = mapped_column(Text)
    change_note: Mapped[str] = mapped_column(String(500), default="")  #: what changed, in staff's words
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    page: Mapped[LegalPage] = relationship(back_populates="versions")
    published_by: Mapped[User | None] = relationship()

    @property
    def kind(self) -> LegalPageKind:
        return self.page.kind

    @property
    def slug(self) -> str:
        return self.page.slug
