"""Communities: what customers may see of them, and the VVG's side (create and edit them, switch them
off and on).

Every staff change is written to the audit log in its own transaction, with the values of the changed
fields before and after. IBANs are logged masked (`LT12…1234`): the log is read by every member of staff
and kept for ever, and a masked number still shows that, and roughly how, it changed.

A community switched off (`is_active = False`) leaves the storefront at once — its page, its products in
the catalogue, search, sitemap, cart and checkout (`shows_products_today` and `takes_orders_today` filter
on it) — while its orders, parcels and payouts stay. Its members keep the workspace to finish those
orders (see `producers.access.member_required`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, inspect, or_, select
from sqlalchemy.exc import IntegrityError

from producers.errors import CommunityNotFound, InvoicePrefixFixed, InvoicePrefixTaken, SlugTaken
from producers.iban import is_valid_iban, normalise_iban
from producers.marks.register import with_mark
from producers.models import (
    CONNECTED_ACCOUNT,
    Community,
    DeliveryMethod,
    Membership,
    ShippingOption,
    derived_invoice_prefix,
)
from shop import audit, numbering
from shop.db import db, transaction
from shop.i18n import vilnius_today
from shop.models import Operator, User
from shop.text import slugify


def shows_products_today(today: date | ColumnElement[date] | None = None) -> ColumnElement[bool]:
    """SQL: the community is active and not hiding its products for its holidays (join `Community`) on
    `today` (by default Vilnius's today; or a parameter for it)."""
    return and_(
        Community.is_active.is_(True),
        or_(
            Community.vacation_hides_products.is_(False),
            Community.vacation_until.is_(None),
            Community.vacation_until <= (vilnius_today() if today is None else today),
        ),
    )


def takes_orders_today() -> ColumnElement[bool]:
    """SQL: the community is active and not on holiday: its products can be bought (join `Community`)."""
    return and_(
        Community.is_active.is_(True),
        or_(Community.vacation_until.is_(None), Community.vacation_until <= vilnius_today()),
    )


def list_active_communities() -> Sequence[Community]:
    """Communities with a shop, by name."""
    return db.session.scalars(
        select(Community).where(Community.is_active.is_(True)).order_by(Community.name)
    ).all()


def list_all_communities() -> Sequence[Community]:
    """Every community, switched-off ones too, by name: for staff, whose orders stay."""
    return db.session.scalars(select(Community).order_by(Community.name, Community.id)).all()


def get_active_community(slug: str) -> Community | None:
    """An active community by its slug, or None."""
    return db.session.scalars(
        select(Community).where(Community.slug == slug, Community.is_active.is_(True)).options(with_mark())
    ).first()


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
    vat_code: str = ""  #: the VAT payer's code (LT…); "" = none
    invoice_prefix: str = ""  #: its invoices' series, e.g. SLAP; "" = made from the slug (new), kept (edit)

    @classmethod
    def of(cls, community: Community) -> CommunityInput:
        """The community's current values, e.g. to fill the edit form."""
        values: dict[str, Any] = {}
        for field in fields(cls):
            value = getattr(community, field.name)
            values[field.name] = "" if value is None else value  # no Stripe account: ""
        return cls(**values)


#: An invoice series' prefix: 2 to 20 capital letters a–z and digits (SLAP, KRAKES2).
INVOICE_PREFIX = re.compile(r"^[A-Z0-9]{2,20}$")

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
        if values["invoice_prefix"]:
            _check_prefix(values["invoice_prefix"], None)
        else:
            values["invoice_prefix"] = free_invoice_prefix(values["slug"])
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
        _flush_unique(values["slug"], values["invoice_prefix"])
        audit.record("community.create", "community", community.id, by=by, after=_loggable(values))
    return community


def update_community(community_id: int, data: CommunityInput, *, by: User | None) -> Community:
    """Change what staff set for a community; only the fields that changed are logged."""
    with transaction():
        community = _locked(community_id)
        values = _clean(data)
        values["slug"] = _check_slug(values["slug"] or community.slug, community.id)
        values["invoice_prefix"] = values["invoice_prefix"] or community.invoice_prefix
        if values["invoice_prefix"] != community.invoice_prefix:
            if numbering.prefix_in_use(community.invoice_prefix):
                raise InvoicePrefixFixed(community.invoice_prefix)
            _check_prefix(values["invoice_prefix"], community.id)
        before = {key: getattr(community, key) for key in values if getattr(community, key) != values[key]}
        after = {key: values[key] for key in before}
        for key, value in after.items():
            setattr(community, key, value)
        _flush_unique(values["slug"], values["invoice_prefix"])
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


def _product() -> Any:
    """The catalogue's Product, reached through `Community.products` (a backref the catalogue adds): the
    producers package sits below the catalogue and never imports it."""
    return inspect(Community).relationships["products"].mapper.class_


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
    values["vat_code"] = "".join(data.vat_code.split()).upper()
    values["invoice_prefix"] = "".join(data.invoice_prefix.split()).upper()
    if values["invoice_prefix"] and not INVOICE_PREFIX.match(values["invoice_prefix"]):
        raise ValueError(f"{values['invoice_prefix']!r} is not an invoice prefix")
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


def free_invoice_prefix(slug: str) -> str:
    """An invoice prefix for a new community made from its slug (`SLAPABERZE`), with 2, 3… if taken."""
    base = derived_invoice_prefix(slug)
    prefix, n = base, 1
    while _prefix_holder(prefix, None) is not None:
        n += 1
        prefix = f"{base[: 20 - len(str(n))]}{n}"
    return prefix


def _prefix_holder(prefix: str, community_id: int | None) -> str | None:
    """Who numbers invoices with this prefix: another community's or the VVG's name ("" for a series used
    before), or None when it is free."""
    statement = select(Community.name).where(Community.invoice_prefix == prefix)
    if community_id is not None:
        statement = statement.where(Community.id != community_id)
    holder = db.session.scalars(statement).first()
    if holder is None:
        operator = db.session.scalars(select(Operator).where(Operator.invoice_prefix == prefix)).first()
        holder = operator.name if operator else None
    if holder is None and numbering.prefix_in_use(prefix):
        holder = ""  # a series once used stays its owner's
    return holder


def _check_prefix(prefix: str, community_id: int | None) -> str:
    """An invoice prefix no other community, nor the VVG, numbers its invoices with."""
    holder = _prefix_holder(prefix, community_id)
    if holder is not None:
        raise InvoicePrefixTaken(prefix, holder)
    return prefix


def _flush_unique(slug: str, prefix: str) -> None:
    """Write now: a community saved at the same moment with the same slug or invoice prefix loses here,
    not with a 500."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # the other one committed first: see which of the two it took
        taken = db.session.scalar(select(Community.id).where(Community.invoice_prefix == prefix))
        if taken is not None:
            raise InvoicePrefixTaken(prefix, "") from None
        raise SlugTaken(slug, "") from None


def _loggable(values: dict[str, Any]) -> dict[str, Any]:
    return {key: mask_iban(value) if key == "iban" and value else value for key, value in values.items()}
