"""The checkout's parcel lockers: chosen from the carrier's list, refused beside the field when they cannot
take the parcel, and kept by the order as they were when it was placed."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from orders import lifecycle
from orders.models import Fulfilment, Order, PaymentMethod
from producers.lockers import lockers_by_town
from producers.models import DeliveryMethod, Locker, LockerList
from shop.db import db
from tests.conftest import login_as
from tests.factories.producers import make_locker
from tests.factories.shop import make_user
from tests.helpers import mails_to
from tests.orders.checkout.helpers import checkout_data, chosen_locker, fill_cart, orders_count

#: The checkout tests' Omniva locker as every page and mail names it.
NAMED = "Kėdainių Maxima paštomatas, J. Basanavičiaus g. 75, 57001 Kėdainiai"


def locker_error(html: str, community: Any) -> str | None:
    """The message printed beside a parcel's locker field, if any."""
    match = re.search(rf'<p class="error-text" id="locker_{community.id}-error">([^<]*)</p>', html)
    return match.group(1) if match else None


def towns_offered(html: str, community: Any) -> list[str]:
    """The town groups of a parcel's locker select, in the order the page lists them."""
    select_html = re.search(rf'<select id="locker_{community.id}".*?</select>', html, re.S)
    assert select_html
    return re.findall(r'<optgroup label="([^"]*)"', select_html.group(0))


def test_the_locker_select_groups_the_carriers_lockers_by_town_with_a_visible_label(
    client: FlaskClient, shop
) -> None:
    make_locker(town="Kaunas", postal_code="44001", name="Kauno Akropolio paštomatas")
    make_locker(town="Vilnius", postal_code="01001", name="Vilniaus Akropolio paštomatas")
    make_locker(DeliveryMethod.DPD, town="Alytus", postal_code="62001")  # DPD: not offered by Pagiriai
    make_locker(town="Utena", is_active=False)  # gone from Omniva's list
    fill_cart(client, shop)
    html = client.get("/uzsakymas").get_data(as_text=True)
    assert '<label for="locker_{}">Paštomatas</label>'.format(shop["pagiriai"].id) in html
    assert towns_offered(html, shop["pagiriai"]) == ["Kaunas", "Kėdainiai", "Vilnius"]
    assert "Kėdainių Maxima paštomatas — J. Basanavičiaus g. 75, 57001 Kėdainiai" in html
    assert chosen_locker(html, shop["pagiriai"]) is None
    assert html.count(f'name="locker_{shop["pagiriai"].id}"') == 1  # the select alone sends it
    assert f'id="locker_{shop["krakes"].id}"' in html  # Krakės offers Omniva too (shown once chosen)


@pytest.mark.parametrize(
    ("postal_code", "city"),
    [("LT-57164", ""), ("57164", "Kaimas"), ("", "KEDAINIAI"), ("44001", "Kėdainių m.")],
)
def test_the_customers_town_comes_first_once_a_postal_code_or_town_is_typed(
    client: FlaskClient, shop, postal_code: str, city: str
) -> None:
    make_locker(town="Akademija", postal_code="53001")
    make_locker(town="Kaunas", postal_code="44001")
    fill_cart(client, shop)
    data = checkout_data(
        client, shop, name="", postal_code=postal_code, city=city, **{f"locker_{shop['pagiriai'].id}": ""}
    )
    html = client.post("/uzsakymas", data=data).get_data(as_text=True)
    assert towns_offered(html, shop["pagiriai"]) == ["Kėdainiai", "Akademija", "Kaunas"]


def test_the_town_typed_finds_the_carriers_town_whatever_its_ending(app) -> None:
    for town in ("Kaunas", "Kėdainių m.", "Kelmės m."):
        make_locker(town=town)
    assert [town for town, _ in lockers_by_town(DeliveryMethod.OMNIVA, first_town="kėdainiai")] == [
        "Kėdainių m.",
        "Kaunas",
        "Kelmės m.",
    ]
    too_short = lockers_by_town(DeliveryMethod.OMNIVA, first_town="Kė")  # names no town: the usual order
    assert [town for town, _ in too_short] == ["Kaunas", "Kėdainių m.", "Kelmės m."]


def test_a_locker_parcel_needs_its_locker_and_everything_typed_stays(client: FlaskClient, shop) -> None:
    fill_cart(client, shop)
    data = checkout_data(client, shop, **{f"locker_{shop['pagiriai'].id}": ""})
    html = client.post("/uzsakymas", data=data).get_data(as_text=True)
    assert locker_error(html, shop["pagiriai"]) == "Pasirinkite paštomatą."
    assert 'value="Rasa Petraitienė"' in html and 'value="8 612 34567"' in html
    assert f'<select id="locker_{shop["pagiriai"].id}" name="locker_{shop["pagiriai"].id}"' in html
    assert orders_count() == 0


@pytest.mark.parametrize("sent", ["Kėdainių Maxima", "abc", "-1", "0", "1.5", "²", "9" * 30, "1 OR 1=1"])
def test_a_locker_that_is_not_an_id_is_refused_beside_the_field(client: FlaskClient, shop, sent: str) -> None:
    fill_cart(client, shop)
    response = client.post(
        "/uzsakymas", data=checkout_data(client, shop, **{f"locker_{shop['pagiriai'].id}": sent})
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert locker_error(html, shop["pagiriai"]) == "Pasirinkite paštomatą iš sąrašo."
    assert 'value="Rasa Petraitienė"' in html
    assert orders_count() == 0


@pytest.mark.parametrize("case", ["forged", "other carrier", "inactive"])
def test_a_locker_that_cannot_take_the_parcel_is_refused_beside_the_field(
    client: FlaskClient, shop, case: str
) -> None:
    locker_id = {
        "forged": lambda: 2_000_000_000,
        "other carrier": lambda: make_locker(DeliveryMethod.LP_EXPRESS, name="LP Express Kėdainiai").id,
        "inactive": lambda: make_locker(name="Uždarytas paštomatas", is_active=False).id,
    }[case]()
    fill_cart(client, shop)
    data = checkout_data(client, shop, **{f"locker_{shop['pagiriai'].id}": str(locker_id)})
    response = client.post("/uzsakymas", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert locker_error(html, shop["pagiriai"]) == (
        "Šis paštomatas nepriima pasirinkto pristatymo siuntinių. Pasirinkite paštomatą iš sąrašo."
    )
    assert 'aria-invalid="true"' in html and 'value="Rasa Petraitienė"' in html
    assert orders_count() == 0


def test_a_locker_of_a_method_the_community_does_not_offer_is_refused(client: FlaskClient, shop) -> None:
    dpd = make_locker(DeliveryMethod.DPD, name="DPD Kėdainiai")  # a real, active DPD locker
    fill_cart(client, shop)
    data = checkout_data(
        client,
        shop,
        **{f"delivery_{shop['pagiriai'].id}": "dpd", f"locker_{shop['pagiriai'].id}": str(dpd.id)},
    )
    html = client.post("/uzsakymas", data=data).get_data(as_text=True)
    refusal = re.search(rf'<p class="error-text" id="delivery-{shop["pagiriai"].id}-error">([^<]*)</p>', html)
    assert refusal and refusal.group(1) == "Pasirinkite, kaip keliaus šis siuntinys."
    assert "DPD Kėdainiai" not in html  # the community's lockers only
    assert orders_count() == 0


def test_a_locker_deactivated_while_the_page_was_open_is_refused_when_the_order_is_placed(
    client: FlaskClient, shop
) -> None:
    fill_cart(client, shop)
    data = checkout_data(client, shop)
    db.session.execute(update(Locker).where(Locker.id == shop["locker"].id).values(is_active=False))
    db.session.commit()
    html = client.post("/uzsakymas", data=data).get_data(as_text=True)
    assert locker_error(html, shop["pagiriai"]) is not None
    assert orders_count() == 0


def test_the_order_keeps_the_locker_as_it_was_after_the_carrier_renames_or_closes_it(
    client: FlaskClient, shop
) -> None:
    fill_cart(client, shop)
    response = client.post("/uzsakymas", data=checkout_data(client, shop))
    assert response.status_code == 302
    tracking = response.headers["Location"]
    db.session.rollback()  # see what the checkout committed
    parcel = db.session.scalars(
        select(Fulfilment).where(Fulfilment.community_id == shop["pagiriai"].id)
    ).one()
    assert (parcel.locker, parcel.locker_code, parcel.locker_id) == (NAMED, "57001", shop["locker"].id)
    db.session.execute(
        update(Locker).where(Locker.id == shop["locker"].id).values(is_active=False, name="Kitas vardas")
    )
    db.session.commit()
    page = client.get(tracking).get_data(as_text=True)
    assert f"Omniva paštomatas: {NAMED} (Nr. 57001)" in page
    assert "Kitas vardas" not in page


def test_the_community_sees_the_locker_on_its_parcel_page_and_packing_slip_and_in_its_mail(
    client: FlaskClient, shop
) -> None:
    fill_cart(client, shop)
    client.post("/uzsakymas", data=checkout_data(client, shop))
    db.session.rollback()  # see what the checkout committed
    order = db.session.scalars(select(Order)).one()
    lifecycle.mark_paid(order.id, amount_cents=order.total_cents, method=PaymentMethod.BANK_TRANSFER, by=None)
    parcel = db.session.scalars(
        select(Fulfilment).where(Fulfilment.community_id == shop["pagiriai"].id)
    ).one()
    new_parcel = mails_to(shop["pagiriai"].email)[0]
    for body in (new_parcel.text_body, new_parcel.html_body):
        assert f"{NAMED} (Nr. 57001)" in body
    login_as(client, make_user(email="nariai@pagiriai.lt", community=shop["pagiriai"]).email)
    for url in (f"/workspace/orders/{parcel.id}", f"/workspace/orders/{parcel.id}/slip", "/workspace/orders"):
        html = client.get(url).get_data(as_text=True)
        assert NAMED in html and "Nr. 57001" in html, url


def test_the_locker_list_of_a_carrier_is_its_active_lockers_as_json(client: FlaskClient, shop) -> None:
    make_locker(name="Uždarytas", is_active=False)
    make_locker(DeliveryMethod.DPD, name="DPD Kėdainiai")
    lockers = client.get("/lockeriai/omniva.json").get_json()["lockers"]
    assert [locker["name"] for locker in lockers] == ["Kėdainių Maxima paštomatas"]
    assert lockers[0] == {
        "id": shop["locker"].id,
        "code": "57001",
        "name": "Kėdainių Maxima paštomatas",
        "address": "J. Basanavičiaus g. 75",
        "town": "Kėdainiai",
        "postal_code": "57001",
        "lat": 55.2883,
        "lon": 23.9735,
    }
    for carrier in ("pickup", "courier", "nera", "OMNIVA"):
        assert client.get(f"/lockeriai/{carrier}.json").status_code == 404


def test_the_picker_says_the_date_of_each_carriers_list_and_marks_sample_data(
    client: FlaskClient, shop
) -> None:
    """Lockers open and close: the customer sees how old the list is, and the demo's made-up lists say so."""
    db.session.add(LockerList(carrier=DeliveryMethod.OMNIVA, listed_on=date(2021, 12, 30), source="x.json"))
    db.session.commit()
    fill_cart(client, shop)
    html = client.get("/uzsakymas").get_data(as_text=True)
    assert "Omniva paštomatų sąrašas: 2021 m. gruodžio 30 d." in html
    assert "ne tikri paštomatai" not in html

    db.session.execute(update(LockerList).values(is_sample=True))
    db.session.commit()
    english = client.get("/uzsakymas?lang=en").get_data(as_text=True)
    assert "Omniva locker list: 30 December 2021. Sample data for the demo: not real lockers." in english
