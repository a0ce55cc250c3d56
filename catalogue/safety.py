"""Product safety (GPSR, Reg. (EU) 2023/988): the VVG's product types with their warning templates, the
warning a listing starts from, the listings on sale that still lack what product safety needs, the gate a
listing passes to go on sale or to the VVG (`publish`, `settle_after_change`), and the product codes
(SKU) that name each variant across the shop.

A listing keeps its own copy of its warning: a type's template is where a listing's warning starts (an
empty warning takes it when the listing is saved), so a change of template changes only the listings
written or re-typed afterwards, never the words a listing already shows. What a listing needs before it
goes on sale is `Product.missing_for_sale()`; `catalogue.listings` and `catalogue.moderation` hold to it.

Listings that were on sale before product types existed stay on sale; they are flagged to their community
(the listing table and page) and to staff (`list_on_sale_missing_safety`) until they are complete.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Protocol

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from catalogue.errors import NotReadyForSale, ProductTypeNameTaken, ProductTypeNotFound, SkuTaken
from catalogue.models import MissingForSale, Product, ProductImage, ProductStatus, ProductType, Variant
from producers.models import Community
from shop import audit
from shop.db import db, transaction
from shop.models import User


def clean_text(text: str) -> str:
    """Text from a form as stored: one kind of line break, no blank edges."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def prefilled_warning(
    text: str, chosen: ProductType | None, before: ProductType | None, language: str
) -> str:
    """A listing's safety warning in `language` as saved: an empty one takes the chosen type's template, and
    so does one that is still, word for word, the template of the type it had before (the member chose
    another type and has not written their own words). Anything else is the member's and is kept."""
    text = clean_text(text)
    if chosen is None:
        return text
    template = clean_text(getattr(chosen, f"warning_{language}"))
    if not text:
        return template
    if (
        before is not None
        and before is not chosen
        and text == clean_text(getattr(before, f"warning_{language}"))
    ):
        return template
    return text


@dataclass(frozen=True)
class ProductTypeInput:
    name_lt: str
    name_en: str
    is_warning_required: bool
    warning_lt: str  #: the template; "" when each listing writes its own
    warning_en: str


@dataclass(frozen=True)
class ProductTypeRow:
    """A line of the back office's list of product types."""

    product_type: ProductType
    listings: int  #: not archived


def list_product_types() -> Sequence[ProductType]:
    """Every product type, in the VVG's order (the listing form's choice)."""
    return db.session.scalars(
        select(ProductType).order_by(ProductType.position, ProductType.name_lt, ProductType.id)
    ).all()


def list_product_type_rows() -> list[ProductTypeRow]:
    """Every product type with how many listings (not archived) are of it."""
    used = (
        select(Product.product_type_id, func.count().label("n"))
        .where(Product.status != ProductStatus.ARCHIVED, Product.product_type_id.is_not(None))
        .group_by(Product.product_type_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ProductType, func.coalesce(used.c.n, 0))
        .outerjoin(used, used.c.product_type_id == ProductType.id)
        .order_by(ProductType.position, ProductType.name_lt, ProductType.id)
    ).all()
    return [ProductTypeRow(product_type, int(n)) for product_type, n in rows]


def get_product_type(product_type_id: int) -> ProductType:
    product_type = db.session.get(ProductType, product_type_id)
    if product_type is None:
        raise ProductTypeNotFound(product_type_id)
    return product_type


def create_product_type(data: ProductTypeInput, *, by: User | None) -> ProductType:
    """A new product type, last in the list; audit-logged."""
    with transaction():
        values = _clean(data)
        _check_name(values["name_lt"], None)
        last = db.session.scalar(select(func.max(ProductType.position)))
        product_type = ProductType(**values, position=(last or 0) + 1)
        db.session.add(product_type)
        _flush_name(values["name_lt"])
        audit.record("product_type.create", "product_type", product_type.id, by=by, after=values)
    return product_type


def update_product_type(product_type_id: int, data: ProductTypeInput, *, by: User | None) -> ProductType:
    """Change a type's names, whether it requires a warning, or its templates; the listings' own warnings
    stay as they are. Only the fields that changed are logged."""
    with transaction():
        product_type = db.session.scalars(
            select(ProductType).where(ProductType.id == product_type_id).with_for_update()
        ).first()
        if product_type is None:
            raise ProductTypeNotFound(product_type_id)
        values = _clean(data)
        _check_name(values["name_lt"], product_type.id)
        before = {
            key: getattr(product_type, key) for key in values if getattr(product_type, key) != values[key]
        }
        after = {key: values[key] for key in before}
        for key, value in after.items():
            setattr(product_type, key, value)
        _flush_name(values["name_lt"])
        if after:
            audit.record(
                "product_type.update", "product_type", product_type.id, by=by, before=before, after=after
            )
    return product_type


def list_on_sale_missing_safety() -> list[tuple[Product, tuple[MissingForSale, ...]]]:
    """Listings on sale (of communities switched on) that lack something product safety needs (listed
    before the rules, or made incomplete since by a change of their type or their community), with what
    each lacks; by community, oldest first.

    The database picks the listings that lack something (`_lacks_safety`), and `Product.missing_for_sale`,
    the one rule, says what for those few: over 10,000 listings the dashboard's count used to load every
    listing on sale with its photos to find none."""
    products = db.session.scalars(
        select(Product)
        .join(Product.community)
        .where(Product.status == ProductStatus.ACTIVE, Community.is_active.is_(True), _lacks_safety())
        .options(
            joinedload(Product.community),
            selectinload(Product.images),
            selectinload(Product.product_type),
        )
        .order_by(Community.name, Product.created_at, Product.id)
    ).all()
    return [(product, missing) for product in products if (missing := product.missing_for_sale())]


#: Every character `str.strip()` takes off (those `str.isspace()` calls white space): a text made of these
#: alone is blank to `Product.missing_for_sale`, and so to `_lacks_safety`.
_WHITESPACE = (
    "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _lacks_safety() -> ColumnElement[bool]:
    """SQL: the listing lacks what `Product.missing_for_sale` asks for: the same rule in SQL (a test holds the
    two together). A text is blank when nothing is left of it after its white space is taken off (`ltrim`
    with every such character works alike on both databases). Its community's maker details are looked at
    once per community, not once per listing."""

    def blank(column: SQLColumnExpression[str]) -> ColumnElement[bool]:
        return func.ltrim(column, _WHITESPACE) == ""

    maker = (Community.legal_name, Community.address_line, Community.postal_code, Community.district)
    return or_(
        Product.community_id.in_(
            select(Community.id).where(or_(*(blank(column) for column in (*maker, Community.email))))
        ),
        # (lists looked up by each listing, not a subquery run for each of them)
        Product.id.not_in(select(ProductImage.product_id)),
        Product.product_type_id.is_(None),
        and_(
            Product.product_type_id.in_(
                select(ProductType.id).where(ProductType.is_warning_required.is_(True))
            ),
            or_(blank(Product.safety_notes_lt), blank(Product.safety_notes_en)),
        ),
    )


def count_on_sale_missing_safety() -> int:
    """How many listings `list_on_sale_missing_safety` lists (the back office's dashboard shows it), counted
    by the database without loading them."""
    return int(
        db.session.scalar(
            select(func.count(Product.id))
            .join(Product.community)
            .where(Product.status == ProductStatus.ACTIVE, Community.is_active.is_(True), _lacks_safety())
        )
        or 0
    )


def _clean(data: ProductTypeInput) -> dict[str, Any]:
    values: dict[str, Any] = {field.name: getattr(data, field.name) for field in fields(data)}
    return {key: clean_text(value) if isinstance(value, str) else value for key, value in values.items()}


def _check_name(name: str, product_type_id: int | None) -> None:
    """No two types are called the same, whatever the case (compared here: SQLite's lower() knows no Ž)."""
    for other_id, other_name in db.session.execute(select(ProductType.id, ProductType.name_lt)):
        if other_id != product_type_id and other_name.casefold() == name.casefold():
            raise ProductTypeNameTaken(name)


def _flush_name(name: str) -> None:
    """Write now: a type saved at the same moment with the same name loses here, not with a 500."""
    try:
        db.session.flush()
    except IntegrityError:
        raise ProductTypeNameTaken(name) from None


# --- The gate: what a listing needs to go on sale or to the VVG ------------------------------------------


def published_status(community: Community) -> ProductStatus:
    """Where a complete listing goes: on sale for a trusted community, to the VVG otherwise."""
    return ProductStatus.ACTIVE if community.is_trusted else ProductStatus.PENDING_REVIEW


def publish(product: Product, community: Community) -> None:
    """Inside a transaction: the listing goes on sale (or to the VVG) if product safety has all it needs,
    `NotReadyForSale` otherwise."""
    published = published_status(community)
    missing = product.missing_for_sale()
    if missing:
        raise NotReadyForSale(product.id, missing, published)
    product.move_to(published)
    product.review_note = ""


def settle_after_change(
    product: Product, community: Community, *, missing_before: set[MissingForSale], changed: bool
) -> None:
    """Inside the transaction of a saved change: a draft or archived listing goes on sale (or to the VVG)
    once complete; a change an untrusted community's listing on sale makes to what the VVG checks
    (`changed`) sends it to the VVG, complete; and a listing on sale or waiting is never left without what
    it had (`NotReadyForSale` for either, so nothing is saved)."""
    missing = product.missing_for_sale()
    published = published_status(community)
    if product.status in {ProductStatus.DRAFT, ProductStatus.ARCHIVED}:
        if not missing:
            product.move_to(published)
    elif changed and not community.is_trusted and product.status is not published:  # waiting stays so
        if missing:
            raise NotReadyForSale(product.id, missing, published)
        product.move_to(published)
    elif taken_away := tuple(gap for gap in missing if gap not in missing_before):
        raise NotReadyForSale(product.id, taken_away, product.status)


# --- Product codes (SKU): unique across the shop, typed or made up -----------------------------------------


class SkuRow(Protocol):
    """A variant row as typed: its id (None: new), its product code, whether it is to be removed."""

    @property
    def id(self) -> int | None: ...
    @property
    def sku(self) -> str: ...
    @property
    def remove(self) -> bool: ...


def normal_sku(text: str) -> str:
    """A product code as stored: trimmed, in capitals."""
    return text.strip().upper()


def typed_skus(rows: Sequence[SkuRow], existing: dict[int, Variant]) -> dict[int, str]:
    """The product codes typed, by row: each unused by any other variant (`SkuTaken` otherwise)."""
    skus: dict[int, str] = {}
    for index, row in enumerate(rows):
        sku = normal_sku(row.sku)
        if not sku or row.remove:
            continue
        own = existing.get(row.id) if row.id is not None else None
        if sku in skus.values():
            raise SkuTaken(sku)
        if own is None or own.sku != sku:
            other = select(Variant.id).where(Variant.sku == sku)
            if own is not None:
                other = other.where(Variant.id != own.id)
            if db.session.scalar(other.limit(1)) is not None:
                raise SkuTaken(sku)
        skus[index] = sku
    return skus


def generated_sku(community: Community, product_id: int, taken: set[str]) -> str:
    """A product code no variant has: the community's first four letters, the listing's number and the
    variant's (`SLAP-000123-1`)."""
    prefix = re.sub(r"[^A-Z0-9]", "", community.slug.upper())[:4] or "KM"
    number = 1
    while True:
        sku = f"{prefix}-{product_id:06d}-{number}"
        if (
            sku not in taken
            and db.session.scalar(select(Variant.id).where(Variant.sku == sku).limit(1)) is None
        ):
            return sku
        number += 1


def flush_skus() -> None:
    """Write now: a product code another listing took at the same moment loses here, not with a 500."""
    try:
        db.session.flush()
    except IntegrityError as error:
        if "sku" not in str(error.orig).lower():
            raise
        raise SkuTaken("") from None
