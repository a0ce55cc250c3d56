"""Reading and changing communities."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from producers.models import Community
from shop.db import db


def list_active_communities() -> Sequence[Community]:
    """Communities with a shop, by name."""
    return db.session.scalars(
        select(Community).where(Community.is_active.is_(True)).order_by(Community.name)
    ).all()


def get_active_community(slug: str) -> Community | None:
    """An active community by its slug, or None."""
    return db.session.scalars(
        select(Community).where(Community.slug == slug, Community.is_active.is_(True))
    ).first()
