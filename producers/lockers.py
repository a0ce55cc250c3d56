"""Parcel lockers: loading each carrier's published list, and finding a locker for the checkout.

A list is read whole first (`producers.locker_formats`): a record that does not parse stops the import
with its place and reason, before anything is changed. Then one transaction upserts the lockers by
(carrier, the carrier's id), reactivates those that come back, deactivates the carrier's lockers the list
no longer has (never deletes them: orders keep a snapshot, and a locker may return) and records the list's
date. A list that would deactivate more than half of the carrier's active lockers is refused (most
likely a truncated download) unless the operator allows it.
"""

from __future__ import annotations

import hashlib
import re
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from sqlalchemy import select, text

from producers.errors import LockerListError, LockerListShrinks, LockerListUnavailable
from producers.locker_formats import ListedLocker, read_list
from producers.models import DeliveryMethod, Locker, LockerList
from shop.db import db, transaction, utcnow
from shop.text import fold

#: the carriers whose lockers the shop knows, in the order the commands go through them
LOCKER_CARRIERS: Final = (DeliveryMethod.OMNIVA, DeliveryMethod.LP_EXPRESS, DeliveryMethod.DPD)
#: the most a downloaded list may weigh (Omniva's whole Baltic list is about 2 MB)
MAX_LIST_BYTES: Final = 32 * 1024 * 1024
#: the columns' lengths (`Locker`): a longer value stops the import rather than the database
_LENGTHS: Final = {"carrier_locker_id": 40, "name": 200, "address": 250, "town": 120, "postal_code": 10}


@dataclass
class ImportCounts:
    """What one import changed."""

    added: int = 0
    updated: int = 0  #: changed name, address, town, postal code or place (reactivated ones included)
    reactivated: int = 0  #: back on the list after being deactivated
    deactivated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated ({self.reactivated} reactivated), "
            f"{self.deactivated} deactivated, {self.unchanged} unchanged"
        )


def import_lockers(
    carrier: DeliveryMethod,
    data: bytes,
    *,
    source: str,
    listed_on: date,
    allow_shrink: bool = False,
    is_sample: bool = False,
) -> ImportCounts:
    """Load a carrier's list (its bytes, read from `source`) as the carrier's lockers of `listed_on`.

    Raises `LockerListError` (the list does not parse) or `LockerListShrinks` (it would deactivate more
    than half of the active lockers, and `allow_shrink` is off); then nothing has changed.
    """
    listed = read_list(carrier, data)
    if not listed:
        raise LockerListError(f"the list has no Lithuanian {carrier.value} lockers")
    _check_lengths(listed)
    counts = ImportCounts()
    now = utcnow()
    with transaction():
        _lock_carrier(carrier)
        existing = {
            locker.carrier_locker_id: locker
            for locker in db.session.scalars(
                select(Locker).where(Locker.carrier == carrier).with_for_update()
            )
        }
        listed_ids = {item.carrier_locker_id for item in listed}
        active = sum(1 for locker in existing.values() if locker.is_active)
        missing = [locker for key, locker in existing.items() if locker.is_active and key not in listed_ids]
        if missing and 2 * len(missing) > active and not allow_shrink:
            raise LockerListShrinks(active=active, missing=len(missing))
        for item in listed:
            locker = existing.get(item.carrier_locker_id)
            if locker is None:
                db.session.add(Locker(carrier=carrier, **_values(item), is_active=True, seen_at=now))
                counts.added += 1
                continue
            changed = _update(locker, item)
            if not locker.is_active:
                locker.is_active = True
                counts.reactivated += 1
                changed = True
            locker.seen_at = now
            if changed:
                counts.updated += 1
            else:
                counts.unchanged += 1
        for locker in missing:
            locker.is_active = False
            counts.deactivated += 1
        record = db.session.get(LockerList, carrier)
        if record is None:
            record = LockerList(carrier=carrier)
            db.session.add(record)
        record.listed_on = listed_on
        record.source = source[:500]
        record.is_sample = is_sample
        record.imported_at = now
    return counts


def import_from_source(
    carrier: DeliveryMethod,
    source: str,
    *,
    listed_on: date,
    timeout: float,
    allow_shrink: bool = False,
    is_sample: bool = False,
) -> ImportCounts:
    """Read the list from a URL (http or https) or a file, then `import_lockers` it."""
    return import_lockers(
        carrier,
        read_source(source, timeout=timeout),
        source=source,
        listed_on=listed_on,
        allow_shrink=allow_shrink,
        is_sample=is_sample,
    )


def read_source(source: str, *, timeout: float) -> bytes:
    """The bytes of a list: downloaded from an http(s) URL within `timeout` seconds, or read from a file.
    Raises `LockerListUnavailable` when it cannot be had."""
    if not re.match(r"^https?://", source, re.IGNORECASE):
        try:
            return Path(source).read_bytes()
        except OSError as error:
            raise LockerListUnavailable(f"cannot read {source}: {error.strerror or error}") from None
    request = urllib.request.Request(  # noqa: S310 (only http and https reach here)
        source, headers={"User-Agent": "kaimo-muge-lockers/1", "Accept": "application/json, text/*"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data: bytes = response.read(MAX_LIST_BYTES + 1)
    except urllib.error.HTTPError as error:
        error.close()
        raise LockerListUnavailable(f"{source} answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise LockerListUnavailable(f"cannot download {source}: {reason}") from None
    if len(data) > MAX_LIST_BYTES:
        raise LockerListUnavailable(f"{source} is larger than {MAX_LIST_BYTES // (1024 * 1024)} MB")
    return data


def get_locker_list(carrier: DeliveryMethod) -> LockerList | None:
    """Where and when the carrier's lockers were last loaded from; None before the first import."""
    return db.session.get(LockerList, carrier)


def active_lockers(carrier: DeliveryMethod) -> list[Locker]:
    """The carrier's active lockers, by town, then name (in Lithuanian alphabetical order)."""
    lockers = db.session.scalars(
        select(Locker).where(Locker.carrier == carrier, Locker.is_active.is_(True))
    ).all()
    return sorted(lockers, key=lambda locker: (sort_key(locker.town), sort_key(locker.name), locker.id))


def find_active_locker(carrier: DeliveryMethod, locker_id: int) -> Locker | None:
    """The carrier's active locker with this id, or None (another carrier's, deactivated, or no such)."""
    return db.session.scalars(
        select(Locker).where(Locker.id == locker_id, Locker.carrier == carrier, Locker.is_active.is_(True))
    ).first()


def lockers_by_town(
    carrier: DeliveryMethod, first_postal_code: str | None = None, *, first_town: str = ""
) -> list[tuple[str, list[Locker]]]:
    """The carrier's active lockers grouped by town, towns in alphabetical order, except that the
    customer's town comes first: the one `first_town` names (as `town_key`: the town typed, "Kėdainiai",
    finds "Kėdainių m."), else the one of `first_postal_code` (see `town_of_postal_code`)."""
    groups: dict[str, list[Locker]] = {}
    for locker in active_lockers(carrier):
        groups.setdefault(locker.town, []).append(locker)
    towns = list(groups.items())
    named = town_key(first_town) if first_town.strip() else None
    if named not in {town_key(town) for town in groups}:
        named = town_of_postal_code(first_postal_code) if first_postal_code else None
    if named is not None:
        towns.sort(key=lambda group: town_key(group[0]) != named)  # stable: the rest stay in order
    return towns


def town_of_postal_code(postal_code: str) -> str | None:
    """The town (as `town_key`) of a Lithuanian postal code, from the lockers of any carrier: those with
    the same postal code, else the same first three digits, else the same first two; the town most of
    them are in. None for a malformed code, or when no locker has a postal code near it (Omniva's list
    gives none, so with Omniva's list alone the towns stay in alphabetical order)."""
    match = re.fullmatch(r"(?:LT)?-?\s*(\d{5})", postal_code.strip(), re.IGNORECASE)
    if match is None:
        return None
    digits = match.group(1)
    for length in (5, 3, 2):
        towns = db.session.scalars(
            select(Locker.town).where(Locker.postal_code.startswith(digits[:length], autoescape=True))
        ).all()
        if towns:
            return Counter(town_key(town) for town in towns).most_common(1)[0][0]
    return None


def sort_key(text_: str) -> tuple[str, str]:
    """A key that sorts words in Lithuanian alphabetical order: č after c, š after s, ž after z; y with i;
    ą, ę, ė, į, ų, ū with their plain letters (then the plain first)."""
    lowered = text_.casefold()
    return lowered.translate(_PRIMARY), lowered


_PRIMARY = str.maketrans(
    {"č": "c~", "š": "s~", "ž": "z~", "ą": "a", "ę": "e", "ė": "e", "į": "i", "y": "i", "ų": "u", "ū": "u"}
)
#: a settlement type after a town's name in the address register's words: "Kėdainių m.", "Pagirių k."
_SETTLEMENT = re.compile(r"\s+(?:m|k|mstl|vs|r)\.?$")
#: Lithuanian case endings, longest first: the nominative ("Kėdainiai") and the genitive ("Kėdainių")
#: of a town's name leave the same stem
_ENDING = re.compile(r"(?:iaus|ius|aus|iai|ių|ai|ų|us|ys|io|os|as|ės|ė|a|o|is|es|e|s)$")


def town_key(town: str) -> str:
    """A town's name reduced so that the carriers' different spellings of one town meet: Omniva's
    "Kėdainių m." and LP Express's "Kėdainiai" → "kedain". The part in brackets (the municipality of a
    village) and the settlement type are left out; each word loses its case ending."""
    name = _SETTLEMENT.sub("", town.split("(")[0].strip().casefold())
    stems = [_ENDING.sub("", word) or word for word in name.split()]
    return fold(" ".join(stems))


def _values(item: ListedLocker) -> dict[str, object]:
    return {
        "carrier_locker_id": item.carrier_locker_id,
        "name": item.name,
        "address": item.address,
        "town": item.town,
        "postal_code": item.postal_code,
        "latitude": item.latitude,
        "longitude": item.longitude,
    }


def _update(locker: Locker, item: ListedLocker) -> bool:
    """Give the locker the list's values; whether any changed."""
    changed = False
    for name, value in _values(item).items():
        if getattr(locker, name) != value:
            setattr(locker, name, value)
            changed = True
    return changed


def _check_lengths(listed: Iterable[ListedLocker]) -> None:
    for item in listed:
        for name, length in _LENGTHS.items():
            if len(getattr(item, name)) > length:
                raise LockerListError(f"{name} is longer than {length} characters", record=item.record)


def _lock_carrier(carrier: DeliveryMethod) -> None:
    """On PostgreSQL, one import per carrier at a time (two cron runs at once wait for each other rather
    than both adding the same new locker); SQLite's write lock already does that."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(f"lockers:{carrier.value}".encode(), digest_size=8).digest()
    db.session.execute(
        text("SELECT pg_advisory_xact_lock(:key)"), {"key": int.from_bytes(digest, "big", signed=True)}
    )


def configured_sources(config: Mapping[str, object]) -> dict[DeliveryMethod, str]:
    """Each locker carrier's list source from the settings (`<CARRIER>_LOCKERS_URL`), "" for none."""
    return {carrier: str(config.get(f"{carrier.name}_LOCKERS_URL") or "") for carrier in LOCKER_CARRIERS}
