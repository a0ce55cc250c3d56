"""Finding a locker for the checkout: by town (the customer's first), by id, by words typed, nearest first;
and the compact list the browser's type-ahead filters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from producers import lockers
from producers.models import DeliveryMethod, Locker
from shop.db import db, transaction

DATA = Path(__file__).resolve().parent / "data"
OMNIVA_REAL = (
    Path(__file__).resolve().parents[2] / "shop" / "demo" / "lockers" / "omniva-locations-lt-2021-12.json"
)
#: Kėdainiai's bus station, and Vilnius cathedral square
KEDAINIAI = (55.2856, 23.9800)
VILNIUS = (54.6858, 25.2877)


def load(carrier: DeliveryMethod, path: Path, listed_on: date = date(2026, 12, 1)) -> None:
    lockers.import_lockers(carrier, path.read_bytes(), source=path.name, listed_on=listed_on)


@pytest.fixture
def omniva(app: Flask) -> None:
    load(DeliveryMethod.OMNIVA, OMNIVA_REAL, date(2021, 12, 30))


def deactivate(carrier: DeliveryMethod, carrier_locker_id: str) -> Locker:
    with transaction():
        locker = (
            db.session.query(Locker).filter_by(carrier=carrier, carrier_locker_id=carrier_locker_id).one()
        )
        locker.is_active = False
    return locker


def test_active_lockers_come_by_town_then_name_in_lithuanian_alphabetical_order(omniva: None) -> None:
    found = lockers.active_lockers(DeliveryMethod.OMNIVA)

    assert len(found) == 348
    towns = list(dict.fromkeys(locker.town for locker in found))
    assert towns[0] == "Akademijos mstl. (Kauno r.)"
    # Š after S and Ž after Z, as in the Lithuanian alphabet (not among the S's, as plain folding would)
    assert towns.index("Skuodo m.") < towns.index("Šakių m.") < towns.index("Švėkšnos mstl. (Šilutės r.)")
    assert towns.index("Šiaulių m.") < towns.index("Tauragės m.")
    assert towns[-1] == "Žiežmarių m."
    kedainiai = [locker.name for locker in found if locker.town == "Kėdainių m."]
    assert kedainiai == sorted(kedainiai, key=lockers.sort_key)


def test_a_deactivated_locker_is_not_offered_nor_found_by_id(omniva: None) -> None:
    gone = deactivate(DeliveryMethod.OMNIVA, "55583")

    assert gone.id not in {locker.id for locker in lockers.active_lockers(DeliveryMethod.OMNIVA)}
    assert lockers.find_active_locker(DeliveryMethod.OMNIVA, gone.id) is None


def test_find_active_locker_takes_only_an_active_locker_of_that_carrier(app: Flask, omniva: None) -> None:
    load(DeliveryMethod.DPD, DATA / "dpd-pickup-points.json")
    omniva_locker = lockers.active_lockers(DeliveryMethod.OMNIVA)[0]
    dpd_locker = lockers.active_lockers(DeliveryMethod.DPD)[0]

    assert lockers.find_active_locker(DeliveryMethod.OMNIVA, omniva_locker.id) == omniva_locker
    assert lockers.find_active_locker(DeliveryMethod.OMNIVA, dpd_locker.id) is None  # another carrier's
    assert lockers.find_active_locker(DeliveryMethod.DPD, dpd_locker.id) == dpd_locker
    assert lockers.find_active_locker(DeliveryMethod.OMNIVA, 999_999) is None  # forged


def test_lockers_by_town_puts_the_postal_codes_town_first_and_the_rest_alphabetically(
    app: Flask, omniva: None
) -> None:
    load(DeliveryMethod.LP_EXPRESS, DATA / "lp-express-terminals.json")  # postal codes: Kėdainiai 57…
    plain = lockers.lockers_by_town(DeliveryMethod.OMNIVA, None)

    first = lockers.lockers_by_town(DeliveryMethod.OMNIVA, "LT-57214")  # the VVG's own postal code

    assert first[0][0] == "Kėdainių m."  # LP Express's "Kėdainiai" at 57… names Omniva's "Kėdainių m."
    assert len(first[0][1]) == 4
    assert [town for town, _ in first[1:]] == [town for town, _ in plain if town != "Kėdainių m."]
    assert [town for town, _ in plain] == sorted((town for town, _ in plain), key=lockers.sort_key)
    assert (
        lockers.lockers_by_town(DeliveryMethod.OMNIVA, "44280")[0][0] == "Kauno m."
    )  # 44… as Kaunas's 44333
    assert lockers.lockers_by_town(DeliveryMethod.OMNIVA, "not a code") == plain
    assert lockers.lockers_by_town(DeliveryMethod.OMNIVA, "30000") == plain  # no locker near it


def test_with_omnivas_list_alone_a_postal_code_names_no_town(omniva: None) -> None:
    """Omniva's list gives no postal codes: the towns stay alphabetical (documented in the README)."""
    assert lockers.town_of_postal_code("57214") is None
    assert lockers.lockers_by_town(DeliveryMethod.OMNIVA, "57214")[0][0] == "Akademijos mstl. (Kauno r.)"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Kėdainių m.", "Kėdainiai"),
        ("Vilniaus m.", "VILNIUS"),
        ("Panevėžio m.", "Panevėžys"),
        ("Kauno m.", "Kaunas"),
    ],
)
def test_the_carriers_spellings_of_one_town_meet(one: str, other: str) -> None:
    assert lockers.town_key(one) == lockers.town_key(other)


def test_the_locker_list_endpoint_gives_every_active_locker_compactly_and_publicly_cached(
    client: FlaskClient, omniva: None
) -> None:
    gone = deactivate(DeliveryMethod.OMNIVA, "55583")

    response = client.get("/lockeriai/omniva.json")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] in {"public, max-age=3600", "max-age=3600, public"}
    body = response.get_json()
    assert (body["carrier"], body["listed_on"], body["is_sample"]) == ("omniva", "2021-12-30", False)
    assert len(body["lockers"]) == 347
    assert gone.id not in {locker["id"] for locker in body["lockers"]}
    chemiku = next(x for x in body["lockers"] if x["name"] == "Kėdainių MAXIMA Chemikų paštomatas")
    assert chemiku == {
        "id": chemiku["id"],
        "code": "99929",
        "name": "Kėdainių MAXIMA Chemikų paštomatas",
        "address": "Chemikų g. 1A",
        "town": "Kėdainių m.",
        "postal_code": "",
        "lat": pytest.approx(55.28, abs=0.01),
        "lon": pytest.approx(23.96, abs=0.01),
    }
    assert len(response.data) < 70_000  # a phone downloads it once (about 12 KB compressed)

    again = client.get("/lockeriai/omniva.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_locker_list_endpoint_of_an_unknown_carrier_is_not_found(client: FlaskClient) -> None:
    assert client.get("/lockeriai/courier.json").status_code == 404
    assert client.get("/lockeriai/x.json").status_code == 404
    empty = client.get("/lockeriai/dpd.json").get_json()
    assert empty == {"carrier": "dpd", "listed_on": None, "is_sample": False, "lockers": []}
