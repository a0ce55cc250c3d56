"""Product safety (GPSR, Reg. (EU) 2023/988): the VVG's product types with their warning templates, the
warning a listing starts from, and the listings on sale that still lack what product safety needs.

A listing keeps its own copy of its warning: a type's template is where a listing's warning starts (an
empty warning takes it when the listing is saved), so a change of template changes only the listings
written or re-typed afterwards, never the words a listing already shows. What a listing needs before it
goes on sale is `Product.missing_for_sale()`; `catalogue.listings` and `catalogue.moderation` hold to it.

Listings that were on sale before product types existed stay on sale; they are flagged to their community
(the listing table and page) and to staff (`list_on_sale_missing_safety`) until they are complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from catalogue.errors import ProductTypeNameTaken, ProductTypeNotFound
from catalogue.models import MissingForSale, Product, ProductStatus, ProductType
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
    each lacks; by community, oldest first."""
    products = db.session.scalars(
        select(Product)
        .join(Product.community)
        .where(Product.status == ProductStatus.ACTIVE, Community.is_active.is_(True))
        .options(
            joinedload(Product.community),
            selectinload(Product.images),
            selectinload(Product.product_type),
        )
        .order_by(Community.name, Product.created_at, Product.id)
    ).all()
    return [(product, missing) for product in products if (missing := product.missing_for_sale())]


def count_on_sale_missing_safety() -> int:
    """How many listings `list_on_sale_missing_safety` lists (the back office's dashboard shows it)."""
    return len(list_on_sale_missing_safety())


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
