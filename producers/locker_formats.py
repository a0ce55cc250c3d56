"""The carriers' published locker lists, read into plain records: Omniva's `locations.json`, LP Express's
(Unisend's) terminal list of its API, DPD Baltics' `PickupParcelShopData.json`.

Each reader takes the list's bytes and returns every Lithuanian locker in it, or stops at the first record
it cannot read with `LockerListError` (the record's number and line, and the reason), so that nothing is
loaded from a list that is broken or truncated. Fields other than those read here are ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, NoReturn

from producers.errors import LockerListError
from producers.models import DeliveryMethod

#: a Lithuanian postal code as the lists write it: "57214", "LT-57214" or "LT57214"
_POSTAL_CODE = re.compile(r"^(?:LT-?)?(\d{5})$", re.IGNORECASE)
#: the settlement types of Lithuania's address register that are not towns: a village or a township
_VILLAGE = re.compile(r"\s(?:k\.|mstl\.|vs\.)$")


@dataclass(frozen=True)
class ListedLocker:
    """One locker as a carrier's list gives it, in the shop's words."""

    carrier_locker_id: str
    name: str
    address: str  #: street and number
    town: str
    postal_code: str  #: five digits, or "" when the list gives none (Omniva)
    latitude: float | None
    longitude: float | None
    record: int = field(default=0, compare=False)  #: its number in the list, from 1 (for errors)


def parse_omniva(data: bytes) -> list[ListedLocker]:
    """Omniva's `locations.json`: a JSON array of every Baltic location; kept are the Lithuanian parcel
    lockers (`A0_NAME` "LT", `TYPE` "0"; "1" is a post office).

    `ZIP` is the locker's own id, not the postal code of its address (Omniva numbers its Lithuanian lockers
    55…, 77…, 88…, 99… whatever the town), so the postal code is left empty. The town is `A3_NAME` as the
    address register writes it ("Kėdainių m."); a village or township also names its municipality
    ("Pagirių k. (Vilniaus r.)"), since villages share names; without `A3_NAME`, the municipality
    (`A2_NAME`). The address is street (`A5_NAME`), building (`A7_NAME`) and its part (`A6_NAME`).
    """
    lockers = []
    for number, record, line in _json_records(data):
        fields = _Fields(record, number, line)
        if fields.text("A0_NAME", required=False) != "LT" or fields.text("TYPE") != "0":
            continue
        municipality = fields.text("A2_NAME", required=False)
        town = fields.text("A3_NAME", required=False)
        if town and _VILLAGE.search(town) and municipality:
            town = f"{town} ({municipality.removesuffix(' sav.')})"
        street = fields.text("A5_NAME", required=False)
        building = fields.text("A7_NAME", required=False)
        part = fields.text("A6_NAME", required=False)
        lockers.append(
            ListedLocker(
                record=number,
                carrier_locker_id=fields.text("ZIP"),
                name=fields.text("NAME"),
                address=" ".join(word for word in (street, building + part) if word),
                town=town
                or municipality
                or fields.fail("A3_NAME", "neither A3_NAME nor A2_NAME names a town"),
                postal_code="",
                latitude=fields.coordinate("Y_COORDINATE", -90, 90),
                longitude=fields.coordinate("X_COORDINATE", -180, 180),
            )
        )
    return lockers


def parse_lp_express(data: bytes) -> list[ListedLocker]:
    """LP Express's (Unisend's) terminal list as its API gives it (`GET /api/v2/terminal`): a JSON array of
    terminals with `id`, `name`, `address`, `city`, `postalCode`, `countryCode`, `latitude`, `longitude`
    (the CSV export of the same list has the same columns); kept are those in Lithuania."""
    lockers = []
    for number, record, line in _json_records(data):
        fields = _Fields(record, number, line)
        if fields.text("countryCode", required=False) not in {"", "LT"}:
            continue
        lockers.append(
            ListedLocker(
                record=number,
                carrier_locker_id=fields.text("id"),
                name=fields.text("name"),
                address=fields.text("address"),
                town=fields.text("city"),
                postal_code=fields.postal_code("postalCode"),
                latitude=fields.coordinate("latitude", -90, 90),
                longitude=fields.coordinate("longitude", -180, 180),
            )
        )
    return lockers


#: DPD's `parcelShopType` of a parcel locker; its other points ("ParcelShop") are shop counters
DPD_LOCKER_TYPE: Final = "PickupStation"


def parse_dpd(data: bytes) -> list[ListedLocker]:
    """DPD Baltics' `PickupParcelShopData.json`: a JSON array of the Baltic pickup points with
    `parcelShopId`, `parcelShopType`, `companyName` (and `companyShortName`), `street`, `houseNo`, `city`,
    `zipCode`, `countryCode`, `latitude`, `longitude`; kept are the Lithuanian lockers
    (`parcelShopType` "PickupStation")."""
    lockers = []
    for number, record, line in _json_records(data):
        fields = _Fields(record, number, line)
        if fields.text("countryCode") != "LT" or fields.text("parcelShopType") != DPD_LOCKER_TYPE:
            continue
        street = fields.text("street")
        house = fields.text("houseNo", required=False)
        lockers.append(
            ListedLocker(
                record=number,
                carrier_locker_id=fields.text("parcelShopId"),
                name=fields.text("companyName", required=False) or fields.text("companyShortName"),
                address=f"{street} {house}" if house and not street.endswith(house) else street,
                town=fields.text("city"),
                postal_code=fields.postal_code("zipCode"),
                latitude=fields.coordinate("latitude", -90, 90),
                longitude=fields.coordinate("longitude", -180, 180),
            )
        )
    return lockers


#: the reader of each carrier's list
READERS: Final[Mapping[DeliveryMethod, Callable[[bytes], list[ListedLocker]]]] = {
    DeliveryMethod.OMNIVA: parse_omniva,
    DeliveryMethod.LP_EXPRESS: parse_lp_express,
    DeliveryMethod.DPD: parse_dpd,
}


def read_list(carrier: DeliveryMethod, data: bytes) -> list[ListedLocker]:
    """Every Lithuanian locker of the carrier's list, each id once; `LockerListError` if any record fails."""
    reader = READERS.get(carrier)
    if reader is None:
        raise LockerListError(f"{carrier.value} has no locker list")
    lockers = reader(data)
    seen: set[str] = set()
    for number, locker in enumerate(lockers, start=1):
        if locker.carrier_locker_id in seen:
            raise LockerListError(
                f"the locker id {locker.carrier_locker_id!r} is listed twice", record=number
            )
        seen.add(locker.carrier_locker_id)
    return lockers


def _json_records(data: bytes) -> list[tuple[int, Mapping[str, Any], int | None]]:
    """The list's records with their numbers (from 1) and the line each starts on."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad_line = data[: error.start].count(b"\n") + 1
        raise LockerListError("the file is not UTF-8 text", line=bad_line) from None
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        raise LockerListError(f"not valid JSON: {error.msg}", line=error.lineno) from None
    if not isinstance(records, list):
        raise LockerListError("the list is not a JSON array of locations", line=1)
    lines = _record_lines(text)
    numbered: list[tuple[int, Mapping[str, Any], int | None]] = []
    for index, record in enumerate(records):
        line: int | None = lines[index] if index < len(lines) else None
        if not isinstance(record, dict):
            raise LockerListError("the record is not a JSON object", record=index + 1, line=line)
        numbered.append((index + 1, record, line))
    return numbered


def _record_lines(text: str) -> list[int]:
    """The line on which each element of a top-level JSON array begins (a scan that skips strings)."""
    lines: list[int] = []
    depth, line, in_string, escaped, expecting = 0, 1, False, False, False
    for char in text:
        if char == "\n":
            line += 1
            continue
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if depth == 1 and expecting and not char.isspace() and char != "]":
            lines.append(line)
            expecting = False
        if char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            expecting = depth == 1
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 1:
            expecting = True
    return lines


class _Fields:
    """A record's fields, read with the record's number and line at hand for the error."""

    def __init__(self, record: Mapping[str, Any], number: int, line: int | None) -> None:
        self.record, self.number, self.line = record, number, line

    def fail(self, field: str, reason: str) -> NoReturn:
        raise LockerListError(f"{field}: {reason}", record=self.number, line=self.line)

    def text(self, field: str, *, required: bool = True) -> str:
        value = self.record.get(field)
        if value is None:
            return self.fail(field, "missing") if required else ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            return self.fail(field, f"not text: {value!r}")
        text = " ".join(str(value).split())
        if required and not text:
            return self.fail(field, "empty")
        return text

    def postal_code(self, field: str) -> str:
        text = self.text(field)
        match = _POSTAL_CODE.match(text)
        return match.group(1) if match else self.fail(field, f"not a Lithuanian postal code: {text!r}")

    def coordinate(self, field: str, low: float, high: float) -> float | None:
        value = self.record.get(field)
        if value is None or value == "":
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return self.fail(field, f"not a number: {value!r}")
        if not low <= number <= high:
            return self.fail(field, f"out of range: {value!r}")
        return number
