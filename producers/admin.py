"""The VVG's side of communities: create and edit them, switch them off and on, and who works for them.

Every change is a staff action written to the audit log in its own transaction, with the values of the
changed fields before and after. IBANs are logged masked (`LT12…1234`): the log is read by every member
of staff and kept for ever, and a masked number still shows that, and roughly how, it changed.

A community switched off (`is_active = False`) leaves the storefront at once — its page, its products in
the catalogue, search, sitemap, cart and checkout (`producers.services.shows_products_today` and
`takes_orders_today` filter on it) — while its orders, parcels and payouts stay. Its members keep the
workspace to finish those orders (see `producers.workspace.member_required`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from producers.iban import is_valid_iban, normalise_iban
from producers.models import (
    CONNECTED_ACCOUNT,
    Community,
    DeliveryMethod,
    Membership,
    ShippingOption,
)
from producers.services import CommunityNotFound
from shop import audit
from shop.db import db, transaction
from shop.models import User
from shop.text import slugify


class SlugTaken(ValueError):
    """Another community's address already uses this slug."""

    def __init__(self, slug: str, taken_by: str) -> None:
        super().__init__(slug)
        self.slug = slug
        self.taken_by = taken_by  #: the name of the community that has it


class MembershipNotFound(LookupError):
    """This community has no such membership."""


@dataclass(frozen=True)
class CommunityInput:
    """What VVG staff set for a community (its story, photo, delivery and holidays are its own)."""

    name: str
    slug: str  #: "" = made from the name
    legal_name: str
    registration_code: str
    district: str
    address_line: str
    postal_code: str
    city: str
    email: str
    phone: str
    is_vat_payer: bool
    commission_bp: int  #: basis points, 1000 = 10 %
    iban: str  #: "" = none; checked and stored compact
    stripe_account_id: str  #: "" = none; acct_…
    is_trusted: bool

    @classmethod
    def of(cls, community: Community) -> CommunityInput:
        """The community's current values, e.g. to fill the edit form."""
        values: dict[str, Any] = {}
        for field in fields(cls):
            value = getattr(community, field.name)
            values[field.name] = "" if value is None else value  # no Stripe account: ""
        return cls(**values)


#: Where the VVG's communities are: a new community's form starts with it.
DEFAULT_DISTRICT = "Kėdainių r. sav."


@dataclass(frozen=True)
class CommunityRow:
    """One line of the back office's list of communities."""

    community: Community
    members: int
    listings: int  #: not archived
    on_sale: int

    @property
    def iban_state(self) -> str:
        """The bank account for payouts: "ok", "invalid" (stored before IBANs were checked) or "none"."""
        if not self.community.iban:
            return "none"
        return "ok" if is_valid_iban(self.community.iban) else "invalid"


@dataclass(frozen=True)
class Member:
    """A person working for a community, as staff see them."""

    membership_id: int
    user_id: int
    name: str
    email: str
    since: datetime
    last_signed_in_at: datetime | None
    has_password: bool  #: False: invited, the link not used yet
    is_active: bool  #: False: the account is switched off

    @property
    def state(self) -> str:
        """One of "active", "invited" (no password chosen yet) and "switched_off"."""
        if not self.is_active:
            return "switched_off"
        return "active" if self.has_password else "invited"


def mask_iban(iban: str) -> str:
    """An IBAN shown in part (the audit log, the communities list): country, check digits and the last four
    (`LT12…5678`)."""
    return f"{iban[:4]}…{iban[-4:]}" if len(iban) > 8 else iban


def list_communities() -> list[CommunityRow]:
    """Every community, switched on or off, by name, with its members and listings counted."""
    product = _product()
    members = (
        select(Membership.community_id, func.count().label("n")).group_by(Membership.community_id).subquery()
    )
    listings = (
        select(
            product.community_id,
            func.count().label("n"),
            func.sum(case((product.status == "active", 1), else_=0)).label("on_sale"),
        )
        .where(product.status != "archived")
        .group_by(product.community_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Community,
            func.coalesce(members.c.n, 0),
            func.coalesce(listings.c.n, 0),
            func.coalesce(listings.c.on_sale, 0),
        )
        .outerjoin(members, members.c.community_id == Community.id)
        .outerjoin(listings, listings.c.community_id == Community.id)
        .order_by(Community.name, Community.id)
    ).all()
    return [CommunityRow(community, int(m), int(n), int(s)) for community, m, n, s in rows]


def get_community(community_id: int) -> Community:
    """Any community by id (switched off too), or CommunityNotFound."""
    community = db.session.get(Community, community_id)
    if community is None:
        raise CommunityNotFound(community_id)
    return community


def count_on_sale(community_id: int) -> int:
    """How many of the community's listings are for sale: what switching it off takes from the shop."""
    product = _product()
    return int(
        db.session.scalar(
            select(func.count()).where(product.community_id == community_id, product.status == "active")
        )
        or 0
    )


def free_slug(name: str) -> str:
    """A slug for a new community made from its name ("Šlapaberžė" → "slapaberze"), -2, -3… if taken."""
    base = slugify(name, fallback="bendruomene")
    slug, n = base, 1
    while _holder_of(slug) is not None:
        n += 1
        slug = f"{base[: 80 - len(str(n)) - 1]}-{n}"
    return slug


def create_community(data: CommunityInput, *, by: User | None) -> Community:
    """Add a community: switched on, with free pickup at its address until its members set delivery."""
    with transaction():
        values = _clean(data)
        values["slug"] = _check_slug(values["slug"], None) if values["slug"] else free_slug(values["name"])
        community = Community(**values, is_active=True)
        community.shipping_options = [
            ShippingOption(
                method=DeliveryMethod.PICKUP,
                fee_cents=0,
                pickup_address=f"{values['address_line']}, {values['city']}",
                position=0,
            )
        ]
        db.session.add(community)
        _flush_slug(values["slug"])
        audit.record("community.create", "community", community.id, by=by, after=_loggable(values))
    return community


def update_community(community_id: int, data: CommunityInput, *, by: User | None) -> Community:
    """Change what staff set for a community; only the fields that changed are logged."""
    with transaction():
        community = _locked(community_id)
        values = _clean(data)
        values["slug"] = _check_slug(values["slug"] or community.slug, community.id)
        before = {key: getattr(community, key) for key in values if getattr(community, key) != values[key]}
        after = {key: values[key] for key in before}
        for key, value in after.items():
            setattr(community, key, value)
        _flush_slug(values["slug"])
        if after:
            audit.record(
                "community.update",
                "community",
                community.id,
                by=by,
                before=_loggable(before),
                after=_loggable(after),
            )
    return community


def set_community_active(community_id: int, active: bool, *, by: User | None) -> Community:
    """Switch a community's shop off (its products leave the storefront; its orders stay) or on again."""
    with transaction():
        community = _locked(community_id)
        if community.is_active != active:
            audit.record(
                "community.reactivate" if active else "community.deactivate",
                "community",
                community.id,
                by=by,
                before={"is_active": community.is_active},
                after={"is_active": active, "slug": community.slug},
            )
            community.is_active = active
    return community


def list_members(community_id: int) -> list[Member]:
    """The people working for a community, by name."""
    rows = db.session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.community_id == community_id)
        .order_by(User.name, User.id)
    ).all()
    return [_member(membership, user) for membership, user in rows]


def get_member(community_id: int, membership_id: int) -> Member:
    """One membership of this community, or MembershipNotFound."""
    row = db.session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.id == membership_id, Membership.community_id == community_id)
    ).first()
    if row is None:
        raise MembershipNotFound(membership_id)
    return _member(*row)


def remove_member(community_id: int, membership_id: int, *, by: User | None) -> Member:
    """The person no longer works for the community (their account stays: they may work for others)."""
    with transaction():
        community = _locked(community_id)
        member = get_member(community_id, membership_id)
        db.session.delete(db.session.get_one(Membership, membership_id))
        audit.record(
            "member.remove",
            "user",
            member.user_id,
            by=by,
            before={"email": member.email, "community": community.slug},
        )
    return member


def _member(membership: Membership, user: User) -> Member:
    return Member(
        membership_id=membership.id,
        user_id=user.id,
        name=user.name,
        email=user.email,
        since=membership.created_at,
        last_signed_in_at=user.last_signed_in_at,
        has_password=bool(user.password_hash),
        is_active=user.is_active,
    )


def _product() -> Any:
    """The catalogue's Product, reached through `Community.products` (declared here by name): the
    producers package sits below the catalogue and never imports it."""
    return Community.products.property.mapper.class_


def _locked(community_id: int) -> Community:
    community = db.session.scalars(
        select(Community).where(Community.id == community_id).with_for_update()
    ).first()
    if community is None:
        raise CommunityNotFound(community_id)
    return community


def _clean(data: CommunityInput) -> dict[str, Any]:
    """The input as column values, trimmed. The rules money depends on — the commission's range, a real
    IBAN, a well-formed Stripe account — hold whoever calls (the form has explained them already)."""
    if not 0 <= data.commission_bp <= 10_000:
        raise ValueError(f"commission {data.commission_bp} bp is not between 0 and 100 %")
    stripe_account_id = data.stripe_account_id.strip()
    if stripe_account_id and not CONNECTED_ACCOUNT.match(stripe_account_id):
        raise ValueError(f"{stripe_account_id!r} is not a Stripe connected account id")
    values: dict[str, Any] = {field.name: getattr(data, field.name) for field in fields(data)}
    values = {key: value.strip() if isinstance(value, str) else value for key, value in values.items()}
    values["slug"] = values["slug"].lower()
    values["email"] = values["email"].lower()
    values["iban"] = normalise_iban(data.iban) if data.iban.strip() else ""  # IbanNotValid is a ValueError
    values["stripe_account_id"] = stripe_account_id or None
    return values


def _holder_of(slug: str, *, other_than: int | None = None) -> str | None:
    """The name of the community using `slug` (another than `other_than`), or None."""
    statement = select(Community.name).where(Community.slug == slug)
    if other_than is not None:
        statement = statement.where(Community.id != other_than)
    return db.session.scalars(statement).first()


def _check_slug(slug: str, community_id: int | None) -> str:
    holder = _holder_of(slug, other_than=community_id)
    if holder is not None:
        raise SlugTaken(slug, holder)
    return slug


def _flush_slug(slug: str) -> None:
    """Write now: a community saved at the same moment with the same slug loses here, not with a 500."""
    try:
        db.session.flush()
    except IntegrityError:
        raise SlugTaken(slug, "") from None


def _loggable(values: dict[str, Any]) -> dict[str, Any]:
    return {key: mask_iban(value) if key == "iban" and value else value for key, value in values.items()}
