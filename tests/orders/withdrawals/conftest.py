"""Fixtures of the withdrawal tests: the clock stopped on a summer day, a community with a star (in stock),
a made-to-order basket and a greeting card, and a VVG to tell."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from flask import Flask

from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.producers import make_community
from tests.factories.shop import make_operator

#: 12:00 in Vilnius (UTC+3) on 1 July 2027.
SUMMER = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(SUMMER, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shop(app: Flask, clock: Any) -> dict[str, Any]:
    make_operator()
    krakes = make_community(slug="krakes", name="Krakių bendruomenė", email="krakes@example.org")
    pagiriai = make_community(slug="pagiriai", name="Pagirių bendruomenė", email="pagiriai@example.org")
    cards = make_category(slug="atvirukai", name_lt="Atvirukai", name_en="Cards", holds_cards=True)
    star = make_product(
        krakes,
        name_lt="Šiaudinė žvaigždė",
        name_en="Straw star",
        variants=[make_variant(price_cents=1005, stock=50)],
    ).variants[0]
    bowl = make_product(
        krakes,
        name_lt="Molinis dubuo",
        name_en="Clay bowl",
        variants=[make_variant(price_cents=2000, stock=50)],
    ).variants[0]
    basket = make_product(
        krakes,
        name_lt="Pintas krepšys",
        name_en="Woven basket",
        variants=[make_variant(price_cents=3500, stock=0, is_made_to_order=True, lead_days=10)],
    ).variants[0]
    card = make_product(
        krakes,
        cards,
        name_lt="Atvirukas",
        name_en="Greeting card",
        variants=[make_variant(price_cents=300, stock=50)],
    ).variants[0]
    angel = make_product(
        pagiriai, name_lt="Angelas", name_en="Angel", variants=[make_variant(price_cents=700, stock=50)]
    ).variants[0]
    return {
        "krakes": krakes,
        "pagiriai": pagiriai,
        "star": star,
        "bowl": bowl,
        "basket": basket,
        "card": card,
        "angel": angel,
    }
