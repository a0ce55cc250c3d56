"""Delivery promises: when a parcel will be sent and when it will arrive, from its delivery method's days.

The rule, in Lithuanian working days (`producers.calendar`), reckoned in Vilnius time:

* An order placed on a working day before `CUT_OFF` (14:00) counts from that day; one placed later, or on
  a weekend or a public holiday, counts from the next working day (the *start day*).
* In-stock goods are ready `handling_days` working days after the start day (0: packed the same day).
* Made-to-order goods are made first: work starts on the start day, or on `production_starts` if that is
  later (the capacity planner's earliest free day), takes the parcel's largest `lead_days`, and is then
  packed in `handling_days`. A parcel waits for its slowest line.
* The parcel is handed to the carrier (*ship-by*) on the first of the method's dispatch weekdays that is
  a working day, on or after the ready day.
* It arrives `transit_days_min` to `transit_days_max` working days after ship-by (pickup: 0–0, ready to
  collect on the ship-by day).

Everything here is pure: the caller passes the moment, the method and the lead days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol

from producers.calendar import SEARCH_LIMIT, add_working_days, is_working_day, next_working_day
from shop.i18n import VILNIUS

#: An order placed at or after this Vilnius time counts from the next working day.
CUT_OFF = time(14, 0)
#: Dispatch weekdays as a bitmask: bit 0 Monday … bit 4 Friday (parcels leave on working days only).
WEEKDAY_BITS = 0b11111


class DispatchRules(Protocol):
    """What a promise needs of a delivery method (a `ShippingOption` has it)."""

    @property
    def dispatch_weekdays(self) -> int: ...
    @property
    def handling_days(self) -> int: ...
    @property
    def transit_days_min(self) -> int: ...
    @property
    def transit_days_max(self) -> int: ...


@dataclass(frozen=True)
class Promise:
    """When a parcel is sent and the days it is expected (both inclusive)."""

    ship_by: date
    earliest: date
    latest: date


def dispatch_days(mask: int) -> list[int]:
    """The weekdays (0 = Monday) a bitmask holds."""
    return [weekday for weekday in range(5) if mask & (1 << weekday)]


def weekday_mask(weekdays: Iterable[int]) -> int:
    """The bitmask of weekdays (0 = Monday … 4 = Friday)."""
    mask = 0
    for weekday in weekdays:
        if not 0 <= weekday <= 4:
            raise ValueError(f"parcels are dispatched Monday to Friday, not on weekday {weekday}")
        mask |= 1 << weekday
    return mask


def start_day(ordered_at: datetime) -> date:
    """The working day an order placed at `ordered_at` (UTC) counts from (see the module's rule)."""
    local = (ordered_at if ordered_at.tzinfo else ordered_at.replace(tzinfo=UTC)).astimezone(VILNIUS)
    day = local.date()
    if is_working_day(day) and local.time() < CUT_OFF:
        return day
    return next_working_day(day)


def ship_by_on_or_after(day: date, mask: int) -> date:
    """The first dispatch weekday of `mask` that is a working day, on or after `day`."""
    if not mask & WEEKDAY_BITS:
        raise ValueError("a delivery method needs at least one dispatch weekday")
    for offset in range(SEARCH_LIMIT):
        candidate = day + timedelta(days=offset)
        if mask & (1 << candidate.weekday()) and is_working_day(candidate):
            return candidate
    raise AssertionError(f"no dispatch day within a year after {day}")  # pragma: no cover


def promise_for(
    ordered_at: datetime,
    rules: DispatchRules,
    lead_days: int = 0,
    *,
    production_starts: date | None = None,
) -> Promise:
    """The ship-by day and the delivery window of a parcel ordered at `ordered_at` (an aware UTC moment).

    `lead_days`: the largest made-to-order lead days among the parcel's lines (0: all in stock).
    `production_starts`: made-to-order work cannot start before this day (None: from the start day).
    """
    start = start_day(ordered_at)
    if lead_days > 0:
        if production_starts is not None and production_starts > start:
            start = (
                production_starts
                if is_working_day(production_starts)
                else next_working_day(production_starts)
            )
        ready = add_working_days(start, lead_days + rules.handling_days)
    else:
        ready = add_working_days(start, rules.handling_days)
    ship_by = ship_by_on_or_after(ready, rules.dispatch_weekdays)
    return Promise(
        ship_by=ship_by,
        earliest=add_working_days(ship_by, rules.transit_days_min),
        latest=add_working_days(ship_by, rules.transit_days_max),
    )


#: How many days back `order_by_for` looks before it gives up (a lead time is weeks, never months).
ORDER_BY_SEARCH_DAYS = 120


def order_by_for(target: date, rules: DispatchRules, lead_days: int = 0) -> date | None:
    """The last day one can order (at any time of that day) and still have the parcel by `target` (the
    window's latest day on or before it); None if no day in the `ORDER_BY_SEARCH_DAYS` before does.

    Each day is tried as ordered at its last minute in Vilnius, so the answer holds all day long. The
    search depends only on the method's days, so it is made once per kind of method and day: the home
    page asks it of every community's methods on every view in the season.
    """
    return _order_by(
        target,
        _Rules(rules.dispatch_weekdays, rules.handling_days, rules.transit_days_min, rules.transit_days_max),
        lead_days,
    )


@dataclass(frozen=True)
class _Rules:
    """A method's days as a value (a `ShippingOption` is a row): what `order_by_for` remembers by."""

    dispatch_weekdays: int
    handling_days: int
    transit_days_min: int
    transit_days_max: int


@lru_cache(maxsize=4096)
def _order_by(target: date, rules: _Rules, lead_days: int) -> date | None:
    for offset in range(ORDER_BY_SEARCH_DAYS + 1):
        day = target - timedelta(days=offset)
        last_minute = datetime.combine(day, time(23, 59), tzinfo=VILNIUS).astimezone(UTC)
        if promise_for(last_minute, rules, lead_days).latest <= target:
            return day
    return None


def christmas_target(today: date, month: int, day: int) -> date:
    """The next date of the VVG's Christmas day (month and day) on or after `today`."""
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


def season_opens(target: date) -> date:
    """When the shop starts saying "order by …" for `target`: the first day of the month before it
    (1 November for 24 December)."""
    return (target.replace(day=1) - timedelta(days=1)).replace(day=1)


def christmas_order_by(now: datetime, target: date, rules: DispatchRules, lead_days: int = 0) -> date | None:
    """The last day to order and still have the parcel by `target`; None when an order placed `now`
    would arrive after it (the shop then says so instead of promising)."""
    if promise_for(now, rules, lead_days).latest > target:
        return None
    today = now.astimezone(VILNIUS).date()
    last = order_by_for(target, rules, lead_days)
    # An order before today's cut-off may still make it where one late today would not: "order today".
    return today if last is None or last < today else last
