"""A community's shop settings: delivery options, its story and photo, and holidays the shop respects."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image

from orders import errors
from producers.models import Community, DeliveryMethod
from shop.i18n import vilnius_today
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import fresh


@pytest.fixture
def member(client: FlaskClient, app: object) -> dict[str, Any]:
    make_operator()
    community = make_community(slug="slapaberze", name="Šlapaberžės bendruomenė")
    product = make_product(
        community, slug="angelas", name_lt="Šiaudinis angelas", variants=[make_variant(stock=5)]
    )
    make_user(community, email="slapaberze@example.org")
    login_as(client, "slapaberze@example.org")
    return {"community": community, "product": product}


def settings_form(client: FlaskClient, **changes: Any) -> dict[str, Any]:
    data = {
        "csrf_token": csrf_token(client, "/workspace/settings"),
        "story_lt": "Mes – Šlapaberžės moterys.",
        "story_en": "",
        "vacation_until": "",
        "delivery_pickup-offered": "y",
        "delivery_pickup-fee": "0",
        "delivery_pickup-pickup_address": "Liepų g. 1, Šlapaberžė",
        "delivery_pickup-pickup_hours_lt": "I–V 10–17",
        "delivery_omniva-offered": "y",
        "delivery_omniva-fee": "2,99",
        "delivery_pickup-dispatch_weekdays": ["0", "1", "2", "3", "4"],
        "delivery_pickup-handling_days": "1",
        "delivery_omniva-dispatch_weekdays": ["0", "3"],
        "delivery_omniva-handling_days": "1",
        "delivery_omniva-transit_days_min": "1",
        "delivery_omniva-transit_days_max": "2",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_delivery_options_and_story_are_saved(client: FlaskClient, member) -> None:
    response = client.post("/workspace/settings", data=settings_form(client), follow_redirects=True)
    assert "Parduotuvės nustatymai išsaugoti." in response.get_data(as_text=True)
    saved = fresh(Community, member["community"].id)
    assert saved.story_lt == "Mes – Šlapaberžės moterys."
    offered = {o.method: o.fee_cents for o in saved.shipping_options if o.is_active}
    assert offered == {DeliveryMethod.PICKUP: 0, DeliveryMethod.OMNIVA: 299}
    pickup = next(o for o in saved.shipping_options if o.method is DeliveryMethod.PICKUP)
    assert (pickup.pickup_address, pickup.pickup_hours_lt) == ("Liepų g. 1, Šlapaberžė", "I–V 10–17")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"delivery_pickup-offered": None, "delivery_omniva-offered": None},
            "Pasiūlykite bent vieną pristatymo būdą.",
        ),
        ({"delivery_omniva-fee": ""}, "Įveskite kainą (0, jei nemokamai)."),
        ({"delivery_omniva-fee": "-1"}, "Įveskite sumą eurais"),
        ({"delivery_pickup-pickup_address": ""}, "Kur pirkėjai atsiima siuntinius?"),
        ({"vacation_until": "2020-01-01"}, "Pasirinkite dieną po šiandienos"),
        ({"vacation_until": "not a date"}, "Įveskite datą, pvz., 2026-12-27."),
    ],
)
def test_bad_settings_are_explained_and_nothing_is_saved(
    client: FlaskClient, member, changes: dict[str, Any], message: str
) -> None:
    before = [
        (o.method, o.fee_cents, o.is_active)
        for o in fresh(Community, member["community"].id).shipping_options
    ]
    response = client.post("/workspace/settings", data=settings_form(client, **changes))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text
    assert "Mes – Šlapaberžės moterys." in text  # what was typed stays
    assert [
        (o.method, o.fee_cents, o.is_active)
        for o in fresh(Community, member["community"].id).shipping_options
    ] == before


def test_on_holiday_no_new_orders_and_customers_see_when_the_community_is_back(
    client: FlaskClient, member
) -> None:
    back = vilnius_today() + timedelta(days=10)
    client.post("/workspace/settings", data=settings_form(client, vacation_until=back.isoformat()))
    assert fresh(Community, member["community"].id).vacation_until == back
    page = client.get("/produktai/angelas").get_data(as_text=True)
    assert "šiuo metu ilsisi" in page and "Į krepšelį" not in page
    assert " d. vėl priims užsakymus." in page  # "…nuo 2026 m. gruodžio 20 d. vėl priims…", never "d.."
    with pytest.raises(errors.ProductUnavailable):
        make_order([(member["product"].variants[0], 1)])

    client.post(
        "/workspace/settings",
        data=settings_form(client, vacation_until=back.isoformat(), vacation_hides_products="y"),
    )
    assert client.get("/produktai/angelas").status_code == 404
    assert "Šiaudinis angelas" not in client.get("/katalogas").get_data(as_text=True)


def test_the_community_photo_goes_through_the_image_pipeline(client: FlaskClient, member) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), (30, 90, 60)).save(buffer, "JPEG")
    response = client.post(
        "/workspace/settings/photo",
        data={
            "csrf_token": csrf_token(client, "/workspace/settings"),
            "photo": (io.BytesIO(buffer.getvalue()), "m.jpg"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Nuotrauka išsaugota." in response.get_data(as_text=True)
    assert len(fresh(Community, member["community"].id).photo_key) == 32
    pdf = client.post(
        "/workspace/settings/photo",
        data={
            "csrf_token": csrf_token(client, "/workspace/settings"),
            "photo": (io.BytesIO(b"%PDF-1.4"), "x.jpg"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "tai ne nuotrauka" in pdf.get_data(as_text=True)
