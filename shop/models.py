"""People who sign in: VVG staff and community members (membership lives in `producers`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base, utcnow

if TYPE_CHECKING:
    from producers.models import Membership


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

    memberships: Mapped[list[Membership]] = relationship("Membership", back_populates="user")

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Operator(Base):
    """The organisation that runs the shop (the VVG): named on every page, paid by bank transfer."""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    registration_code: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(250))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40))
    iban: Mapped[str] = mapped_column(String(34))  #: where customers pay bank transfers
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
