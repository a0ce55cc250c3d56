"""Fixtures of the payouts tests: the clock on 10 March 2027, two communities and their goods, VVG staff
signed in on the payouts page, and no return window.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_product, make_variant
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.orders.payouts.helpers import KRAKES_IBAN, LIST, NOW


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shop(app: Flask, clock: Any) -> dict[str, Any]:
    make_operator()
    krakes = make_community(slug="krakes", name="Krakių bendruomenės centras", iban=KRAKES_IBAN)
    pagiriai = make_community(slug="pagiriai", name="Pagirių bendruomenės centras", commission_bp=1500)
    star = make_product(krakes, variants=[make_variant(price_cents=1005, stock=500)]).variants[0]
    card = make_product(krakes, variants=[make_variant(price_cents=450, stock=500)]).variants[0]
    angel = make_product(pagiriai, variants=[make_variant(price_cents=700, stock=500)]).variants[0]
    staff = make_user(name="VVG buhalterė", is_staff=True)
    return {
        "krakes": krakes,
        "pagiriai": pagiriai,
        "star": star,
        "card": card,
        "angel": angel,
        "staff": staff,
    }


@pytest.fixture
def no_hold(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parcels are due as soon as they are delivered (`PAYOUT_HOLD_DAYS=0`)."""
    monkeypatch.setitem(app.config, "PAYOUT_HOLD_DAYS", 0)


@pytest.fixture
def staff(client: FlaskClient, shop: dict[str, Any]) -> str:
    """Signed in as VVG staff, reading English; the CSRF token of the payouts page."""
    make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    client.get("/?lang=en")
    return csrf_token(client, LIST + "?month=2027-03")
