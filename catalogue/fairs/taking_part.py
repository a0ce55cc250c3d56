"""A community at a fair: the fairs it is invited to, opting in, and choosing which of its listings take
part (and which were made for the fair only, so on sale only while it runs)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from catalogue.fairs.errors import (
    CommunitySwitchedOff,
    FairEnded,
    FairNotFound,
    FairOnlyElsewhere,
    NotInvited,
    NotTheCommunitysProduct,
)
from catalogue.fairs.models import Fair, FairInvitation, FairPhase, FairProduct
from catalogue.models import Product, ProductStatus
from producers.models import Community
from shop.db import db, transaction, utcnow


@dataclass(frozen=True)
class Invitation:
    """A fair as a community sees it from its workspace."""

    fair: Fair
    invitation: FairInvitation
    shown: int  #: its products at the fair (not taken out)


def list_invitations(community: Community) -> list[Invitation]:
    """The fairs the community is invited to, the latest first, with how many of its products each shows."""
    rows = db.session.execute(
        select(FairInvitation, Fair)
        .join(FairInvitation.fair)
        .where(FairInvitation.community_id == community.id)
        .order_by(Fair.opens_at.desc(), Fair.id.desc())
    ).all()
    counts: dict[int, int] = {}
    for fair_id in db.session.scalars(
        select(FairProduct.fair_id)
        .join(FairProduct.product)
        .where(Product.community_id == community.id, FairProduct.removed_at.is_(None))
    ):
        counts[fair_id] = counts.get(fair_id, 0) + 1
    return [Invitation(fair, invitation, counts.get(fair.id, 0)) for invitation, fair in rows]


def get_invitation(community: Community, fair_id: int) -> FairInvitation:
    """The community's invitation to the fair, or FairNotFound (a fair it was not invited to is none of its
    business)."""
    invitation = db.session.scalars(
        select(FairInvitation)
        .where(FairInvitation.fair_id == fair_id, FairInvitation.community_id == community.id)
        .options(joinedload(FairInvitation.fair))
    ).first()
    if invitation is None:
        raise FairNotFound(fair_id)
    return invitation


def list_own_shown(community: Community, fair_id: int) -> dict[int, FairProduct]:
    """The community's products at the fair (taken out ones too), by product id."""
    rows = db.session.scalars(
        select(FairProduct)
        .join(FairProduct.product)
        .where(FairProduct.fair_id == fair_id, Product.community_id == community.id)
    )
    return {row.product_id: row for row in rows}


def list_candidates(community: Community) -> Sequence[Product]:
    """The community's listings that may take part: every one not archived, by name."""
    return db.session.scalars(
        select(Product)
        .where(Product.community_id == community.id, Product.status != ProductStatus.ARCHIVED)
        .order_by(Product.name_lt, Product.id)
    ).all()


def opt_in(community_id: int, fair_id: int) -> FairInvitation:
    """The community takes part in the fair it was invited to (before it closes)."""
    with transaction():
        invitation, _fair = _checked(community_id, fair_id)
        if invitation.opted_in_at is None:
            invitation.opted_in_at = utcnow()
    return invitation


def choose_products(
    community_id: int, fair_id: int, product_ids: Collection[int], fair_only_ids: Collection[int]
) -> None:
    """The community's products at the fair become `product_ids`; those in `fair_only_ids` go on sale only
    while the fair runs. A product the VVG took out stays out. Any id not one of the community's listings
    refuses the whole choice."""
    with transaction():
        invitation, fair = _checked(community_id, fair_id)
        if invitation.opted_in_at is None:
            raise NotInvited(fair_id)
        wanted = set(product_ids)
        products = {
            product.id: product
            for product in db.session.scalars(
                select(Product).where(
                    Product.id.in_(wanted | set(fair_only_ids)),
                    Product.community_id == community_id,
                    Product.status != ProductStatus.ARCHIVED,
                )
            )
        }
        for product_id in sorted(wanted | set(fair_only_ids)):
            if product_id not in products:
                raise NotTheCommunitysProduct(product_id)
        elsewhere = db.session.execute(  # one sale window per listing: a second fair's would overwrite it
            select(FairProduct.product_id, Fair.name_lt)
            .join(FairProduct.fair)
            .where(
                FairProduct.product_id.in_(set(fair_only_ids)),
                FairProduct.is_fair_only.is_(True),
                FairProduct.fair_id != fair_id,
                Fair.closes_at > utcnow(),
            )
            .order_by(FairProduct.product_id)
        ).first()
        if elsewhere is not None:
            raise FairOnlyElsewhere(elsewhere.product_id, elsewhere.name_lt)
        shown = {
            row.product_id: row
            for row in db.session.scalars(
                select(FairProduct)
                .join(FairProduct.product)
                .where(FairProduct.fair_id == fair_id, Product.community_id == community_id)
                .options(joinedload(FairProduct.product))
            )
        }
        last = db.session.scalars(
            select(FairProduct.position)
            .where(FairProduct.fair_id == fair_id)
            .order_by(FairProduct.position.desc())
        ).first()
        position = (last if last is not None else -1) + 1
        for product_id, kept in shown.items():
            if product_id not in wanted and kept.removed_at is None:
                _leave_window(kept)
                db.session.delete(kept)
        for product_id in sorted(wanted):
            found = shown.get(product_id)
            if found is None:
                row = FairProduct(fair_id=fair_id, product=products[product_id], position=position)
                position += 1
                db.session.add(row)
            else:
                row = found
            if row.removed_at is not None:
                continue
            row.is_fair_only = product_id in fair_only_ids
            if row.is_fair_only:
                row.product.on_sale_from, row.product.on_sale_until = fair.opens_at, fair.closes_at
            else:
                _leave_window(row)


def _leave_window(row: FairProduct) -> None:
    """A listing no longer made for the fair only goes back to having no sale window."""
    if row.is_fair_only:
        row.product.on_sale_from = row.product.on_sale_until = None
        row.is_fair_only = False


def _checked(community_id: int, fair_id: int) -> tuple[FairInvitation, Fair]:
    community = db.session.get(Community, community_id)
    if community is None or not community.is_active:
        raise CommunitySwitchedOff(community_id)
    invitation = db.session.scalars(
        select(FairInvitation)
        .where(FairInvitation.fair_id == fair_id, FairInvitation.community_id == community_id)
        .with_for_update()
    ).first()
    if invitation is None:
        raise NotInvited(fair_id)
    fair = db.session.get_one(Fair, fair_id)
    if fair.phase(utcnow()) is FairPhase.ENDED:
        raise FairEnded(fair_id)
    return invitation, fair
