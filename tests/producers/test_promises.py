"""Delivery promises: the ship-by day and delivery window across weekends, Lithuanian holidays, lead days,
dispatch weekdays and late-in-day orders (a table of fixed moments: nothing here reads today's date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from producers.calendar import add_working_days, is_working_day, next_working_day
from producers.promises import (
    Promise,
    christmas_order_by,
    christmas_target,
    order_by_for,
    promise_for,
    season_opens,
    weekday_mask,
)

VILNIUS = ZoneInfo("Europe/Vilnius")


@dataclass(frozen=True)
class Rules:
    dispatch_weekdays: int
    handling_days: int
    transit_days_min: int
    transit_days_max: int


EVERY_DAY = weekday_mask(range(5))
LOCKER = Rules(EVERY_DAY, 1, 1, 2)
MON_THU = Rules(weekday_mask([0, 3]), 1, 1, 2)
COURIER = Rules(EVERY_DAY, 1, 1, 3)
PICKUP = Rules(EVERY_DAY, 1, 0, 0)
SAME_DAY_PACKING = Rules(EVERY_DAY, 0, 1, 2)


def vilnius(text: str) -> datetime:
    """A Vilnius wall-clock moment ("2026-12-10 09:00") as the aware UTC moment an order stores."""
    return datetime.fromisoformat(text).replace(tzinfo=VILNIUS).astimezone(UTC)


def d(text: str) -> date:
    return date.fromisoformat(text)


# (ordered at, Vilnius time) · rules · lead days · production starts → ship-by, earliest, latest
# fmt: off
CASES = [
    pytest.param("2026-12-10 09:00", LOCKER, 0, None, "2026-12-11", "2026-12-14", "2026-12-15",
                 id="thursday-morning-over-the-weekend"),
    pytest.param("2026-12-10 13:59", LOCKER, 0, None, "2026-12-11", "2026-12-14", "2026-12-15",
                 id="a-minute-before-the-cut-off"),
    pytest.param("2026-12-10 14:00", LOCKER, 0, None, "2026-12-14", "2026-12-15", "2026-12-16",
                 id="at-the-cut-off-counts-from-friday"),
    pytest.param("2026-12-10 15:00", LOCKER, 0, None, "2026-12-14", "2026-12-15", "2026-12-16",
                 id="thursday-afternoon"),
    pytest.param("2026-12-11 01:30", LOCKER, 0, None, "2026-12-14", "2026-12-15", "2026-12-16",
                 id="after-midnight-vilnius-is-still-thursday-utc"),
    pytest.param("2026-12-12 10:00", LOCKER, 0, None, "2026-12-15", "2026-12-16", "2026-12-17",
                 id="saturday-counts-from-monday"),
    pytest.param("2026-12-13 23:30", SAME_DAY_PACKING, 0, None, "2026-12-14", "2026-12-15", "2026-12-16",
                 id="sunday-night-packed-on-monday"),
    pytest.param("2026-12-10 09:00", MON_THU, 0, None, "2026-12-14", "2026-12-15", "2026-12-16",
                 id="ready-friday-leaves-on-monday"),
    pytest.param("2026-12-21 10:00", LOCKER, 0, None, "2026-12-22", "2026-12-23", "2026-12-28",
                 id="christmas-holidays-stretch-the-window"),
    pytest.param("2026-12-22 10:00", COURIER, 0, None, "2026-12-23", "2026-12-28", "2026-12-30",
                 id="courier-across-24-to-27-december"),
    pytest.param("2026-12-23 10:00", LOCKER, 0, None, "2026-12-28", "2026-12-29", "2026-12-30",
                 id="packed-after-christmas"),
    pytest.param("2026-12-24 10:00", LOCKER, 0, None, "2026-12-29", "2026-12-30", "2026-12-31",
                 id="ordered-on-christmas-eve-a-holiday"),
    pytest.param("2026-12-30 10:00", LOCKER, 0, None, "2026-12-31", "2027-01-04", "2027-01-05",
                 id="new-year-in-transit"),
    pytest.param("2026-12-31 10:00", PICKUP, 0, None, "2027-01-04", "2027-01-04", "2027-01-04",
                 id="pickup-after-new-year"),
    pytest.param("2026-12-10 09:00", LOCKER, 3, None, "2026-12-16", "2026-12-17", "2026-12-18",
                 id="made-to-order-three-days"),
    pytest.param("2026-12-10 09:00", LOCKER, 3, "2026-12-14", "2026-12-18", "2026-12-21", "2026-12-22",
                 id="production-starts-later"),
    pytest.param("2026-12-10 09:00", LOCKER, 3, "2026-12-05", "2026-12-16", "2026-12-17", "2026-12-18",
                 id="an-earlier-production-start-changes-nothing"),
    pytest.param("2026-12-10 09:00", LOCKER, 0, "2026-12-21", "2026-12-11", "2026-12-14", "2026-12-15",
                 id="in-stock-ignores-production"),
    pytest.param("2026-12-11 16:00", MON_THU, 5, None, "2026-12-28", "2026-12-29", "2026-12-30",
                 id="thursday-24-december-is-no-dispatch-day"),
    pytest.param("2027-02-15 10:00", LOCKER, 0, None, "2027-02-17", "2027-02-18", "2027-02-19",
                 id="16-february-is-a-holiday"),
    pytest.param("2027-03-09 10:00", LOCKER, 0, None, "2027-03-10", "2027-03-12", "2027-03-15",
                 id="11-march-is-a-holiday"),
]
# fmt: on


@pytest.mark.parametrize(("ordered", "rules", "lead", "starts", "ship_by", "earliest", "latest"), CASES)
def test_a_parcel_is_promised_by_working_days_in_vilnius(
    ordered: str, rules: Rules, lead: int, starts: str | None, ship_by: str, earliest: str, latest: str
) -> None:
    promise = promise_for(vilnius(ordered), rules, lead, production_starts=d(starts) if starts else None)
    assert promise == Promise(d(ship_by), d(earliest), d(latest))


@pytest.mark.parametrize(
    "day", ["2026-12-24", "2026-12-25", "2026-12-26", "2027-01-01", "2027-02-16", "2027-03-11"]
)
def test_lithuanian_public_holidays_are_not_working_days(day: str) -> None:
    assert not is_working_day(d(day))


def test_working_days_skip_weekends_and_holidays() -> None:
    assert is_working_day(d("2026-12-23")) and not is_working_day(d("2026-12-27"))
    assert next_working_day(d("2026-12-23")) == d("2026-12-28")
    assert add_working_days(d("2026-12-31"), 1) == d("2027-01-04")
    assert add_working_days(d("2026-12-10"), 0) == d("2026-12-10")


# target · rules · lead days → the last day to order (any time of it) and still have it by the target
ORDER_BY = [
    pytest.param("2026-12-24", LOCKER, 0, "2026-12-17", id="locker"),
    pytest.param("2026-12-24", COURIER, 0, "2026-12-16", id="courier"),
    pytest.param("2026-12-24", PICKUP, 0, "2026-12-21", id="pickup"),
    pytest.param("2026-12-24", LOCKER, 3, "2026-12-14", id="made-to-order"),
    pytest.param("2026-12-24", MON_THU, 0, "2026-12-17", id="monday-thursday"),
    pytest.param("2026-12-31", LOCKER, 0, "2026-12-27", id="sunday-counts-as-monday"),
]


@pytest.mark.parametrize(("target", "rules", "lead", "last_day"), ORDER_BY)
def test_the_last_day_to_order_is_the_latest_that_still_arrives_in_time(
    target: str, rules: Rules, lead: int, last_day: str
) -> None:
    found = order_by_for(d(target), rules, lead)
    assert found == d(last_day)
    ordered_late_that_day = vilnius(f"{last_day} 23:59")
    assert promise_for(ordered_late_that_day, rules, lead).latest <= d(target)
    ordered_late_the_next_day = vilnius(f"{d(last_day) + timedelta(days=1)} 23:59")
    assert promise_for(ordered_late_the_next_day, rules, lead).latest > d(target)


def test_a_target_no_order_can_reach_has_no_last_day() -> None:
    assert order_by_for(d("2026-12-24"), Rules(EVERY_DAY, 30, 30, 30), 30) is None


@pytest.mark.parametrize(
    ("now", "order_by"),
    [
        pytest.param("2026-11-20 12:00", "2026-12-17", id="weeks-before"),
        pytest.param("2026-12-17 20:00", "2026-12-17", id="the-last-evening"),
        pytest.param("2026-12-18 10:00", "2026-12-18", id="friday-morning-before-the-cut-off"),
        pytest.param("2026-12-18 15:00", None, id="friday-afternoon-too-late"),
        pytest.param("2026-12-22 10:00", None, id="days-before-too-late"),
    ],
)
def test_the_christmas_cut_off_before_and_after_its_day(now: str, order_by: str | None) -> None:
    found = christmas_order_by(vilnius(now), d("2026-12-24"), LOCKER)
    assert found == (d(order_by) if order_by else None)


@pytest.mark.parametrize(
    ("today", "target", "opens"),
    [
        ("2026-10-31", "2026-12-24", "2026-11-01"),
        ("2026-12-24", "2026-12-24", "2026-11-01"),
        ("2026-12-25", "2027-12-24", "2027-11-01"),
    ],
)
def test_the_christmas_day_rolls_to_next_year_once_passed(today: str, target: str, opens: str) -> None:
    assert christmas_target(d(today), 12, 24) == d(target)
    assert season_opens(d(target)) == d(opens)
