"""Delivery promises as people see them: the product page, the cart and checkout, the order mails, the
community's workspace, the home page's Christmas cut-off and the settings behind them. Every test runs at a
fixed moment (`time_machine`), so none depends on today's date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import select, update

from orders.models import Fulfilment, OrderStatus
from producers.models import Community, DeliveryMethod, ShippingOption
from shop.db import db
from shop.models import Operator
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import OMNIVA, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import fresh, mails_to

VILNIUS = ZoneInfo("Europe/Vilnius")


def at(text: str) -> time_machine.travel:
    """The clock stopped at a Vilnius wall-clock moment ("2026-12-10 09:00")."""
    return time_machine.travel(
        datetime.fromisoformat(text).replace(tzinfo=VILNIUS).astimezone(UTC), tick=False
    )


@pytest.fixture
def shop(app: object) -> dict[str, Any]:
    """One community offering pickup, Omniva lockers (Mon–Fri, 1 day to pack, 1–2 in transit) and a courier
    (1–3); a product in stock and one made to order in 3 working days."""
    make_operator()
    community = make_community(slug="krakes", name="Krakių bendruomenė")
    in_stock = make_product(community, slug="angelas", name_lt="Šiaudinis angelas", variants=[make_variant()])
    made = make_product(
        community,
        slug="atvirukas",
        name_lt="Atvirukas su vardu",
        variants=[make_variant(stock=0, is_made_to_order=True, lead_days=3)],
    )
    make_user(community, email="krakes@example.org")
    return {"community": community, "in_stock": in_stock, "made": made}


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# ---------------------------------------------------------------------------------------------- product page


def test_the_product_page_says_when_each_method_delivers_in_lithuanian(client: FlaskClient, shop) -> None:
    with at("2026-10-08 09:00"):  # a Thursday, out of the Christmas season
        text = page(client, "/produktai/angelas")
    assert "Kada atkeliaus" in text
    assert "Galėsite atsiimti spalio 9 d." in text  # packed on Friday
    assert "Pristatysime spalio 12–13 d." in text  # Omniva: over the weekend
    assert "Pristatysime spalio 12–14 d." in text  # courier: one day more
    assert "Kūčių" not in text  # out of season: no Christmas word


def test_a_made_to_order_product_counts_its_lead_days(client: FlaskClient, shop) -> None:
    with at("2026-10-08 09:00"):
        text = page(client, "/produktai/atvirukas")
    assert "Pristatysime spalio 15–16 d." in text  # 3 days to make, 1 to pack: sent on Wednesday 14th


def test_the_product_page_in_english_and_after_the_cut_off_hour(client: FlaskClient, shop) -> None:
    with at("2026-10-08 15:00"):  # after 14:00: counts from Friday
        text = page(client, "/produktai/angelas?lang=en")
    assert "We will deliver 13–14 October" in text
    assert "Ready to collect 12 October" in text


def test_a_window_across_months_names_both(client: FlaskClient, shop) -> None:
    with at("2026-12-29 09:00"):
        text = page(client, "/produktai/angelas")
    assert "Pristatysime gruodžio 31 d. – sausio 4 d." in text  # 1 January is a holiday, then a weekend


# ---------------------------------------------------------------------------------------------- Christmas


def test_in_the_season_each_method_says_by_when_to_order_for_christmas_eve(client: FlaskClient, shop) -> None:
    with at("2026-12-10 09:00"):
        product = page(client, "/produktai/angelas")
        home = page(client, "/")
    for text in (product, home):
        assert "Užsisakykite iki gruodžio 17 d., kad gautumėte iki Kūčių" in text  # Omniva, 1–2 days
        assert "Užsisakykite iki gruodžio 16 d., kad gautumėte iki Kūčių" in text  # courier, 1–3 days
        assert "Užsisakykite iki gruodžio 21 d., kad gautumėte iki Kūčių" in text  # pickup
    assert "Kad spėtų iki Kūčių" in home


def test_after_the_last_day_the_shop_says_it_will_arrive_after_christmas_eve(
    client: FlaskClient, shop
) -> None:
    with at("2026-12-18 15:00"):
        product = page(client, "/produktai/angelas")
        home = page(client, "/")
    for text in (product, home):
        assert "Užsisakius dabar, siunta atkeliaus po Kūčių" in text  # Omniva and courier
        assert "Užsisakykite iki gruodžio 21 d., kad gautumėte iki Kūčių" in text  # pickup still makes it
        assert "iki gruodžio 17 d." not in text  # never a day already gone


def test_a_made_to_order_product_has_its_own_earlier_last_day(client: FlaskClient, shop) -> None:
    with at("2026-12-10 09:00"):
        text = page(client, "/produktai/atvirukas")
    assert "Užsisakykite iki gruodžio 14 d., kad gautumėte iki Kūčių" in text  # Omniva


def test_out_of_the_season_nothing_is_said_of_christmas(client: FlaskClient, shop) -> None:
    for moment in ("2026-10-31 12:00", "2026-12-25 12:00"):
        with at(moment):
            assert "Kūčių" not in page(client, "/") and "Kūčių" not in page(client, "/produktai/angelas")


def test_the_vvgs_own_date_is_named_instead_of_christmas_eve(client: FlaskClient, shop) -> None:
    db.session.execute(update(Operator).values(christmas_month=12, christmas_day=31))
    db.session.commit()
    with at("2026-12-10 09:00"):
        text = page(client, "/produktai/angelas")
        english = page(client, "/produktai/angelas?lang=en")
    assert "Užsisakykite iki gruodžio 27 d., kad gautumėte iki gruodžio 31 d." in text
    assert "Kūčių" not in text
    assert "Order by 27 December to have it by 31 December" in english


def test_staff_set_the_christmas_day_on_the_settings_page(client: FlaskClient, shop) -> None:
    make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    with at("2026-12-01 09:00"):
        login_as(client, "vida@vvg.example.org")
        assert 'value="2026-12-24"' in page(client, "/backoffice/settings")
        form = {
            "csrf_token": csrf_token(client, "/backoffice/settings"),
            "name": "Kėdainių rajono vietos veiklos grupė",
            "registration_code": "300619429",
            "address": "Pirmūnų g. 13A, 57214 Kėdainiai",
            "email": "info@vvg.example.org",
            "phone": "+370 347 51234",
            "iban": "LT20 7300 0101 1234 5678",
            "invoice_prefix": "VVG",
            "christmas_date": "2026-12-23",
        }
        assert client.post("/backoffice/settings", data=form).status_code == 302
        operator = db.session.scalars(select(Operator)).one()
        assert (operator.christmas_month, operator.christmas_day) == (12, 23)
        refused = client.post("/backoffice/settings", data={**form, "christmas_date": "2028-02-29"})
        assert refused.status_code == 400
        assert "Pasirinkite dieną, kuri būna kasmet." in refused.get_data(as_text=True)


# ------------------------------------------------------------------------------------------- cart, checkout


def test_the_cart_and_checkout_show_each_parcels_window_per_method(client: FlaskClient, shop) -> None:
    with at("2026-10-08 09:00"):
        client.get("/")
        client.post(
            "/krepselis/prideti",
            data={
                "variant_id": shop["made"].variants[0].id,
                "quantity": 1,
            },
        )
        cart = page(client, "/krepselis")
        checkout = page(client, "/uzsakymas")
    for text in (cart, checkout):
        assert "Pristatysime spalio 15–16 d." in text  # Omniva, with the card's lead days
        assert "Pristatysime spalio 15–19 d." in text  # courier
        assert "Galėsite atsiimti spalio 14 d." in text


# ---------------------------------------------------------------------------------------------- the order


def test_the_promise_is_stored_on_the_parcel_and_mailed(client: FlaskClient, shop) -> None:
    with at("2026-12-10 09:00"):
        order = make_order([(shop["in_stock"].variants[0], 1)], delivery=OMNIVA, status=OrderStatus.PAID)
    parcel = db.session.scalars(select(Fulfilment).where(Fulfilment.order_id == order.id)).one()
    assert (
        parcel.ship_by.isoformat(),
        parcel.delivery_earliest.isoformat(),
        parcel.delivery_latest.isoformat(),
    ) == (
        "2026-12-11",
        "2026-12-14",
        "2026-12-15",
    )
    tracking = page(client, f"/uzsakymai/{order.public_token}")
    assert "Pristatysime gruodžio 14–15 d." in tracking
    mails = {m.dedup_key.split(":")[0]: m for m in mails_to("rasa@example.com")}
    for kind in ("order-placed", "order-paid"):
        assert "Pristatysime gruodžio 14–15 d." in mails[kind].text_body
        assert "Pristatysime gruodžio 14–15 d." in mails[kind].html_body


def test_a_promise_made_is_kept_when_the_community_changes_its_days(client: FlaskClient, shop) -> None:
    with at("2026-12-10 09:00"):
        order = make_order([(shop["in_stock"].variants[0], 1)], delivery=OMNIVA)
    db.session.execute(update(ShippingOption).values(handling_days=5, transit_days_max=9))
    db.session.commit()
    parcel = db.session.scalars(select(Fulfilment).where(Fulfilment.order_id == order.id)).one()
    assert parcel.delivery_latest.isoformat() == "2026-12-15"


# ---------------------------------------------------------------------------------------------- workspace


@pytest.fixture
def parcels(shop) -> Iterator[dict[str, Any]]:
    """Two paid parcels: the card (made to order) placed first, but the angel is to be sent sooner."""
    with at("2026-12-07 09:00"):
        card = make_order([(shop["made"].variants[0], 1)], delivery=OMNIVA, status=OrderStatus.PAID)
    with at("2026-12-08 09:00"):
        angel = make_order([(shop["in_stock"].variants[0], 1)], delivery=OMNIVA, status=OrderStatus.PAID)
    yield {"card": card, "angel": angel}  # ship by 11 and 9 December


def test_the_dashboard_lists_parcels_by_ship_by_and_marks_the_late_ones(client: FlaskClient, parcels) -> None:
    with at("2026-12-10 09:00"):
        login_as(client, "krakes@example.org")
        text = page(client, "/workspace/")
        listed = page(client, "/workspace/orders")
    for html in (text, listed):
        assert html.index(parcels["angel"].number) < html.index(parcels["card"].number)
        assert 'data-ship-by="2026-12-09"' in html and 'data-ship-by="2026-12-11"' in html
        assert html.count("vėluoja") == 1  # the angel: 9 December has passed


def test_the_parcel_page_shows_its_ship_by_day_and_the_promise(client: FlaskClient, parcels) -> None:
    parcel_id = db.session.scalars(
        select(Fulfilment.id).where(Fulfilment.order_id == parcels["card"].id)
    ).one()
    with at("2026-12-10 09:00"):
        login_as(client, "krakes@example.org")
        text = page(client, f"/workspace/orders/{parcel_id}")
    assert "Išsiųsti iki 2026-12-11" in text
    assert "Pažadėta pirkėjui: gruodžio 14–15 d." in text
    assert "vėluoja" not in text


# ---------------------------------------------------------------------------------------------- settings


def settings_form(client: FlaskClient, **changes: Any) -> dict[str, Any]:
    data = {
        "csrf_token": csrf_token(client, "/workspace/settings"),
        "story_lt": "Mes – Krakės.",
        "delivery_omniva-offered": "y",
        "delivery_omniva-fee": "2,99",
        "delivery_omniva-dispatch_weekdays": ["0", "3"],
        "delivery_omniva-handling_days": "2",
        "delivery_omniva-transit_days_min": "1",
        "delivery_omniva-transit_days_max": "3",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_community_sets_its_dispatch_days_and_the_product_page_follows(client: FlaskClient, shop) -> None:
    with at("2026-10-07 09:00"):
        login_as(client, "krakes@example.org")
        settings = page(client, "/workspace/settings")
        assert "Dienos, kai perduodate siuntas vežėjui" in settings and "<legend" in settings
        response = client.post("/workspace/settings", data=settings_form(client))
        assert response.status_code == 302
        omniva = next(
            o
            for o in fresh(Community, shop["community"].id).shipping_options
            if o.method is DeliveryMethod.OMNIVA
        )
        assert (
            omniva.dispatch_weekdays,
            omniva.handling_days,
            omniva.transit_days_min,
            omniva.transit_days_max,
        ) == (
            0b1001,
            2,
            1,
            3,
        )
        # Wednesday morning: packed in 2 working days (Friday 9th), sent on the next Monday or Thursday
        # (Monday 12th), then 1–3 days; sent every day it would have left on Friday
        assert "Pristatysime spalio 13–15 d." in page(client, "/produktai/angelas")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"delivery_omniva-dispatch_weekdays": None},
            "Pažymėkite bent vieną dieną nuo pirmadienio iki penktadienio.",
        ),
        (
            {"delivery_omniva-dispatch_weekdays": ["5"]},
            "Pažymėkite bent vieną dieną nuo pirmadienio iki penktadienio.",
        ),
        ({"delivery_omniva-handling_days": ""}, "Įveskite darbo dienų skaičių (0 ar daugiau)."),
        ({"delivery_omniva-handling_days": "31"}, "Įveskite nuo 0 iki 30 darbo dienų."),
        ({"delivery_omniva-transit_days_min": "-1"}, "Įveskite nuo 0 iki 30 darbo dienų."),
        ({"delivery_omniva-transit_days_max": "du"}, "Įveskite sveikąjį skaičių."),
        ({"delivery_omniva-transit_days_min": "4"}, "Daugiausiai negali būti mažiau dienų nei mažiausiai."),
    ],
)
def test_bad_promise_days_are_explained_beside_the_field(client: FlaskClient, shop, changes, message) -> None:
    with at("2026-10-08 09:00"):
        login_as(client, "krakes@example.org")
        response = client.post("/workspace/settings", data=settings_form(client, **changes))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text
    assert "Mes – Krakės." in text  # what was typed stays
    omniva = next(
        o
        for o in fresh(Community, shop["community"].id).shipping_options
        if o.method is DeliveryMethod.OMNIVA
    )
    assert (omniva.dispatch_weekdays, omniva.handling_days) == (0b11111, 1)
