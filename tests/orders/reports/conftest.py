"""The shop of the sales report tests: it sold in 2025 across Vilnius month edges (winter and summer
time), with a refunded line, a cancelled parcel, an unpaid and an expired order, three communities at
two commission rates and two categories. The expected figures are worked out by hand in the comments,
here and in the tests.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from orders import refunds
from orders.models import CancelReason, OrderStatus, PaymentMethod
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.orders import make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator
from tests.helpers import parcel_of
from tests.orders.reports.helpers import AT_LOCKER, PAID


def at(*moment: int) -> datetime:
    return datetime(*moment, tzinfo=UTC)


@pytest.fixture
def shop(app: object) -> dict[str, Any]:
    make_operator()
    krakes = make_community(slug="krakes", name="Krakės", commission_bp=1000)
    pagiriai = make_community(slug="pagiriai", name="Pagiriai", commission_bp=1500)
    josvainiai = make_community(slug="josvainiai", name="Josvainiai", commission_bp=1000)
    cards = make_category(slug="cards", name_lt="Atvirukai", name_en="Cards")
    ornaments = make_category(slug="ornaments", name_lt="Žaisliukai", name_en="Ornaments")

    def variant(community: Any, category: Any, price: int) -> Any:
        return make_product(
            community, category, variants=[make_variant(price_cents=price, stock=50)]
        ).variants[0]

    v = {
        "k_card": variant(krakes, cards, 1005),
        "k_orn": variant(krakes, ornaments, 455),
        "p_card": variant(pagiriai, cards, 333),
        "j_orn": variant(josvainiai, ornaments, 250),
    }

    # January: Krakės 2 × 10,05 (Omniva, 2,99) and Pagiriai 3,33.
    jan = make_order(
        [(v["k_card"], 2), (v["p_card"], 1)],
        status=PAID,
        paid_at=at(2025, 1, 15, 10),
        deliveries={krakes.id: AT_LOCKER},
    )
    # 28 February 22:30 UTC is 1 March 00:30 in Vilnius (UTC+2): a March sale. 3 × 4,55 refunded later.
    march = make_order([(v["k_card"], 1), (v["k_orn"], 3)], status=PAID, paid_at=at(2025, 2, 28, 22, 30))
    line = next(line for line in parcel_of(march, krakes).lines if line.variant_id == v["k_orn"].id)
    refunds.cancel_line(line.id, reason="Sudužo", by=None)
    # 30 June 21:30 UTC is 1 July 00:30 in Vilnius (UTC+3): a July sale; Pagiriai's parcel is cancelled.
    july = make_order(
        [(v["j_orn"], 2), (v["p_card"], 2)],
        status=PAID,
        paid_at=at(2025, 6, 30, 21, 30),
        deliveries={pagiriai.id: AT_LOCKER},
    )
    refunds.cancel_fulfilment(parcel_of(july, pagiriai).id, reason="Nespėjame", by=None)
    # Never paid, and expired: no sales.
    make_order([(v["k_card"], 1)])
    make_order([(v["p_card"], 1)], status=OrderStatus.CANCELLED, cancel_reason=CancelReason.EXPIRED)
    # 31 December 23:59 in Vilnius (21:59 UTC), by card: 10,05 + 4,55 in one parcel.
    dec = make_order(
        [(v["k_card"], 1), (v["k_orn"], 1)],
        status=PAID,
        paid_at=at(2025, 12, 31, 21, 59),
        payment_method=PaymentMethod.CARD,
    )
    # 22:00 UTC is already 1 January 2026 in Vilnius.
    make_order([(v["j_orn"], 1)], status=PAID, paid_at=at(2025, 12, 31, 22, 0))
    return {
        "krakes": krakes,
        "pagiriai": pagiriai,
        "josvainiai": josvainiai,
        "cards": cards,
        "ornaments": ornaments,
        "variants": v,
        "orders": {"jan": jan, "march": march, "july": july, "dec": dec},
    }
