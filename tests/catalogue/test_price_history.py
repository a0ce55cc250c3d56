"""The kept price history and the lowest price of the 30 days before a sale (Art. 6a of Directive 98/6/EC).

Every change is made at its own moment (the test travels there), through the workspace's own service, by a
member of the community; the history and the lowest price are then read back as customers and the
community see them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from catalogue import listings
from catalogue.models import PriceChange, PriceKind, Product, Sale, Variant, lowest_price_before
from shop.db import db, transaction
from shop.i18n import VILNIUS, vilnius_midnight
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.producers import make_community
from tests.factories.shop import make_user

#: The sale of these tests begins at 10:00 in Vilnius on 10 December 2026.
SALE_DAY = date(2026, 12, 10)
SALE_STARTS = vilnius_midnight(SALE_DAY) + timedelta(hours=10)


def days_before(days: float) -> datetime:
    return SALE_STARTS - timedelta(days=days)


@pytest.fixture
def clock(app: object) -> Iterator[time_machine.Traveller]:
    with time_machine.travel(days_before(70), tick=False) as traveller:
        yield traveller


def change(kind: PriceKind, cents: int, recorded: datetime, **moments: datetime) -> PriceChange:
    starts_at = moments.get("starts_at", recorded)
    return PriceChange(
        kind=kind,
        price_cents=cents,
        recorded_at=recorded,
        starts_at=starts_at,
        ends_at=moments.get("ends_at"),
    )


def test_the_lowest_price_counts_every_price_in_force_in_the_30_days_and_nothing_before() -> None:
    history = [
        change(PriceKind.REGULAR, 500, days_before(60)),  # replaced 45 days before: does not count
        change(PriceKind.REGULAR, 900, days_before(45)),  # still in force as the 30 days begin: counts
        change(PriceKind.REGULAR, 800, days_before(20)),
        change(
            PriceKind.SALE, 700, days_before(12), starts_at=days_before(10), ends_at=days_before(8)
        ),  # an earlier two-day sale counts too
        change(PriceKind.REGULAR, 1200, days_before(2)),  # raised just before the sale
        change(
            PriceKind.SALE, 1000, days_before(1), starts_at=SALE_STARTS, ends_at=SALE_STARTS + timedelta(7)
        ),
    ]
    assert lowest_price_before(history, SALE_STARTS) == 700
    assert lowest_price_before(history[:3] + history[4:], SALE_STARTS) == 800  # without the earlier sale
    assert lowest_price_before(history[2:3] + history[4:], SALE_STARTS) == 800  # priced 20 days before only


def test_a_sale_taken_off_before_it_began_never_counted_and_one_over_before_the_window_neither() -> None:
    history = [
        change(PriceKind.REGULAR, 1000, days_before(90)),
        change(PriceKind.SALE, 300, days_before(60), starts_at=days_before(50), ends_at=days_before(31)),
        change(PriceKind.SALE, 200, days_before(25), starts_at=days_before(5), ends_at=days_before(3)),
        change(PriceKind.SALE_STOPPED, 1000, days_before(20)),  # taken off before its first day
    ]
    assert lowest_price_before(history, SALE_STARTS) == 1000


def test_the_30_days_are_counted_in_vilnius_days_across_the_change_of_summer_time() -> None:
    start = vilnius_midnight(date(2026, 11, 1))  # 30 Vilnius days after 2 October, summer time then
    history = [
        change(PriceKind.REGULAR, 400, vilnius_midnight(date(2026, 9, 1))),
        change(PriceKind.REGULAR, 600, vilnius_midnight(date(2026, 10, 2))),  # the very first moment
    ]
    assert lowest_price_before(history, start) == 600
    history[1] = change(PriceKind.REGULAR, 600, vilnius_midnight(date(2026, 10, 2)) + timedelta(minutes=1))
    assert lowest_price_before(history, start) == 400  # 400 was in force for the first minute


@pytest.fixture
def listing(clock: time_machine.Traveller) -> dict[str, Any]:
    """A trusted community's listing of one variant at 5,00 €, priced 70 days before the sale by Ona."""
    community = make_community(is_trusted=True)
    ona = make_user(community, name="Ona")
    jonas = make_user(community, name="Jonas")
    product = make_product(community, make_category(), variants=[make_variant(price_cents=500)])
    return {"community": community, "product": product, "ona": ona, "jonas": jonas}


def save(listing: dict[str, Any], price: int, sale: listings.SaleInput | None = None, *, by: Any) -> None:
    """Save the listing as its page would: one variant, its price and its sale."""
    product = db.session.get_one(Product, listing["product"].id)
    variant = product.variants[0]
    data = listings.ListingInput(
        category_id=product.category_id,
        name_lt=product.name_lt,
        name_en=product.name_en,
        description_lt=product.description_lt,
        description_en=product.description_en,
        safety_notes_lt="",
        variants=[
            listings.VariantInput(variant.id, "", "", price, variant.stock, False, None, 20, sale=sale)
        ],
    )
    listings.update_listing(listing["community"], product.id, data, by=by)
    db.session.rollback()


def the_variant(listing: dict[str, Any]) -> Variant:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get_one(Product, listing["product"].id).variants[0]


def test_a_fake_discount_after_a_rise_shows_no_reduction_and_a_real_one_shows_the_lowest_price(
    clock: time_machine.Traveller, listing: dict[str, Any]
) -> None:
    ona, jonas = listing["ona"], listing["jonas"]
    clock.move_to(days_before(50))
    save(listing, 800, by=ona)  # 5,00 € until 50 days before: those days do not count
    clock.move_to(days_before(12))
    save(listing, 700, listings.SaleInput(600, None, (days_before(10)).astimezone(VILNIUS).date()), by=ona)
    clock.move_to(days_before(3))
    save(listing, 1200, by=jonas)  # the earlier sale is over; the price rises just before the new sale

    clock.move_to(SALE_STARTS)
    save(listing, 1200, listings.SaleInput(1000, None, SALE_DAY + timedelta(days=6)), by=jonas)
    variant = the_variant(listing)
    assert variant.prior_price_cents == 600  # the earlier sale's price, 12 to 10 days before
    offer = variant.offer()
    assert offer.price_cents == 1000 and not offer.is_reduced  # charged, but no reduction to announce

    clock.move_to(SALE_STARTS + timedelta(hours=1))  # the same sale goes on at a lower price
    save(listing, 1200, listings.SaleInput(550, SALE_DAY, SALE_DAY + timedelta(days=6)), by=jonas)
    variant = the_variant(listing)
    assert variant.sale_starts_at == SALE_STARTS  # it began when it began: the same 30 days count
    offer = variant.offer()
    assert (offer.price_cents, offer.regular_cents, offer.prior_cents) == (550, 1200, 600)
    assert offer.last_day == SALE_DAY + timedelta(days=6)


def test_the_history_records_who_changed_what_and_when(
    clock: time_machine.Traveller, listing: dict[str, Any]
) -> None:
    ona, jonas = listing["ona"], listing["jonas"]
    clock.move_to(days_before(5))
    save(listing, 650, by=ona)
    save(listing, 650, by=ona)  # saved again unchanged: nothing to record
    clock.move_to(days_before(2))
    save(listing, 650, listings.SaleInput(450, SALE_DAY, SALE_DAY + timedelta(days=2)), by=jonas)
    clock.move_to(days_before(1))
    save(listing, 650, by=ona)  # taken off before it began

    rows = db.session.scalars(select(PriceChange).order_by(PriceChange.recorded_at, PriceChange.id)).all()
    assert [(r.kind, r.price_cents, r.changed_by.name if r.changed_by else None) for r in rows] == [
        (PriceKind.REGULAR, 500, None),  # the factory's, 70 days before: made by no one
        (PriceKind.REGULAR, 650, "Ona"),
        (PriceKind.SALE, 450, "Jonas"),
        (PriceKind.SALE_STOPPED, 650, "Ona"),
    ]
    assert [r.recorded_at for r in rows] == [days_before(d) for d in (70, 5, 2, 1)]
    sale = rows[2]
    assert (sale.starts_at, sale.ends_at) == (
        vilnius_midnight(SALE_DAY),
        vilnius_midnight(date(2026, 12, 13)),
    )
    assert all(r.sku == listing["product"].variants[0].sku for r in rows)
    assert the_variant(listing).sale is None and the_variant(listing).prior_price_cents is None


def test_a_change_made_outside_the_workspace_is_recorded_as_well_with_who_made_it(
    clock: time_machine.Traveller, listing: dict[str, Any]
) -> None:
    staff = make_user(name="Vida iš VVG", is_staff=True)
    with transaction():
        variant = db.session.get_one(Variant, listing["product"].variants[0].id)
        variant.set_prices(450, Sale(400, days_before(69), days_before(60)), by=staff)
    rows = db.session.scalars(select(PriceChange).order_by(PriceChange.id)).all()
    assert [(r.kind, r.price_cents, r.changed_by_id) for r in rows[1:]] == [
        (PriceKind.REGULAR, 450, staff.id),
        (PriceKind.SALE, 400, staff.id),
    ]


def test_an_ended_sale_left_on_the_variant_is_cleared_on_the_next_save_without_a_history_row(
    clock: time_machine.Traveller, listing: dict[str, Any]
) -> None:
    clock.move_to(days_before(1))
    save(listing, 500, listings.SaleInput(400, None, SALE_DAY), by=listing["ona"])
    clock.move_to(SALE_STARTS + timedelta(days=3))
    assert the_variant(listing).offer().price_cents == 500  # over by itself at midnight
    save(listing, 500, by=listing["ona"])
    assert the_variant(listing).sale is None
    kinds = db.session.scalars(select(PriceChange.kind).order_by(PriceChange.id)).all()
    assert kinds == [PriceKind.REGULAR, PriceKind.SALE]


def test_a_variant_taken_off_its_listing_keeps_its_history_under_its_sku(
    clock: time_machine.Traveller, listing: dict[str, Any]
) -> None:
    variant = listing["product"].variants[0]
    sku = variant.sku
    with transaction():
        product = db.session.get_one(Product, listing["product"].id)
        product.variants.append(make_variant(price_cents=900))
    with transaction():
        product = db.session.get_one(Product, listing["product"].id)
        product.variants.remove(next(v for v in product.variants if v.sku == sku))
    kept = db.session.scalars(select(PriceChange).where(PriceChange.sku == sku)).one()
    assert kept.variant_id is None and kept.price_cents == 500


def test_the_sale_columns_keep_their_rules_in_the_database(clock: time_machine.Traveller) -> None:
    product = make_product(variants=[make_variant(price_cents=500)])
    now = datetime.now(UTC)
    for sale in (Sale(500, now, now + timedelta(days=1)), Sale(400, now, now)):
        with pytest.raises(IntegrityError), transaction():
            variant = db.session.get_one(Variant, product.variants[0].id)
            variant.set_prices(500, sale, by=None)
