"""A fair's page sends the same number of SQL queries for 6 products as for 60, in each of its phases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import time_machine
from flask.testing import FlaskClient

from catalogue.fairs.models import Fair
from shop.db import db, utcnow
from tests.factories.catalogue import make_category, make_fair, make_product, make_variant
from tests.factories.producers import make_community


def seed(count: int) -> Fair:
    communities = [make_community() for _ in range(3)]
    category = make_category()
    products = [
        make_product(
            communities[n % 3], category, variants=[make_variant(), make_variant(price_cents=900)], images=2
        )
        for n in range(count)
    ]
    now = utcnow()
    return make_fair(
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=5),
        communities=communities,
        products=products,
    )


def queries_per_phase(client: FlaskClient, count_queries: Callable[[], Any], fair: Fair) -> dict[str, int]:
    url, counts = f"/muges/{fair.slug}", {}
    for phase, days in (("coming", 0), ("running", 2), ("ended", 6)):
        with time_machine.travel(utcnow() + timedelta(days=days), tick=False):
            with count_queries() as counter:
                assert client.get(url).status_code == 200
                assert client.get("/").status_code == 200
            counts[phase] = counter.count
    return counts


def test_a_fairs_page_costs_the_same_queries_for_6_and_60_products(
    client: FlaskClient, count_queries: Any
) -> None:
    small = queries_per_phase(client, count_queries, seed(6))
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    large = queries_per_phase(client, count_queries, seed(60))
    assert small == large
    assert max(large.values()) <= 22, large  # the fair page and the home page together
