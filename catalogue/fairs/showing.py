"""Fairs as customers see them: the one running now and the next one coming (for the home page), a fair's
page in each phase, its participants and what it showed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import joinedload, selectinload

from catalogue.fairs.models import Fair, FairInvitation, FairProduct
from catalogue.models import Product
from producers.models import Community
from shop.db import db


def current_fair(now: datetime) -> Fair | None:
    """The fair open at `now`, else the next one to open, or None: in one query, as fairs never overlap
    (the first fair not yet closed is the running one if it has opened)."""
    return db.session.scalars(
        select(Fair).where(Fair.closes_at > now).order_by(Fair.opens_at, Fair.id).limit(1)
    ).first()


def get_fair_by_slug(slug: str) -> Fair | None:
    return db.session.scalars(
        select(Fair).where(Fair.slug == slug).options(joinedload(Fair.theme_category))
    ).first()


def list_fair_slugs() -> Sequence[str]:
    """Every fair's slug, oldest first: each has a page in every phase (coming, running, ended), for
    sitemap.xml."""
    return db.session.scalars(select(Fair.slug).order_by(Fair.opens_at, Fair.id)).all()


def list_participants(fair: Fair) -> Sequence[Community]:
    """The communities taking part (invited, opted in, switched on), by name."""
    return db.session.scalars(
        select(Community)
        .join(FairInvitation, FairInvitation.community_id == Community.id)
        .where(
            FairInvitation.fair_id == fair.id,
            FairInvitation.opted_in_at.is_not(None),
            Community.is_active.is_(True),
        )
        .order_by(Community.name)
    ).all()


def shown_at(fair_id: int) -> ColumnElement[bool]:
    """SQL: the product (of a community taking part) is shown at the fair: chosen, not taken out."""
    return exists().where(
        FairProduct.fair_id == fair_id,
        FairProduct.product_id == Product.id,
        FairProduct.removed_at.is_(None),
        exists().where(
            and_(
                FairInvitation.fair_id == fair_id,
                FairInvitation.community_id == Product.community_id,
                FairInvitation.opted_in_at.is_not(None),
            )
        ),
    )


def list_shown_products(fair: Fair) -> Sequence[Product]:
    """What the fair showed, for its archive: names and photos, featured first then the staff's order
    (whatever their state in the catalogue today)."""
    rows = db.session.scalars(
        select(FairProduct)
        .join(FairProduct.product)
        .join(Product.community)
        .where(
            FairProduct.fair_id == fair.id, FairProduct.removed_at.is_(None), Community.is_active.is_(True)
        )
        .options(
            joinedload(FairProduct.product).options(
                joinedload(Product.community), selectinload(Product.images)
            )
        )
        .order_by(FairProduct.is_featured.desc(), FairProduct.position, FairProduct.id)
    ).all()
    return [row.product for row in rows]
