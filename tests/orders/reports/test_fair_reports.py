"""A fair's report against the orders it counts: paid orders placed within the fair's moments holding its
products; their fair lines (cancelled parcels left out); per community and district; new customers; best
sellers; the same figures in the CSV. The expected numbers are worked out here from the orders made."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from orders import refunds
from orders.fair_reports import build_fair_report
from orders.models import OrderStatus
from shop.db import db, utcnow
from tests.conftest import login_as
from tests.factories.catalogue import make_fair, make_product, make_variant
from tests.factories.orders import make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_user

ONA = make_buyer(name="Ona", email="ona@example.com")
JONAS = make_buyer(name="Jonas", email="Jonas@Example.com")


@pytest.fixture
def sales(app: object) -> dict[str, Any]:
    now = utcnow()
    opens, closes = now - timedelta(days=20), now - timedelta(days=10)
    kedainiai = make_community(name="Šlapaberžė", district="Kėdainių r. sav.")
    jonava = make_community(name="Upninkai", district="Jonavos r. sav.")
    star = make_product(kedainiai, name_lt="Žvaigždė", variants=[make_variant(price_cents=500, stock=50)])
    card = make_product(jonava, name_lt="Atvirukas", variants=[make_variant(price_cents=300, stock=50)])
    other = make_product(kedainiai, name_lt="Ne mugės", variants=[make_variant(price_cents=700, stock=50)])
    fair = make_fair(opens_at=opens, closes_at=closes, communities=[kedainiai, jonava], products=[star, card])
    star_v, card_v, other_v = star.variants[0], card.variants[0], other.variants[0]
    paid = OrderStatus.PAID
    make_order(
        [(card_v, 1)], status=paid, buyer=JONAS, placed_at=opens - timedelta(days=3)
    )  # before: Jonas returns
    make_order([(star_v, 2), (other_v, 1)], status=paid, buyer=ONA, placed_at=opens + timedelta(hours=1))
    make_order([(card_v, 3)], status=paid, buyer=JONAS, placed_at=opens + timedelta(days=2))
    make_order([(star_v, 1)], buyer=ONA, placed_at=opens + timedelta(days=3))  # never paid
    make_order([(star_v, 4)], status=paid, buyer=ONA, placed_at=closes)  # placed at the closing moment: after
    make_order([(other_v, 5)], status=paid, buyer=ONA, placed_at=opens + timedelta(days=4))  # no fair product
    both = make_order(
        [(star_v, 1), (card_v, 1)], status=paid, buyer=ONA, placed_at=closes - timedelta(seconds=1)
    )
    card_parcel = next(f.id for f in both.fulfilments if f.community_id == jonava.id)
    refunds.cancel_fulfilment(card_parcel, reason="Sudužo", by=None)  # its card is not sold
    return {"fair": fair}


def test_the_report_counts_the_fairs_paid_orders_goods_communities_districts_and_new_customers(
    sales: dict[str, Any],
) -> None:
    db.session.rollback()
    report = build_fair_report(sales["fair"])
    # the orders of 1 h, 2 d and the last second; lines: star 2 + card 3 + star 1
    assert (report.orders, report.units, report.sales_cents) == (3, 6, 2 * 500 + 3 * 300 + 500)
    assert (report.customers, report.new_customers) == (2, 1)  # Ona is new; Jonas bought before it opened
    assert [(t.name, t.order_count, t.units, t.sales_cents) for t in report.by_community] == [
        ("Šlapaberžė", 2, 3, 1500),
        ("Upninkai", 1, 3, 900),
    ]
    assert [(t.name, t.units, t.sales_cents) for t in report.by_district] == [
        ("Kėdainių r. sav.", 3, 1500),
        ("Jonavos r. sav.", 3, 900),
    ]
    assert [(t.name, t.units) for t in report.best_sellers] == [
        ("Žvaigždė (Šlapaberžė)", 3),
        ("Atvirukas (Upninkai)", 3),
    ]


def test_staff_read_the_report_as_a_page_and_a_csv(client: FlaskClient, sales: dict[str, Any]) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    login_as(client, "vvg@example.org")
    fair_id = sales["fair"].id
    page = client.get(f"/backoffice/muges/{fair_id}/ataskaita").get_data(as_text=True)
    assert "Kėdainių r. sav." in page and "24,00\xa0€" in page and "Nauji pirkėjai" in page
    response = client.get(f"/backoffice/muges/{fair_id}/ataskaita.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert "Mugė;" in text and ";3;6;24,00" in text
    assert "Bendruomenė;Šlapaberžė;2;3;15,00" in text and "Rajonas;Jonavos r. sav.;1;3;9,00" in text
    assert "Nauji pirkėjai;;1;;" in text
    assert client.get("/backoffice/muges/999999/ataskaita").status_code == 404
