"""The VVG's review of listings: what waits for it, approving one, returning one with a reason (mailed to
the community). Every decision is audit-logged. A listing is approved only when product safety has all it
needs (`Product.missing_for_sale()`); the review queue shows what is missing. `reviewed_content` is what the
VVG checks: a change to it sends an untrusted community's listing back to the queue."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import astuple
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from catalogue.errors import ListingNotFound, NotReadyForSale
from catalogue.models import Product, ProductStatus, Variant
from shop import audit, outbox
from shop.db import db, transaction
from shop.models import User


def list_waiting_for_review() -> Sequence[Product]:
    return db.session.scalars(
        select(Product)
        .where(Product.status == ProductStatus.PENDING_REVIEW)
        .options(
            joinedload(Product.community),
            selectinload(Product.variants),
            selectinload(Product.images),
            selectinload(Product.product_type),
        )
        .order_by(Product.updated_at)
    ).all()


def approve_listing(product_id: int, *, by: User | None) -> Product:
    """On sale, if product safety has all it needs (`NotReadyForSale` otherwise, nothing changed)."""
    with transaction():
        product = db.session.get(Product, product_id)
        if product is None:
            raise ListingNotFound(product_id)
        if product.status is ProductStatus.PENDING_REVIEW:
            if missing := product.missing_for_sale():
                raise NotReadyForSale(product.id, missing, ProductStatus.ACTIVE)
            product.move_to(ProductStatus.ACTIVE)
            product.review_note = ""
            audit.record(
                "listing.approve",
                "product",
                product.id,
                by=by,
                before={"status": ProductStatus.PENDING_REVIEW},
                after={"status": ProductStatus.ACTIVE},
            )
    return product


def reject_listing(product_id: int, *, reason: str, by: User | None) -> Product:
    """Sent back to the community as a draft, with the VVG's reason shown on it and mailed to it."""
    message = None
    with transaction():
        product = db.session.get(Product, product_id)
        if product is None:
            raise ListingNotFound(product_id)
        if product.status is ProductStatus.PENDING_REVIEW:
            product.move_to(ProductStatus.DRAFT)
            product.review_note = reason.strip()[:2000]
            audit.record(
                "listing.send_back",
                "product",
                product.id,
                by=by,
                before={"status": ProductStatus.PENDING_REVIEW},
                after={"status": ProductStatus.DRAFT, "reason": product.review_note},
            )
            message = outbox.enqueue(
                dedup_key=f"listing-returned:{product.id}:{secrets.token_hex(4)}",
                recipient=product.community.email,
                template="catalogue/listing_returned",
                language="lt",  # communities work in Lithuanian
                context={"product": product},
            )
    outbox.send_now([message])
    return product


def listing_name(product_id: int) -> str:
    """The listing's Lithuanian name, as staff read it in messages ("" if there is none)."""
    return db.session.scalar(select(Product.name_lt).where(Product.id == product_id)) or ""


def reviewed_content(product: Product, now: datetime) -> tuple[object, ...]:
    """What the VVG checks: category, texts in both languages, the product type and its warnings, and prices,
    a sale not yet over included (stock, photos and weights are the community's)."""

    def sale(variant: Variant) -> tuple[object, ...]:
        current = variant.sale
        return astuple(current) if current is not None and now < current.ends_at else ()

    return (
        product.category_id,
        product.name_lt,
        product.name_en,
        product.description_lt,
        product.description_en,
        product.product_type_id,
        product.safety_notes_lt,
        product.safety_notes_en,
        tuple(sorted((v.name_lt, v.name_en, v.price_cents, sale(v)) for v in product.variants)),
    )
