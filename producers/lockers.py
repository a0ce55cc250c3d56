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
    carrier: DeliveryMethod, first_postal_code: str = "", *, first_town: str = ""
) -> list[tuple[str, Sequence[Locker]]]:
    """The carrier's active lockers grouped by town, towns in alphabetical order, except that the
    customer's town comes first: the one `first_town` names (the town typed, "Kėdainiai" finding
    "Kėdainių m."), else the one of `first_postal_code` ("LT-57001" or "57001"; "" for none).

    A town is named when its folded name and the typed one share their first five letters (Lithuanian
    endings differ: Kėdainiai, Kėdainių); a postal code finds the town of the locker whose postal code
    shares the most leading digits with it (at least two: roughly the district).
    """
    groups: list[tuple[str, Sequence[Locker]]] = [
        (town, list(lockers))
        for town, lockers in groupby(active_lockers(carrier), key=lambda locker: locker.town)
    ]
    wanted = fold(first_town.strip())
    named = [town for town, _ in groups if len(wanted) >= 5 and _shared_prefix(wanted, fold(town)) >= 5]
    best_town = max(named, key=lambda town: _shared_prefix(wanted, fold(town)), default=None)
    digits = "".join(c for c in first_postal_code if c.isdigit())
    if best_town is None and len(digits) == 5:
        best = 1
        for town, lockers in groups:
            for locker in lockers:
                shared = _shared_prefix(digits, locker.postal_code)
                if shared > best:
                    best, best_town = shared, town
    if best_town is not None:
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
