"""Made-to-order capacity: how many made-to-order items a community can make in a week, and which week an
order's items are made in.

A community may cap its made-to-order work (`Community.made_to_order_per_week`). Each order placed books
its made-to-order items into a week (`production_weeks`): this week if it has room, else the first later
week that has. So in the rush the work, and the promised delivery, moves out instead of piling up in a
week nobody can keep. Weeks run Monday to Sunday, Vilnius time.

Booking is one conditional UPDATE per week tried (`booked + quantity <= cap`), so buyers at the same moment
can never fill a week past its cap: on PostgreSQL a second UPDATE of the same row waits for the first and
then checks the condition again against what the first committed; SQLite lets one writer in at a time.
Without a cap the items are still booked (into this week), so a cap set later counts what is already taken.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.dialects import postgresql, sqlite

from producers.errors import CapacityFull
from producers.models import Community, ProductionWeek
from shop.db import db

#: How many weeks ahead (this one included) an order may be booked; past that the order is refused.
HORIZON_WEEKS = 26


def week_of(day: date) -> date:
    """The Monday of the week `day` is in."""
    return day - timedelta(days=day.weekday())


def production_start(community: Community, quantity: int, today: date) -> date:
    """The first day the community can start making `quantity` more made-to-order items: `today` while
    this week has room (or nothing is capped), else the Monday of the first later week that has.

    Raises `CapacityFull` when no week within `HORIZON_WEEKS` can take them (or they are more than a
    week's cap): an order for them would be refused.
    """
    per_week = community.made_to_order_per_week
    if per_week is None:
        return today
    weeks = _candidate_weeks(today)
    booked = _booked(community.id, weeks)
    for week in weeks:
        if booked.get(week, 0) + quantity <= per_week:
            return today if week == weeks[0] else week
    raise CapacityFull(community.id, quantity, per_week)


def book(community_id: int, quantity: int, today: date) -> date:
    """Inside a transaction: book `quantity` made-to-order items into the community's first week (from
    today's on) with room for them; the Monday of that week. Raises `CapacityFull` if none has."""
    per_week = db.session.scalar(select(Community.made_to_order_per_week).where(Community.id == community_id))
    weeks = _candidate_weeks(today)
    if per_week is None:
        _add(community_id, weeks[0], quantity, per_week=None)
        return weeks[0]
    if quantity > per_week:
        raise CapacityFull(community_id, quantity, per_week)
    seen = _booked(community_id, weeks)  # weeks already full need not be tried; the UPDATE decides
    for week in weeks:
        if seen.get(week, 0) + quantity <= per_week and _add(community_id, week, quantity, per_week=per_week):
            return week
    raise CapacityFull(community_id, quantity, per_week)


def release(community_id: int, week_start: date, quantity: int) -> None:
    """Inside a transaction: give back `quantity` items booked into the week starting `week_start` (a
    cancelled line's), so that another order can have them."""
    db.session.execute(
        update(ProductionWeek)
        .where(ProductionWeek.community_id == community_id, ProductionWeek.week_start == week_start)
        .values(booked=case((ProductionWeek.booked > quantity, ProductionWeek.booked - quantity), else_=0))
        .execution_options(synchronize_session=False)
    )


def _candidate_weeks(today: date) -> list[date]:
    monday = week_of(today)
    return [monday + timedelta(weeks=number) for number in range(HORIZON_WEEKS)]


def _booked(community_id: int, weeks: list[date]) -> dict[date, int]:
    rows = db.session.execute(
        select(ProductionWeek.week_start, ProductionWeek.booked).where(
            ProductionWeek.community_id == community_id,
            ProductionWeek.week_start.between(weeks[0], weeks[-1]),
        )
    )
    return {week: booked for week, booked in rows}


def _add(community_id: int, week: date, quantity: int, *, per_week: int | None) -> bool:
    """Add `quantity` to the week's booking if it stays within `per_week`; whether it did."""
    db.session.execute(
        _insert()(ProductionWeek)
        .values(community_id=community_id, week_start=week, booked=0)
        .on_conflict_do_nothing(index_elements=["community_id", "week_start"])
    )
    condition = [ProductionWeek.community_id == community_id, ProductionWeek.week_start == week]
    if per_week is not None:
        condition.append(ProductionWeek.booked + quantity <= per_week)
    booked = db.session.execute(
        update(ProductionWeek)
        .where(*condition)
        .values(booked=ProductionWeek.booked + quantity)
        .returning(ProductionWeek.booked)
        .execution_options(synchronize_session=False)
    ).scalar()
    return booked is not None


def _insert() -> Callable[..., Any]:
    return postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
