"""A fair, the communities invited to it, and the products they show at it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models import Category, Product
from producers.models import Community
from shop.db import Base, utcnow
from shop.models import User


class FairPhase(enum.StrEnum):
    """Where a fair is in its life; computed from the clock, never stored."""

    COMING = "coming"  # before it opens
    RUNNING = "running"  # from the opening moment until the closing one
    ENDED = "ended"  # from the closing moment on


class Fair(Base):
    """A virtual fair: a name and story, a banner, the moments it opens and closes (UTC), and optionally a
    theme category, a last day to order and a delivery promise."""

    __tablename__ = "fairs"
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="fair_closes_after_opening"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_lt: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    story_lt: Mapped[str] = mapped_column(Text, default="")
    story_en: Mapped[str] = mapped_column(Text, default="")
    banner_key: Mapped[str | None] = mapped_column(String(64))  #: a photo's renditions (catalogue.images)
    banner_width: Mapped[int] = mapped_column(default=0)  #: pixels of the largest rendition
    banner_height: Mapped[int] = mapped_column(default=0)
    opens_at: Mapped[datetime] = mapped_column(index=True)
    closes_at: Mapped[datetime] = mapped_column(index=True)
    theme_category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    order_by: Mapped[date | None]  #: the last day (Vilnius) to order for the fair's promise
    promise_lt: Mapped[str] = mapped_column(Text, default="")  #: the delivery promise, in words
    promise_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    theme_category: Mapped[Category | None] = relationship()
    invitations: Mapped[list[FairInvitation]] = relationship(
        back_populates="fair", cascade="all, delete-orphan", order_by="FairInvitation.id"
    )
    products: Mapped[list[FairProduct]] = relationship(
        back_populates="fair", cascade="all, delete-orphan", order_by="FairProduct.position"
    )

    def phase(self, now: datetime) -> FairPhase:
        if now < self.opens_at:
            return FairPhase.COMING
        if now < self.closes_at:
            return FairPhase.RUNNING
        return FairPhase.ENDED

    @property
    def banner(self) -> FairBanner | None:
        """The banner as the `picture` macro takes a photo."""
        if not self.banner_key:
            return None
        return FairBanner(self.banner_key, self.banner_width, self.banner_height)

    def __repr__(self) -> str:
        return f"<Fair {self.slug}>"


class FairBanner:
    def __init__(self, key: str, width: int, height: int) -> None:
        self.key, self.width, self.height = key, width, height


class FairInvitation(Base):
    """A community invited to a fair; it takes part once it opts in."""

    __tablename__ = "fair_invitations"
    __table_args__ = (UniqueConstraint("fair_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    opted_in_at: Mapped[datetime | None]

    fair: Mapped[Fair] = relationship(back_populates="invitations")
    community: Mapped[Community] = relationship()


class FairProduct(Base):
    """A product shown at a fair, in the staff's order; staff may feature it, or take it out with a reason."""

    __tablename__ = "fair_products"
    __table_args__ = (UniqueConstraint("fair_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    is_featured: Mapped[bool] = mapped_column(default=False)
    #: made for this fair only: on sale from its opening to its closing moment (`Product.on_sale_from/until`)
    is_fair_only: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    removal_reason: Mapped[str] = mapped_column(Text, default="")
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    fair: Mapped[Fair] = relationship(back_populates="products")
    product: Mapped[Product] = relationship()
    removed_by: Mapped[User | None] = relationship()
