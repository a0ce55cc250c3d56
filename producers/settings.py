"""A community's own shop settings: its story and photo, how it delivers, its holidays, and its details as
the maker of its products (postal address and e-mail, shown with every product for product safety)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from producers.errors import NoDeliveryLeft
from producers.models import DEFAULT_TRANSIT_DAYS, EVERY_WEEKDAY, Community, DeliveryMethod, ShippingOption
from shop.db import db, transaction


@dataclass(frozen=True)
class DeliveryInput:
    method: DeliveryMethod
    offered: bool
    fee_cents: int
    pickup_address: str = ""
    pickup_hours_lt: str = ""
    pickup_hours_en: str = ""
    #: the promise's days (`producers.promises`); None: keep what is stored (or the method's defaults)
    dispatch_weekdays: int | None = None
    handling_days: int | None = None
    transit_days: tuple[int | None, int | None] = (None, None)


@dataclass(frozen=True)
class SettingsInput:
    story_lt: str
    story_en: str
    vacation_until: date | None  #: the first day back; None = not on holiday
    vacation_hides_products: bool
    deliveries: Sequence[DeliveryInput]
    made_to_order_per_week: int | None = None  #: None: no cap (`producers.capacity`)


def update_settings(community: Community, data: SettingsInput) -> Community:
    """Save the shop settings in one go; at least one way of delivering must stay offered."""
    if not any(delivery.offered for delivery in data.deliveries):
        raise NoDeliveryLeft()
    with transaction():
        community = db.session.get_one(Community, community.id)
        community.story_lt = data.story_lt.strip()
        community.story_en = data.story_en.strip()
        community.vacation_until = data.vacation_until
        community.vacation_hides_products = data.vacation_hides_products and data.vacation_until is not None
        community.made_to_order_per_week = data.made_to_order_per_week
        options = {option.method: option for option in community.shipping_options}
        for position, delivery in enumerate(data.deliveries):
            option = options.get(delivery.method)
            if option is None:
                if not delivery.offered:
                    continue
                option = ShippingOption(method=delivery.method)
                community.shipping_options.append(option)
            option.is_active = delivery.offered
            option.fee_cents = delivery.fee_cents
            option.position = position
            _set_promise_days(option, delivery)
            if delivery.method is DeliveryMethod.PICKUP:
                option.pickup_address = delivery.pickup_address.strip()[:250]
                option.pickup_hours_lt = delivery.pickup_hours_lt.strip()[:250]
                option.pickup_hours_en = delivery.pickup_hours_en.strip()[:250]
    return community


def _set_promise_days(option: ShippingOption, delivery: DeliveryInput) -> None:
    """The method's dispatch weekdays, handling and transit days, as given (a method not offered may
    leave them empty: it keeps what it had, or gets the method's usual ones)."""
    least, most = DEFAULT_TRANSIT_DAYS[delivery.method]
    given_least, given_most = delivery.transit_days
    option.dispatch_weekdays = delivery.dispatch_weekdays or option.dispatch_weekdays or EVERY_WEEKDAY
    option.handling_days = _first_given(delivery.handling_days, option.handling_days, 1)
    option.transit_days_min = _first_given(given_least, option.transit_days_min, least)
    option.transit_days_max = max(
        option.transit_days_min, _first_given(given_most, option.transit_days_max, most)
    )


def _first_given(*values: int | None) -> int:
    return next(value for value in values if value is not None)


def set_shop_photo(community: Community, key: str) -> None:
    """The photo on the community's page (already through the image pipeline)."""
    with transaction():
        db.session.get_one(Community, community.id).photo_key = key


@dataclass(frozen=True)
class MakerDetailsInput:
    """Where customers and authorities reach the community as the maker of its products (GPSR). The legal
    name and code stay the VVG's to set (they come from the Register of Legal Entities)."""

    address_line: str
    city: str
    postal_code: str  #: normalised, LT-12345
    district: str
    email: str  #: normalised


def update_maker_details(community: Community, data: MakerDetailsInput) -> Community:
    """Save the community's postal address and e-mail, as its members keep them up to date."""
    with transaction():
        community = db.session.get_one(Community, community.id)
        community.address_line = data.address_line.strip()[:200]
        community.city = data.city.strip()[:120]
        community.postal_code = data.postal_code.strip()[:10]
        community.district = data.district.strip()[:120]
        community.email = data.email.strip().lower()[:254]
    return community
