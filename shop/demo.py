"""The demo shop: the VVG, six communities, their products with photos drawn here, and demo accounts.

Idempotent: every row is found by its natural key (slug, SKU, e-mail) and created only if missing;
nothing that exists is changed, so running it again, or after someone edited the demo, changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from catalogue.images import process_image, store_image
from catalogue.models import Category, Product, ProductImage, ProductStatus, Variant
from producers.models import Community, Membership
from shop import demo_art, demo_data
from shop.db import db, transaction, utcnow
from shop.media import MediaStorage
from shop.models import Operator, User
from shop.passwords import hash_password

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed for everyone on purpose; demo seed only
STAFF_EMAIL = "vvg@example.org"


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str]] = field(default_factory=list)
    skipped: bool = False

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1

    def summary(self) -> str:
        if self.skipped:
            return "The shop already has data; the demo was not loaded."
        if not self.created:
            return "The demo data is already complete; nothing was added."
        return "Added: " + ", ".join(f"{count} {what}" for what, count in self.created.items()) + "."


def seed_demo(
    storage: MediaStorage, *, if_empty: bool = False, progress: Callable[[str], None] = lambda _m: None
) -> SeedReport:
    """Create whatever part of the demo shop is missing, in one transaction."""
    report = SeedReport()
    if if_empty and db.session.scalar(select(func.count(Community.id))):
        report.skipped = True
    else:
        with transaction():
            _seed_operator(report)
            categories = _seed_categories(report)
            communities = _seed_communities(report)
            _seed_accounts(communities, report)
            _seed_products(storage, categories, communities, report, progress)
    report.accounts = _demo_accounts()
    return report


def _seed_operator(report: SeedReport) -> None:
    if db.session.scalar(select(Operator.id).limit(1)) is None:
        db.session.add(Operator(**demo_data.VVG))
        report.count("operator")


def _seed_categories(report: SeedReport) -> dict[str, Category]:
    existing = {c.slug: c for c in db.session.scalars(select(Category))}
    for position, demo in enumerate(demo_data.CATEGORIES):
        if demo.slug not in existing:
            category = Category(
                slug=demo.slug,
                name_lt=demo.name_lt,
                name_en=demo.name_en,
                description_lt=demo.description_lt,
                description_en=demo.description_en,
                position=position,
            )
            db.session.add(category)
            existing[demo.slug] = category
            report.count("categories")
    return existing


def _seed_communities(report: SeedReport) -> dict[str, Community]:
    existing = {c.slug: c for c in db.session.scalars(select(Community))}
    for demo in demo_data.COMMUNITIES:
        if demo.slug not in existing:
            community = Community(
                slug=demo.slug,
                name=demo.name,
                legal_name=demo.legal_name,
                registration_code=demo.registration_code,
                address_line=demo.address_line,
                postal_code=demo.postal_code,
                city=demo.city,
                district=demo.district,
                email=demo.email,
                phone=demo.phone,
                is_vat_payer=demo.is_vat_payer,
                story_lt=demo.story_lt,
                story_en=demo.story_en,
            )
            db.session.add(community)
            existing[demo.slug] = community
            report.count("communities")
    return existing


def _seed_accounts(communities: dict[str, Community], report: SeedReport) -> None:
    wanted: list[tuple[str, str, Community | None]] = [(STAFF_EMAIL, "VVG", None)]
    for demo in demo_data.COMMUNITIES:
        wanted.append((f"{demo.slug}@example.org", communities[demo.slug].name, communities[demo.slug]))
    existing = set(db.session.scalars(select(User.email)))
    for email, name, community in wanted:
        if email in existing:
            continue
        user = User(
            email=email, name=name, password_hash=hash_password(DEMO_PASSWORD), is_staff=community is None
        )
        db.session.add(user)
        if community is not None:
            db.session.add(Membership(user=user, community=community))
        report.count("accounts")


def _seed_products(
    storage: MediaStorage,
    categories: dict[str, Category],
    communities: dict[str, Community],
    report: SeedReport,
    progress: Callable[[str], None],
) -> None:
    existing = set(db.session.scalars(select(Product.slug)))
    palettes = {demo.slug: demo.palette for demo in demo_data.COMMUNITIES}
    now = utcnow()
    # Spread the products over the past weeks, in the demo's order, so that "newest" means something.
    missing = [(age, demo) for age, demo in enumerate(demo_data.PRODUCTS) if demo.slug not in existing]
    for number, (age, demo) in enumerate(missing, start=1):
        progress(f"Drawing photos of {demo.name_en or demo.name_lt} ({number}/{len(missing)})")
        product = Product(
            community=communities[demo.community_slug],
            category=categories[demo.category_slug],
            slug=demo.slug,
            name_lt=demo.name_lt,
            name_en=demo.name_en,
            description_lt=demo.description_lt,
            description_en=demo.description_en,
            safety_notes_lt=demo.safety_notes_lt,
            status=ProductStatus.ACTIVE,
            is_featured=demo.is_featured,
            created_at=now - timedelta(hours=7 * age),
        )
        for position, variant in enumerate(demo.variants):
            product.variants.append(
                Variant(
                    sku=variant.sku,
                    name_lt=variant.name_lt,
                    name_en=variant.name_en,
                    price_cents=variant.price_cents,
                    stock=variant.stock,
                    is_made_to_order=variant.is_made_to_order,
                    lead_days=variant.lead_days,
                    weight_grams=variant.weight_grams,
                    position=position,
                )
            )
        for position in range(demo.image_count):
            drawing = demo_art.draw_product_image(
                demo.motif, palettes[demo.community_slug], variant=position, seed=demo.slug
            )
            upload = io.BytesIO()
            drawing.save(upload, "JPEG", quality=92)  # what a community member's phone would send
            processed = process_image(upload.getvalue())
            store_image(storage, processed)
            product.images.append(
                ProductImage(
                    position=position,
                    key=processed.key,
                    width=processed.width,
                    height=processed.height,
                    alt_lt=demo.name_lt,
                    alt_en=demo.name_en or demo.name_lt,
                )
            )
        db.session.add(product)
        report.count("products")


def _demo_accounts() -> list[tuple[str, str]]:
    """The demo accounts present in the database, staff first, with whom they act for."""
    emails = [STAFF_EMAIL] + [f"{demo.slug}@example.org" for demo in demo_data.COMMUNITIES]
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    accounts = []
    for email in emails:
        if email in users:
            accounts.append((email, "VVG staff" if users[email].is_staff else users[email].name))
    return accounts
