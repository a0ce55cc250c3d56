"""Reading the catalogue: the storefront's lists, filters, search and product pages."""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from catalogue.models import Category, Product, ProductStatus, Variant
from catalogue.search import query_words
from producers.communities import shows_products_today
from producers.models import Community
from shop.db import db, utcnow
from shop.pagination import Page


class Sort(enum.StrEnum):
    RECOMMENDED = "recommended"  # featured first, then newest
    NEWEST = "newest"
    PRICE_ASC = "price_asc"  # by the lowest variant price in force (a sale's while it runs)
    PRICE_DESC = "price_desc"


@dataclass(frozen=True)
class CatalogueFilter:
    """What a customer asked the catalogue for; every field is optional."""

    query: str = ""
    category_slug: str | None = None
    community_slug: str | None = None
    min_price_cents: int | None = None
    max_price_cents: int | None = None
    in_stock: bool = False  # only products with a variant ready to ship now
    sort: Sort = Sort.RECOMMENDED


def price_in_force(now: datetime) -> ColumnElement[int]:
    """A variant's price at `now` in SQL, as `Variant.offer(now).price_cents` works it out: the sale price
    while its sale runs, else the regular price."""
    on_sale = and_(
        Variant.sale_price_cents.is_not(None), Variant.sale_starts_at <= now, Variant.sale_ends_at > now
    )
    return case((on_sale, Variant.sale_price_cents), else_=Variant.price_cents)


def _visible_products() -> Select[Product]:
    """Products a customer may see: active, of an active community not hiding them for its holidays."""
    return (
        select(Product)
        .join(Product.community)
        .where(
            Product.status == ProductStatus.ACTIVE,
            shows_products_today(),
        )
    )


def _with_cards(statement: Select[Product]) -> Select[Product]:
    """Load what a product card shows in a fixed number of queries, whatever the number of cards."""
    return statement.options(
        contains_eager(Product.community), selectinload(Product.variants), selectinload(Product.images)
    )


def list_products(filters: CatalogueFilter, *, page: int, per_page: int) -> Page[Product]:
    """One page of the catalogue matching `filters`; a page out of range shows the nearest real page."""
    statement = _visible_products()
    if filters.category_slug:
        statement = statement.where(Product.category.has(Category.slug == filters.category_slug))
    if filters.community_slug:
        statement = statement.where(Community.slug == filters.community_slug)
    for word in query_words(filters.query):
        statement = statement.where(Product.search_text.contains(word, autoescape=True))
    price = price_in_force(utcnow())
    if filters.min_price_cents is not None or filters.max_price_cents is not None:
        in_range = Variant.product_id == Product.id
        if filters.min_price_cents is not None:
            in_range &= price >= filters.min_price_cents
        if filters.max_price_cents is not None:
            in_range &= price <= filters.max_price_cents
        statement = statement.where(exists().where(in_range))
    if filters.in_stock:
        statement = statement.where(exists().where(Variant.product_id == Product.id, Variant.stock > 0))

    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    number = min(max(page, 1), pages)

    min_price = select(func.min(price)).where(Variant.product_id == Product.id).scalar_subquery()
    order = {
        Sort.RECOMMENDED: (Product.is_featured.desc(), Product.created_at.desc(), Product.id.desc()),
        Sort.NEWEST: (Product.created_at.desc(), Product.id.desc()),
        Sort.PRICE_ASC: (min_price.asc(), Product.id.asc()),
        Sort.PRICE_DESC: (min_price.desc(), Product.id.desc()),
    }[filters.sort]
    items = db.session.scalars(
        _with_cards(statement).order_by(*order).limit(per_page).offset((number - 1) * per_page)
    ).all()
    return Page(items=items, number=number, size=per_page, total=total)


def list_featured_products(limit: int = 8) -> Sequence[Product]:
    """The products the VVG puts on the home page, newest first."""
    statement = _visible_products().where(Product.is_featured.is_(True))
    statement = _with_cards(statement).order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
    return db.session.scalars(statement).all()


def get_product(slug: str) -> Product | None:
    """A visible product with everything its page shows, or None."""
    statement = (
        _visible_products()
        .where(Product.slug == slug)
        .options(
            contains_eager(Product.community),
            joinedload(Product.category),
            joinedload(Product.product_type),
            selectinload(Product.variants),
            selectinload(Product.images),
        )
    )
    return db.session.scalars(statement).first()


def list_categories() -> Sequence[Category]:
    """Every category, in the VVG's order."""
    return db.session.scalars(select(Category).order_by(Category.position, Category.id)).all()


def count_products_by_category() -> dict[int, int]:
    """How many visible products each category holds (for the home page and the filters)."""
    rows = db.session.execute(
        select(Product.category_id, func.count(Product.id))
        .join(Product.community)
        .where(
            Product.status == ProductStatus.ACTIVE,
            shows_products_today(),
        )
        .group_by(Product.category_id)
    ).all()
    return {category_id: count for category_id, count in rows}


def list_sitemap_entries() -> list[tuple[str, datetime]]:
    """(slug, updated_at) of every visible product, for sitemap.xml."""
    rows = db.session.execute(
        select(Product.slug, Product.updated_at)
        .join(Product.community)
        .where(
            Product.status == ProductStatus.ACTIVE,
            shows_products_today(),
        )
        .order_by(Product.id)
    ).all()
    return [(slug, updated_at) for slug, updated_at in rows]


def list_visible_products(ids: Sequence[int]) -> list[Product]:
    """The visible ones of the products `ids`, ready for product cards, in the order of `ids`."""
    if not ids:
        return []
    found = {
        product.id: product
        for product in db.session.scalars(_with_cards(_visible_products().where(Product.id.in_(ids))))
    }
    return [found[id_] for id_ in ids if id_ in found]
