"""Categories, products, their variants (what is actually bought) and photos."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Final

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from producers.models import Community
from shop.db import Base, enum_column_type, utcnow
from shop.states import check_move
from shop.text import fold


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
    __table_args__ = (Index("ix_products_status_created_at", "status", "created_at"),)

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
    search_text: Mapped[str] = mapped_column(Text, default="")  #: folded texts, see catalogue.search
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    community: Mapped[Community] = relationship(back_populates="products")
    category: Mapped[Category] = relationship(back_populates="products")
    product_type: Mapped[ProductType | None] = relationship(back_populates="products")
    variants: Mapped[list[Variant]] = relationship(
        back_populates="product", order_by="Variant.position", cascade="all, delete-orphan"
    )
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", order_by="ProductImage.position", cascade="all, delete-orphan"
    )

    def move_to(self, to: ProductStatus) -> None:
        """Change status if the current one allows it."""
        check_move(PRODUCT_NEXT, self.status, to)
        self.status = to

    @property
    def min_price_cents(self) -> int:
        """The lowest price among the variants ("from 3,50 €")."""
        return min((variant.price_cents for variant in self.variants), default=0)

    @property
    def has_price_range(self) -> bool:
        """Whether the variants differ in price."""
        return len({variant.price_cents for variant in self.variants}) > 1

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

    def refresh_search_text(self) -> None:
        """Fold the product's own texts into `search_text`."""
        parts = (self.name_lt, self.name_en, self.description_lt, self.description_en)
        self.search_text = fold(" ".join(part or "" for part in parts))

    def __repr__(self) -> str:
        return f"<Product {self.slug}>"


class Variant(Base):
    """One buyable form of a product (single card / set of five, red / white) with its own price and stock."""

    __tablename__ = "variants"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_cents_not_negative"),
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

    product: Mapped[Product] = relationship(back_populates="variants")

    @property
    def is_available(self) -> bool:
        """Whether it can be ordered now."""
        return self.is_made_to_order or self.stock > 0


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


@event.listens_for(Session, "before_flush")
def _refresh_search_texts(session: Session, _context: object, _instances: object) -> None:
    """Keep every new or changed product searchable, whoever changed it."""
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Product):
            obj.refresh_search_text()
