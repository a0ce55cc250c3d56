"""Categories, product types, products, their variants and their images."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from catalogue.fairs.models import Fair, FairInvitation, FairProduct
from catalogue.models import Category, Product, ProductImage, ProductStatus, ProductType, Variant
from producers.models import Community
from shop.db import db, utcnow
from tests.factories import unique
from tests.factories.producers import make_community

_EPOCH = utcnow() - timedelta(days=30)


def make_category(**overrides: Any) -> Category:
    n = unique()
    values: dict[str, Any] = {
        "slug": f"category-{n}",
        "name_lt": f"Kategorija {n}",
        "name_en": f"Category {n}",
    }
    category = Category(**{**values, **overrides})
    db.session.add(category)
    db.session.commit()
    return category


def make_product_type(**overrides: Any) -> ProductType:
    """A product type; by default one that needs a warning, with its templates."""
    n = unique()
    values: dict[str, Any] = {
        "name_lt": f"Tipas {n}",
        "name_en": f"Type {n}",
        "is_warning_required": True,
        "warning_lt": "Netinka vaikams iki 3 metų. Yra smulkių dalių, kurias galima praryti.",
        "warning_en": "Not suitable for children under 3 years. Contains small parts.",
        "position": n,
    }
    product_type = ProductType(**{**values, **overrides})
    db.session.add(product_type)
    db.session.commit()
    return product_type


def make_variant(**overrides: Any) -> Variant:
    n = unique()
    values: dict[str, Any] = {"sku": f"SKU-{n}", "price_cents": 450, "stock": 5, "weight_grams": 20}
    return Variant(**{**values, **overrides})


def make_images(n: int, count: int) -> list[ProductImage]:
    """`count` square photos for the product numbered `n` (their keys name no real file)."""
    return [
        ProductImage(
            position=i, key=f"{n:016x}{i:016x}", width=1280, height=1280, alt_lt="Nuotrauka", alt_en="Photo"
        )
        for i in range(count)
    ]


def make_product(
    community: Community | None = None,
    category: Category | None = None,
    *,
    variants: list[Variant] | None = None,
    images: int = 0,
    commit: bool = True,
    ready: bool = False,
    **overrides: Any,
) -> Product:
    """A product (on sale unless `status` says otherwise). `ready`: with everything product safety needs —
    a photo, a product type that requires a warning, and its warning in both languages."""
    n = unique()
    if ready:
        images = max(images, 1)
        if "product_type" not in overrides:
            overrides["product_type"] = make_product_type()
        overrides.setdefault("safety_notes_lt", overrides["product_type"].warning_lt)
        overrides.setdefault("safety_notes_en", overrides["product_type"].warning_en)
    values: dict[str, Any] = {
        "slug": f"product-{n}",
        "name_lt": f"Gaminys {n}",
        "name_en": f"Product {n}",
        "description_lt": "Rankų darbo gaminys.",
        "description_en": "A handmade thing.",
        "status": ProductStatus.ACTIVE,
        "created_at": _EPOCH + timedelta(seconds=n),  # made later = newer
    }
    product = Product(
        community=community or make_community(),
        category=category or make_category(),
        **{**values, **overrides},
    )
    product.variants = variants if variants is not None else [make_variant()]
    product.images = make_images(n, images)
    db.session.add(product)
    if commit:
        db.session.commit()
    return product


def make_fair(
    *,
    opens_at: datetime,
    closes_at: datetime,
    communities: Sequence[Community] = (),
    opted_in: bool = True,
    products: Sequence[Product] = (),
    **overrides: Any,
) -> Fair:
    """A fair (committed) with `communities` invited (and opted in, unless `opted_in` is False) and
    `products` shown in the order given."""
    number = unique()
    fair = Fair(
        slug=overrides.pop("slug", f"muge-{number}"),
        name_lt=overrides.pop("name_lt", f"Mugė {number}"),
        name_en=overrides.pop("name_en", f"Fair {number}"),
        opens_at=opens_at,
        closes_at=closes_at,
        **overrides,
    )
    for community in communities:
        fair.invitations.append(
            FairInvitation(
                community_id=community.id, opted_in_at=opens_at - timedelta(days=1) if opted_in else None
            )
        )
    for position, product in enumerate(products):
        fair.products.append(FairProduct(product_id=product.id, position=position))
    db.session.add(fair)
    db.session.commit()
    return fair
