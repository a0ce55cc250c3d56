"""Communities (the sellers) and the people who act for them."""

from __future__ import annotations

import enum
import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from shop import caching
from shop.db import Base, enum_column_type, utcnow
from shop.models import User

#: The VVG's standard commission: 1000 basis points = 10 %.
DEFAULT_COMMISSION_BP = 1000
#: A Stripe connected account's id as Stripe writes it: earnings are transferred only to one like this.
CONNECTED_ACCOUNT = re.compile(r"^acct_[A-Za-z0-9]{6,64}$")


def derived_invoice_prefix(slug: str) -> str:
    """A community's invoice prefix until the VVG sets a shorter one: its slug's letters and digits in
    capitals (`slapaberze` → `SLAPABERZE`), unique as slugs are."""
    return (re.sub(r"[^A-Z0-9]", "", slug.upper()) or "B")[:20]


def _default_invoice_prefix(context: Any) -> str:
    return derived_invoice_prefix(str(context.get_current_parameters().get("slug") or ""))


class Community(Base):
    """A rural community organisation that makes and sells its own products through the shop.

    Its products are `products`, added by the catalogue (a backref of `Product.community`), so that this
    module maps without the catalogue.
    """

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
    #: the VAT payer's code (PVM mokėtojo kodas, LT…), "" for a community that is not a VAT payer
    vat_code: Mapped[str] = mapped_column(String(20), default="", server_default="")
    #: its invoices are numbered <prefix>-2026-000001; set by the VVG, fixed once an invoice has it (unique by
    #: an index: migration 0014 adds that in place, where on SQLite a constraint would copy the table)
    invoice_prefix: Mapped[str] = mapped_column(
        String(20), unique=True, index=True, default=_default_invoice_prefix
    )
    commission_bp: Mapped[int] = mapped_column(default=DEFAULT_COMMISSION_BP)  #: basis points, 1000 = 10 %
    is_active: Mapped[bool] = mapped_column(default=True)
    #: a Stripe connected account (acct_…): its earnings go there by transfer; without one, by bank
    stripe_account_id: Mapped[str | None] = mapped_column(String(255))
    #: where bank payouts go (compact, checked by `producers.iban.normalise_iban`); "" until given
    iban: Mapped[str] = mapped_column(String(34), default="", server_default="")
    #: trusted communities publish new listings and changes without waiting for the VVG's moderation
    is_trusted: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: on holiday until this day: no new orders; products hidden or shown "back on …"
    vacation_until: Mapped[date | None]
    vacation_hides_products: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: how many made-to-order items it can make in a week (Monday to Sunday, Vilnius); None: no cap
    made_to_order_per_week: Mapped[int | None]
    photo_key: Mapped[str] = mapped_column(String(64), default="", server_default="")  #: shop photo
    story_lt: Mapped[str] = mapped_column(Text, default="")
    story_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: whether it holds the community-business mark now: loaded only where a page shows the badge
    #: (`producers.marks.register.with_mark`); None where it was not asked for
    holds_mark: Mapped[bool | None] = query_expression()

    memberships: Mapped[list[Membership]] = relationship(back_populates="community")
    shipping_options: Mapped[list[ShippingOption]] = relationship(
        back_populates="community", order_by="ShippingOption.position", cascade="all, delete-orphan"
    )

    def is_on_vacation(self, today: date) -> bool:
        """Whether the community takes no orders today (back on `vacation_until`)."""
        return self.vacation_until is not None and today < self.vacation_until

    @property
    def address(self) -> str:
        """The full postal address, as printed on a parcel."""
        return f"{self.address_line}, {self.postal_code} {self.district}"

    def __repr__(self) -> str:
        return f"<Community {self.slug}>"


class ProductionWeek(Base):
    """How many made-to-order items a community has taken on for one week (`producers.capacity`).

    A row appears when the first order books into its week; `booked` grows by each made-to-order line
    booked there and shrinks when one is cancelled, never past the community's weekly cap.
    """

    __tablename__ = "production_weeks"
    __table_args__ = (CheckConstraint("booked >= 0", name="booked_not_negative"),)

    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True
    )
    week_start: Mapped[date] = mapped_column(primary_key=True)  #: the week's Monday
    booked: Mapped[int] = mapped_column(default=0)  #: made-to-order items (units) booked into the week


class Membership(Base):
    """A user acting for a community; one person may act for several."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    #: `User.memberships` is added from this side (a backref), so that shop.models maps without producers.
    user: Mapped[User] = relationship(backref="memberships")
    community: Mapped[Community] = relationship(back_populates="memberships")


class DeliveryMethod(enum.StrEnum):
    """How one community's parcel reaches the customer."""

    PICKUP = "pickup"  # the customer collects it at the community
    OMNIVA = "omniva"  # parcel lockers
    LP_EXPRESS = "lp_express"
    DPD = "dpd"
    COURIER = "courier"  # to the customer's address

    @property
    def is_locker(self) -> bool:
        return self in {DeliveryMethod.OMNIVA, DeliveryMethod.LP_EXPRESS, DeliveryMethod.DPD}

    @property
    def needs_address(self) -> bool:
        return self is DeliveryMethod.COURIER


#: The carrier's working days from hand-over to delivery, per method, until the community sets its own.
DEFAULT_TRANSIT_DAYS: dict[DeliveryMethod, tuple[int, int]] = {
    DeliveryMethod.PICKUP: (0, 0),  # ready to collect on the day it is packed
    DeliveryMethod.OMNIVA: (1, 2),
    DeliveryMethod.LP_EXPRESS: (1, 2),
    DeliveryMethod.DPD: (1, 2),
    DeliveryMethod.COURIER: (1, 3),
}
#: Every working weekday, Monday (bit 0) to Friday (bit 4): see `producers.promises`.
EVERY_WEEKDAY = 0b11111
#: The longest handling or transit a community may set, in working days.
MAX_PROMISE_DAYS = 30


def _default_transit(context: Any, end: int) -> int:
    method = context.get_current_parameters().get("method")
    return DEFAULT_TRANSIT_DAYS.get(DeliveryMethod(method), (1, 3))[end] if method else 1


class ShippingOption(Base):
    """A way a community delivers its parcels, with its fee; the customer picks one per parcel.

    Its dispatch weekdays, handling days and the carrier's transit days make the delivery promise
    (`producers.promises`).
    """

    __tablename__ = "shipping_options"
    __table_args__ = (
        UniqueConstraint("community_id", "method"),
        CheckConstraint("fee_cents >= 0", name="fee_cents_not_negative"),
        CheckConstraint("dispatch_weekdays BETWEEN 1 AND 31", name="dispatch_weekdays_mask"),
        CheckConstraint(
            "handling_days BETWEEN 0 AND 30 AND transit_days_min >= 0"
            " AND transit_days_max BETWEEN transit_days_min AND 30",
            name="promise_days_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    method: Mapped[DeliveryMethod] = mapped_column(enum_column_type(DeliveryMethod, "delivery_method"))
    fee_cents: Mapped[int] = mapped_column(default=0)  #: EUR cents per parcel
    pickup_address: Mapped[str] = mapped_column(String(250), default="")  #: for pickup: where
    pickup_hours_lt: Mapped[str] = mapped_column(String(250), default="")  #: for pickup: when
    pickup_hours_en: Mapped[str] = mapped_column(String(250), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    #: the weekdays parcels are handed to the carrier: bit 0 Monday … bit 4 Friday (31: every working day)
    dispatch_weekdays: Mapped[int] = mapped_column(default=EVERY_WEEKDAY, server_default=str(EVERY_WEEKDAY))
    #: working days to pack an in-stock order before it can be dispatched
    handling_days: Mapped[int] = mapped_column(default=1, server_default="1")
    #: the carrier's working days from dispatch to delivery, at the least and at the most
    transit_days_min: Mapped[int] = mapped_column(
        default=lambda c: _default_transit(c, 0), server_default="1"
    )
    transit_days_max: Mapped[int] = mapped_column(
        default=lambda c: _default_transit(c, 1), server_default="3"
    )

    community: Mapped[Community] = relationship(back_populates="shipping_options")


class Locker(Base):
    """A parcel locker of a carrier, as the carrier's published list gives it (`producers.lockers`).

    Loaded and refreshed from the carrier's list; a locker the list no longer has is deactivated, never
    deleted, and an order keeps a snapshot of the locker it was sent to (`Fulfilment.locker_*`).
    """

    __tablename__ = "lockers"
    __table_args__ = (UniqueConstraint("carrier", "carrier_locker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: one of the locker methods (`DeliveryMethod.is_locker`): omniva, lp_express, dpd
    carrier: Mapped[DeliveryMethod] = mapped_column(enum_column_type(DeliveryMethod, "locker_carrier"))
    carrier_locker_id: Mapped[str] = mapped_column(String(40))  #: the carrier's own id (Omniva: its ZIP)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(250))  #: street and number, as the carrier writes it
    town: Mapped[str] = mapped_column(String(120), index=True)
    postal_code: Mapped[str] = mapped_column(String(10))  #: five digits, without "LT-"
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    #: when the carrier's list last had it (a refresh that misses it deactivates it)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def full_address(self) -> str:
        """The locker's address on one line, as a parcel page and a mail print it (Omniva's list gives no
        postal code of the address: then the town alone)."""
        place = f"{self.postal_code} {self.town}" if self.postal_code else self.town
        return f"{self.address}, {place}"

    def __repr__(self) -> str:
        return f"<Locker {self.carrier} {self.carrier_locker_id}>"


class LockerList(Base):
    """The list a carrier's lockers were last loaded from: its date (shown beside the locker picker, since
    lockers open and close), where it came from, and whether it is the demo's sample data."""

    __tablename__ = "locker_lists"

    carrier: Mapped[DeliveryMethod] = mapped_column(
        enum_column_type(DeliveryMethod, "locker_list_carrier"), primary_key=True
    )
    listed_on: Mapped[date]  #: the day the list was published or downloaded
    source: Mapped[str] = mapped_column(String(500))  #: the URL or file name it was read from
    #: made-up lockers in the carrier's format (the demo's LP Express and DPD lists), never real ones
    is_sample: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<LockerList {self.carrier} {self.listed_on}>"


# The storefront's fragments list communities (`shop.caching`): a change renews their token.
caching.watch("catalogue", Community)
