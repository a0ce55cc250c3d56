"""A community's own listings: write, change, duplicate, archive, stock and photos — and their moderation.

Every function takes the acting community and looks rows up *with* it: another community's product,
variant or photo is not found (`ListingNotFound`), never read or changed. New listings, and changes of
text or price (a sale too), of a community the VVG does not (yet) trust wait for moderation
(`pending_review`); trusted communities publish at once. A listing the VVG sends back is a draft with the
VVG's reason.

Product safety (GPSR) comes first: a listing goes on sale or to the VVG only when
`Product.missing_for_sale()` is empty (the maker's name, postal and e-mail address, a photo, a product
type, and the warning its type requires). A listing saved without them is kept as it is (a new one as a
draft) and the view says what is missing; a listing on sale or waiting is never made incomplete by a save.
An empty warning takes the product type's template (`catalogue.safety.prefilled_warning`).

A variant's sale is set in Vilnius days: it begins at the start of its first day (or now, when that is
today or not given) and ends at the end of its last day. A sale already running keeps the moment it began
while only its price or last day change, so the lowest price of the 30 days before it stays the one the
customers were shown. Every price change is kept in the price history with who made it
(`Variant.set_prices`); `list_price_history` reads it back.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from catalogue.errors import (
    LastPhoto,
    ListingNotFound,
    SaleNotValid,
    SaleProblem,
    TooManyPhotos,
)
from catalogue.images import ImageRejected, process_image, store_image
from catalogue.models import (
    Category,
    PriceChange,
    Product,
    ProductImage,
    ProductStatus,
    ProductType,
    Sale,
    Variant,
)
from catalogue.moderation import reviewed_content
from catalogue.safety import (
    flush_skus,
    generated_sku,
    prefilled_warning,
    publish,
    published_status,
    settle_after_change,
    typed_skus,
)
from producers.models import Community
from shop.db import db, transaction, utcnow
from shop.i18n import VILNIUS, vilnius_midnight
from shop.media import MediaStorage
from shop.models import User
from shop.text import slugify

MAX_PHOTOS = 8
MAX_SALE_DAYS = (
    90  #: a sale lasts at most this many days (a "sale" for ever would make the regular price a fiction)
)
PRICE_HISTORY_ROWS = 100  #: the most recent price changes a listing's page shows


@dataclass(frozen=True)
class SaleInput:
    """A sale as a community sets it: its price and its first and last Vilnius days (no first day: now)."""

    price_cents: int
    first_day: date | None
    last_day: date


@dataclass(frozen=True)
class VariantInput:
    id: int | None  #: an existing variant of the listing, or None for a new one
    name_lt: str
    name_en: str
    price_cents: int
    stock: int
    is_made_to_order: bool
    lead_days: int | None
    weight_grams: int
    remove: bool = False
    sku: str = ""  #: the product code typed; "" keeps the variant's own, or makes one for a new variant
    sale: SaleInput | None = None


@dataclass(frozen=True)
class ListingInput:
    category_id: int
    name_lt: str
    name_en: str
    description_lt: str
    description_en: str
    safety_notes_lt: str  #: the safety warning; "" takes the product type's template
    variants: Sequence[VariantInput]
    product_type_id: int | None = None
    safety_notes_en: str = ""


@dataclass(frozen=True)
class PhotoOutcome:
    added: int
    rejected: list[tuple[str, ImageRejected]]  #: file name and why


def list_listings(community: Community) -> Sequence[Product]:
    """The community's listings for its table: for sale first, then waiting, drafts, archived."""
    order = {ProductStatus.ACTIVE: 0, ProductStatus.PENDING_REVIEW: 1, ProductStatus.DRAFT: 2}
    products = db.session.scalars(
        select(Product)
        .where(Product.community_id == community.id)
        .options(
            selectinload(Product.variants), selectinload(Product.images), selectinload(Product.product_type)
        )
        .order_by(Product.updated_at.desc())
    ).all()
    return sorted(products, key=lambda product: order.get(product.status, 3))


def get_listing(community: Community, product_id: int) -> Product:
    product = db.session.scalars(
        select(Product)
        .where(Product.id == product_id, Product.community_id == community.id)
        .options(
            selectinload(Product.variants), selectinload(Product.images), selectinload(Product.product_type)
        )
    ).first()
    if product is None:
        raise ListingNotFound(product_id)
    return product


def create_listing(community: Community, data: ListingInput, *, by: User | None = None) -> Product:
    """A new listing: for sale at once for a trusted community, otherwise waiting for the VVG — once
    product safety has all it needs; until then (a new listing has no photo yet) a draft."""
    with transaction():
        _check_category(data.category_id)
        product = Product(
            community_id=community.id, slug=_free_slug(data.name_lt), status=ProductStatus.DRAFT
        )
        _apply_texts(product, data)
        db.session.add(product)
        db.session.flush()
        new_rows = [replace(row, id=None) for row in data.variants]  # nothing to refer to yet
        _apply_variants(product, community, new_rows, by=by, now=utcnow())
        flush_skus()
        if not product.missing_for_sale():
            product.move_to(published_status(community))
    return product


def update_listing(
    community: Community, product_id: int, data: ListingInput, *, by: User | None = None
) -> Product:
    """Save changes; new texts or prices of an untrusted community's listing go back to the VVG first.

    A draft or archived listing goes on sale (or to the VVG) when product safety has all it needs, and is
    saved as it is otherwise. A listing on sale or waiting is refused (`NotReadyForSale`, nothing saved) a
    change that would send it to the VVG incomplete, or take from it something product safety needs.
    """
    with transaction():
        now = utcnow()
        product = _locked_listing(community, product_id)
        _check_category(data.category_id)
        before = reviewed_content(product, now)
        missing_before = set(product.missing_for_sale())
        _apply_texts(product, data)
        _apply_variants(product, community, data.variants, by=by, now=now)
        flush_skus()
        changed = reviewed_content(product, now) != before
        settle_after_change(product, community, missing_before=missing_before, changed=changed)
        if product.status is not ProductStatus.DRAFT:
            product.review_note = ""
    return product


def publish_listing(community: Community, product_id: int) -> Product:
    """A draft (or archived listing) goes on sale, or to the VVG for an untrusted community, when product
    safety has all it needs (`NotReadyForSale` otherwise). One already on sale or waiting stays so."""
    with transaction():
        product = _locked_listing(community, product_id)
        if product.status in {ProductStatus.DRAFT, ProductStatus.ARCHIVED}:
            publish(product, community)
    return product


def duplicate_listing(community: Community, product_id: int, *, by: User | None = None) -> Product:
    """A copy to start a new batch from: same texts, variants (stock 0, regular prices, no sale) and
    photos, as a draft."""
    with transaction():
        original = _locked_listing(community, product_id)
        copy = Product(
            community_id=community.id,
            category_id=original.category_id,
            slug=_free_slug(original.name_lt),
            name_lt=original.name_lt,
            name_en=original.name_en,
            description_lt=original.description_lt,
            description_en=original.description_en,
            product_type_id=original.product_type_id,
            safety_notes_lt=original.safety_notes_lt,
            safety_notes_en=original.safety_notes_en,
            status=ProductStatus.DRAFT,
        )
        db.session.add(copy)
        db.session.flush()
        taken: set[str] = set()
        for position, variant in enumerate(original.variants):
            sku = generated_sku(community, copy.id, taken)
            taken.add(sku)
            twin = Variant(
                sku=sku,
                name_lt=variant.name_lt,
                name_en=variant.name_en,
                stock=0,
                is_made_to_order=variant.is_made_to_order,
                lead_days=variant.lead_days,
                weight_grams=variant.weight_grams,
                position=position,
            )
            twin.set_prices(variant.price_cents, None, by=by)
            copy.variants.append(twin)
        for image in original.images:
            copy.images.append(
                ProductImage(
                    position=image.position,
                    key=image.key,
                    width=image.width,
                    height=image.height,
                    alt_lt=image.alt_lt,
                    alt_en=image.alt_en,
                )
            )
    return copy


def archive_listing(community: Community, product_id: int) -> Product:
    """No longer for sale; kept for past orders and for putting back later."""
    with transaction():
        product = _locked_listing(community, product_id)
        if product.status is not ProductStatus.ARCHIVED:  # archiving it again changes nothing
            product.move_to(ProductStatus.ARCHIVED)
    return product


def restore_listing(community: Community, product_id: int) -> Product:
    """Back on sale (through the VVG again, for an untrusted community), if product safety has all it
    needs (`NotReadyForSale` otherwise)."""
    with transaction():
        product = _locked_listing(community, product_id)
        if product.status is ProductStatus.ARCHIVED:
            publish(product, community)
    return product


def list_price_history(community: Community, product_id: int) -> Sequence[PriceChange]:
    """The listing's price changes, newest first (at most PRICE_HISTORY_ROWS), with who made each."""
    get_listing(community, product_id)
    return db.session.scalars(
        select(PriceChange)
        .join(PriceChange.variant)
        .where(Variant.product_id == product_id)
        .options(joinedload(PriceChange.changed_by), joinedload(PriceChange.variant))
        .order_by(PriceChange.recorded_at.desc(), PriceChange.id.desc())
        .limit(PRICE_HISTORY_ROWS)
    ).all()


def running_since(variant: Variant, now: datetime) -> date | None:
    """The Vilnius day the variant's sale began, if it is running at `now`."""
    sale = variant.sale_at(now)
    return sale.first_day if sale else None


def check_sale(
    sale: SaleInput, *, regular_cents: int, today: date, since: date | None = None
) -> list[SaleProblem]:
    """What is wrong with a sale set on `today` (Vilnius) for a variant of `regular_cents`, whose current
    sale has been running `since` that day (None: none is running)."""
    problems = []
    if sale.price_cents <= 0:
        problems.append(SaleProblem.NOT_ABOVE_ZERO)
    elif sale.price_cents >= regular_cents:
        problems.append(SaleProblem.NOT_BELOW_REGULAR)
    first = sale.first_day or today
    if first < today and first != since:
        problems.append(SaleProblem.STARTS_IN_THE_PAST)
    began = since if since is not None and first <= today else max(first, today)
    if sale.last_day < today:
        problems.append(SaleProblem.ENDED)
    elif sale.last_day < first:
        problems.append(SaleProblem.ENDS_BEFORE_IT_STARTS)
    elif (sale.last_day - began).days + 1 > MAX_SALE_DAYS:
        problems.append(SaleProblem.TOO_LONG)
    return problems


def sale_moments(variant: Variant, wanted: SaleInput | None, now: datetime) -> Sale | None:
    """The sale as moments: from the start of its first Vilnius day (or now) to the end of its last; a
    sale running now that goes on (no later first day asked) keeps the moment it began."""
    if wanted is None:
        return None
    today = now.astimezone(VILNIUS).date()
    ends_at = vilnius_midnight(wanted.last_day + timedelta(days=1))
    running = variant.sale_at(now)
    if wanted.first_day is None or wanted.first_day <= today:
        starts_at = running.starts_at if running is not None else now
    else:
        starts_at = vilnius_midnight(wanted.first_day)
    return Sale(wanted.price_cents, starts_at, ends_at)


def set_stock(community: Community, variant_id: int, stock: int) -> Variant:
    """The quick stock edit from the listing table."""
    with transaction():
        variant = db.session.scalars(
            select(Variant)
            .join(Variant.product)
            .where(Variant.id == variant_id, Product.community_id == community.id)
            .with_for_update()
        ).first()
        if variant is None:
            raise ListingNotFound(variant_id)
        if not variant.is_made_to_order:
            variant.stock = stock
    return variant


# --- Photos -----------------------------------------------------------------------------------------


def add_photos(community: Community, product_id: int, uploads: Sequence[tuple[str, bytes]]) -> PhotoOutcome:
    """Run each upload through the image pipeline; the good ones join the listing, the rest say why."""
    listing = get_listing(community, product_id)
    room = MAX_PHOTOS - len(listing.images)
    db.session.rollback()
    processed, rejected = [], []
    for name, data in uploads:
        try:
            processed.append(process_image(data))
        except ImageRejected as problem:
            rejected.append((name, problem))
    if len(processed) > room:
        raise TooManyPhotos(room)
    storage = MediaStorage.from_app()
    for image in processed:
        store_image(storage, image)
    with transaction():
        product = _locked_listing(community, product_id)
        if len(product.images) + len(processed) > MAX_PHOTOS:  # another upload got in first
            raise TooManyPhotos(max(MAX_PHOTOS - len(product.images), 0))
        start = max((image.position for image in product.images), default=-1) + 1
        for offset, image in enumerate(processed):
            product.images.append(
                ProductImage(position=start + offset, key=image.key, width=image.width, height=image.height)
            )
    return PhotoOutcome(len(processed), rejected)


def move_photo(community: Community, image_id: int, step: int) -> None:
    """One place earlier (-1) or later (+1); the first photo is the cover."""
    with transaction():
        images = _photos_around(community, image_id)
        index = next(i for i, image in enumerate(images) if image.id == image_id)
        target = index + step
        if 0 <= target < len(images):
            images[index], images[target] = images[target], images[index]
        _renumber(images)


def make_cover(community: Community, image_id: int) -> None:
    with transaction():
        images = _photos_around(community, image_id)
        images.sort(key=lambda image: image.id != image_id)  # stable: the rest keep their order
        _renumber(images)


def describe_photo(community: Community, image_id: int, *, alt_lt: str, alt_en: str) -> None:
    """What the photo shows, for people who cannot see it."""
    with transaction():
        image = _photos_around(community, image_id, only=True)[0]
        image.alt_lt, image.alt_en = alt_lt.strip()[:250], alt_en.strip()[:250]


def delete_photo(community: Community, image_id: int) -> None:
    """The photo leaves the listing (its files stay: other listings or past pages may show them). A listing
    on sale or waiting for the VVG keeps its last photo (`LastPhoto`)."""
    with transaction():
        images = _photos_around(community, image_id)
        doomed = next(image for image in images if image.id == image_id)
        if len(images) == 1 and doomed.product.status in {ProductStatus.ACTIVE, ProductStatus.PENDING_REVIEW}:
            raise LastPhoto(doomed.product_id)
        db.session.delete(doomed)
        _renumber([image for image in images if image is not doomed])


# --- Inside ----------------------------------------------------------------------------------------


def _locked_listing(community: Community, product_id: int) -> Product:
    product = db.session.scalars(
        select(Product)
        .where(Product.id == product_id, Product.community_id == community.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if product is None:
        raise ListingNotFound(product_id)
    return product


def _photos_around(community: Community, image_id: int, *, only: bool = False) -> list[ProductImage]:
    product_id = db.session.scalar(
        select(ProductImage.product_id)
        .join(ProductImage.product)
        .where(ProductImage.id == image_id, Product.community_id == community.id)
    )
    if product_id is None:
        raise ListingNotFound(image_id)
    product = _locked_listing(community, product_id)
    images = sorted(product.images, key=lambda image: (image.position, image.id))
    return [image for image in images if image.id == image_id] if only else images


def _renumber(images: list[ProductImage]) -> None:
    for position, image in enumerate(images):
        image.position = position


def _check_category(category_id: int) -> None:
    if db.session.get(Category, category_id) is None:
        raise ListingNotFound(category_id)


def _apply_texts(product: Product, data: ListingInput) -> None:
    product.category_id = data.category_id
    product.name_lt = data.name_lt.strip()
    product.name_en = data.name_en.strip()
    product.description_lt = data.description_lt.strip()
    product.description_en = data.description_en.strip()
    before = product.product_type
    chosen = None
    if data.product_type_id is not None:
        chosen = db.session.get(ProductType, data.product_type_id)
        if chosen is None:
            raise ListingNotFound(data.product_type_id)
    product.product_type = chosen
    product.safety_notes_lt = prefilled_warning(data.safety_notes_lt, chosen, before, "lt")
    product.safety_notes_en = prefilled_warning(data.safety_notes_en, chosen, before, "en")


def _apply_variants(
    product: Product, community: Community, rows: Sequence[VariantInput], *, by: User | None, now: datetime
) -> None:
    existing = {variant.id: variant for variant in product.variants}
    with db.session.no_autoflush:  # a new variant has no product code until every row's is known
        skus = typed_skus(rows, existing)
        taken = set(skus.values()) | {variant.sku for variant in product.variants}
        for position, row in enumerate(rows):
            if row.id is not None and row.id not in existing:
                raise ListingNotFound(row.id)  # a variant of another listing: never touched
            if row.id is not None and row.remove:
                product.variants.remove(existing[row.id])
                continue
            variant = existing[row.id] if row.id is not None else None
            if variant is None:
                if row.remove:
                    continue
                sku = skus.get(position) or generated_sku(community, product.id, taken)
                taken.add(sku)
                variant = Variant(sku=sku, position=99)
                product.variants.append(variant)
            elif position in skus:
                variant.sku = skus[position]
            _apply_row(variant, row, position, by=by, now=now)
    for position, variant in enumerate(sorted(product.variants, key=lambda v: (v.position, v.id or 0))):
        variant.position = position


def _apply_row(variant: Variant, row: VariantInput, position: int, *, by: User | None, now: datetime) -> None:
    """One variant row: its names, prices (a sale checked by `check_sale`, `SaleNotValid` at `position`),
    stock and weight."""
    variant.name_lt, variant.name_en = row.name_lt.strip(), row.name_en.strip()
    if row.sale is not None:
        since = running_since(variant, now) if variant.id is not None else None
        today = now.astimezone(VILNIUS).date()
        problems = check_sale(row.sale, regular_cents=row.price_cents, today=today, since=since)
        if problems:
            raise SaleNotValid(position, problems)
    variant.set_prices(row.price_cents, sale_moments(variant, row.sale, now), by=by)
    variant.is_made_to_order = row.is_made_to_order
    variant.lead_days = row.lead_days if row.is_made_to_order else None
    variant.stock = 0 if row.is_made_to_order else row.stock
    variant.weight_grams = row.weight_grams


def _free_slug(name: str) -> str:
    base = slugify(name, fallback="gaminys")
    slug = base
    while db.session.scalar(select(func.count()).select_from(Product).where(Product.slug == slug)):
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug
