"""Loading the carriers' locker lists: each format read from files written in it, broken lists stopped at
their place with nothing changed, refreshes that deactivate and bring back lockers, and the shrink guard."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from producers import lockers
from producers.models import DeliveryMethod, Locker, LockerList
from shop.db import db

DATA = Path(__file__).resolve().parent / "data"
OMNIVA_REAL = (
    Path(__file__).resolve().parents[2] / "shop" / "demo" / "lockers" / "omniva-locations-lt-2021-12.json"
)


def invoke(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["lockers", *args])


def rows(carrier: DeliveryMethod) -> dict[str, tuple[Any, ...]]:
    """The carrier's lockers as the database has them: id → every column that an import may change."""
    db.session.rollback()
    return {
        locker.carrier_locker_id: (
            locker.id,
            locker.name,
            locker.address,
            locker.town,
            locker.postal_code,
            locker.latitude,
            locker.longitude,
            locker.is_active,
        )
        for locker in db.session.scalars(select(Locker).where(Locker.carrier == carrier))
    }


def test_omniva_import_keeps_the_lithuanian_lockers_with_town_address_and_place(app: Flask) -> None:
    result = invoke(app, "import", "omniva", str(DATA / "omniva-locations.json"), "--listed-on", "2021-12-30")

    assert result.exit_code == 0, result.output
    assert "omniva: 4 added, 0 updated (0 reactivated), 0 deactivated, 0 unchanged" in result.output
    lockers_ = {locker.carrier_locker_id: locker for locker in lockers.active_lockers(DeliveryMethod.OMNIVA)}
    assert set(lockers_) == {"55512", "99902", "88811", "77701"}  # not the post office, not Estonia's
    chemiku = lockers_["55512"]
    assert (chemiku.name, chemiku.address, chemiku.town) == (
        "Kėdainių MAXIMA Chemikų paštomatas",
        "Chemikų g. 1A",
        "Kėdainių m.",
    )
    assert chemiku.postal_code == ""  # Omniva's ZIP is the locker's id, not its address's postal code
    assert (chemiku.latitude, chemiku.longitude) == (55.284736, 23.96312)
    assert chemiku.full_address == "Chemikų g. 1A, Kėdainių m."
    assert lockers_["77701"].town == "Domeikavos k. (Kauno r.)"  # a village with its municipality
    assert lockers.get_locker_list(DeliveryMethod.OMNIVA).listed_on == date(2021, 12, 30)


def test_the_real_omniva_list_of_december_2021_loads_its_348_lithuanian_lockers(app: Flask) -> None:
    counts = lockers.import_lockers(
        DeliveryMethod.OMNIVA, OMNIVA_REAL.read_bytes(), source=OMNIVA_REAL.name, listed_on=date(2021, 12, 30)
    )

    assert counts.added == 348
    kedainiai = [x for x in lockers.active_lockers(DeliveryMethod.OMNIVA) if x.town == "Kėdainių m."]
    assert len(kedainiai) == 4  # "Kėdainių maxima" is one of three MAXIMA lockers there: hence a picker


def test_lp_express_import_reads_its_terminal_list_and_keeps_lithuania(app: Flask) -> None:
    result = invoke(app, "import", "lp-express", str(DATA / "lp-express-terminals.json"))

    assert result.exit_code == 0, result.output
    found = {x.carrier_locker_id: x for x in lockers.active_lockers(DeliveryMethod.LP_EXPRESS)}
    assert set(found) == {"0170", "0171", "0305", "0901"}  # not Riga's
    assert found["0171"].full_address == "Josvainių g. 40, 57256 Kėdainiai"  # "LT-57256" as five digits
    assert (found["0305"].town, found["0305"].latitude) == ("Kaunas", 54.8919)


def test_dpd_import_reads_its_pickup_point_list_and_keeps_the_lithuanian_lockers(app: Flask) -> None:
    result = invoke(app, "import", "dpd", str(DATA / "dpd-pickup-points.json"))

    assert result.exit_code == 0, result.output
    found = {x.carrier_locker_id: x for x in lockers.active_lockers(DeliveryMethod.DPD)}
    assert set(found) == {"LT90001", "LT90002"}  # not the shop counter, not Riga's locker
    norfa = found["LT90001"]
    assert (norfa.name, norfa.full_address) == (
        "DPD Pickup paštomatas Kėdainių Norfa",
        "Basanavičiaus g. 49, 57288 Kėdainiai",
    )


@pytest.mark.parametrize(
    ("carrier", "good", "broken", "where", "reason"),
    [
        ("omniva", "omniva-locations.json", "omniva-locations-broken.json", "line 65", "not valid JSON"),
        (
            "omniva",
            "omniva-locations.json",
            "omniva-locations-missing-name.json",
            "line 56, record 3",
            "NAME: missing",
        ),
        (
            "lp_express",
            "lp-express-terminals.json",
            "lp-express-terminals-broken.json",
            "line 18",
            "not valid JSON",
        ),
        (
            "lp_express",
            "lp-express-terminals.json",
            "lp-express-terminals-missing-postal-code.json",
            "line 13, record 2",
            "postalCode: missing",
        ),
        ("dpd", "dpd-pickup-points.json", "dpd-pickup-points-broken.json", "line 47", "not valid JSON"),
        (
            "dpd",
            "dpd-pickup-points.json",
            "dpd-pickup-points-missing-city.json",
            "line 24, record 2",
            "city: missing",
        ),
    ],
)
def test_a_list_that_does_not_parse_stops_the_import_with_its_place_and_reason_and_changes_nothing(
    app: Flask, carrier: str, good: str, broken: str, where: str, reason: str
) -> None:
    method = DeliveryMethod(carrier)
    assert invoke(app, "import", carrier, str(DATA / good), "--listed-on", "2026-11-30").exit_code == 0
    before = rows(method)

    result = invoke(app, "import", carrier, str(DATA / broken), "--listed-on", "2026-12-01")

    assert result.exit_code != 0
    assert f"{where}: {reason}" in result.output, result.output
    assert "nothing was imported, the lockers stay as they were" in result.output
    assert rows(method) == before
    assert lockers.get_locker_list(method).listed_on == date(2026, 11, 30)


def test_the_broken_files_line_numbers_are_where_the_trouble_is() -> None:
    """The places the test above expects are where a person opening the file finds the fault."""
    missing = (DATA / "omniva-locations-missing-name.json").read_text().splitlines()
    assert missing[56 - 1].strip() == "{" and '"ZIP": "88811"' in missing[56]  # the record without NAME
    broken = (DATA / "lp-express-terminals-broken.json").read_text().splitlines()
    assert broken[17 - 1].strip() == '"city": "Kėdainiai"'  # its comma is missing: JSON stops on line 18
    truncated = (DATA / "omniva-locations-broken.json").read_text().splitlines()
    assert len(truncated) == 65 and truncated[-1].strip() == ""  # the download ends mid-record


def write_list(path: Path, records: list[dict[str, Any]]) -> str:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.fixture
def omniva_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads((DATA / "omniva-locations.json").read_text())
    return [r for r in records if r["A0_NAME"] == "LT" and r["TYPE"] == "0"]


def test_refresh_deactivates_a_locker_that_left_the_list_and_reactivates_it_when_it_returns(
    app: Flask, tmp_path: Path, omniva_records: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "omniva.json"
    monkeypatch.setitem(app.config, "OMNIVA_LOCKERS_URL", write_list(source, omniva_records))
    first = invoke(app, "refresh")
    assert first.exit_code == 0, first.output
    assert "omniva: 4 added" in first.output
    assert "lp_express: no list configured (LP_EXPRESS_LOCKERS_URL), skipped." in first.output
    assert "dpd: no list configured (DPD_LOCKERS_URL), skipped." in first.output
    kept_id = rows(DeliveryMethod.OMNIVA)["88811"][0]

    renamed = [
        {**r, "NAME": "Kauno Akropolio paštomatas (2 aukštas)"} if r["ZIP"] == "88811" else r
        for r in omniva_records
    ]
    write_list(source, [r for r in renamed if r["ZIP"] != "99902"])
    second = invoke(app, "refresh")

    assert second.exit_code == 0, second.output
    assert "omniva: 0 added, 1 updated (0 reactivated), 1 deactivated, 2 unchanged" in second.output
    after = rows(DeliveryMethod.OMNIVA)
    assert after["99902"][-1] is False  # kept, switched off: orders may point at it
    assert after["88811"][:2] == (kept_id, "Kauno Akropolio paštomatas (2 aukštas)")  # the same row
    assert "99902" not in {x.carrier_locker_id for x in lockers.active_lockers(DeliveryMethod.OMNIVA)}

    write_list(source, omniva_records)
    third = invoke(app, "refresh")

    assert "omniva: 0 added, 2 updated (1 reactivated), 0 deactivated, 2 unchanged" in third.output
    assert all(row[-1] for row in rows(DeliveryMethod.OMNIVA).values())


def test_a_list_that_would_deactivate_more_than_half_is_refused_unless_allowed(
    app: Flask, tmp_path: Path, omniva_records: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "omniva.json"
    monkeypatch.setitem(app.config, "OMNIVA_LOCKERS_URL", write_list(source, omniva_records))
    assert invoke(app, "refresh").exit_code == 0
    write_list(source, omniva_records[:2])  # two of four gone: half is still believable
    assert invoke(app, "refresh").exit_code == 0
    assert invoke(app, "import", "omniva", write_list(tmp_path / "all.json", omniva_records)).exit_code == 0
    write_list(source, omniva_records[:1])  # three of four gone: a truncated download?
    before = rows(DeliveryMethod.OMNIVA)

    refused = invoke(app, "refresh")

    assert refused.exit_code != 0
    assert "the list would deactivate 3 of the 4 active lockers" in refused.output
    assert "--allow-shrink" in refused.output
    assert rows(DeliveryMethod.OMNIVA) == before

    allowed = invoke(app, "refresh", "--allow-shrink")

    assert allowed.exit_code == 0, allowed.output
    assert "3 deactivated" in allowed.output
    assert len(lockers.active_lockers(DeliveryMethod.OMNIVA)) == 1


def test_one_carrier_failing_does_not_stop_the_refresh_of_the_others(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "OMNIVA_LOCKERS_URL", str(DATA / "omniva-locations-broken.json"))
    monkeypatch.setitem(app.config, "DPD_LOCKERS_URL", str(DATA / "dpd-pickup-points.json"))

    result = invoke(app, "refresh")

    assert result.exit_code != 0  # cron mails the operator
    assert "omniva:" in result.output and "not valid JSON" in result.output
    assert "dpd: 2 added" in result.output
    assert "not refreshed: omniva" in result.output
    assert rows(DeliveryMethod.OMNIVA) == {}


@pytest.fixture
def web_server() -> Iterator[str]:
    """A local web server handing out the test lists, as a carrier's site would."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(DATA))
    handler.log_message = lambda *_args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_list_is_downloaded_from_its_url_and_a_missing_one_changes_nothing(
    app: Flask, web_server: str
) -> None:
    loaded = invoke(app, "import", "dpd", f"{web_server}/dpd-pickup-points.json", "--listed-on", "2026-12-01")
    assert loaded.exit_code == 0, loaded.output
    assert "dpd: 2 added" in loaded.output
    record = db.session.get(LockerList, DeliveryMethod.DPD)
    assert record is not None and record.source == f"{web_server}/dpd-pickup-points.json"
    before = rows(DeliveryMethod.DPD)

    missing = invoke(app, "import", "dpd", f"{web_server}/gone.json")

    assert missing.exit_code != 0
    assert "answered HTTP 404" in missing.output and "nothing changed" in missing.output
    assert rows(DeliveryMethod.DPD) == before
    assert lockers.get_locker_list(DeliveryMethod.DPD).listed_on == date(2026, 12, 1)


def test_the_same_locker_id_twice_in_a_list_is_refused(
    app: Flask, tmp_path: Path, omniva_records: list[dict[str, Any]]
) -> None:
    result = invoke(
        app, "import", "omniva", write_list(tmp_path / "twice.json", [*omniva_records, omniva_records[0]])
    )

    assert result.exit_code != 0
    assert "record 5: the locker id '55512' is listed twice" in result.output
    assert rows(DeliveryMethod.OMNIVA) == {}
