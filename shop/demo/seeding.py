"""The demo shop: the VVG, six communities, their products with photos drawn here, and demo accounts.

Idempotent: every row is found by its natural key (slug, SKU, e-mail) and created only if missing;
nothing that exists is changed, so running it again, or after someone edited the demo, changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from schwifty import IBAN
from sqlalchemy import and_, delete, func, or_, select

from catalogue.images import process_image, store_image
from catalogue.models import Category, Product, ProductImage, ProductStatus, ProductType, Sale, Variant
from orders import caps, fulfilments, lifecycle, placing, refunds, unpaid
from orders.invoices.models import Invoice, InvoiceKind
from orders.models import CancelReason, Fulfilment, FulfilmentStatus, Order, OrderLine, PaymentMethod
from orders.privacy import asking, erasure
from orders.privacy.models import PrivacyRequest
from producers import lockers
from producers.lockers import lockers_by_town
from producers.models import Community, DeliveryMethod, Membership, ShippingOption
from producers.promises import promise_for
from shop import numbering
from shop.db import db, transaction, utcnow
from shop.demo import art as demo_art
from shop.demo import data as demo_data
from shop.demo import marks as demo_marks
from shop.i18n import VILNIUS, vilnius_midnight
from shop.media import MediaStorage
from shop.models import AuditEntry, NumberSeries, Operator, OutboxMessage, User
from shop.passwords import hash_password

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed for everyone on purpose; demo seed only
STAFF_EMAIL = "vvg@example.org"
Demo = TypeVar("Demo")
Row = TypeVar("Row", Category, ProductType, Community)


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
    storage: MediaStorage,
    *,
    if_empty: bool = False,
    progress: Callable[[str], None] = lambda _m: None,
    photo_size: int = demo_art.PHOTO_SIZE,
) -> SeedReport:
    """Create whatever part of the demo shop is missing, in one transaction; the products' photos are drawn
    `photo_size` pixels square (the tests draw them smaller: the same pictures, a fraction of the work)."""
    report = SeedReport()
    if if_empty and db.session.scalar(select(func.count(Community.id))):
        report.skipped = True
    else:
        with transaction():
            _seed_operator(report)
            categories = _seed_categories(report)
            product_types = _seed_product_types(report)
            communities = _seed_communities(report)
            _seed_shipping(communities, report)
            _seed_accounts(communities, report)
            _seed_products(storage, categories, product_types, communities, report, progress, photo_size)
        _seed_lockers(report)  # before the orders: their locker parcels go to real lockers
        _seed_orders(report, progress)
        _seed_fairs(storage, report)
        _seed_privacy_requests(report)
        _seed_marks(report)
    report.accounts = _demo_accounts()
    return report


def _seed_marks(report: SeedReport) -> None:
    """The community-business mark: criteria, two holders, one application waiting (`shop.demo.marks`)."""
    staff = db.session.scalars(select(User).where(User.email == STAFF_EMAIL)).one()
    for _ in range(demo_marks.seed_marks(staff)):
        report.count("mark applications")


def _seed_operator(report: SeedReport) -> None:
    if db.session.scalar(select(Operator.id).limit(1)) is None:
        db.session.add(Operator(**demo_data.VVG))
        report.count("operator")


def _add_missing(
    existing: dict[str, Row],
    demos: Iterable[Demo],
    key: Callable[[Demo], str],
    make: Callable[[Demo, int], Row],
    *,
    report: SeedReport,
    what: str,
    start: int = 0,
) -> dict[str, Row]:
    """Add a row, made by `make(demo, its number from start)`, for every demo whose key is not among the
    `existing` rows yet (counted in the report as `what`); returns every row by key."""
    for number, demo in enumerate(demos, start=start):
        if key(demo) not in existing:
            row = make(demo, number)
            db.session.add(row)
            existing[key(demo)] = row
            report.count(what)
    return existing


def _seed_categories(report: SeedReport) -> dict[str, Category]:
    return _add_missing(
        {c.slug: c for c in db.session.scalars(select(Category))},
        demo_data.CATEGORIES,
        lambda demo: demo.slug,
        lambda demo, position: Category(**asdict(demo), position=position),  # its fields are the columns
        report=report,
        what="categories",
    )


def _seed_product_types(report: SeedReport) -> dict[str, ProductType]:
    """The VVG's product types (migration 0013 adds them to every database; an emptied one gets them here)."""
    return _add_missing(
        {t.name_lt: t for t in db.session.scalars(select(ProductType))},
        demo_data.PRODUCT_TYPES,
        lambda demo: demo.name_lt,
        lambda demo, position: ProductType(**asdict(demo), position=position),
        report=report,
        what="product types",
        start=1,
    )


def _seed_communities(report: SeedReport) -> dict[str, Community]:
    return _add_missing(
        {c.slug: c for c in db.session.scalars(select(Community))},
        demo_data.COMMUNITIES,
        lambda demo: demo.slug,
        lambda demo, number: Community(
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
            vat_code=demo.vat_code,
            invoice_prefix=demo.invoice_prefix or demo.slug.upper(),
            # invented but valid (Swedbank's bank code, check digits right): payouts can make a bank file
            iban=str(IBAN.generate("LT", bank_code="73000", account_code=f"{number:011d}").compact),
            story_lt=demo.story_lt,
            story_en=demo.story_en,
        ),
        report=report,
        what="communities",
        start=1,
    )


def _seed_shipping(communities: dict[str, Community], report: SeedReport) -> None:
    existing = {
        (cid, method)
        for cid, method in db.session.execute(select(ShippingOption.community_id, ShippingOption.method))
    }
    for slug, options in demo_data.SHIPPING.items():
        community = communities[slug]
        for position, demo in enumerate(options):
            method = DeliveryMethod(demo.method)
            if community.id is not None and (community.id, method) in existing:
                continue
            community.shipping_options.append(
                ShippingOption(
                    method=method,
                    fee_cents=demo.fee_cents,
                    pickup_address=community.address if method is DeliveryMethod.PICKUP else "",
                    pickup_hours_lt=demo.pickup_hours_lt,
                    pickup_hours_en=demo.pickup_hours_en,
                    position=position,
                )
            )
            report.count("delivery options")


#: the demo's locker lists (`shop/demo/lockers/README.md`)
LOCKER_FOLDER = Path(__file__).resolve().parent / "lockers"


def _seed_lockers(report: SeedReport) -> None:
    """Load each carrier's demo locker list, unless the carrier has a list already (a real one, say)."""
    for demo in demo_data.LOCKER_LISTS:
        carrier = DeliveryMethod(demo.carrier)
        if lockers.get_locker_list(carrier) is not None:
            continue
        counts = lockers.import_lockers(
            carrier,
            (LOCKER_FOLDER / demo.file_name).read_bytes(),
            source=demo.file_name,
            listed_on=demo.listed_on,
            is_sample=demo.is_sample,
        )
        report.created["parcel lockers"] = report.created.get("parcel lockers", 0) + counts.added


def _promise_as_placed(fulfilment: Fulfilment, placed: datetime) -> None:
    """The parcel's delivery promise as it was made when the demo order was placed (`place_order` made it
    today): a parcel paid a week ago shows a ship-by day a week ago, late if it is still not sent."""
    option = next(
        (o for o in fulfilment.community.shipping_options if o.method is fulfilment.delivery_method), None
    )
    if option is None:
        return
    promise = promise_for(placed, option, placing.parcel_lead_days(fulfilment.lines))
    fulfilment.ship_by = promise.ship_by
    fulfilment.delivery_earliest, fulfilment.delivery_latest = promise.earliest, promise.latest


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
    product_types: dict[str, ProductType],
    communities: dict[str, Community],
    report: SeedReport,
    progress: Callable[[str], None],
    photo_size: int,
) -> None:
    existing = set(db.session.scalars(select(Product.slug)))
    palettes = {demo.slug: demo.palette for demo in demo_data.COMMUNITIES}
    members = {user.email: user for user in db.session.scalars(select(User).where(User.is_staff.is_(False)))}
    stories = {story.sku: story for story in demo_data.PRICE_STORIES}
    now = utcnow()
    # Spread the products over the past weeks, in the demo's order, so that "newest" means something.
    missing = [(age, demo) for age, demo in enumerate(demo_data.PRODUCTS) if demo.slug not in existing]
    new_stories = []
    for number, (age, demo) in enumerate(missing, start=1):
        progress(f"Drawing photos of {demo.name_en or demo.name_lt} ({number}/{len(missing)})")
        product_type = product_types[demo.product_type]
        member = members.get(f"{demo.community_slug}@example.org")
        created_at = now - timedelta(hours=7 * age)
        for variant in demo.variants:  # a product with a price story was on sale since its first price
            if variant.sku in stories:
                new_stories.append((stories[variant.sku], member))
                created_at = min(created_at, now - timedelta(days=stories[variant.sku].prices[0][0]))
        product = Product(
            community=communities[demo.community_slug],
            category=categories[demo.category_slug],
            slug=demo.slug,
            name_lt=demo.name_lt,
            name_en=demo.name_en,
            description_lt=demo.description_lt,
            description_en=demo.description_en,
            product_type=product_type,
            safety_notes_lt=demo.safety_notes_lt or product_type.warning_lt,
            safety_notes_en=demo.safety_notes_en or product_type.warning_en,
            status=ProductStatus.ACTIVE,
            is_featured=demo.is_featured,
            created_at=created_at,
        )
        for position, variant in enumerate(demo.variants):
            story = stories.get(variant.sku)
            seeded = Variant(
                sku=variant.sku,
                name_lt=variant.name_lt,
                name_en=variant.name_en,
                stock=variant.stock,
                is_made_to_order=variant.is_made_to_order,
                lead_days=variant.lead_days,
                weight_grams=variant.weight_grams,
                position=position,
            )
            first_price = story.prices[0][1] if story else variant.price_cents
            seeded.set_prices(first_price, None, by=member, at=created_at)  # priced by its community
            product.variants.append(seeded)
        for position in range(demo.image_count):
            drawing = demo_art.draw_product_image(
                demo.motif, palettes[demo.community_slug], variant=position, seed=demo.slug, size=photo_size
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
    for story, member in new_stories:
        _tell_price_story(story, member, now)


def _tell_price_story(story: demo_data.DemoPriceStory, member: User | None, now: datetime) -> None:
    """A new demo variant's later prices and its sale running now, each recorded at its past moment."""
    db.session.flush()  # the first price is in the history
    variant = db.session.scalars(select(Variant).where(Variant.sku == story.sku)).one()
    for days_ago, price_cents in story.prices[1:]:
        variant.set_prices(price_cents, None, by=member, at=now - timedelta(days=days_ago))
        db.session.flush()
    began = now - timedelta(days=story.sale_began_days_ago)
    last_day = now.astimezone(VILNIUS).date() + timedelta(days=story.sale_days_left)
    sale = Sale(story.sale_price_cents, began, vilnius_midnight(last_day + timedelta(days=1)))
    variant.set_prices(variant.price_cents, sale, by=member, at=began)
    db.session.flush()


def _demo_accounts() -> list[tuple[str, str]]:
    """The demo accounts present in the database, staff first, with whom they act for."""
    emails = [STAFF_EMAIL] + [f"{demo.slug}@example.org" for demo in demo_data.COMMUNITIES]
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    accounts = []
    for email in emails:
        if email in users:
            accounts.append((email, "VVG staff" if users[email].is_staff else users[email].name))
    return accounts


@dataclass(frozen=True)
class _DemoOrder:
    """A demo order: what is bought (product slug, quantity), by whom, how far it has got, and when.

    `placed` is when it was placed; `paid`, `accepted`, `shipped` and `done` (delivered, or cancelled) are
    hours after that. `history` orders are past sales: the stock they took has been made again since.
    """

    key: str
    buyer: tuple[str, str, str, str]  # name, e-mail, phone, language
    items: tuple[tuple[str, int], ...]
    stage: str  # awaiting, paid, accepted, shipped, delivered, cancelled, expired
    placed: datetime
    gift: str = ""
    paid: float = 5
    accepted: float = 20
    shipped: float = 44
    done: float = 96
    cancel_parcel: str = ""  # "owed" or "sent": one parcel cancelled after the payment, its refund so
    history: bool = False


_BUYERS = (
    ("Rasa Petraitienė", "rasa@example.com", "+37061234501", "lt"),
    ("Jonas Kazlauskas", "jonas@example.com", "+37061234502", "lt"),
    ("Emma Clarke", "emma@example.com", "+447911123456", "en"),
    ("Ona Jankauskienė", "ona@example.com", "+37061234504", "lt"),
    ("Tomas Vaitkus", "tomas@example.com", "+37061234505", "lt"),
    ("Lukas Berger", "lukas@example.com", "+4915123456789", "en"),
)
_STAGES = ("paid", "awaiting", "awaiting", "paid", "accepted", "accepted", "shipped", "shipped", "delivered",
           "delivered", "cancelled", "expired")  # fmt: skip
#: How long ago each of the twelve recent orders was placed (hours); the delivered two are placed in the
#: previous calendar month instead (below). Chosen so the back office's attention lists show something at
#: the default limits: the first order's parcel waits to be accepted for 3 days, the second transfer is
#: unpaid for 4 days (its customer said "I have paid" past the 24-hour hold, so it is still held), the sixth
#: order's parcels wait to be sent for 7 days.
_RECENT_HOURS = (3 * 24 + 5, 4 * 24 + 2, 3, 24, 4 * 24, 8 * 24, 9 * 24, 12 * 24, 0, 0, 6 * 24, 10 * 24)
#: Past sales, month by month (6 months ago … last month): more towards Christmas.
_HISTORY_PER_MONTH = (3, 3, 4, 4, 5, 6)


def _demo_delivery(method: DeliveryMethod, n: int) -> placing.DeliveryChoice:
    """A demo parcel's delivery: for a locker method, one of the carrier's lockers in or nearest to
    Kėdainiai (the buyers' town) when the carriers' lists are loaded, else the words a customer once typed."""
    if not method.is_locker:
        return placing.DeliveryChoice(method)
    towns = lockers_by_town(method, "57101", first_town="Kėdainiai")
    if not towns:
        return placing.DeliveryChoice(method, locker="Kėdainių Maxima, J. Basanavičiaus g. 75")
    nearby = towns[0][1]
    return placing.DeliveryChoice(method, locker_id=nearby[n % len(nearby)].id)


def _demo_orders(now: datetime) -> list[_DemoOrder]:
    """Twelve recent orders in every state, and past months of delivered ones, two or three communities each.

    The first is paid and has a parcel of the first community (Šlapaberžė): one to accept in its workspace.
    The two delivered recent orders, and last month's past sales, were delivered in the previous calendar
    month more than 14 days ago, so last month's payouts can be run at once. Two past orders had a parcel
    cancelled after the payment: one refund was sent, the other is still owed.
    """
    products = [p for p in demo_data.PRODUCTS if any(v.stock >= 6 for v in p.variants)]
    by_community: dict[str, list[demo_data.DemoProduct]] = {}
    for product in products:
        by_community.setdefault(product.community_slug, []).append(product)
    slugs = list(by_community)
    today = now.astimezone(VILNIUS).date()
    this_month = today.replace(day=1)

    def month_start(months_back: int) -> date:
        year, month = divmod(this_month.year * 12 + this_month.month - 1 - months_back, 12)
        return date(year, month + 1, 1)

    def basket(number: int) -> tuple[tuple[str, int], ...]:
        communities = [slugs[(number + k) % len(slugs)] for k in range(2 + number % 2)]
        picks = [by_community[slug][number % len(by_community[slug])] for slug in communities]
        return tuple((pick.slug, 1 + (number + index) % 2) for index, pick in enumerate(picks))

    orders = []
    for number, stage in enumerate(_STAGES):
        if stage == "delivered":  # early in the previous month: delivered well over 14 days ago
            placed = vilnius_midnight(month_start(1) + timedelta(days=1 + 2 * (number - 8))) + timedelta(
                hours=9
            )
        else:
            placed = now - timedelta(hours=_RECENT_HOURS[number])
        orders.append(
            _DemoOrder(
                f"demo-order-{number + 1:02d}",
                _BUYERS[number % len(_BUYERS)],
                basket(number),
                stage,
                placed,
                gift="Su šventėmis, močiute!" if number % 4 == 1 else "",
                paid=0 if number == 0 else 5,  # the first one was paid on the spot, 3 days ago
                done=7 * 24 if stage == "expired" else 26 if stage == "cancelled" else 96,
            )
        )
    history = 0
    for months_back, count in zip(range(len(_HISTORY_PER_MONTH), 0, -1), _HISTORY_PER_MONTH, strict=True):
        # Last month's sales early in the month (delivered by the 14th: payable now), older ones all month.
        days = 10 if months_back == 1 else 24
        for n in range(count):
            history += 1
            day = month_start(months_back) + timedelta(days=(n * days) // count)
            cancel = "sent" if (months_back, n) == (4, 1) else "owed" if (months_back, n) == (1, 2) else ""
            orders.append(
                _DemoOrder(
                    f"demo-order-h{history:02d}",
                    _BUYERS[(history + 2) % len(_BUYERS)],
                    basket(history + 5),
                    "delivered",
                    vilnius_midnight(day) + timedelta(hours=8 + 3 * (n % 4)),
                    paid=4 + n % 3 * 10,
                    accepted=30,
                    shipped=50,
                    done=80,
                    cancel_parcel=cancel,
                    history=True,
                )
            )
    return orders


def _seed_orders(report: SeedReport, progress: Callable[[str], None]) -> None:
    """Place the demo orders through the real services, move each to its state, then date it back."""
    if db.session.scalar(
        select(func.count()).select_from(Order).where(Order.idempotency_key.like("demo-order-%"))
    ):
        return
    staff = db.session.scalars(select(User).where(User.email == STAFF_EMAIL)).one()
    for demo in _demo_orders(utcnow()):
        progress(f"Placing demo order {demo.key} ({demo.stage})")
        variants = []
        for slug, quantity in demo.items:
            product = db.session.scalars(select(Product).where(Product.slug == slug)).one()
            variant = max(product.variants, key=lambda v: v.stock)
            # like any customer, one order takes at most its share of what is left on sale
            variants.append((variant, min(quantity, caps.allowed_of(variant.stock))))
        name, email, phone, language = demo.buyer
        deliveries: dict[int, placing.DeliveryChoice] = {}
        for variant, _quantity in variants:
            community = variant.product.community
            options = sorted(community.shipping_options, key=lambda o: o.position)
            option = options[(len(deliveries) + len(variants) + int(demo.key[-2:])) % len(options)]
            deliveries[community.id] = _demo_delivery(option.method, int(demo.key[-2:]))
        order = placing.place_order(
            [placing.LineRequest(v.id, q, demo.gift if i == 0 else "") for i, (v, q) in enumerate(variants)],
            deliveries,
            placing.Buyer(
                name=name,
                email=email,
                phone=phone,
                language=language,
                address_line="Liepų g. 3-4",
                city="Kėdainiai",
                postal_code="LT-57101",
            ),
            payment_method=PaymentMethod.BANK_TRANSFER,
            idempotency_key=demo.key,
        )
        report.count("orders")
        if demo.stage == "cancelled":
            lifecycle.cancel_unpaid_order(order.id, reason=CancelReason.CUSTOMER)
        elif demo.stage == "expired":
            lifecycle.cancel_unpaid_order(order.id, reason=CancelReason.EXPIRED)
        elif demo.stage == "awaiting" and demo.placed + placing.transfer_hold() < utcnow():
            unpaid.claim_transfer_paid(order.id)  # said "I have paid": held until the transfer deadline
        elif demo.stage != "awaiting":
            lifecycle.mark_paid(
                order.id,
                amount_cents=order.total_cents,
                method=PaymentMethod.BANK_TRANSFER,
                reference=f"Banko pavedimas {order.number}",
                by=staff,
            )
            if demo.cancel_parcel:
                _cancel_last_parcel(order.id, sent=demo.cancel_parcel == "sent", by=staff)
            _advance(order.id, demo.stage)
        _date_back(order.id, demo)
        if demo.history:
            _make_again(order.id)
    _renumber_invoices()


def _seed_privacy_requests(report: SeedReport) -> None:
    """Customers' requests about their data, through the real services: one asked on the shop's page (its
    link mailed), one staff recorded after a phone call, and an erasure confirmed — its closed orders
    anonymised, its order still open waiting for the daily job."""
    if db.session.scalar(select(func.count()).select_from(PrivacyRequest)):
        return
    staff = db.session.scalars(select(User).where(User.email == STAFF_EMAIL)).one()
    asking.request_link("emma@example.com", language="en")
    asking.record_request(
        "jonas@example.com", note="Paskambino: nori žinoti, ką apie jį saugome; atsiųsti nuorodą.", by=staff
    )
    asking.request_link("ona@example.com", language="lt")
    erasing = db.session.scalars(select(PrivacyRequest.id).order_by(PrivacyRequest.id.desc())).first()
    if erasing is not None:
        erasure.erase(erasing)
    for _request in db.session.scalars(select(PrivacyRequest.id)):
        report.count("privacy requests")


def _cancel_last_parcel(order_id: int, *, sent: bool, by: User) -> None:
    order = db.session.get_one(Order, order_id)
    refund = refunds.cancel_fulfilment(
        order.fulfilments[-1].id, reason="Sugedo pakuotė: pagaminsime iš naujo", by=by
    )
    if refund is not None and sent:
        refunds.mark_bank_refund_sent(refund.id, by=by)


def _advance(order_id: int, stage: str) -> None:
    steps = ("accepted", "shipped", "delivered")
    if stage not in steps:
        return
    order = db.session.get_one(Order, order_id)
    for fulfilment_id in [f.id for f in order.fulfilments if f.status is not FulfilmentStatus.CANCELLED]:
        fulfilment = db.session.get_one(Fulfilment, fulfilment_id)
        member = fulfilment.community.memberships[0].user if fulfilment.community.memberships else None
        fulfilments.accept_fulfilment(fulfilment_id, by=member)
        if stage in {"shipped", "delivered"}:
            fulfilments.ship_fulfilment(
                fulfilment_id, carrier="Omniva", tracking_number=f"CE{fulfilment_id:09d}LT", by=member
            )
        if stage == "delivered":
            fulfilments.mark_delivered(fulfilment_id, by=member)


#: Which moment of a demo order each mail belongs to, by the start of its key.
_MAIL_MOMENTS = {
    "order-placed": "placed",
    "payment-claimed": "paid",
    "order-paid": "paid",
    "fulfilment-new": "paid",
    "fulfilment-accepted": "accepted",
    "fulfilment-shipped": "shipped",
    "fulfilment-delivered": "done",
    "refund": "cancel",
    "order-cancelled": "done",
    "order-expired": "done",
}


def _date_back(order_id: int, demo: _DemoOrder) -> None:
    """Move an order placed just now to the demo's dates: the order, its payment, its parcels' moves,
    refunds, mails and audit entries, as if each had happened then."""
    moments = {
        "placed": demo.placed,
        "paid": demo.placed + timedelta(hours=demo.paid),
        "accepted": demo.placed + timedelta(hours=demo.accepted),
        "shipped": demo.placed + timedelta(hours=demo.shipped),
        "done": demo.placed + timedelta(hours=demo.done),
        "cancel": demo.placed + timedelta(hours=demo.paid + 3),  # a parcel cancelled after the payment
    }
    by_status = {
        FulfilmentStatus.NEW: moments["paid"],
        FulfilmentStatus.ACCEPTED: moments["accepted"],
        FulfilmentStatus.SHIPPED: moments["shipped"],
        FulfilmentStatus.DELIVERED: moments["done"],
    }
    with transaction():
        order = db.session.get_one(Order, order_id)
        if order.expires_at is not None:
            order.expires_at = demo.placed + (order.expires_at - order.created_at)
        order.created_at = demo.placed
        if order.paid_at is not None:
            order.paid_at = moments["paid"]
        if order.payment_claimed_at is not None:
            order.payment_claimed_at = moments["paid"]
        if order.cancelled_at is not None:
            order.cancelled_at = moments["done"] if order.paid_at is None else moments["cancel"]
        for payment in order.payments:
            payment.created_at = moments["paid"]
        for fulfilment in order.fulfilments:
            fulfilment.created_at = demo.placed
            _promise_as_placed(fulfilment, demo.placed)
            for event in fulfilment.events:
                cancelled = moments["cancel"] if order.paid_at is not None else moments["done"]
                event.created_at = by_status.get(event.to_status, cancelled)
            for line in fulfilment.lines:
                if line.cancelled_at is not None:
                    line.cancelled_at = moments["cancel"]
        for invoice in db.session.scalars(select(Invoice).where(Invoice.order_id == order_id)):
            invoice.issued_at = (
                moments["cancel"] if invoice.kind is InvoiceKind.CREDIT_NOTE else moments["paid"]
            )
            if invoice.paid_at is not None:
                invoice.paid_at = moments["paid"]
        for refund in order.refunds:
            refund.created_at = moments["cancel"]
            if refund.completed_at is not None:
                refund.completed_at = moments["cancel"] + timedelta(days=1)
        for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.order_id == order_id)):
            moment = moments[_MAIL_MOMENTS.get(message.dedup_key.split(":")[0], "placed")]
            message.created_at = message.next_attempt_at = moment
            if message.sent_at is not None:
                message.sent_at = moment
        subjects = or_(
            and_(AuditEntry.subject_type == "order", AuditEntry.subject_id == order.number),
            and_(
                AuditEntry.subject_type == "fulfilment",
                AuditEntry.subject_id.in_([str(f.id) for f in order.fulfilments]),
            ),
            and_(
                AuditEntry.subject_type == "refund",
                AuditEntry.subject_id.in_([str(r.id) for r in order.refunds]),
            ),
        )
        for entry in db.session.scalars(select(AuditEntry).where(subjects)):
            entry.created_at = {
                "order.confirm_payment": moments["paid"],
                "refund.mark_sent": moments["cancel"] + timedelta(days=1),
            }.get(entry.action, moments["cancel"])


def _renumber_invoices() -> None:
    """Number the demo orders' invoices again in the order of their dated-back issue, as a shop running all
    along would have: each community's series without a gap, starting again each year."""
    with transaction():
        demo = select(Order.id).where(Order.idempotency_key.like("demo-order-%"))
        invoices = db.session.scalars(
            select(Invoice).where(Invoice.order_id.in_(demo)).order_by(Invoice.issued_at, Invoice.id)
        ).all()
        for invoice in invoices:  # out of the way first: (series, sequence) and numbers are unique
            invoice.series = invoice.number = f"demo-{invoice.id}"
        db.session.flush()
        taken = {
            series: int(last)
            for series, last in db.session.execute(
                select(Invoice.series, func.max(Invoice.sequence)).group_by(Invoice.series)
            )
        }
        for invoice in invoices:
            prefix = db.session.get_one(
                Community, invoice.community_id
            ).invoice_prefix  # demo: all the seller's
            series = numbering.series_name(prefix, invoice.issued_at.astimezone(VILNIUS).year)
            taken[series] = invoice.sequence = taken.get(series, 0) + 1
            invoice.series, invoice.number = series, f"{series}-{invoice.sequence:06d}"
        db.session.flush()
        db.session.execute(delete(NumberSeries))
        for series, last in taken.items():
            if not series.startswith("demo-"):
                db.session.add(NumberSeries(series=series, prefix=series.rsplit("-", 1)[0], last_number=last))


def _make_again(order_id: int) -> None:
    """A past sale's stock was made again since: what it sold is back in stock (what was cancelled
    came back when it was cancelled)."""
    with transaction():
        lines = db.session.scalars(
            select(OrderLine)
            .join(OrderLine.fulfilment)
            .where(Fulfilment.order_id == order_id, OrderLine.cancelled_at.is_(None))
        ).all()
        lifecycle.restock(lines)


#: The demo's fairs: (slug, names, stories, days from the seeding moment it opens and closes, communities
#: invited, of which those opted in, palette). The past one is placed over last month's first sales instead.
_FAIRS = (
    (
        "kaledu-muge",
        ("Kalėdų mugė", "Christmas fair"),
        (
            "Šešios Kėdainių krašto bendruomenės atveža savo darbus: šiaudinius sodus, atvirukus "
            "ir žaisliukus eglutei. Užsukite, kol mugė vyksta!",
            "Six communities of the Kėdainiai district bring their work: straw ornaments, cards and toys "
            "for the tree. Come while the fair is on!",
        ),
        (-3, 10),
        ("slapaberze", "surviliskis", "pagiriai", "gudziunai", "josvainiai", "krakes"),
        ("slapaberze", "pagiriai", "josvainiai", "krakes"),
        ("#7a1f2b", "#d9a441"),
    ),
    (
        "triju-karaliu-muge",
        ("Trijų karalių mugė", "Epiphany fair"),
        (
            "Po švenčių – žvaigždės ir karūnos Trijų karalių vakarui.",
            "After the holidays: stars and crowns for the Epiphany evening.",
        ),
        (20, 27),
        ("surviliskis", "gudziunai", "krakes"),
        ("krakes",),
        ("#1f3a5f", "#c9b27c"),
    ),
)


def _draw_banner(palette: tuple[str, str], seed: str) -> bytes:
    """A wide banner: a night-sky gradient from the first colour with the second's stars."""
    import random

    from PIL import Image, ImageDraw

    width, height = 1280, 480
    top, star = demo_art._rgb(palette[0]), demo_art._rgb(palette[1])
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for row in range(height):
        draw.line([(0, row), (width, row)], fill=demo_art._mix(top, (20, 20, 30), row / height))
    chance = random.Random(seed)  # noqa: S311 - a drawing, not a secret
    for _ in range(40):
        x, y, r = chance.uniform(0, width), chance.uniform(0, height), chance.uniform(6, 22)
        draw.polygon(demo_art._star(x, y, r, r * 0.45, 5), fill=star)
    upload = io.BytesIO()
    image.save(upload, "JPEG", quality=90)
    return upload.getvalue()


def _seed_fairs(storage: MediaStorage, report: SeedReport) -> None:
    """One fair running at seed time, one coming, one past over last month's first days with sales in it
    (its products are the ones those orders bought), each with a banner drawn here."""
    from catalogue.fairs.models import Fair, FairInvitation, FairProduct

    if db.session.scalar(select(func.count()).select_from(Fair)):
        return
    now = utcnow()
    communities = {c.slug: c for c in db.session.scalars(select(Community))}
    today = now.astimezone(VILNIUS).date()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    past_opens = vilnius_midnight(last_month)
    past_closes = vilnius_midnight(last_month + timedelta(days=12))
    with transaction():
        for slug, names, stories, (opens, closes), invited, opted, palette in _FAIRS:
            banner = process_image(_draw_banner(palette, slug))
            store_image(storage, banner)
            fair = Fair(
                slug=slug,
                name_lt=names[0],
                name_en=names[1],
                story_lt=stories[0],
                story_en=stories[1],
                opens_at=vilnius_midnight(today + timedelta(days=opens)) + timedelta(hours=10),  # as staff
                closes_at=vilnius_midnight(today + timedelta(days=closes)) + timedelta(hours=20),  # set them
                banner_key=banner.key,
                banner_width=banner.width,
                banner_height=banner.height,
                promise_lt="Užsakę iki mugės pabaigos, siuntinį gausite iki Kūčių." if opens < 0 else "",
                promise_en="Order before the fair ends and your parcel arrives before Christmas Eve."
                if opens < 0
                else "",
            )
            position = 0
            for community_slug in invited:
                community = communities[community_slug]
                taking_part = community_slug in opted
                fair.invitations.append(
                    FairInvitation(
                        community_id=community.id,
                        invited_at=now - timedelta(days=14),
                        opted_in_at=now - timedelta(days=10) if taking_part else None,
                    )
                )
                if not taking_part or opens > 0:
                    continue
                listed = db.session.scalars(
                    select(Product)
                    .where(Product.community_id == community.id, Product.status == ProductStatus.ACTIVE)
                    .order_by(Product.id)
                    .limit(3)
                ).all()
                for product in listed:
                    fair.products.append(
                        FairProduct(product_id=product.id, position=position, is_featured=position == 0)
                    )
                    position += 1
            db.session.add(fair)
            report.count("fairs")
        banner = process_image(_draw_banner(("#3d5a3a", "#e8c872"), "rudens-muge"))
        store_image(storage, banner)
        past = Fair(
            slug="rudens-muge",
            name_lt="Rudens gėrybių mugė",
            name_en="Autumn fair",
            story_lt="Pirmieji kalėdiniai atvirukai ir rudens darbai.",
            story_en="The first Christmas cards and the autumn's work.",
            opens_at=past_opens,
            closes_at=past_closes,
            banner_key=banner.key,
            banner_width=banner.width,
            banner_height=banner.height,
        )
        sold = db.session.execute(
            select(Variant.product_id, Product.community_id)
            .join(OrderLine, OrderLine.variant_id == Variant.id)
            .join(Product, Product.id == Variant.product_id)
            .join(Fulfilment, Fulfilment.id == OrderLine.fulfilment_id)
            .join(Order, Order.id == Fulfilment.order_id)
            .where(Order.created_at >= past_opens, Order.created_at < past_closes, Order.paid_at.is_not(None))
            .group_by(Variant.product_id, Product.community_id)
            .order_by(Variant.product_id)
        ).all()
        for community_id in sorted({community_id for _product, community_id in sold}):
            past.invitations.append(
                FairInvitation(
                    community_id=community_id,
                    invited_at=past_opens - timedelta(days=14),
                    opted_in_at=past_opens - timedelta(days=7),
                )
            )
        for position, (product_id, _community) in enumerate(sold):
            past.products.append(
                FairProduct(product_id=product_id, position=position, added_at=past_opens - timedelta(days=7))
            )
        db.session.add(past)
        report.count("fairs")
