"""The money in the workspace: the dashboard's counts and sales to the cent, and the payouts page and its
CSV of what is not yet paid out, on known days of February and March 2026 in Vilnius.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask.testing import FlaskClient

from catalogue.models import ProductStatus
from orders import fulfilments, lifecycle, refunds
from orders.models import FulfilmentStatus, PaymentMethod
from orders.payouts.models import CommunityTransfer, TransferStatus
from shop.db import db
from tests.conftest import login_as
from tests.factories.catalogue import make_product, make_variant
from tests.factories.orders import COURIER, OMNIVA, make_order
from tests.helpers import parcel_of
from tests.orders.workspace.helpers import ACCEPTED, AT_HOME, DELIVERED, PAID, listed_ids, text

VILNIUS = ZoneInfo("Europe/Vilnius")


def vilnius(*args: int) -> datetime:
    return datetime(*args, tzinfo=VILNIUS).astimezone(UTC)  # type: ignore[misc]


def at(moment: datetime) -> Any:
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def march(shop: dict[str, Any]) -> dict[str, Any]:
    """Parcels of Krakės placed and moved on known days of February and March 2026 (Vilnius time)."""
    star, card, krakes = shop["star"], shop["card"], shop["krakes"]
    made: dict[str, Any] = {}
    with at(vilnius(2026, 2, 28, 23, 30)):  # still February in Vilnius (already March 1 is not)
        february = make_order([(star, 1)], status=PAID, delivery=OMNIVA, buyer=AT_HOME)
        made["february"] = parcel_of(february, krakes)  # 1005 + 299
    with at(vilnius(2026, 3, 1, 0, 30)):  # March in Vilnius, still February in UTC
        made["to_accept_old"] = parcel_of(make_order([(star, 1)], delivery=OMNIVA, buyer=AT_HOME), krakes)
    with at(vilnius(2026, 3, 10, 12, 0)):
        lifecycle.mark_paid(
            made["to_accept_old"].order_id, amount_cents=1304, method=PaymentMethod.BANK_TRANSFER, by=None
        )
    with at(vilnius(2026, 3, 11, 12, 0)):
        made["to_accept_new"] = parcel_of(make_order([(card, 1)], status=PAID, buyer=AT_HOME), krakes)  # 450
    with at(vilnius(2026, 3, 9, 12, 0)):
        made["to_ship"] = parcel_of(make_order([(card, 2)], status=ACCEPTED, buyer=AT_HOME), krakes)  # 900
    with at(vilnius(2026, 3, 6, 9, 0)):
        order = make_order([(star, 1), (card, 1)], status=PAID, delivery=COURIER, buyer=AT_HOME)  # 1455 + 599
        made["refunded"] = fulfilment = parcel_of(order, krakes)
        card_line = next(line for line in fulfilment.lines if line.variant_id == card.id)
        refunds.cancel_line(card_line.id, reason="Nebeturime", by=None)  # − 450
        fulfilments.accept_fulfilment(fulfilment.id, by=None)
        fulfilments.ship_fulfilment(fulfilment.id, carrier="Venipak", tracking_number="V1", by=None)
    with at(vilnius(2026, 3, 8, 15, 0)):
        fulfilments.mark_delivered(made["refunded"].id, by=None)
    with at(vilnius(2026, 3, 3, 10, 0)):
        fulfilments.accept_fulfilment(made["february"].id, by=None)
        fulfilments.ship_fulfilment(made["february"].id, carrier="Omniva", tracking_number="O1", by=None)
        fulfilments.mark_delivered(made["february"].id, by=None)
    with at(vilnius(2026, 3, 2, 10, 0)):
        paid_out = make_order(
            [(card, 3)], status=DELIVERED, carrier="pickup", tracking_number="", buyer=AT_HOME
        )
        made["paid_out"] = parcel_of(paid_out, krakes)  # 1350, already transferred
        db.session.add(
            CommunityTransfer(
                fulfilment_id=made["paid_out"].id,
                community_id=krakes.id,
                destination="acct_1KrakesTest",
                amount_cents=1215,
                status=TransferStatus.SENT,
                idempotency_key="payout-test",
            )
        )
        db.session.commit()
    with at(vilnius(2026, 3, 7, 10, 0)):
        cancelled = make_order([(star, 2)], status=FulfilmentStatus.CANCELLED, buyer=AT_HOME)
        made["cancelled"] = parcel_of(cancelled, krakes)
        made["unpaid"] = parcel_of(make_order([(star, 4)], buyer=AT_HOME), krakes)
        make_order([(shop["angel"], 5)], status=PAID, buyer=AT_HOME)  # another community's sale
    # Stock: the dashboard warns of variants on sale with 3 or fewer, never made-to-order or archived ones.
    low = make_product(
        krakes,
        name_lt="Vokas",
        variants=[
            make_variant(name_lt="Raudonas", stock=2),
            make_variant(name_lt="Baltas", stock=0),
            make_variant(name_lt="Žalias", stock=4),
            make_variant(name_lt="Auksinis", stock=0, is_made_to_order=True, lead_days=5),
        ],
    )
    make_product(
        krakes, name_lt="Senas vokas", status=ProductStatus.ARCHIVED, variants=[make_variant(stock=1)]
    )
    make_product(shop["pagiriai"], name_lt="Svetimas", variants=[make_variant(stock=1)])
    made["low"] = low
    return made


def signed_in(client: FlaskClient, shop: dict[str, Any]) -> FlaskClient:
    """A member signed in at the (travelled) time of the test, so the session is not from the future."""
    login_as(client, shop["member"].email)
    return client


def number(html: str, key: str) -> str:
    match = re.search(rf'data-number="{key}">(?:<a [^>]*>)?([^<]+)<', html)
    assert match, key
    return match.group(1)


def test_the_dashboard_counts_to_the_cent(
    client: FlaskClient, shop: dict[str, Any], march: dict[str, Any]
) -> None:
    with at(vilnius(2026, 3, 12, 12, 0)):
        member = signed_in(client, shop)
        html = text(member.get("/workspace/?lang=en"))
    assert number(html, "to-accept") == "2" and number(html, "to-ship") == "1"
    # March orders in Vilnius time, paid and not cancelled:
    # 1005 (placed 00:30 on March 1) + 450 + 900 + (1455 − 450 refunded) + 1350 (delivered, paid out)
    assert number(html, "month-sales") == "€47.10"
    # delivered, not yet transferred: (1005 − 101 + 299) + (1005 − 101 + 599)
    assert number(html, "next-payout") == "€27.06"
    to_accept = html[html.index('id="to-accept"') : html.index('id="to-ship"')]
    old, new = march["to_accept_old"].order.number, march["to_accept_new"].order.number
    assert to_accept.index(old) < to_accept.index(new)  # oldest first
    assert "Paid 2 days ago" in to_accept and "Paid 1 day ago" in to_accept
    to_ship = html[html.index('id="to-ship"') : html.index('id="low-stock"')]
    assert march["to_ship"].order.number in to_ship and "Paid 3 days ago" in to_ship
    low = html[html.index('id="low-stock"') :]
    red, white = march["low"].variants[0], march["low"].variants[1]
    assert re.findall(r'data-variant="(\d+)"', low) == [str(white.id), str(red.id)]  # the emptiest first
    assert "none left" in low and "2 left" in low

    with at(vilnius(2026, 4, 1, 0, 5)):  # a new month in Vilnius: nothing sold yet
        client.delete_cookie("session")
        html = text(signed_in(client, shop).get("/workspace/?lang=en"))
    assert number(html, "month-sales") == "€0.00"


def test_a_lithuanian_dashboard_formats_money_the_lithuanian_way(
    client: FlaskClient, shop: dict[str, Any], march: dict[str, Any]
) -> None:
    with at(vilnius(2026, 3, 12, 12, 0)):
        member = signed_in(client, shop)
        html = text(member.get("/workspace/"))
    assert number(html, "month-sales") == "47,10\xa0€"
    assert "prieš 2 dienas" in html


def test_the_payouts_page_and_its_csv_list_what_is_not_yet_paid_out(
    client: FlaskClient, shop: dict[str, Any], march: dict[str, Any]
) -> None:
    with at(vilnius(2026, 3, 12, 12, 0)):
        member = signed_in(client, shop)
        html = text(member.get("/workspace/payouts?lang=en"))
        response = member.get("/workspace/payouts.csv?lang=en")
    assert "No statement yet: the first appears when the VVG runs a payout." in html
    payable = re.findall(r"<td data-payable>\s*(.*?)\s*</td>", html, re.S)
    assert payable == ["From 18/03/2026", "From 23/03/2026"]  # 14 days after March 3 and March 8
    assert listed_ids(html) == {march["february"].id, march["refunded"].id}
    delivered_first = [str(march["february"].id), str(march["refunded"].id)]  # March 3, then March 8
    assert re.findall(r'data-fulfilment="(\d+)"', html) == delivered_first
    assert "−€4.50" in html and "−€1.01" in html and "€15.03" in html and "€12.03" in html
    assert re.search(r"data-total><strong>€27.06<", html)
    assert "€27.06" in html[html.index("data-sum>") :][:20]

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="kaimo-muge-krakes-2026-03-12.csv"'
    )
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Order",
        "Delivered on",
        "Goods",
        "Refunds",
        "Commission",
        "Delivery fee",
        "To be paid",
    ]
    assert rows[1:] == [
        [march["february"].order.number, "2026-03-03", "10,05", "0,00", "1,01", "2,99", "12,03"],
        [march["refunded"].order.number, "2026-03-08", "14,55", "4,50", "1,01", "5,99", "15,03"],
    ]
    assert sum(int(row[-1].replace(",", "")) for row in rows[1:]) == 2706
    with at(vilnius(2026, 3, 12, 12, 0)):
        lithuanian = member.get("/workspace/payouts.csv").get_data().decode("utf-8-sig")
    refunded = march["refunded"].order.number
    assert lithuanian.splitlines()[2] == f"{refunded};2026-03-08;14,55;4,50;1,01;5,99;15,03"


def test_no_payout_lines_say_so(member: FlaskClient, shop: dict[str, Any]) -> None:
    html = text(member.get("/workspace/payouts?lang=en"))
    assert "Nothing yet" in html
    rows = list(
        csv.reader(
            io.StringIO(member.get("/workspace/payouts.csv").get_data().decode("utf-8-sig")), delimiter=";"
        )
    )
    assert len(rows) == 1
