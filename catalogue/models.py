"""Categories, product types (product safety), products, their variants (what is actually bought) with their
history of those prices, and photos."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    event,
    false,
    inspect,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from catalogue import search
from producers.models import Community
from shop import caching
from shop.db import Base, enum_column_type, utcnow
from shop.i18n import VILNIUS
from shop.models import User
from shop.states import check_move


class ProductStatus(enum.StrEnum):
    DRAFT = "draft"  # being written by the community
    PENDING_REVIEW = "pending_review"  # waiting for the VVG's moderation
    ACTIVE = "active"  # for sale in the shop
    ARCHIVED = "archived"  # no longer sold; kept for past orders


P = ProductStatus
#: Any listing can be archived; a draft or archived one goes back on sale through the VVG (or at once
#: for a trusted community); an untrusted community's changed listing goes back to the VVG.
PRODUCT_NEXT: Final[Mapping[ProductStatus, frozenset[ProductStatus]]] = {
    P.DRAFT: frozenset({P.PENDING_REVIEW, P.ACTIVE, P.ARCHIVED}),
    P.PENDING_REVIEW: frozenset({P.ACTIVE, P.DRAFT, P.ARCHIVED}),  # approved; sent back with a reason
    P.ACTIVE: frozenset({P.PENDING_REVIEW, P.ARCHIVED}),
    P.ARCHIVED: frozenset({P.PENDING_REVIEW, P.ACTIVE}),
}


class MissingForSale(enum.StrEnum):
    """What product safety (GPSR, Reg. (EU) 2023/988) needs before a listing goes on sale or to the VVG."""

    MAKER_NAME = "maker_name"  # the community's legal name
    MAKER_ADDRESS = "maker_address"  # its postal address
    MAKER_EMAIL = "maker_email"  # its e-mail address
    PHOTO = "photo"  # at least one
    PRODUCT_TYPE = "product_type"
    WARNING_LT = "warning_lt"  # for a type that requires a warning
    WARNING_EN = "warning_en"


class Category(Base):
    """A shelf of the shop: Christmas cards, envelopes, ornaments."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_lt: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    description_lt: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    #: Its products are greeting cards: a gift message is written by hand into the card itself; for any
    #: other product (an ornament, an envelope) it goes on a note in the parcel.
    holds_cards: Mapped[bool] = mapped_column(default=False, server_default=false())

    products: Mapped[list[Product]] = relationship(back_populates="category")


class ProductType(Base):
    """A kind of product, named by the VVG for product safety: whether its listings need a safety warning,
    and the warning (lt, en) a listing of this type starts from. A listing keeps its own copy of the words,
    so changing a type's template changes only what later listings start from."""

    __tablename__ = "product_types"
    __table_args__ = (UniqueConstraint("name_lt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name_lt: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    is_warning_required: Mapped[bool] = mapped_column(default=False)
    warning_lt: Mapped[str] = mapped_column(Text, default="")  #: the template a listing's warning starts from
    warning_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    products: Mapped[list[Product]] = relationship(back_populates="product_type")

    def __repr__(self) -> str:
        return f"<ProductType {self.name_lt}>"


class Product(Base):
    """A handmade thing a community sells; it is bought as one of its variants."""

    __tablename__ = "products"
    __table_args__ = (
        Index("ix_products_status_created_at", "status", "created_at"),
        # The catalogue's recommended order, with the columns the visible-products filter reads: a page is
        # read from the index's first entries and the count from the index alone (migration 0033).
        Index(
            "ix_products_listing",
            "status",
            "is_featured",
            "created_at",
            "id",
            "community_id",
            "on_sale_from",
            "on_sale_until",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name_lt: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    description_lt: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    #: the product type (GPSR); None only for listings older than the types, which are flagged until set
    product_type_id: Mapped[int | None] = mapped_column(ForeignKey("product_types.id"), index=True)
    safety_notes_lt: Mapped[str] = mapped_column(Text, default="")  #: the safety warning (GPSR)
    safety_notes_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[ProductStatus] = mapped_column(
        enum_column_type(ProductStatus, "product_status"), default=ProductStatus.DRAFT
    )
    is_featured: Mapped[bool] = mapped_column(default=False)
    review_note: Mapped[str] = mapped_column(Text, default="", server_default="")  #: why the VVG rejected it
    #: A sale window (a listing made only for a fair): shown and sold only from `on_sale_from` (inclusive)
    #: until `on_sale_until` (exclusive); None on either side is open-ended.
    on_sale_from: Mapped[datetime | None]
    on_sale_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    #: `Community.products` is added from this side (a backref), so that producers.models maps without us.
    community: Mapped[Community] = relationship(backref="products")
    category: Mapped[Category] = relationship(back_populates="products")
    product_type: Mapped[ProductType | None] = relationship(back_populates="products")
    variants: Mapped[list[Variant]] = relationship(
        back_populates="product", order_by="Variant.position", cascade="all, delete-orphan"
    )
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", order_by="ProductImage.position", cascade="all, delete-orphan"
    )
    search_terms: Mapped[list[SearchTerm]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="select"
    )

    def move_to(self, to: ProductStatus) -> None:
        """Change status if the current one allows it."""
        check_move(PRODUCT_NEXT, self.status, to)
        self.status = to

    @property
    def is_card(self) -> bool:
        """Whether it is a greeting card, which a gift message is written into (its category says)."""
        return self.category.holds_cards

    @property
    def cheapest_offer(self) -> Offer:
        """What the cheapest variant costs now, with its announced reduction if it has one ("from 3,50 €")."""
        offers = [variant.offer() for variant in self.variants]
        return min(offers, key=lambda offer: offer.price_cents, default=Offer(0))

    @property
    def min_price_cents(self) -> int:
        """The lowest price in force among the variants."""
        return self.cheapest_offer.price_cents

    @property
    def has_price_range(self) -> bool:
        """Whether the variants differ in the price in force."""
        return len({variant.offer().price_cents for variant in self.variants}) > 1

    @property
    def is_available(self) -> bool:
        """Whether any variant can be ordered now (in stock or made to order)."""
        return any(variant.is_available for variant in self.variants)

    @property
    def cover(self) -> ProductImage | None:
        """The first photo, shown in lists."""
        return self.images[0] if self.images else None

    def missing_for_sale(self) -> tuple[MissingForSale, ...]:
        """What product safety still needs before this listing may go on sale or to the VVG (nothing: ready).

        The maker is the community: its legal name, postal address and e-mail. Then a photo, a product type
        and, for a type that requires one, the safety warning in Lithuanian and English.
        """
        community = self.community
        missing = []
        if not community.legal_name.strip():
            missing.append(MissingForSale.MAKER_NAME)
        if not all(
            part.strip() for part in (community.address_line, community.postal_code, community.district)
        ):
            missing.append(MissingForSale.MAKER_ADDRESS)
        if not community.email.strip():
            missing.append(MissingForSale.MAKER_EMAIL)
        if not self.images:
            missing.append(MissingForSale.PHOTO)
        if self.product_type is None:
            missing.append(MissingForSale.PRODUCT_TYPE)
        elif self.product_type.is_warning_required:
            if not self.safety_notes_lt.strip():
                missing.append(MissingForSale.WARNING_LT)
            if not self.safety_notes_en.strip():
                missing.append(MissingForSale.WARNING_EN)
        return tuple(missing)

    def refresh_search_terms(self, session: Session) -> None:
        """Re-stem every text the product is found by into `search_terms` (rows change only where needed)."""
        category = self.category or (session.get(Category, self.category_id) if self.category_id else None)
        community = self.community or (
            session.get(Community, self.community_id) if self.community_id else None
        )
        wanted = search.index_terms(search.product_fields(self, category, self.variants, community))
        kept = []
        for row in self.search_terms:
            if wanted.get((row.term, row.is_word)) == row.weight:
                kept.append(row)
                del wanted[(row.term, row.is_word)]
        if len(kept) != len(self.search_terms) or wanted:
            self.search_terms = kept + [
                SearchTerm(term=term, is_word=is_word, weight=weight)
                for (term, is_word), weight in sorted(wanted.items())
            ]

    def __repr__(self) -> str:
        return f"<Product {self.slug}>"


def on_sale_now(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """SQL: the product is on sale at `now` (a moment, or a parameter for it): active, and inside its sale
    window if it has one. The one place the catalogue, search, sitemap, cart and checkout decide it (with
    the community's own conditions)."""
    return and_(
        Product.status == ProductStatus.ACTIVE,
        or_(Product.on_sale_from.is_(None), Product.on_sale_from <= now),
        or_(Product.on_sale_until.is_(None), Product.on_sale_until > now),
    )


class SearchTerm(Base):
    """One word or stem a product is found by, with the weight of the most important field it is in (see
    catalogue.search)."""

    __tablename__ = "search_terms"
    __table_args__ = (Index("ix_search_terms_term", "term", "is_word", "product_id", "weight"),)

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    #: Compared byte by byte on both engines ("C" on PostgreSQL), so a prefix is one index range.
    term: Mapped[str] = mapped_column(
        String(search.TERM_LENGTH).with_variant(String(search.TERM_LENGTH, collation="C"), "postgresql"),
        primary_key=True,
    )
    #: A folded word as written (found by its start while typed, and by typo corrections), else a stem.
    is_word: Mapped[bool] = mapped_column(primary_key=True)
    weight: Mapped[int]


@dataclass(frozen=True)
class Sale:
    """A lower price for a while: from `starts_at` until just before `ends_at` (UTC moments)."""

    price_cents: int
    starts_at: datetime
    ends_at: datetime

    @property
    def first_day(self) -> date:
        """The Vilnius day it begins."""
        return self.starts_at.astimezone(VILNIUS).date()

    @property
    def last_day(self) -> date:
        """The last Vilnius day it is in force (it ends at the start of the next)."""
        return last_day_of(self)


@dataclass(frozen=True)
class Offer:
    """What a variant costs at a moment, as a customer is shown it.

    `regular_cents` (struck through) and `prior_cents` (the lowest price in the 30 days before the sale
    began, Art. 6a of Directive 98/6/EC) are set only while a reduction is announced: a sale in force whose
    price is below that lowest price. A sale no lower than it is charged but not announced as a reduction.
    """

    price_cents: int
    regular_cents: int | None = None
    prior_cents: int | None = None
    last_day: date | None = None  #: the sale's last Vilnius day

    @property
    def is_reduced(self) -> bool:
        return self.regular_cents is not None


class Variant(Base):
    """One buyable form of a product (single card / set of five, red / white) with its own price and stock.

    A variant may be on sale: `sale_price_cents` from `sale_starts_at` until `sale_ends_at`. Nothing runs
    when a sale begins or ends: the price in force is worked out from these columns at the moment asked
    (`offer`), and an ended sale simply stays here until the listing is next saved. Every change of them is
    written to `price_changes` in the same flush (see `_record_price_changes`).
    """

    __tablename__ = "variants"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_cents_not_negative"),
        CheckConstraint(
            "(sale_price_cents IS NULL AND sale_starts_at IS NULL AND sale_ends_at IS NULL"
            " AND prior_price_cents IS NULL)"
            " OR (sale_price_cents IS NOT NULL AND sale_starts_at IS NOT NULL AND sale_ends_at IS NOT NULL"
            " AND sale_price_cents > 0 AND sale_price_cents < price_cents AND sale_starts_at < sale_ends_at)",
            name="sale_below_price_within_its_days",
        ),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("weight_grams > 0", name="weight_grams_positive"),
        CheckConstraint(
            "(is_made_to_order AND lead_days IS NOT NULL AND lead_days > 0) "
            "OR (NOT is_made_to_order AND lead_days IS NULL)",
            name="lead_days_iff_made_to_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name_lt: Mapped[str] = mapped_column(String(120), default="")  #: empty when the product has one variant
    name_en: Mapped[str] = mapped_column(String(120), default="")
    price_cents: Mapped[int]  #: EUR cents, final price (VAT included where the community pays VAT)
    stock: Mapped[int] = mapped_column(default=0)  #: units ready to ship
    is_made_to_order: Mapped[bool] = mapped_column(default=False)
    lead_days: Mapped[int | None]  #: working days to make one, when made to order
    weight_grams: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    sale_price_cents: Mapped[int | None]  #: EUR cents while on sale, below `price_cents`
    sale_starts_at: Mapped[datetime | None]
    sale_ends_at: Mapped[datetime | None]  #: the first moment the regular price applies again
    #: EUR cents: the lowest price in force in the 30 days before the sale began, worked out from
    #: `price_changes` whenever the prices change (None: no sale, or no price in force in those days)
    prior_price_cents: Mapped[int | None]

    product: Mapped[Product] = relationship(back_populates="variants")

    @property
    def is_available(self) -> bool:
        """Whether it can be ordered now."""
        return self.is_made_to_order or self.stock > 0

    @property
    def sale(self) -> Sale | None:
        """The sale set on the variant (running, to come, or already over), if any."""
        if self.sale_price_cents is None or self.sale_starts_at is None or self.sale_ends_at is None:
            return None
        return Sale(self.sale_price_cents, self.sale_starts_at, self.sale_ends_at)

    @property
    def live_sale(self) -> Sale | None:
        """The sale running now or still to come (one already over is of no more interest)."""
        sale = self.sale
        return sale if sale is not None and utcnow() < sale.ends_at else None

    def sale_at(self, moment: datetime) -> Sale | None:
        """The sale in force at `moment`, if any."""
        sale = self.sale
        return sale if sale is not None and sale.starts_at <= moment < sale.ends_at else None

    def offer(self, moment: datetime | None = None) -> Offer:
        """What it costs at `moment` (now by default), and the reduction to announce, if any."""
        return offer_at(moment or utcnow(), self.price_cents, self.sale, self.prior_price_cents)

    def set_prices(
        self, price_cents: int, sale: Sale | None, *, by: User | None, at: datetime | None = None
    ) -> None:
        """Change the regular price and the sale; the flush writes what changed to the price history,
        as changed by `by` at `at` (now; an earlier moment only for the demo shop's past)."""
        self.price_cents = price_cents
        self.sale_price_cents = sale.price_cents if sale else None
        self.sale_starts_at = sale.starts_at if sale else None
        self.sale_ends_at = sale.ends_at if sale else None
        state = inspect(self)
        state.info[_PRICE_ACTOR] = by
        state.info[_PRICE_MOMENT] = at


def offer_at(moment: datetime, price_cents: int, sale: Sale | None, prior_price_cents: int | None) -> Offer:
    """What a variant costs at `moment` from its columns (see `Variant`), and the reduction to announce, if
    any: `Variant.offer`, also for the product cards, which read the columns without loading variants."""
    if sale is None or not sale.starts_at <= moment < sale.ends_at:
        return Offer(price_cents)
    if prior_price_cents is None or sale.price_cents >= prior_price_cents:
        return Offer(sale.price_cents)  # no lower than every price of the last 30 days: no reduction
    return Offer(sale.price_cents, price_cents, prior_price_cents, last_day_of(sale))


def last_day_of(sale: Sale) -> date:
    """The last Vilnius day a sale is in force (it ends at the start of the next)."""
    return (sale.ends_at - timedelta(microseconds=1)).astimezone(VILNIUS).date()


class PriceKind(enum.StrEnum):
    REGULAR = "regular"  # from `starts_at` the regular price is `price_cents`
    SALE = "sale"  # a sale at `price_cents` from `starts_at` until `ends_at`, replacing any sale set before
    SALE_STOPPED = "sale_stopped"  # from `starts_at` no sale (one running or to come was taken off)


class PriceChange(Base):
    """One change of a variant's prices, kept for ever: what, from when, recorded when, by whom.

    The price in force at any past moment follows from these rows alone (`price_in_force`): the regular
    price last recorded by then, unless the sale last recorded by then covers the moment. The SKU is kept
    so that the history of a variant taken off its listing still says which it was.
    """

    __tablename__ = "price_changes"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_cents_not_negative"),
        CheckConstraint(
            "(kind = 'sale' AND ends_at IS NOT NULL AND starts_at < ends_at)"
            " OR (kind <> 'sale' AND ends_at IS NULL)",
            name="only_a_sale_ends",
        ),
        Index("ix_price_changes_variant_id_recorded_at", "variant_id", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id", ondelete="SET NULL"))
    sku: Mapped[str] = mapped_column(String(64))
    kind: Mapped[PriceKind] = mapped_column(enum_column_type(PriceKind, "price_kind"))
    price_cents: Mapped[int]  #: EUR cents: the regular price, the sale price, or (sale stopped) the regular
    starts_at: Mapped[datetime]  #: from when it applies
    ends_at: Mapped[datetime | None]  #: a sale's end (the first moment it no longer applies)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    changed_by: Mapped[User | None] = relationship()
    variant: Mapped[Variant | None] = relationship()

    @property
    def last_day(self) -> date | None:
        """A sale's last Vilnius day."""
        return (
            None
            if self.ends_at is None
            else last_day_of(Sale(self.price_cents, self.starts_at, self.ends_at))
        )


#: How far back the lowest price before a reduction is looked for (Art. 6a(2) of Directive 98/6/EC).
PRIOR_PRICE_DAYS = 30


def price_in_force(changes: Sequence[PriceChange], moment: datetime) -> int | None:
    """The price in force at `moment` by the history `changes` (in the order recorded), or None when no
    price had been set by then."""
    regular: int | None = None
    sale: PriceChange | None = None
    for change in changes:
        if change.recorded_at > moment:
            break
        if change.kind is PriceKind.REGULAR:
            regular = change.price_cents
        else:
            sale = change
    if regular is None:
        return None
    if (
        sale is not None
        and sale.kind is PriceKind.SALE
        and sale.ends_at is not None
        and sale.starts_at <= moment < sale.ends_at
    ):
        return sale.price_cents
    return regular


def lowest_price_before(changes: Sequence[PriceChange], start: datetime) -> int | None:
    """The lowest price in force at any moment of the 30 (Vilnius) days before `start`, by the history
    `changes` (in the order recorded); None when no price was in force at all in those days."""
    window_start = (start.astimezone(VILNIUS) - timedelta(days=PRIOR_PRICE_DAYS)).astimezone(UTC)
    moments = {window_start}  # the price is the same between two changes: try each change's moment
    for change in changes:
        for moment in (change.recorded_at, change.starts_at, change.ends_at):
            if moment is not None and window_start < moment < start:
                moments.add(moment)
    prices = [price_in_force(changes, moment) for moment in sorted(moments)]
    return min((price for price in prices if price is not None), default=None)


_PRICE_ACTOR = "price_actor"  #: `InstanceState.info` key: who changes the prices (`Variant.set_prices`)
_PRICE_MOMENT = "price_moment"  #: …and when, if not now


def _before_and_now(variant: Variant, name: str) -> tuple[Any, Any]:
    """An attribute's value before this flush's changes (None for a new row) and now."""
    history = inspect(variant).attrs[name].history
    now = getattr(variant, name)
    if not history.added:
        return now, now
    return (history.deleted[0] if history.deleted else None), now


def _price_changes_of(variant: Variant, now: datetime) -> list[PriceChange]:
    """The rows this flush must add to the history for `variant`."""
    state = inspect(variant)
    by: User | None = state.info.pop(_PRICE_ACTOR, None)
    at: datetime = state.info.pop(_PRICE_MOMENT, None) or now
    regular_before, regular = _before_and_now(variant, "price_cents")
    sale_before = tuple(_before_and_now(variant, name)[0] for name in _SALE_COLUMNS)
    sale_now = tuple(getattr(variant, name) for name in _SALE_COLUMNS)
    rows = []
    if state.key is None or regular_before != regular:
        rows.append(PriceChange(kind=PriceKind.REGULAR, price_cents=regular, starts_at=at))
    if sale_before != sale_now:
        sale = variant.sale
        if sale is not None:
            rows.append(
                PriceChange(
                    kind=PriceKind.SALE,
                    price_cents=sale.price_cents,
                    starts_at=sale.starts_at,
                    ends_at=sale.ends_at,
                )
            )
        elif sale_before[0] is not None and sale_before[2] is not None and sale_before[2] > at:
            # taken off while running or before it began; a sale already over changes no price
            rows.append(PriceChange(kind=PriceKind.SALE_STOPPED, price_cents=regular, starts_at=at))
    for row in rows:
        row.variant, row.sku, row.recorded_at, row.changed_by = variant, variant.sku, at, by
    return rows


_SALE_COLUMNS = ("sale_price_cents", "sale_starts_at", "sale_ends_at")


def _recorded_changes(session: Session, variant: Variant) -> list[PriceChange]:
    if variant.id is None:
        return []
    with session.no_autoflush:
        return list(
            session.scalars(
                select(PriceChange)
                .where(PriceChange.variant_id == variant.id)
                .order_by(PriceChange.recorded_at, PriceChange.id)
            )
        )


@event.listens_for(Session, "before_flush")
def _record_price_changes(session: Session, _context: object, _instances: object) -> None:
    """Every change of a variant's prices, whoever makes it, goes into the history with it, and the
    lowest price before its sale is worked out again from that history."""
    now = utcnow()
    variants: Iterable[Any] = (*session.new, *session.dirty)
    for variant in [obj for obj in variants if isinstance(obj, Variant)]:
        rows = _price_changes_of(variant, now)
        session.add_all(rows)
        sale = variant.sale
        if sale is None:
            if variant.prior_price_cents is not None:  # a sale over and cleared changes no price
                variant.prior_price_cents = None
        elif rows:
            history = sorted([*_recorded_changes(session, variant), *rows], key=lambda row: row.recorded_at)
            variant.prior_price_cents = lowest_price_before(history, sale.starts_at)


class ProductImage(Base):
    """A photo of a product; the files are renditions named by `key` (see catalogue.images)."""

    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(String(64))  #: content hash of the cleaned image
    width: Mapped[int]  #: pixels of the largest rendition
    height: Mapped[int]
    alt_lt: Mapped[str] = mapped_column(String(250), default="")
    alt_en: Mapped[str] = mapped_column(String(250), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship(back_populates="images")


class SearchCount(Base):
    """How often one folded query was searched in the storefront on one day (Vilnius), and how many products
    it found the last time: a counter, with nothing of who searched."""

    __tablename__ = "search_counts"
    __table_args__ = (
        CheckConstraint("searches > 0", name="searches_positive"),
        CheckConstraint("found >= 0", name="found_not_negative"),
    )

    query: Mapped[str] = mapped_column(String(100), primary_key=True)  #: folded, words joined by one space
    day: Mapped[date] = mapped_column(primary_key=True, index=True)  #: in Vilnius
    searches: Mapped[int] = mapped_column(default=1)
    found: Mapped[int] = mapped_column(default=0)  #: products found by the day's last search


_SEARCHED_COLUMNS: Final = {
    Product: ("name_lt", "name_en", "description_lt", "description_en", "category_id", "community_id"),
    Category: ("name_lt", "name_en"),
    Community: ("name", "city"),
    Variant: ("name_lt", "name_en"),
}


@event.listens_for(Session, "before_flush")
def _refresh_search_terms(session: Session, _context: object, _instances: object) -> None:
    """Keep every new or changed product searchable, whoever changed it: its own texts, its variants'
    names, and the names of its category and community."""
    products: dict[int, Product] = {}
    categories, communities = [], []
    for obj in (*session.new, *session.dirty, *session.deleted):
        columns = _SEARCHED_COLUMNS.get(type(obj))
        if columns is None:
            continue
        state = inspect(obj)
        changed = (
            obj in session.new
            or obj in session.deleted
            or any(state.attrs[column].history.has_changes() for column in columns)
        )
        if not changed:
            continue  # a product's status or a variant's stock changed: what it is found by did not
        if isinstance(obj, Product):
            if obj not in session.deleted:
                products[id(obj)] = obj
        elif isinstance(obj, Variant) and obj.product is not None:
            products[id(obj.product)] = obj.product
        elif isinstance(obj, Category) and obj.id is not None:
            categories.append(obj.id)
        elif isinstance(obj, Community) and obj.id is not None:
            communities.append(obj.id)
    if categories or communities:
        for product in session.scalars(
            select(Product)
            .where(Product.category_id.in_(categories) | Product.community_id.in_(communities))
            .options(selectinload(Product.variants), selectinload(Product.search_terms))  # not one by one
        ):
            products[id(product)] = product
    for product in products.values():
        if product not in session.deleted:
            product.refresh_search_terms(session)


# The storefront's fragments are drawn from these (`shop.caching`): a change renews their token.
caching.watch("catalogue", Product, Variant, ProductImage, Category)
