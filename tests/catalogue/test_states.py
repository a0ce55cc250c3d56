"""A listing's moderation state as a table: what it allows, that every allowed move is made, that every
other move is refused with the one error, and that the listing services keep within it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalogue import listings
from catalogue.models import PRODUCT_NEXT, Product, ProductStatus
from shop.db import db
from shop.states import TransitionNotAllowed
from tests.factories.catalogue import make_product
from tests.factories.producers import make_community

S = ProductStatus
ALLOWED = [(start, end) for start, ends in PRODUCT_NEXT.items() for end in sorted(ends)]
REFUSED = [(start, end) for start in ProductStatus for end in ProductStatus if end not in PRODUCT_NEXT[start]]


def stored_status(product_id: int) -> ProductStatus:
    db.session.rollback()
    return db.session.scalars(select(Product.status).where(Product.id == product_id)).one()


def test_any_listing_can_be_archived_and_only_a_waiting_one_is_approved_or_sent_back() -> None:
    assert {
        S.DRAFT: {
            S.PENDING_REVIEW,
            S.ACTIVE,
            S.ARCHIVED,
        },  # published: via the VVG, or at once if trusted
        S.PENDING_REVIEW: {S.ACTIVE, S.DRAFT, S.ARCHIVED},  # approved; sent back with the VVG's reason
        S.ACTIVE: {S.PENDING_REVIEW, S.ARCHIVED},  # an untrusted community's change waits for the VVG
        S.ARCHIVED: {S.PENDING_REVIEW, S.ACTIVE},  # restored, or saved again
    } == PRODUCT_NEXT


def test_the_table_has_a_row_for_every_status_and_no_status_moves_to_itself() -> None:
    assert set(PRODUCT_NEXT) == set(ProductStatus)
    assert all(start not in ends for start, ends in PRODUCT_NEXT.items())


@pytest.mark.parametrize(("start", "end"), ALLOWED)
def test_a_listing_makes_every_move_its_table_allows(start: ProductStatus, end: ProductStatus) -> None:
    product = Product(status=start, review_note="Nuotrauka per tamsi")
    product.move_to(end)
    assert (product.status, product.review_note) == (end, "Nuotrauka per tamsi")  # the note is the services'


@pytest.mark.parametrize(("start", "end"), REFUSED)
def test_a_listing_refuses_every_move_its_table_does_not_allow_and_stays_as_it_was(
    start: ProductStatus, end: ProductStatus
) -> None:
    product = Product(status=start)
    with pytest.raises(TransitionNotAllowed) as refusal:
        product.move_to(end)
    assert (refusal.value.current, refusal.value.wanted) == (start, end)
    assert product.status is start


# --- The services keep within the table --------------------------------------------------------------


@pytest.mark.parametrize("start", list(ProductStatus))
def test_a_listing_in_any_state_is_archived_and_archiving_it_again_changes_nothing(
    app: object, start: ProductStatus
) -> None:
    product = make_product(status=start)
    listings.archive_listing(product.community, product.id)
    assert stored_status(product.id) is S.ARCHIVED
    listings.archive_listing(product.community, product.id)
    assert stored_status(product.id) is S.ARCHIVED


def test_an_untrusted_communitys_change_to_a_waiting_listing_leaves_it_waiting(app: object) -> None:
    product = make_product(make_community(is_trusted=False), status=S.PENDING_REVIEW)
    variant = product.variants[0]
    changed = listings.ListingInput(
        category_id=product.category_id,
        name_lt="Naujas pavadinimas",
        name_en=product.name_en,
        description_lt=product.description_lt,
        description_en=product.description_en,
        safety_notes_lt=product.safety_notes_lt,
        variants=[
            listings.VariantInput(
                id=variant.id,
                name_lt=variant.name_lt,
                name_en=variant.name_en,
                price_cents=variant.price_cents + 50,
                stock=variant.stock,
                is_made_to_order=variant.is_made_to_order,
                lead_days=variant.lead_days,
                weight_grams=variant.weight_grams,
            )
        ],
    )
    listings.update_listing(product.community, product.id, changed)
    assert stored_status(product.id) is S.PENDING_REVIEW
