"""Typed builders that commit real rows; each takes overrides for what a test cares about."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from catalogue.models import Category, Product, ProductImage, ProductStatus, Variant
from producers.models import Community, DeliveryMethod, Membership, ShippingOption
from shop.db import db, utcnow
from shop.models import User
from shop.passwords import hash_password

_numbers = itertools.count(1)
_EPOCH = utcnow() - timedelta(days=30)


def _next() -> int:
    return next(_numbers)


def make_community(**overrides: Any) -> Community:
    n = _next()
    values: dict[str, Any] = {
        "slug": f"community-{n}",
        "name": f"Bendruomenė {n}",
        "legal_name": f"Asociacija „Bendruomenė {n}“",
        "registration_code": f"30{n:07d}",
        "district": "Kėdainių r. sav.",
        "address_line": f"Liepų g. {n}, Kaimas",
        "postal_code": "LT-58001",
        "city": "Kaimas",
        "email": f"info{n}@example.org",
        "phone": "+370 600 00000",
        "story_lt": "Mūsų bendruomenė kuria rankų darbo atvirukus.",
        "story_en": "Our community makes handmade cards.",
    }
    community = Community(**{**values, **overrides})
    community.shipping_options = [
        ShippingOption(
            method=DeliveryMethod.PICKUP, fee_cents=0, pickup_address="Liepų g. 1, Kaimas", position=0
        ),
        ShippingOption(method=DeliveryMethod.OMNIVA, fee_cents=299, position=1),
        ShippingOption(method=DeliveryMethod.COURIER, fee_cents=599, position=2),
    ]
    db.session.add(community)
    db.session.commit()
    return community


def make_category(**overrides: Any) -> Category:
    n = _next()
    values: dict[str, Any] = {
        "slug": f"category-{n}",
        "name_lt": f"Kategorija {n}",
        "name_en": f"Category {n}",
    }
    category = Category(**{**values, **overrides})
    db.session.add(category)
    db.session.commit()
    return category


def make_variant(**overrides: Any) -> Variant:
    n = _next()
    values: dict[str, Any] = {"sku": f"SKU-{n}", "price_cents": 450, "stock": 5, "weight_grams": 20}
    return Variant(**{**values, **overrides})


def make_product(
    community: Community | None = None,
    category: Category | None = None,
    *,
    variants: list[Variant] | None = None,
    images: int = 0,
    commit: bool = True,
    **overrides: Any,
) -> Product:
    n = _next()
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
    product.images = [
        ProductImage(
            position=i, key=f"{n:016x}{i:016x}", width=1280, height=1280, alt_lt="Nuotrauka", alt_en="Photo"
        )
        for i in range(images)
    ]
    db.session.add(product)
    if commit:
        db.session.commit()
    return product


_PASSWORD_HASH = hash_password("demo-password")  # hashing is slow on purpose; tests share one


def make_user(community: Community | None = None, **overrides: Any) -> User:
    """A user with password "demo-password"; a member of `community` if given."""
    n = _next()
    values: dict[str, Any] = {
        "email": f"user{n}@example.org",
        "name": f"User {n}",
        "password_hash": _PASSWORD_HASH,
    }
    user = User(**{**values, **overrides})
    db.session.add(user)
    if community is not None:
        db.session.add(Membership(user=user, community=community))
    db.session.commit()
    return user


def make_operator() -> None:
    from shop.models import Operator

    db.session.add(
        Operator(
            name="Kėdainių rajono vietos veiklos grupė",
            registration_code="300619429",
            address="Pirmūnų g. 13A, 57214 Kėdainiai",
            email="info@vvg.example.org",
            phone="+370 347 51234",
            iban="LT207300010112345678",
        )
    )
    db.session.commit()
