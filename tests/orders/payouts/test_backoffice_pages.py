"""The back office's payouts pages: VVG staff choose a period, generate, approve and mark paid its
statements, and read and print one; only staff may.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from orders import refunds
from orders.models import FulfilmentStatus
from orders.payouts.models import Payout, PayoutStatus
from orders.payouts.paying import approve_payout, mark_payout_paid
from orders.payouts.statements import generate_payouts
from producers.models import Community
from shop.db import db
from shop.models import AuditEntry
from tests.conftest import csrf_token, login_as
from tests.factories.orders import OMNIVA, make_order
from tests.factories.shop import make_user
from tests.helpers import fresh, parcel_of
from tests.orders.payouts.helpers import (
    KRAKES_IBAN,
    LIST,
    MARCH,
    MARCH_ARGS,
    actions,
    cells,
    delivered_march,
    flashes,
    page,
    statement,
)


def test_the_page_shows_last_month_in_vilnius_by_default_and_reads_any_period(
    client: FlaskClient, staff: str
) -> None:
    default = page(client, LIST, lang="en")
    assert "Payouts: February 2027" in default  # 10 March 2027 today
    (month_field,) = re.findall(r'<input[^>]* id="month"[^>]*>', default)
    assert 'value="2027-02"' in month_field  # the form says so too
    assert "Payouts: March 2027" in page(client, month="2027-03")
    days = page(client, first_day="2027-03-01", last_day="2027-03-15")
    assert "1\u2009–\u200915 Mar 2027" in days  # day first, thin spaces round the dash
    for junk in (
        {"month": "2027-13"},
        {"month": "²⁰²⁷-03"},
        {"first_day": "2027-02-30", "last_day": "2027-03-01"},
        {"first_day": "2027-03-01"},
        {"first_day": "2027-03-09", "last_day": "2027-03-01"},
        {"first_day": "1900-01-01", "last_day": "9999-12-31"},
        {"first_day": "2026-01-01", "last_day": "2027-03-01"},
        {"month": "9999-12"},
    ):
        response = client.get(LIST, query_string=junk)
        assert response.status_code == 200, junk
        assert 'class="error-text"' in response.get_data(as_text=True), junk
    assert client.get(LIST + "payouts.csv", query_string={"month": "9999-12"}).status_code == 200


def test_staff_generate_a_period_and_are_told_what_was_added_and_again_that_nothing_was(
    client: FlaskClient, shop: dict[str, Any], staff: str, no_hold: None
) -> None:
    assert "No statements for this period yet." in page(client)
    delivered_march(shop)

    first = client.post(LIST + "generate", data={"csrf_token": staff, **MARCH_ARGS}, follow_redirects=True)
    assert "2 parcels were added. 2 new statements were made." in flashes(first.get_data(as_text=True))
    html = first.get_data(as_text=True)
    krakes, pagiriai = statement(shop["krakes"]), statement(shop["pagiriai"])
    assert krakes is not None and pagiriai is not None
    row = html[html.index(f'data-payout="{krakes.id}"') :].split("</tr>")[0]
    assert "Krakių bendruomenės centras" in row and "Draft" in row and "€21.08" in row
    assert "€20.10" in row and "€2.01" in row and "€2.99" in row  # goods, commission, delivery
    assert KRAKES_IBAN in row and "valid" in row
    assert "no IBAN" in html[html.index(f'data-payout="{pagiriai.id}"') :].split("</tr>")[0]
    totals = html[html.index("data-totals") :].split("</tr>")[0]
    assert "€30.02" in totals and "Parcels</span> 2<" in totals  # 21,08 + 8,94; two parcels

    again = client.post(LIST + "generate", data={"csrf_token": staff, **MARCH_ARGS}, follow_redirects=True)
    assert "Nothing new was due: the statements stay as they were." in flashes(again.get_data(as_text=True))
    db.session.rollback()
    assert len(db.session.scalars(select(Payout)).all()) == 2
    assert actions() == ["payout.generate", "payout.generate"]  # one per statement, none for the rerun


def test_a_draft_is_approved_then_marked_paid_with_the_banks_reference_each_logged(
    client: FlaskClient, shop: dict[str, Any], staff: str, no_hold: None
) -> None:
    delivered_march(shop)
    client.post(LIST + "generate", data={"csrf_token": staff, **MARCH_ARGS})
    krakes = statement(shop["krakes"])
    assert krakes is not None
    paid_url = f"{LIST}{krakes.id}/paid"

    early = client.post(paid_url, data={"csrf_token": staff, f"p{krakes.id}-reference": "SEB-1"})
    assert early.status_code == 302
    assert "Approve the payout before paying it." in flashes(page(client))
    assert fresh(Payout, krakes.id).status is PayoutStatus.DRAFT

    approved = client.post(f"{LIST}{krakes.id}/approve", data={"csrf_token": staff}, follow_redirects=True)
    assert "The payout to Krakių bendruomenės centras is approved." in flashes(
        approved.get_data(as_text=True)
    )
    assert fresh(Payout, krakes.id).status is PayoutStatus.APPROVED

    for blank in ("", "   "):
        refused = client.post(paid_url, data={"csrf_token": staff, f"p{krakes.id}-reference": blank})
        assert refused.status_code == 400
        assert "Enter the bank's reference of the transfer." in refused.get_data(as_text=True)
    too_long = client.post(paid_url, data={"csrf_token": staff, f"p{krakes.id}-reference": "x" * 121})
    assert too_long.status_code == 400 and 'value="' + "x" * 121 + '"' in too_long.get_data(as_text=True)
    assert fresh(Payout, krakes.id).status is PayoutStatus.APPROVED

    paid = client.post(
        paid_url,
        data={"csrf_token": staff, f"p{krakes.id}-reference": " SEB 2027-04-02 "},
        follow_redirects=True,
    )
    assert "The payout to Krakių bendruomenės centras is marked paid." in flashes(paid.get_data(as_text=True))
    done = fresh(Payout, krakes.id)
    assert (done.status, done.bank_reference) == (PayoutStatus.PAID, "SEB 2027-04-02")
    row = paid.get_data(as_text=True).split(f'data-payout="{krakes.id}"')[1].split("</tr>")[0]
    assert "Paid out" in row and "SEB 2027-04-02" in row

    twice = client.post(paid_url, data={"csrf_token": staff, f"p{krakes.id}-reference": "other"})
    assert twice.status_code == 302 and fresh(Payout, krakes.id).bank_reference == "SEB 2027-04-02"
    assert client.post(f"{LIST}{krakes.id}/approve", data={"csrf_token": staff}).status_code == 302
    assert "This payout has already been paid." in flashes(page(client))
    assert client.post(f"{LIST}999999/approve", data={"csrf_token": staff}).status_code == 404

    db.session.rollback()
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == [
        "payout.generate",
        "payout.generate",
        "payout.approve",
        "payout.mark_paid",
    ]
    assert entries[-1].after["bank_reference"] == "SEB 2027-04-02"
    assert {e.actor_name for e in entries} == {"Vida <vida@vvg.example.org>"}


def test_the_printable_statement_shows_the_community_its_parcels_and_the_totals(
    client: FlaskClient, shop: dict[str, Any], staff: str, no_hold: None, clock: Any
) -> None:
    first = delivered_march(shop)
    clock.shift(timedelta(minutes=30))
    second = make_order([(shop["card"], 3)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    client.post(LIST + "generate", data={"csrf_token": staff, **MARCH_ARGS})
    krakes = statement(shop["krakes"])
    assert krakes is not None

    html = page(client, f"{LIST}{krakes.id}", lang="en")
    assert "Asociacija „Bendruomenė" in html and shop["krakes"].registration_code in html
    assert KRAKES_IBAN in html and "March 2027" in html and "2027-03-01 – 2027-03-31" in html
    lines = re.findall(r'<tr data-line="(\d+)">(.*?)</tr>', html, re.S)
    assert [int(f) for f, _ in lines] == [
        parcel_of(first, shop["krakes"]).id,
        parcel_of(second, shop["krakes"]).id,
    ]
    assert first.number in lines[0][1] and "10 Mar 2027" in lines[0][1] and "€21.08" in lines[0][1]
    assert second.number in lines[1][1] and "€13.50" in lines[1][1] and "€1.35" in lines[1][1]
    totals = html[html.index("data-totals") :].split("</tr>")[0]
    assert "Total, 2 parcels" in totals and "€33.60" in totals  # 20,10 + 13,50
    assert "€36.22" in totals  # 21,08 + 13,50 − 1,35 + 2,99
    assert "Kėdainių rajono vietos veiklos grupė" in html  # who pays
    assert client.get(f"{LIST}999999").status_code == 404


def test_a_refund_taken_back_shows_on_the_list_the_statement_and_in_the_csv_and_they_add_up(
    client: FlaskClient, shop: dict[str, Any], staff: str, no_hold: None, clock: Any
) -> None:
    # 20,10 € of goods, 2,01 € commission: paid out on its own
    first = make_order([(shop["star"], 2)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    first_parcel = parcel_of(first, shop["krakes"]).id
    (paid,) = generate_payouts(date(2027, 3, 10), date(2027, 3, 11), by=None)
    approve_payout(paid.id, by=None)
    mark_payout_paid(paid.id, bank_reference="SEB-1", by=None)
    # one star comes back: 10,05 € refunded, the VVG returns 1,00 € of its commission: 9,05 € to take back
    refunds.refund_sent_parcel(first_parcel, goods_cents=1005, reason="Grąžino", by=None)
    clock.shift(timedelta(minutes=30))
    # 14,55 € of goods, 1,46 € commission
    second = make_order(
        [(shop["card"], 1), (shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA
    )
    client.post(LIST + "generate", data={"csrf_token": staff, **MARCH_ARGS})
    krakes = statement(shop["krakes"])
    assert krakes is not None and krakes.adjustments_cents == -905
    assert krakes.amount_cents == 1455 - 146 + 299 - 905 == 703

    html = page(client)
    row = html[html.index(f'data-payout="{krakes.id}"') :].split("</tr>")[0]
    assert "Taken back</span> −€9.05" in row and "€7.03" in row
    totals = html[html.index("data-totals") :].split("</tr>")[0]
    assert "Taken back</span> −€9.05" in totals and "<strong>€7.03</strong>" in totals

    own = page(client, f"{LIST}{krakes.id}", lang="en")
    taken = cells(own, f'data-adjustment="{first_parcel}"')
    assert taken == [first.number, "Refunded after an earlier payout", "", "−€10.05", "+€1.00", "", "−€9.05"]
    # goods − refunds (the line's and the one taken back) − commission kept + delivery = the amount
    assert cells(own, "data-totals") == ["€14.55", "−€10.05", "−€0.46", "€2.99", "€7.03"]
    assert "A refund made after its parcel was paid out is taken back here" in own

    text = client.get(LIST + "payouts.csv", query_string=MARCH_ARGS).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))[1:]
    community = "Krakių bendruomenės centras"
    assert rows == [
        [community, second.number, "2027-03-10", "14,55", "0,00", "1,46", "2,99", "16,08"],
        [community, first.number, "", "", "10,05", "-1,00", "", "-9,05"],
    ]

    def column(n: int) -> int:
        return sum(int(row[n].replace(",", "")) for row in rows if row[n])

    assert column(7) == column(3) - column(4) - column(5) + column(6) == krakes.amount_cents


def test_the_pages_are_for_staff_only(
    client: FlaskClient, app: Flask, shop: dict[str, Any], no_hold: None
) -> None:
    delivered_march(shop)
    (payout, _other) = generate_payouts(*MARCH, by=None)
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/backoffice/payouts/")]
    assert len(rules) >= 7
    token = csrf_token(client, "/prisijungti")
    member = make_user(fresh(Community, shop["krakes"].id), email="krakes@example.org")
    assert member.id
    for signed_in in (False, True):
        if signed_in:
            login_as(client, "krakes@example.org")
            token = csrf_token(client, "/workspace/payouts")
        for rule in rules:
            url = rule.rule.replace("<int(max=2147483647):payout_id>", str(payout.id))
            method = "POST" if "POST" in (rule.methods or ()) else "GET"
            response = client.open(url, method=method, data={"csrf_token": token, "month": "2027-03"})
            expected = {403} if signed_in else {302}
            assert response.status_code in expected, f"{method} {url}: {response.status_code}"
    assert fresh(Payout, payout.id).status is PayoutStatus.DRAFT
