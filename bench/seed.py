"""A shop the size of a busy one, for the server benchmark (`bench/server.py`): communities with their
members and shipping, products with variants and photos, and three years of orders in every state.

Written in bulk (one INSERT per few thousand rows), not through the services one order at a time, so that
10,000 products and 50,000 orders take a minute or two; but left as the services would leave them: each
order's totals are the sums of its parcels', each parcel's of its lines' (prices as the variants had
them), each parcel moved through its states with an event per move, paid orders with their payment, and
every parcel cancelled after the payment with its refund. Left out, because no measured page reads them:
invoices, mails in the outbox and audit entries.
"""

from __future__ import annotations

import io
import itertools
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text

from catalogue.images import process_image, store_image
from catalogue.models import (
    Category,
    PriceChange,
    PriceKind,
    Product,
    ProductImage,
    ProductStatus,
    ProductType,
    Variant,
)
from catalogue.search import index_every_product
from orders.models import (
    CancelReason,
    Fulfilment,
    FulfilmentEvent,
    FulfilmentStatus,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    Refund,
    RefundStatus,
)
from producers.models import Community, DeliveryMethod, Membership, ShippingOption
from shop.db import db
from shop.demo import art as demo_art
from shop.demo import data as demo_data
from shop.media import MediaStorage
from shop.models import User
from shop.passwords import hash_password

#: every seeded account's password (staff: STAFF_EMAIL; a community's member: member-<n>@bench.example)
PASSWORD = "bench-password-1"
STAFF_EMAIL = "staff@bench.example"
#: photos drawn and put through the real pipeline; the products share them (a pipeline run costs ~1 s)
PHOTOS = 6
#: rows per INSERT statement
CHUNK = 5_000

S = FulfilmentStatus
#: the parcel's moves, in order, up to each status it can end in (cancelled ones are decided apart)
_PATH = [S.NEW, S.ACCEPTED, S.SHIPPED, S.DELIVERED]


@dataclass
class Seeded:
    """What the benchmark needs to know of the seeded shop."""

    communities: list[str] = field(default_factory=list)  #: slugs
    categories: list[str] = field(default_factory=list)  #: slugs
    products: list[str] = field(default_factory=list)  #: slugs
    member_emails: list[str] = field(default_factory=list)  #: one per community, in the same order
    orders: dict[str, int] = field(default_factory=dict)  #: orders per final status
    first_order_at: datetime | None = None


def seed(
    *, communities: int, products: int, orders: int, now: datetime, years: int = 3, seed: int = 19
) -> Seeded:
    """Fill an empty, migrated database (the app's) with the benchmark's shop; `now` is its present."""
    rng = random.Random(seed)
    seeded = Seeded()
    photos = _photos()
    with db.engine.begin() as connection:
        password = hash_password(PASSWORD)  # hashed once: Argon2 takes a tenth of a second a time
        connection.execute(
            insert(User.__table__),
            [{"email": STAFF_EMAIL, "name": "Bench Staff", "password_hash": password, "is_staff": True}],
        )
        community_ids = _communities(connection, communities, password, seeded)
        category_ids = _categories(connection, seeded)
        variants = _products(connection, rng, products, community_ids, category_ids, photos, now, seeded)
        index_every_product(connection)
        _orders(connection, rng, orders, variants, now, years, seeded)
    if db.engine.dialect.name == "postgresql":
        _reset_sequences()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))  # what autovacuum does on a real server
    return seeded


def _photos() -> list[dict[str, Any]]:
    """A handful of product photos drawn like the demo's and stored through the real image pipeline."""
    storage = MediaStorage.from_app()
    motifs = list(demo_art.MOTIFS)
    palette = ("#8b5a2b", "#e8d5b7", "#2f4f4f")
    stored = []
    for n in range(PHOTOS):
        drawing = demo_art.draw_product_image(motifs[n % len(motifs)], palette, variant=n, size=640)
        upload = io.BytesIO()
        drawing.save(upload, "JPEG", quality=90)
        processed = process_image(upload.getvalue())
        store_image(storage, processed)
        stored.append({"key": processed.key, "width": processed.width, "height": processed.height})
    return stored


def _communities(connection: Connection, count: int, password: str, seeded: Seeded) -> list[int]:
    """`count` communities, each with one member, pick-up and Omniva lockers; their ids in order."""
    demos = demo_data.COMMUNITIES
    rows = []
    for n in range(count):
        demo = demos[n % len(demos)]
        slug = f"{demo.slug}-{n}"
        rows.append(
            {
                "slug": slug,
                "name": f"{demo.name} {n}",
                "legal_name": f"{demo.legal_name} {n}",
                "registration_code": demo.registration_code,
                "district": demo.district,
                "address_line": demo.address_line,
                "postal_code": demo.postal_code,
                "city": demo.city,
                "email": f"info-{n}@bench.example",
                "phone": demo.phone,
                "invoice_prefix": f"B{n:04d}",
                "iban": "LT601010012345678901",
            }
        )
        seeded.communities.append(slug)
    ids = _insert(connection, Community.__table__, rows)
    users = [
        {"email": f"member-{n}@bench.example", "name": f"Narys {n}", "password_hash": password}
        for n in range(count)
    ]
    seeded.member_emails = [user["email"] for user in users]
    user_ids = _insert(connection, User.__table__, users)
    _insert(
        connection,
        Membership.__table__,
        [
            {"user_id": user_id, "community_id": community_id}
            for user_id, community_id in zip(user_ids, ids, strict=True)
        ],
    )
    options = []
    for community_id in ids:
        options.append(
            {
                "community_id": community_id,
                "method": DeliveryMethod.PICKUP.value,
                "fee_cents": 0,
                "pickup_address": "Liepų g. 3, Kėdainiai",
                "pickup_hours_lt": "I–V 9–17",
                "pickup_hours_en": "Mon–Fri 9–17",
                "position": 0,
            }
        )
        options.append(
            {
                "community_id": community_id,
                "method": DeliveryMethod.OMNIVA.value,
                "fee_cents": 299,
                "pickup_address": "",
                "pickup_hours_lt": "",
                "pickup_hours_en": "",
                "position": 1,
            }
        )
    _insert(connection, ShippingOption.__table__, options)
    return ids


def _categories(connection: Connection, seeded: Seeded) -> list[int]:
    rows = [
        {
            "slug": demo.slug,
            "name_lt": demo.name_lt,
            "name_en": demo.name_en,
            "description_lt": demo.description_lt,
            "description_en": demo.description_en,
            "holds_cards": demo.holds_cards,
            "position": position,
        }
        for position, demo in enumerate(demo_data.CATEGORIES)
    ]
    seeded.categories = [row["slug"] for row in rows]
    return _insert(connection, Category.__table__, rows)


@dataclass(frozen=True)
class _Variant:
    id: int
    community: int  #: the index of its community
    sku: str
    name_lt: str
    name_en: str
    price_cents: int
    category_id: int


def _products(
    connection: Connection,
    rng: random.Random,
    count: int,
    community_ids: Sequence[int],
    category_ids: Sequence[int],
    photos: Sequence[dict[str, Any]],
    now: datetime,
    seeded: Seeded,
) -> dict[int, list[_Variant]]:
    """`count` products on sale, two variants and two photos each, spread over the communities and
    categories, listed over the last three years; their variants by the index of their community. Each has
    a product type (the VVG's starting list) and the warning its type asks for, as the listing form makes
    sure, except one in a thousand, listed before the safety rules: the dashboard's count of listings
    lacking something has a few to find."""
    demos = demo_data.PRODUCTS
    # (the tests' empty tables have none)
    types = connection.execute(select(ProductType.id, ProductType.is_warning_required)).all() or [
        (None, False)
    ]
    rows = []
    for n in range(count):
        demo = demos[n % len(demos)]
        slug = f"{demo.slug}-{n}"
        type_id, warned = types[n % len(types)] if n % 1000 != 999 else (None, False)
        rows.append(
            {
                "product_type_id": type_id,
                "safety_notes_lt": "Ne žaislas vaikams iki 3 metų." if warned else "",
                "safety_notes_en": "Not a toy for children under 3." if warned else "",
                "community_id": community_ids[n % len(community_ids)],
                "category_id": category_ids[n % len(category_ids)],
                "slug": slug,
                "name_lt": f"{demo.name_lt} {n}",
                "name_en": f"{demo.name_en} {n}",
                "description_lt": demo.description_lt,
                "description_en": demo.description_en,
                "status": ProductStatus.ACTIVE.value,
                "is_featured": n % 97 == 0,
                "created_at": now - timedelta(minutes=150 * (count - n)),
                "updated_at": now - timedelta(minutes=150 * (count - n)),
            }
        )
        seeded.products.append(slug)
    product_ids = _insert(connection, Product.__table__, rows)
    variant_rows, image_rows = [], []
    for n, product_id in enumerate(product_ids):
        demo = demos[n % len(demos)]
        base = demo.variants[0]
        for position in range(2):
            variant_rows.append(
                {
                    "product_id": product_id,
                    "sku": f"B-{n}-{position}",
                    "name_lt": ("Mažas", "Didelis")[position],
                    "name_en": ("Small", "Large")[position],
                    "price_cents": base.price_cents + 150 * position,
                    "stock": rng.randint(20, 400),
                    "weight_grams": base.weight_grams,
                    "position": position,
                }
            )
            photo = photos[(n + position) % len(photos)]
            image_rows.append(
                {"product_id": product_id, "position": position, **photo}
                | {"alt_lt": rows[n]["name_lt"], "alt_en": rows[n]["name_en"]}
            )
    variant_ids = _insert(connection, Variant.__table__, variant_rows)
    _insert(connection, ProductImage.__table__, image_rows)
    _insert(
        connection,
        PriceChange.__table__,
        [
            {
                "variant_id": variant_id,
                "sku": row["sku"],
                "kind": PriceKind.REGULAR.value,
                "price_cents": row["price_cents"],
                "starts_at": rows[n // 2]["created_at"],
                "recorded_at": rows[n // 2]["created_at"],
            }
            for n, (variant_id, row) in enumerate(zip(variant_ids, variant_rows, strict=True))
        ],
    )
    by_community: dict[int, list[_Variant]] = {}
    for n, (variant_id, row) in enumerate(zip(variant_ids, variant_rows, strict=True)):
        product = rows[n // 2]
        by_community.setdefault((n // 2) % len(community_ids), []).append(
            _Variant(
                variant_id,
                (n // 2) % len(community_ids),
                row["sku"],
                product["name_lt"],
                product["name_en"],
                row["price_cents"],
                product["category_id"],
            )
        )
    return by_community


@dataclass
class _OrderPlan:
    """What became of one order: its final status and how far each of its parcels went."""

    status: OrderStatus
    parcels: list[FulfilmentStatus]
    cancel_reason: CancelReason | None = None


def _plan(rng: random.Random, age: timedelta, parcels: int) -> _OrderPlan:
    """An order's fate, by its age: old orders are settled (delivered, or cancelled), recent ones are
    anywhere on their way."""
    roll = rng.random()
    if age < timedelta(days=7) and roll < 0.25:
        return _OrderPlan(OrderStatus.PENDING_PAYMENT, [S.AWAITING_PAYMENT] * parcels)
    if roll < 0.08:
        return _OrderPlan(OrderStatus.CANCELLED, [S.CANCELLED] * parcels, CancelReason.EXPIRED)
    if roll < 0.11:
        return _OrderPlan(OrderStatus.CANCELLED, [S.CANCELLED] * parcels, CancelReason.CUSTOMER)
    if age < timedelta(days=21):  # paid, on its way
        reached = [_PATH[min(3, int(age.days / 5) + rng.randint(0, 1))] for _ in range(parcels)]
        return _OrderPlan(OrderStatus.PAID, reached)
    if roll < 0.13:  # paid, then every parcel cancelled by its community: the order is cancelled
        return _OrderPlan(OrderStatus.CANCELLED, [S.CANCELLED] * parcels, CancelReason.STAFF)
    statuses = [S.DELIVERED] * parcels
    if parcels > 1 and roll < 0.18:  # one parcel cancelled after the payment, the rest delivered
        statuses[-1] = S.CANCELLED
    return _OrderPlan(OrderStatus.COMPLETED, statuses)


def _orders(
    connection: Connection,
    rng: random.Random,
    count: int,
    variants: dict[int, list[_Variant]],
    now: datetime,
    years: int,
    seeded: Seeded,
) -> None:
    """`count` orders placed evenly over the last `years` years, each in the state its age allows."""
    staff_id = connection.scalar(select(User.id).where(User.email == STAFF_EMAIL))
    options = {
        (row.community_id, DeliveryMethod(row.method)): row
        for row in connection.execute(select(ShippingOption.__table__))
    }
    community_ids = sorted({row.community_id for row in options.values()})
    first_order = _next_id(connection, Order.__table__)
    first_fulfilment = _next_id(connection, Fulfilment.__table__)
    start = now - timedelta(days=365 * years)
    step = (now - start - timedelta(hours=1)) / max(count, 1)
    order_rows, fulfilment_rows, line_rows, event_rows, payment_rows, refund_rows = [], [], [], [], [], []
    fulfilment_id = first_fulfilment
    for n in range(count):
        order_id = first_order + n
        placed = start + step * n + timedelta(seconds=rng.randint(0, 600))
        parcels = 1 if rng.random() < 0.7 else 2
        plan = _plan(rng, now - placed, parcels)
        method = PaymentMethod.CARD if rng.random() < 0.6 else PaymentMethod.BANK_TRANSFER
        was_paid = plan.cancel_reason not in {CancelReason.EXPIRED, CancelReason.CUSTOMER} and (
            plan.status is not OrderStatus.PENDING_PAYMENT
        )
        paid_at = placed + timedelta(minutes=rng.randint(2, 60 * 30)) if was_paid else None
        seeded.orders[plan.status.value] = seeded.orders.get(plan.status.value, 0) + 1
        seeded.first_order_at = seeded.first_order_at or placed
        goods_total = delivery_total = 0
        for community_index, status in zip(
            rng.sample(range(len(community_ids)), parcels), plan.parcels, strict=True
        ):
            community_id = community_ids[community_index]
            pickup = rng.random() < 0.4
            option = options[(community_id, DeliveryMethod.PICKUP if pickup else DeliveryMethod.OMNIVA)]
            goods = 0
            for variant in rng.sample(variants[community_index], rng.randint(1, 2)):
                quantity = rng.randint(1, 3)
                goods += variant.price_cents * quantity
                line_rows.append(
                    {
                        "fulfilment_id": fulfilment_id,
                        "variant_id": variant.id,
                        "category_id": variant.category_id,
                        "sku": variant.sku,
                        "product_name_lt": variant.name_lt,
                        "product_name_en": variant.name_en,
                        "unit_price_cents": variant.price_cents,
                        "quantity": quantity,
                    }
                )
            delivery = option.fee_cents
            goods_total += goods
            delivery_total += delivery
            moments = _moments(rng, placed, paid_at)
            fulfilment_rows.append(
                {
                    "id": fulfilment_id,
                    "order_id": order_id,
                    "community_id": community_id,
                    "status": status.value,
                    "delivery_method": option.method,
                    "delivery_cents": delivery,
                    "goods_cents": goods,
                    "locker": "" if pickup else "Kėdainių Maxima, Basanavičiaus g. 50, 57158 Kėdainiai",
                    "locker_code": "" if pickup else "57158",
                    "pickup_address": option.pickup_address if pickup else "",
                    "carrier": ("pickup" if pickup else "Omniva")
                    if status in {S.SHIPPED, S.DELIVERED}
                    else "",
                    "tracking_number": f"CE{fulfilment_id:09d}LT"
                    if not pickup and status in {S.SHIPPED, S.DELIVERED}
                    else "",
                    "cancel_note": "Sugedo pakuotė" if status is S.CANCELLED and was_paid else "",
                    "ship_by": (placed + timedelta(days=3)).date(),
                    "delivery_earliest": (placed + timedelta(days=4)).date(),
                    "delivery_latest": (placed + timedelta(days=6)).date(),
                    "created_at": placed,
                }
            )
            event_rows += _events(fulfilment_id, status, was_paid, moments, staff_id)
            if status is S.CANCELLED and was_paid:
                refunded_at = moments[S.NEW] + timedelta(hours=3)
                refund_rows.append(
                    {
                        "order_id": order_id,
                        "fulfilment_id": fulfilment_id,
                        "method": method.value,
                        "status": (
                            RefundStatus.SUCCEEDED if method is PaymentMethod.CARD else RefundStatus.SENT
                        ).value,
                        "goods_cents": goods,
                        "delivery_cents": delivery,
                        "amount_cents": goods + delivery,
                        "reason": "Sugedo pakuotė",
                        "idempotency_key": f"refund-bench-{fulfilment_id}",
                        "created_by_id": staff_id,
                        "created_at": refunded_at,
                        "completed_at": refunded_at + timedelta(days=1),
                    }
                )
            fulfilment_id += 1
        cancelled_at = None
        if plan.status is OrderStatus.CANCELLED:
            cancelled_at = (
                paid_at + timedelta(hours=3) if paid_at is not None else placed + timedelta(days=7, minutes=5)
            )
        order_rows.append(
            {
                "id": order_id,
                "number": f"KM-{placed.year}-{order_id:06d}",
                "public_token": f"bench-{order_id}-{rng.getrandbits(64):016x}",
                "idempotency_key": f"bench-{order_id}",
                "status": plan.status.value,
                "payment_method": method.value,
                "language": "lt" if rng.random() < 0.85 else "en",
                "customer_name": f"Pirkėjas {n}",
                "email": f"buyer-{n % 9000}@bench.example",
                "phone": "+37060000000",
                "address_line": "Liepų g. 3-4",
                "city": "Kėdainiai",
                "postal_code": "LT-57101",
                "goods_cents": goods_total,
                "delivery_cents": delivery_total,
                "total_cents": goods_total + delivery_total,
                "created_at": placed,
                "expires_at": placed + timedelta(days=7) if method is PaymentMethod.BANK_TRANSFER else None,
                "paid_at": paid_at,
                "cancelled_at": cancelled_at,
                "cancel_reason": plan.cancel_reason.value if plan.cancel_reason else None,
                "client_ip": f"10.{n % 250}.{n // 250 % 250}.1",
            }
        )
        if paid_at is not None:
            payment_rows.append(
                {
                    "order_id": order_id,
                    "method": method.value,
                    "amount_cents": goods_total + delivery_total,
                    "reference": f"Banko pavedimas KM-{placed.year}-{order_id:06d}"
                    if method is PaymentMethod.BANK_TRANSFER
                    else "",
                    "stripe_payment_intent": f"pi_bench_{order_id}" if method is PaymentMethod.CARD else None,
                    "confirmed_by_id": staff_id if method is PaymentMethod.BANK_TRANSFER else None,
                    "created_at": paid_at,
                }
            )
    _insert(connection, Order.__table__, order_rows, ids=False)
    _insert(connection, Fulfilment.__table__, fulfilment_rows, ids=False)
    _insert(connection, OrderLine.__table__, line_rows, ids=False)
    _insert(connection, FulfilmentEvent.__table__, event_rows, ids=False)
    _insert(connection, Payment.__table__, payment_rows, ids=False)
    _insert(connection, Refund.__table__, refund_rows, ids=False)


def _moments(
    rng: random.Random, placed: datetime, paid_at: datetime | None
) -> dict[FulfilmentStatus, datetime]:
    """When a parcel reached each status (the ones it did not reach are never read)."""
    paid = paid_at or placed
    accepted = paid + timedelta(hours=rng.randint(2, 30))
    shipped = accepted + timedelta(hours=rng.randint(4, 48))
    return {
        S.NEW: paid,
        S.ACCEPTED: accepted,
        S.SHIPPED: shipped,
        S.DELIVERED: shipped + timedelta(hours=rng.randint(20, 72)),
        S.CANCELLED: placed + timedelta(days=7, minutes=5) if paid_at is None else paid + timedelta(hours=3),
    }


def _events(
    fulfilment_id: int,
    status: FulfilmentStatus,
    was_paid: bool,
    moments: dict[FulfilmentStatus, datetime],
    staff_id: int | None,
) -> list[dict[str, Any]]:
    """The parcel's moves from awaiting payment to `status`, one event each, as `move_to` records them."""
    path = [S.AWAITING_PAYMENT]
    if status is S.CANCELLED:
        path += [S.NEW, S.CANCELLED] if was_paid else [S.CANCELLED]
    elif status is not S.AWAITING_PAYMENT:
        path += _PATH[: _PATH.index(status) + 1]
    return [
        {
            "fulfilment_id": fulfilment_id,
            "from_status": before.value,
            "to_status": after.value,
            "actor_id": staff_id if after is S.CANCELLED and was_paid else None,
            "created_at": moments[after],
        }
        for before, after in itertools.pairwise(path)
    ]


def _insert(
    connection: Connection, table: Table, rows: list[dict[str, Any]], *, ids: bool = True
) -> list[int]:
    """Insert `rows` in chunks; with `ids`, return the new rows' ids in the order of `rows`."""
    new_ids: list[int] = []
    for chunk in _chunks(rows, CHUNK):
        if ids:
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            new_ids += connection.scalars(statement, chunk).all()
        else:
            connection.execute(insert(table), chunk)
    return new_ids


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _next_id(connection: Connection, table: Table) -> int:
    return int(connection.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1


def _reset_sequences() -> None:
    """Orders and parcels were given their ids here: PostgreSQL's sequences are moved past them, so that
    the next order placed through the shop takes the next id."""
    with db.engine.begin() as connection:
        for table in ("orders", "fulfilments"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )  # fixed names
            )


def months_between(first: datetime, now: datetime) -> Iterable[date]:
    """The first day of every month from `first`'s to the one before `now`'s."""
    month = date(first.year, first.month, 1)
    last = date(now.year, now.month, 1)
    while month < last:
        yield month
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
