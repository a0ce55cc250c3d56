"""Reading the parcel lockers: a carrier's active lockers, grouped by town with the customer's first, and
one locker by its row id as a checkout sends it."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from sqlalchemy import select

from producers.models import DeliveryMethod, Locker
from shop.db import db
from shop.text import fold


def active_lockers(carrier: DeliveryMethod) -> Sequence[Locker]:
    """The carrier's lockers a parcel may go to now, by town and name."""
    lockers = db.session.scalars(
        select(Locker).where(Locker.carrier == carrier, Locker.is_active.is_(True))
    ).all()
    return sorted(lockers, key=lambda locker: (fold(locker.town), fold(locker.name), locker.id))


def lockers_by_town(
    carrier: DeliveryMethod, first_postal_code: str = ""
) -> list[tuple[str, Sequence[Locker]]]:
    """The carrier's active lockers grouped by town, towns in alphabetical order, except that the town of
    `first_postal_code` (the customer's, "LT-57001" or "57001"; "" for none) comes first.

    The customer's town is that of the locker whose postal code shares the most leading digits with
    theirs (at least two: roughly the district), so a village's code still finds its town.
    """
    groups: list[tuple[str, Sequence[Locker]]] = [
        (town, list(lockers))
        for town, lockers in groupby(active_lockers(carrier), key=lambda locker: locker.town)
    ]
    digits = "".join(c for c in first_postal_code if c.isdigit())
    if len(digits) == 5:
        best, best_town = 1, None
        for town, lockers in groups:
            for locker in lockers:
                shared = _shared_prefix(digits, locker.postal_code)
                if shared > best:
                    best, best_town = shared, town
        groups.sort(key=lambda group: group[0] != best_town)  # stable: the rest stay in order
    return groups


def find_active_locker(carrier: DeliveryMethod, locker_id: int) -> Locker | None:
    """The active locker of that carrier with that row id, or None (another carrier's, deactivated, none)."""
    return db.session.scalars(
        select(Locker).where(Locker.id == locker_id, Locker.carrier == carrier, Locker.is_active.is_(True))
    ).first()


def _shared_prefix(one: str, other: str) -> int:
    shared = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        shared += 1
    return shared
