"""What the shop's pages say about delivery: each offered method's promise for a parcel ordered now, and,
in the Christmas season, by when to order for it to arrive by the VVG's Christmas day."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

from sqlalchemy import select

from producers import capacity
from producers.errors import CapacityFull
from producers.models import Community, DeliveryMethod, ShippingOption
from producers.promises import Promise, christmas_order_by, christmas_target, promise_for, season_opens
from shop.db import db, utcnow
from shop.i18n import VILNIUS
from shop.operator import get_operator

#: Kūčios, Christmas Eve: the day Lithuanians want their presents by (the VVG may set another).
CHRISTMAS_EVE = (12, 24)


@dataclass(frozen=True)
class ChristmasNote:
    """By when to order for the Christmas day; `order_by` None: it would arrive after."""

    target: date
    order_by: date | None

    @property
    def is_christmas_eve(self) -> bool:
        return (self.target.month, self.target.day) == CHRISTMAS_EVE


@dataclass(frozen=True)
class MethodPromise:
    """One delivery method's promise for a parcel ordered now."""

    option: ShippingOption
    promise: Promise
    christmas: ChristmasNote | None = None

    @property
    def method(self) -> DeliveryMethod:
        return self.option.method


def christmas_in_season(now: datetime) -> date | None:
    """The VVG's Christmas day while the shop speaks of it (from the first day of the month before it to
    the day itself: 1 November to 24 December), else None."""
    operator = get_operator()
    month, day = (operator.christmas_month, operator.christmas_day) if operator else CHRISTMAS_EVE
    today = now.astimezone(VILNIUS).date()
    target = christmas_target(today, month, day)
    return target if season_opens(target) <= today else None


def made_to_order_start(community: Community, quantity: int, now: datetime) -> date | None:
    """The first day the community can start `quantity` more made-to-order items (`capacity`), None when
    no week ahead has room for them: then no promise can be made, and the checkout would refuse them."""
    try:
        return capacity.production_start(community, quantity, now.astimezone(VILNIUS).date())
    except CapacityFull:
        return None


def list_delivery_promises(
    options: Iterable[ShippingOption],
    lead_days: int = 0,
    *,
    made_to_order: int = 0,
    production_starts: date | None = None,
    now: datetime | None = None,
) -> list[MethodPromise]:
    """Each active method's promise for a parcel with these lead days and `made_to_order` items ordered
    now (their work starting when the community's capacity has room), with its Christmas note in the
    season. Empty when no week ahead has room for the made-to-order items. `production_starts`: when
    their work can start, if the caller has asked the capacity already (then `made_to_order` is not
    needed)."""
    now = now or utcnow()
    options = list(options)
    if production_starts is None and lead_days and made_to_order and options:
        production_starts = made_to_order_start(options[0].community, made_to_order, now)
        if production_starts is None:
            return []
    target = christmas_in_season(now)
    promises = []
    for option in options:
        if not option.is_active:
            continue
        note = None
        if target is not None:
            note = ChristmasNote(target, christmas_order_by(now, target, option, lead_days))
        promise = promise_for(now, option, lead_days, production_starts=production_starts)
        promises.append(MethodPromise(option, promise, note))
    return promises


@dataclass(frozen=True)
class ShopChristmasNote:
    """The home page's word per method for in-stock goods: the earliest of the communities' last days
    (None: from none of them would it arrive in time)."""

    method: DeliveryMethod
    note: ChristmasNote


def list_christmas_notes(*, now: datetime | None = None) -> Sequence[ShopChristmasNote]:
    """Per delivery method the active communities offer, by when to order in-stock goods to have them by
    the Christmas day (the earliest community's day, so that it holds for all); empty out of season."""
    now = now or utcnow()
    target = christmas_in_season(now)
    if target is None:
        return []
    options = db.session.scalars(
        select(ShippingOption)
        .join(ShippingOption.community)
        .where(ShippingOption.is_active.is_(True), Community.is_active.is_(True))
    ).all()
    days: dict[DeliveryMethod, list[date | None]] = {}
    for option in options:
        days.setdefault(option.method, []).append(christmas_order_by(now, target, option))
    notes = []
    for method in DeliveryMethod:
        if method in days:
            reachable = [day for day in days[method] if day is not None]
            notes.append(ShopChristmasNote(method, ChristmasNote(target, min(reachable, default=None))))
    return notes


class _Variant(Protocol):
    is_made_to_order: bool
    lead_days: int | None

    @property
    def is_available(self) -> bool: ...


V = TypeVar("V", bound=_Variant)


def variant_lead_days(variant: _Variant) -> int:
    """A variant's made-to-order lead days (0 in stock)."""
    return (variant.lead_days or 0) if variant.is_made_to_order else 0


def list_variant_promises(
    community: Community,
    variants: Sequence[V],
    *,
    production_starts: date | None,
    now: datetime | None = None,
) -> list[tuple[list[V], list[MethodPromise]]]:
    """The product page's promises: the available variants grouped by lead days (one group when they
    all share them), each with every offered method's promise. `production_starts`: the first day the
    community can start one more made-to-order item (`made_to_order_start`, which the page asks once for
    its own note too); None when no week has room, and then the made-to-order variants get no promise."""
    now = now or utcnow()
    groups: dict[int, list[V]] = {}
    for variant in variants:
        if variant.is_available:
            groups.setdefault(variant_lead_days(variant), []).append(variant)
    return [
        (
            group,
            []
            if lead and production_starts is None
            else list_delivery_promises(
                community.shipping_options,
                lead,
                production_starts=production_starts if lead else None,
                now=now,
            ),
        )
        for lead, group in sorted(groups.items())
    ]
