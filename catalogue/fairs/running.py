"""The VVG running fairs: creating and changing a fair (its days, banner and the communities invited), and
curating what is shown (feature, reorder, take out with a reason, put back). Every change is one
transaction and is audit-logged; refused input raises a domain error and saves nothing. A community
newly invited is mailed the invitation once, from the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from catalogue.fairs.errors import (
    FairDatesReversed,
    FairNotFound,
    FairProductNotFound,
    FairSlugTaken,
    FairsOverlap,
    UnknownCategory,
    UnknownCommunity,
)
from catalogue.fairs.models import Fair, FairInvitation, FairProduct
from catalogue.images import ProcessedImage, store_image
from catalogue.models import Category, Product
from producers.models import Community
from shop import audit, outbox
from shop.db import db, serialise, transaction, utcnow
from shop.media import MediaStorage
from shop.models import OutboxMessage, User


@dataclass(frozen=True)
class FairInput:
    slug: str
    name_lt: str
    name_en: str
    story_lt: str
    story_en: str
    opens_at: datetime  #: aware UTC
    closes_at: datetime
    community_ids: Sequence[int]  #: the communities invited
    theme_category_id: int | None = None
    order_by: date | None = None
    promise_lt: str = ""
    promise_en: str = ""


def list_fairs() -> Sequence[Fair]:
    """Every fair, the latest first, with its invitations."""
    return db.session.scalars(
        select(Fair).options(selectinload(Fair.invitations)).order_by(Fair.opens_at.desc(), Fair.id.desc())
    ).all()


def get_fair(fair_id: int) -> Fair:
    fair = db.session.scalars(
        select(Fair)
        .where(Fair.id == fair_id)
        .options(
            selectinload(Fair.invitations).joinedload(FairInvitation.community),
            selectinload(Fair.products).joinedload(FairProduct.product).joinedload(Product.community),
            selectinload(Fair.products).joinedload(FairProduct.removed_by),
        )
    ).first()
    if fair is None:
        raise FairNotFound(fair_id)
    return fair


def create_fair(data: FairInput, *, banner: ProcessedImage | None = None, by: User | None) -> Fair:
    """A new fair, its communities invited; refused when its days are reversed or overlap another fair's."""
    _check_dates(data)
    if banner is not None:
        store_image(MediaStorage.from_app(), banner)
    try:
        with transaction():
            _check_no_overlap(data, fair_id=None)
            _check_references(data)
            fair = Fair(opens_at=data.opens_at, closes_at=data.closes_at)
            _apply(fair, data, banner)
            db.session.add(fair)
            invited = _invite(fair, data.community_ids)
            db.session.flush()
            audit.record("fair.create", "fair", fair.id, by=by, after=_audit_values(fair))
            mails = _mail_invitations(fair, invited)
    except IntegrityError as error:
        raise FairSlugTaken(data.slug) from error
    outbox.send_now(mails)
    return fair


def update_fair(
    fair_id: int, data: FairInput, *, banner: ProcessedImage | None = None, by: User | None
) -> Fair:
    """Change a fair; its fair-only listings follow its new days, and a community no longer invited takes
    its products out of it."""
    _check_dates(data)
    if banner is not None:
        store_image(MediaStorage.from_app(), banner)
    try:
        with transaction():
            fair = _locked(fair_id)
            before = _audit_values(fair)
            _check_no_overlap(data, fair_id=fair.id)
            _check_references(data)
            fair.opens_at, fair.closes_at = data.opens_at, data.closes_at
            _apply(fair, data, banner)
            invited = _invite(fair, data.community_ids)
            for shown in fair.products:
                if shown.is_fair_only:
                    shown.product.on_sale_from, shown.product.on_sale_until = fair.opens_at, fair.closes_at
            after = _audit_values(fair)
            changed = [key for key in after if before.get(key) != after[key]]
            if changed:
                audit.record(
                    "fair.update",
                    "fair",
                    fair.id,
                    by=by,
                    before={key: before.get(key) for key in changed},
                    after={key: after[key] for key in changed},
                )
            db.session.flush()
            mails = _mail_invitations(fair, invited)
    except IntegrityError as error:
        raise FairSlugTaken(data.slug) from error
    outbox.send_now(mails)
    return fair


def feature_product(fair_id: int, shown_id: int, featured: bool, *, by: User | None) -> FairProduct:
    """Show a product first at the fair (or no longer)."""
    with transaction():
        shown = _locked_shown(fair_id, shown_id)
        shown.is_featured = featured
        audit.record("fair.feature", "fair_product", shown.id, by=by, after={"featured": featured})
    return shown


def move_product(fair_id: int, shown_id: int, step: int, *, by: User | None) -> None:
    """One place earlier (-1) or later (+1) in the fair's order."""
    with transaction():
        _locked(fair_id)
        shown = list(
            db.session.scalars(
                select(FairProduct)
                .where(FairProduct.fair_id == fair_id)
                .order_by(FairProduct.position, FairProduct.id)
            )
        )
        index = next((i for i, row in enumerate(shown) if row.id == shown_id), None)
        if index is None:
            raise FairProductNotFound(shown_id)
        other = index + (1 if step > 0 else -1)
        if 0 <= other < len(shown):
            shown[index], shown[other] = shown[other], shown[index]
        for position, row in enumerate(shown):
            row.position = position


def remove_product(fair_id: int, shown_id: int, *, reason: str, by: User | None) -> FairProduct:
    """Take a product out of the fair, saying why (its community reads it); it stays in the catalogue."""
    with transaction():
        shown = _locked_shown(fair_id, shown_id)
        if shown.removed_at is None:
            shown.removed_at, shown.removal_reason, shown.removed_by = utcnow(), reason.strip(), by
            shown.is_featured = False
            audit.record("fair.remove_product", "fair_product", shown.id, by=by, after={"reason": reason})
    return shown


def restore_product(fair_id: int, shown_id: int, *, by: User | None) -> FairProduct:
    """Put a product taken out back into the fair."""
    with transaction():
        shown = _locked_shown(fair_id, shown_id)
        shown.removed_at, shown.removal_reason, shown.removed_by = None, "", None
        audit.record("fair.restore_product", "fair_product", shown.id, by=by)
    return shown


def _check_dates(data: FairInput) -> None:
    if data.closes_at <= data.opens_at:
        raise FairDatesReversed()


def _check_no_overlap(data: FairInput, *, fair_id: int | None) -> None:
    """One fair at a time: a fair's window [opens, closes) may not meet another's. Two staff saving
    overlapping fairs at once are taken one after the other, so the second sees the first."""
    serialise("fairs.schedule")
    statement = select(Fair.name_lt).where(Fair.opens_at < data.closes_at, Fair.closes_at > data.opens_at)
    if fair_id is not None:
        statement = statement.where(Fair.id != fair_id)
    other = db.session.scalars(statement.limit(1)).first()
    if other is not None:
        raise FairsOverlap(other)


def _check_references(data: FairInput) -> None:
    known = set(db.session.scalars(select(Community.id).where(Community.id.in_(data.community_ids))))
    for community_id in data.community_ids:
        if community_id not in known:
            raise UnknownCommunity(community_id)
    if data.theme_category_id is not None and db.session.get(Category, data.theme_category_id) is None:
        raise UnknownCategory(data.theme_category_id)  # a forged form: the form offers real ones only


def _apply(fair: Fair, data: FairInput, banner: ProcessedImage | None) -> None:
    fair.slug = data.slug
    fair.name_lt, fair.name_en = data.name_lt.strip(), data.name_en.strip()
    fair.story_lt, fair.story_en = _text(data.story_lt), _text(data.story_en)
    fair.theme_category_id = data.theme_category_id
    fair.order_by = data.order_by
    fair.promise_lt, fair.promise_en = _text(data.promise_lt), _text(data.promise_en)
    if banner is not None:
        fair.banner_key, fair.banner_width, fair.banner_height = banner.key, banner.width, banner.height


def _invite(fair: Fair, community_ids: Sequence[int]) -> list[int]:
    """The invitations become `community_ids`: new ones are added; a community left out is uninvited and
    its products leave the fair. Returns the communities newly invited."""
    wanted = set(community_ids)
    for invitation in list(fair.invitations):
        if invitation.community_id not in wanted:
            fair.invitations.remove(invitation)
            for shown in [
                row for row in fair.products if row.product.community_id == invitation.community_id
            ]:
                if shown.is_fair_only:
                    shown.product.on_sale_from = shown.product.on_sale_until = None
                fair.products.remove(shown)
    have = {invitation.community_id for invitation in fair.invitations}
    invited = sorted(wanted - have)
    for community_id in invited:
        fair.invitations.append(FairInvitation(community_id=community_id))
    return invited


def _mail_invitations(fair: Fair, community_ids: Sequence[int]) -> list[OutboxMessage | None]:
    """Tell each community newly invited, in Lithuanian as all its mail, what the fair is and where to
    choose its products; once per community and fair (a community uninvited and invited again is not
    mailed twice). Switched-off communities are not mailed: they cannot take part."""
    if not community_ids:
        return []
    communities = db.session.scalars(
        select(Community).where(Community.id.in_(community_ids), Community.is_active.is_(True))
    )
    return [
        outbox.enqueue(
            dedup_key=f"fair-invitation:{fair.id}:{community.id}",
            recipient=community.email,
            template="catalogue/fair_invitation",
            language="lt",
            context={"fair": fair, "community": community},
        )
        for community in communities
        if community.email
    ]


def _locked(fair_id: int) -> Fair:
    fair = db.session.scalars(
        select(Fair)
        .where(Fair.id == fair_id)
        .options(selectinload(Fair.products).joinedload(FairProduct.product), selectinload(Fair.invitations))
        .with_for_update(of=Fair)
    ).first()
    if fair is None:
        raise FairNotFound(fair_id)
    return fair


def _locked_shown(fair_id: int, shown_id: int) -> FairProduct:
    _locked(fair_id)
    shown = db.session.scalars(
        select(FairProduct)
        .where(FairProduct.id == shown_id, FairProduct.fair_id == fair_id)
        .options(joinedload(FairProduct.product))
    ).first()
    if shown is None:
        raise FairProductNotFound(shown_id)
    return shown


def _text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _audit_values(fair: Fair) -> dict[str, object]:
    return {
        "slug": fair.slug,
        "name_lt": fair.name_lt,
        "name_en": fair.name_en,
        "opens_at": fair.opens_at.isoformat(),
        "closes_at": fair.closes_at.isoformat(),
        "communities": sorted(invitation.community_id for invitation in fair.invitations),
        "theme_category_id": fair.theme_category_id,
        "order_by": fair.order_by.isoformat() if fair.order_by else None,
        "banner": fair.banner_key,
    }
