"""Lithuanian working days: Monday to Friday, except the public holidays (`holidays`' list for LT, which
has 24 December, Christmas Eve), for dispatch, handling and the carriers' transit."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

#: Monday to Friday (`date.weekday()`); a Saturday or Sunday is never a working day.
WORKING_WEEKDAYS = frozenset(range(5))
#: How far any search for a working day goes: a year always has one, so reaching this is a bug.
SEARCH_LIMIT = 366


@lru_cache(maxsize=16)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("LT", years=year))


def is_public_holiday(day: date) -> bool:
    """Whether `day` is a Lithuanian public holiday (a day off by law, whatever weekday it falls on)."""
    return day in _public_holidays(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday."""
    return day.weekday() in WORKING_WEEKDAYS and not is_public_holiday(day)


def next_working_day(day: date) -> date:
    """The first working day after `day`."""
    for offset in range(1, SEARCH_LIMIT + 1):
        candidate = day + timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    raise AssertionError(f"no working day within a year after {day}")  # pragma: no cover


def working_day_on_or_after(day: date) -> date:
    """`day` itself if it is a working day, else the next one."""
    return day if is_working_day(day) else next_working_day(day)


def add_working_days(day: date, count: int) -> date:
    """The day `count` working days after `day` (`day` itself is not counted; 0 gives `day` back)."""
    if count < 0:
        raise ValueError("count must not be negative")
    for _ in range(count):
        day = next_working_day(day)
    return day
