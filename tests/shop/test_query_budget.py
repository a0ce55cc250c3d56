"""The storefront's pages send a fixed number of SQL queries, however many products there are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from catalogue.models import Product
from shop.db import db
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.producers import make_community


def seed(count: int) -> Product:
    communities = [make_community() for _ in range(3)]
    categories = [make_category() for _ in range(3)]
    product = None
    for n in range(count):
        product = make_product(
            communities[n % 3],
            categories[n % 3],
            variants=[make_variant(), make_variant(price_cents=900)],
            images=2,
            is_featured=n % 4 == 0,
            commit=False,
        )
    db.session.commit()
    assert product is not None
    return product


def queries_per_page(
    client: FlaskClient, count_queries: Callable[[], Any], product: Product
) -> dict[str, int]:
    pages = {
        "home": "/",
        "catalogue": "/katalogas",
        "filtered catalogue": "/katalogas?q=gaminys&min_price=1&in_stock=y&sort=price_asc",
        "product": f"/produktai/{product.slug}",
        "community": f"/bendruomenes/{product.community.slug}",
    }
    counts = {}
    for name, url in pages.items():
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts[name] = counter.count
    return counts


def test_pages_cost_the_same_queries_for_10_and_500_products(client: FlaskClient, count_queries: Any) -> None:
    small = queries_per_page(client, count_queries, seed(10))
    db.session.execute(Product.__table__.delete())
    db.session.commit()
    large = queries_per_page(client, count_queries, seed(500))
    assert small == large
    # one more for a search (the look-up for mistyped words), and for the home page in the Christmas season
    # (the delivery methods whose last day to order it names: `producers.delivery.list_christmas_notes`);
    # the home page reads the running or coming fair too (`catalogue.fairs.showing.current_fair`)
    more = {"filtered catalogue", "home"}
    assert max(count for name, count in large.items() if name not in more) <= 8, large
    assert large["filtered catalogue"] <= 9, large
    assert large["home"] <= 10, large
