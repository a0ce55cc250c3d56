"""The checkout tests' shop: two communities, their products, an Omniva locker, and the VVG as operator."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories.catalogue import make_product, make_variant
from tests.factories.producers import make_community, make_locker
from tests.factories.shop import make_operator


@pytest.fixture
def shop(app: object) -> dict[str, Any]:
    make_operator()
    krakes = make_community(slug="krakes", name="Krakių bendruomenės centras")
    pagiriai = make_community(slug="pagiriai", name="Pagirių bendruomenės centras")
    star = make_product(
        krakes,
        slug="zvaigzde",
        name_lt="Šiaudinė žvaigždė",
        variants=[
            make_variant(name_lt="Maža", price_cents=450, stock=5),
            make_variant(name_lt="Didelė", price_cents=1100, stock=4),
        ],
    )
    card = make_product(
        pagiriai, slug="atvirukas", name_lt="Atvirukas", variants=[make_variant(price_cents=300, stock=9)]
    )
    locker = make_locker(
        name="Kėdainių Maxima paštomatas", address="J. Basanavičiaus g. 75", carrier_locker_id="57001"
    )
    return {"krakes": krakes, "pagiriai": pagiriai, "star": star, "card": card, "locker": locker}
