"""A community's own payouts in its workspace: its statements, when each parcel becomes payable, and what
is not yet paid out, which agrees with the statements.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from typing import Any

from flask.testing import FlaskClient

from orders import refunds
from orders.models import FulfilmentStatus
from orders.payouts.paying import approve_payout, mark_payout_paid
from orders.payouts.statements import generate_payouts
from producers.models import Community
from shop.db import db
from tests.conftest import login_as
from tests.factories.orders import OMNIVA, make_order
from tests.factories.shop import make_user
from tests.helpers import fresh, parcel_of
from tests.orders.payouts.helpers import KRAKES_IBAN, MARCH, cells, change, delivered_march, page


def test_a_community_reads_its_own_statements_and_when_each_parcel_becomes_payable(
    client: FlaskClient, shop: dict[str, Any], clock: Any
) -> None:
    delivered_march(shop)
    make_user(fresh(Community, shop["krakes"].id), email="krakes@example.org")
    login_as(client, "krakes@example.org")
    client.get("/?lang=en")
    html = page(client, "/workspace/payouts", lang="en")
    assert "No statement yet" in html
    unpaid = html[html.index('id="unpaid-title"') :]
    assert "From 25/03/2027" in unpaid  # delivered 10 March: 14 days later, from 25 March

    clock.move_to(datetime(2027, 4, 2, 9, 0, tzinfo=UTC))
    login_as(client, "krakes@example.org")  # signed out after LOGIN_HOURS
    assert "In the next payout" in page(client, "/workspace/payouts", lang="en")
    krakes_payout, pagiriai_payout = generate_payouts(*MARCH, by=None)
    approve_payout(krakes_payout.id, by=None)
    mark_payout_paid(krakes_payout.id, bank_reference="SEB 2027-04-02", by=None)
    html = page(client, "/workspace/payouts", lang="en")
    row = html[html.index(f'data-payout="{krakes_payout.id}"') :].split("</tr>")[0]
    assert "March 2027" in row and "Paid out" in row and "€21.08" in row and "SEB 2027-04-02" in row
    assert "02/04/2027" in row
    assert f'data-payout="{pagiriai_payout.id}"' not in html
    assert "Nothing yet" in html  # paid: nothing left unpaid

    own = page(client, f"/workspace/payouts/{krakes_payout.id}", lang="en")
    assert "Payout statement" in own and "€21.08" in own and KRAKES_IBAN in own and "SEB 2027-04-02" in own
    assert client.get(f"/workspace/payouts/{pagiriai_payout.id}").status_code == 404
    assert client.get("/workspace/payouts/999999").status_code == 404


def test_what_is_not_yet_paid_out_agrees_with_the_statements_and_counts_what_is_taken_back(
    client: FlaskClient, shop: dict[str, Any], no_hold: None
) -> None:
    # 20,10 €, 10 %: 21,08 € to pay
    first = make_order([(shop["star"], 2)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    first_parcel = parcel_of(first, shop["krakes"]).id
    (march,) = generate_payouts(*MARCH, by=None)
    approve_payout(march.id, by=None)
    # A star comes back after approval: 9,05 € to take back later (10,05 € less 1,00 € of commission).
    refunds.refund_sent_parcel(first_parcel, goods_cents=1005, reason="Grąžino", by=None)
    with change():  # a new rate from now on: the approved statement keeps its own figures
        db.session.get_one(Community, shop["krakes"].id).commission_bp = 2000
    make_user(fresh(Community, shop["krakes"].id), email="krakes@example.org")
    login_as(client, "krakes@example.org")
    client.get("/?lang=en")

    def read() -> tuple[str, str, str]:
        html = page(client, "/workspace/payouts", lang="en")
        total = re.search(r"data-total><strong>([^<]+)<", html)
        next_payout = re.search(
            r'data-number="next-payout"><a [^>]*>([^<]+)<', page(client, "/workspace/", lang="en")
        )
        assert total and next_payout
        return html, total[1], next_payout[1]

    html, total, next_payout = read()
    assert cells(html, f'data-fulfilment="{first_parcel}"')[2:] == [
        "€20.10",
        "€0.00",
        "−€2.01",
        "€2.99",
        "€21.08",
        "In the statement for March 2027",
    ]
    assert cells(html, f'data-adjustment="{first_parcel}"') == [
        first.number,
        "Refunded after an earlier payout",
        "",
        "−€10.05",
        "+€1.00",
        "",
        "−€9.05",
        "In the next payout",
    ]
    assert total == next_payout == "€12.03"  # 21,08 − 9,05: what the statements will pay

    mark_payout_paid(march.id, bank_reference="SEB-1", by=None)
    # 13,50 € at 20 %: 13,50 − 2,70 + 2,99 = 13,79 €
    second = make_order([(shop["card"], 3)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    second_parcel = parcel_of(second, shop["krakes"]).id
    html, total, next_payout = read()
    assert f'data-fulfilment="{first_parcel}"' not in html  # paid out
    assert cells(html, f'data-fulfilment="{second_parcel}"')[-2:] == ["€13.79", "In the next payout"]
    assert cells(html, f'data-adjustment="{first_parcel}"')[-1] == "In the next payout"
    assert total == next_payout == "€4.74"  # 13,79 − 9,05

    (later,) = generate_payouts(date(2027, 3, 10), date(2027, 3, 11), by=None)
    assert later.adjustments_cents == -905 and later.amount_cents == 474
    html, total, next_payout = read()
    assert cells(html, f'data-adjustment="{first_parcel}"')[-1] == "In the statement for 10 Mar 2027"
    assert total == next_payout == "€4.74"
    rows = list(
        csv.reader(
            io.StringIO(client.get("/workspace/payouts.csv").get_data().decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[1:] == [
        [second.number, "2027-03-10", "13,50", "0,00", "2,70", "2,99", "13,79"],
        [first.number, "", "", "10,05", "-1,00", "", "-9,05"],
    ]
