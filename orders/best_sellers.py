"""The running best sellers: what customers bought most lately, offered when a search finds nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from catalogue.browsing import ProductCard, list_visible_products
from catalogue.models import Variant
from orders.models import Fulfilment, Order, OrderLine
from shop.db import db, utcnow

WEEKS = 4  #: how far back "running" looks


def list_best_sellers(limit: int = 4, *, weeks: int = WEEKS) -> list[ProductCard]:
    """The cards of the visible products most bought (units, lines not taken out) in orders paid in the last
    `weeks`."""
    units = func.sum(OrderLine.quantity)
    ids = db.session.scalars(
        select(Variant.product_id)
        .join(OrderLine, OrderLine.variant_id == Variant.id)
        .join(Fulfilment, OrderLine.fulfilment_id == Fulfilment.id)
        .join(Order, Fulfilment.order_id == Order.id)
        .where(Order.paid_at >= utcnow() - timedelta(weeks=weeks), OrderLine.cancelled_at.is_(None))
        .group_by(Variant.product_id)
        .order_by(units.desc(), Variant.product_id)
        .limit(limit * 3)  # some may be hidden now (sold out is fine: they still show)
    ).all()
    return list_visible_products(ids)[:limit]
