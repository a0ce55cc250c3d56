"""The shop's categories as the VVG keeps them: names (lt, en), the address in the shop (slug), the
descriptions, and whether a category holds greeting cards (a gift message is then written into the card,
not on a note in the parcel). Every addition and change is audit-logged with the fields that changed.
Categories are never deleted here: listings point at them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from catalogue.errors import CategoryNotFound, CategorySlugTaken
from catalogue.models import Category, Product, ProductStatus
from shop import audit
from shop.db import db, transaction
from shop.models import User


@dataclass(frozen=True)
class CategoryInput:
    name_lt: str
    name_en: str
    slug: str  #: small letters a–z, digits and dashes
    description_lt: str
    description_en: str
    holds_cards: bool


@dataclass(frozen=True)
class CategoryRow:
    """A line of the back office's list of categories."""

    category: Category
    listings: int  #: not archived


def list_category_rows() -> list[CategoryRow]:
    """Every category in the shop's order, with how many listings (not archived) are in it."""
    used = (
        select(Product.category_id, func.count().label("n"))
        .where(Product.status != ProductStatus.ARCHIVED)
        .group_by(Product.category_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Category, func.coalesce(used.c.n, 0))
        .outerjoin(used, used.c.category_id == Category.id)
        .order_by(Category.position, Category.name_lt, Category.id)
    ).all()
    return [CategoryRow(category, int(n)) for category, n in rows]


def get_category(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        raise CategoryNotFound(category_id)
    return category


def create_category(data: CategoryInput, *, by: User | None) -> Category:
    """A new category, last in the shop's order; audit-logged."""
    with transaction():
        values = _clean(data)
        _check_slug(values["slug"], None)
        last = db.session.scalar(select(func.max(Category.position)))
        category = Category(**values, position=(last or 0) + 1)
        db.session.add(category)
        _flush(values["slug"])
        audit.record("category.create", "category", category.id, by=by, after=values)
    return category


def update_category(category_id: int, data: CategoryInput, *, by: User | None) -> Category:
    """Change a category's names, address, descriptions or whether it holds cards; only the fields that
    changed are logged."""
    with transaction():
        category = db.session.scalars(
            select(Category).where(Category.id == category_id).with_for_update()
        ).first()
        if category is None:
            raise CategoryNotFound(category_id)
        values = _clean(data)
        _check_slug(values["slug"], category.id)
        before = {key: getattr(category, key) for key in values if getattr(category, key) != values[key]}
        after = {key: values[key] for key in before}
        for key, value in after.items():
            setattr(category, key, value)
        _flush(values["slug"])
        if after:
            audit.record("category.update", "category", category.id, by=by, before=before, after=after)
    return category


def _clean(data: CategoryInput) -> dict[str, Any]:
    values = asdict(data)
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    values["slug"] = values["slug"].lower()
    return values


def _check_slug(slug: str, category_id: int | None) -> None:
    holder = db.session.scalar(select(Category.id).where(Category.slug == slug))
    if holder is not None and holder != category_id:
        raise CategorySlugTaken(slug)


def _flush(slug: str) -> None:
    """Write now: a category saved at the same moment with the same address loses here, not with a 500."""
    try:
        db.session.flush()
    except IntegrityError:
        raise CategorySlugTaken(slug) from None
