"""Communities (the sellers) and the people who act for them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base, utcnow
from shop.models import User

if TYPE_CHECKING:
    from catalogue.models import Product

#: The VVG's standard commission: 1000 basis points = 10 %.
DEFAULT_COMMISSION_BP = 1000


class Community(Base):
    """A rural community organisation that makes and sells its own products through the shop."""

    __tablename__ = "communities"
    __table_args__ = (CheckConstraint("commission_bp BETWEEN 0 AND 10000", name="commission_bp_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    legal_name: Mapped[str] = mapped_column(String(200))  #: as in the Register of Legal Entities
    registration_code: Mapped[str] = mapped_column(String(20))  #: juridinio asmens kodas
    district: Mapped[str] = mapped_column(String(120))
    address_line: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(120))  #: the village or town, shown as "where"
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40))
    is_vat_payer: Mapped[bool] = mapped_column(default=False)
    commission_bp: Mapped[int] = mapped_column(default=DEFAULT_COMMISSION_BP)  #: basis points, 1000 = 10 %
    is_active: Mapped[bool] = mapped_column(default=True)
    story_lt: Mapped[str] = mapped_column(Text, default="")
    story_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="community")
    products: Mapped[list[Product]] = relationship("Product", back_populates="community")

    @property
    def address(self) -> str:
        """The full postal address, as printed on a parcel."""
        return f"{self.address_line}, {self.postal_code} {self.district}"

    def __repr__(self) -> str:
        return f"<Community {self.slug}>"


class Membership(Base):
    """A user acting for a community; one person may act for several."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    community: Mapped[Community] = relationship(back_populates="memberships")
