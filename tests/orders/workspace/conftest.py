"""Fixtures of the workspace's orders tests: two communities and their goods, and a member of Krakės
signed in.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import login_as
from tests.factories.catalogue import make_product, make_variant
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user


@pytest.fixture
def shop(app: object) -> dict[str, Any]:
    make_operator()
    krakes = make_community(slug="krakes", name="Krakių bendruomenės centras")
    pagiriai = make_community(slug="pagiriai", name="Pagirių bendruomenės centras")
    star = make_product(
        krakes,
        name_lt="Šiaudinė žvaigždė",
        name_en="Straw star",
        variants=[make_variant(price_cents=1005, stock=50)],
    ).variants[0]
    card = make_product(
        krakes, name_lt="Atvirukas", name_en="Card", variants=[make_variant(price_cents=450, stock=50)]
    ).variants[0]
    angel = make_product(
        pagiriai, name_lt="Angelas", variants=[make_variant(price_cents=700, stock=50)]
    ).variants[0]
    member = make_user(krakes, name="Ona Kraķienė")
    return {
        "krakes": krakes,
        "pagiriai": pagiriai,
        "star": star,
        "card": card,
        "angel": angel,
        "member": member,
    }


@pytest.fixture
def member(client: FlaskClient, shop: dict[str, Any]) -> FlaskClient:
    login_as(client, shop["member"].email)
    return client
