"""Payouts through the pages: VVG staff generate, approve and pay a period's statements and download its
files; a community reads its own statements; a parcel waits out the return window first.

Pages are read in English (`?lang=en`, remembered by the session): the wording asserted here is the msgids'.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import xmlschema
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from orders import overview, refunds
from orders.models import FulfilmentStatus, OrderStatus
from orders.payouts.dues import Held, payable_on
from orders.payouts.models import Payout, PayoutMethod, PayoutStatus
from orders.payouts.paying import approve_payout, mark_payout_paid
from orders.payouts.sepa import bank_file_message_id, next_business_day
from orders.payouts.statements import generate_payouts, run_payouts
from producers.models import Community
from shop.config import ConfigError, check_payouts, from_environ
from shop.db import db
from shop.i18n import VILNIUS
from shop.models import AuditEntry, Operator
from tests.conftest import csrf_token, login_as
from tests.factories.orders import OMNIVA, make_order, move_parcel
from tests.factories.shop import make_user
from tests.fake_stripe import FakeStripe
from tests.helpers import fresh, parcel_of
from tests.orders import test_payouts
from tests.orders.payments.cards import paid_by_card
from tests.orders.test_payouts import KRAKES_IBAN, MARCH, NS, XSD, change, statement

clock, shop = test_payouts.clock, test_payouts.shop  # the fixtures: 10 March 2027, two communities
LIST = "/backoffice/payouts/"
MARCH_ARGS = {"month": "2027-03"}


@pytest.fixture
def no_hold(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parcels are due as soon as they are delivered (`PAYOUT_HOLD_DAYS=0`)."""
    monkeypatch.setitem(app.config, "PAYOUT_HOLD_DAYS", 0)


@pytest.fixture
def staff(client: FlaskClient, shop: dict[str, Any]) -> str:
    """Signed in as VVG staff, reading English; the CSRF token of the payouts page."""
    make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    client.get("/?lang=en")
    return csrf_token(client, LIST + "?month=2027-03")


def delivered_march(shop: dict[str, Any]) -> Any:
    """Krakės: 2 stars (21,08 € to pay); Pagiriai: 1 angel (8,94 €); both delivered on 10 March."""
    order = make_order([(shop["star"], 2), (shop["angel"], 1)], status=OrderStatus.PAID, delivery=OMNIVA)
    move_parcel(parcel_of(order, shop["krakes"]).id, FulfilmentStatus.DELIVERED)
    move_parcel(parcel_of(order, shop["pagiriai"]).id, FulfilmentStatus.DELIVERED)
    return order


def page(client: FlaskClient, url: str = LIST, **args: str) -> str:
    response = client.get(url, query_string=args or MARCH_ARGS)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def flashes(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", text).strip() for text in re.findall(r'class="flash flash-\w+">(.*?)</p>', html)
    ]


def cells(html: str, row: str) -> list[str]:
    """The text of each data cell of the table row with this attribute (e.g. `data-fulfilment="12"`)."""
    (found,) = re.findall(rf"<tr {row}>(.*?)</tr>", html, re.S)
    return [
        " ".join(re.sub(r"<[^>]+>", "", cell).split())
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", found, re.S)
    ]


def actions() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# ---------------------------------------------------------------------------------------------- the period


def test_the_page_shows_last_month_in_vilnius_by_default_and_reads_any_period(
    client: FlaskClient, staff: str
) -> None:
    default = page(client, LIST, lang="en")
    assert "Payouts: February 2027" in default  # 10 March 2027 today
    (month_field,) = re.findall(r'<input[^>]* id="month"[^>]*>', default)
    assert 'value="2027-02"' in month_field  # the form says so too
    assert "Payouts: March 2027" in page(client, month="2027-03")
    days = page(client, first_day="2027-03-01", last_day="2027-03-15")
    assert "Mar 1" in days and "15, 2027" in days
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


# ------------------------------------------------------------------------------------ generate, approve, pay


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


def test_the_csv_lists_every_parcel_of_the_period(
    client: FlaskClient, shop: dict[str, Any], staff: str, no_hold: None
) -> None:
    order = delivered_march(shop)
    client.post(LIST + "generate", data={"csrf_token": staff, **MARCH_ARGS})
    response = client.get(LIST + "payouts.csv", query_string=MARCH_ARGS)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="kaimo-muge-payouts-2027-03.csv"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "Community",
        "Order",
        "Delivered on",
        "Goods",
        "Refunds",
        "Commission",
        "Delivery fee",
        "Amount",
    ]
    assert sorted(rows[1:]) == [
        ["Krakių bendruomenės centras", order.number, "2027-03-10", "20,10", "0,00", "2,01", "2,99", "21,08"],
        ["Pagirių bendruomenės centras", order.number, "2027-03-10", "7,00", "0,00", "1,05", "2,99", "8,94"],
    ]
    empty = client.get(LIST + "payouts.csv", query_string={"month": "2027-01"}).get_data(as_text=True)
    assert len(empty.strip().splitlines()) == 1  # the headers only


# ---------------------------------------------------------------------------------------------- the bank file


def download(client: FlaskClient, token: str, **fields: str) -> Any:
    return client.post(LIST + "bank-file", data={"csrf_token": token, **MARCH_ARGS, **fields})


def test_the_bank_file_validates_sums_to_the_approved_bank_statements_and_says_what_it_left_out(
    client: FlaskClient, shop: dict[str, Any], staff: str, no_hold: None, clock: Any
) -> None:
    delivered_march(shop)
    client.post(LIST + "generate", data={"csrf_token": staff, **MARCH_ARGS})
    nothing = download(client, staff, execution_date="2027-03-12")
    assert nothing.status_code == 302
    assert any("There is nothing to pay by bank in this period" in f for f in flashes(page(client)))

    krakes, pagiriai = statement(shop["krakes"]), statement(shop["pagiriai"])
    assert krakes is not None and pagiriai is not None
    for payout in (krakes, pagiriai):
        client.post(f"{LIST}{payout.id}/approve", data={"csrf_token": staff})
    html = page(client)
    assert re.search(r'name="execution_date"[^>]* value="2027-03-12"', html)  # 11 March is a holiday
    assert "1 statement goes into the file: €21.08 in all." in html
    skipped = html[html.index("data-skipped") :].split("</ul>")[0]
    assert "Pagirių bendruomenės centras" in skipped and "The community has no valid IBAN." in skipped

    response = download(client, staff, execution_date="2027-03-15")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert 'filename="kaimo-muge-payouts-2027-03-' in response.headers["Content-Disposition"]
    xmlschema.XMLSchema(str(XSD)).validate(io.BytesIO(response.data))
    root = ET.fromstring(response.data)
    header = "p:CstmrCdtTrfInitn/p:GrpHdr/"
    message_id = root.findtext(header + "p:MsgId", namespaces=NS) or ""
    assert re.fullmatch(r"KM-2027-03-20270310110000-[0-9a-f]{2}", message_id), message_id
    assert root.findtext(header + "p:CtrlSum", namespaces=NS) == "21.08"  # Krakės: approved, by bank
    amounts = [a.text for a in root.iterfind(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", NS)]
    assert amounts == ["21.08"]
    assert root.findtext(".//p:PmtInf/p:ReqdExctnDt", namespaces=NS) == "2027-03-15"
    assert root.findtext(".//p:CdtTrfTxInf/p:PmtId/p:EndToEndId", namespaces=NS) == f"KM-PAYOUT-{krakes.id}"

    clock.shift(timedelta(seconds=1))
    second = ET.fromstring(download(client, staff, execution_date="2027-03-15").data)
    assert second.findtext(header + "p:MsgId", namespaces=NS) != message_id  # a new file, a new id
    db.session.rollback()
    logged = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "payout.bank_file")).all()
    assert logged[0].after["message_id"] == message_id
    assert logged[0].after["payouts"] == [krakes.id] and logged[0].after["amount_cents"] == 2108

    with change():
        db.session.get_one(Community, shop["pagiriai"].id).iban = "LT897044060001234567"
    both = ET.fromstring(download(client, staff, execution_date="2027-03-15").data)
    assert both.findtext(header + "p:CtrlSum", namespaces=NS) == "30.02"
    assert both.findtext(header + "p:NbOfTxs", namespaces=NS) == "2"


def test_a_bank_file_with_a_bad_day_or_without_the_vvgs_iban_is_a_message_not_an_error(
    client: FlaskClient, shop: dict[str, Any], staff: str, no_hold: None
) -> None:
    delivered_march(shop)
    client.post(LIST + "generate", data={"csrf_token": staff, **MARCH_ARGS})
    krakes = statement(shop["krakes"])
    assert krakes is not None
    client.post(f"{LIST}{krakes.id}/approve", data={"csrf_token": staff})
    for day, message in (
        ("2027-03-09", "The bank cannot pay on a day that has passed."),
        ("", "Enter the day the bank should pay."),
        ("2027-02-30", "Enter a date like 2026-12-27."),
        ("2027-12-31", "Choose a day within the next 90 days."),
    ):
        response = download(client, staff, execution_date=day)
        assert response.status_code == 400, day
        assert message in response.get_data(as_text=True), day
    with change():
        db.session.scalars(select(Operator)).one().iban = "LT00 0000"
    assert "own IBAN is missing or not valid" in page(client)
    assert download(client, staff, execution_date="2027-03-15").status_code == 302
    assert any("own IBAN is missing or not valid" in f for f in flashes(page(client)))
    db.session.rollback()
    assert "payout.bank_file" not in actions()


# ---------------------------------------------------------------------------------------------- a statement


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
    assert first.number in lines[0][1] and "Mar 10, 2027" in lines[0][1] and "€21.08" in lines[0][1]
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


# ---------------------------------------------------------------------------------------------- Stripe


def test_a_stripe_statement_is_paid_from_the_page_and_stays_approved_while_stripe_is_away(
    card_client: FlaskClient,
    goods: dict[str, Any],
    fake_stripe: FakeStripe,
) -> None:
    order = paid_by_card(card_client, fake_stripe, goods)
    move_parcel(parcel_of(order, goods["krakes"]).id, FulfilmentStatus.DELIVERED)
    today = datetime.now(VILNIUS).date()
    by_community = {
        p.community_id: p for p in generate_payouts(today, today + timedelta(days=1), by=None, hold=0)
    }
    stripe_payout = by_community[goods["krakes"].id]
    assert stripe_payout.method is PayoutMethod.STRIPE
    make_user(email="vida@vvg.example.org", is_staff=True)
    login_as(card_client, "vida@vvg.example.org")
    card_client.get("/?lang=en")
    args = {"first_day": today.isoformat(), "last_day": today.isoformat()}
    token = csrf_token(card_client, LIST + "?" + "&".join(f"{k}={v}" for k, v in args.items()))
    url = f"{LIST}{stripe_payout.id}/stripe"

    draft = card_client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "Approve the payout before paying it." in flashes(draft.get_data(as_text=True))
    card_client.post(f"{LIST}{stripe_payout.id}/approve", data={"csrf_token": token})
    html = card_client.get(LIST, query_string=args).get_data(as_text=True)
    assert "Pay through Stripe" in html and "acct_1KrakesTest" in html
    assert "The payout is paid through Stripe." in html  # left out of the bank file, and why

    fake_stripe.hang("POST", "/v1/transfers", seconds=2, times=2)
    away = card_client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert any(
        "Stripe did not answer" in f and "stays approved" in f for f in flashes(away.get_data(as_text=True))
    )
    assert fresh(Payout, stripe_payout.id).status is PayoutStatus.APPROVED

    sent = card_client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "The payout to Krakės was sent through Stripe." in flashes(sent.get_data(as_text=True))
    assert fresh(Payout, stripe_payout.id).status is PayoutStatus.PAID
    assert len(fake_stripe.transfers) == 1
    assert card_client.post(url, data={"csrf_token": token}).status_code == 302  # again: nothing more
    assert len(fake_stripe.transfers) == 1
    db.session.rollback()
    assert db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == (
        "payout.pay_by_stripe"
    )


# ----------------------------------------------------------------------------------------- the return window


def test_a_parcel_is_paid_out_only_after_the_return_window_counted_from_the_run(
    app: Flask, shop: dict[str, Any], clock: Any
) -> None:
    assert app.config["PAYOUT_HOLD_DAYS"] == 14  # the default
    clock.move_to(datetime(2027, 3, 9, 9, 0, tzinfo=UTC))
    # delivered on 9 March
    yesterday = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    clock.move_to(datetime(2027, 3, 10, 9, 0, tzinfo=UTC))

    run = run_payouts(*MARCH, by=None)
    assert run.payouts == [] and run.held == Held(1, date(2027, 3, 24))
    (unpaid,) = overview.unpaid_earnings(fresh(Community, shop["krakes"].id)).parcels
    assert (unpaid.payable_on, unpaid.payout) == (date(2027, 3, 24), None)

    clock.move_to(datetime(2027, 3, 23, 21, 59, tzinfo=UTC))  # 23:59 on 23 March in Vilnius
    assert generate_payouts(*MARCH, by=None) == []
    clock.move_to(datetime(2027, 3, 23, 22, 0, tzinfo=UTC))  # midnight: 24 March begins
    (payout,) = generate_payouts(*MARCH, by=None)
    assert [line.fulfilment_id for line in payout.lines] == [parcel_of(yesterday, shop["krakes"]).id]
    (unpaid,) = overview.unpaid_earnings(fresh(Community, shop["krakes"].id)).parcels
    assert unpaid.payout is not None and unpaid.payout.id == payout.id

    # measured at the run, not at the period's end: a parcel delivered on 30 March waits into April
    clock.move_to(datetime(2027, 3, 30, 9, 0, tzinfo=UTC))
    late = make_order([(shop["angel"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    clock.move_to(datetime(2027, 4, 2, 9, 0, tzinfo=UTC))
    assert statement(shop["pagiriai"]) is None
    run = run_payouts(*MARCH, by=None)
    assert (run.new_lines, run.held) == (0, Held(1, date(2027, 4, 14)))
    clock.move_to(datetime(2027, 4, 14, 9, 0, tzinfo=UTC))
    run = run_payouts(*MARCH, by=None)
    assert (run.new_statements, run.new_lines, run.held.parcels) == (1, 1, 0)
    pagiriai = statement(shop["pagiriai"])
    assert pagiriai is not None and [line.fulfilment_id for line in pagiriai.lines] == [
        parcel_of(late, shop["pagiriai"]).id
    ]


def test_staff_are_told_which_parcels_wait_for_the_return_window_and_until_when(
    client: FlaskClient, shop: dict[str, Any], staff: str
) -> None:
    delivered_march(shop)  # on 10 March, with the default 14-day window
    html = page(client)
    window = "2 delivered parcels are still in the 14-day return window"
    held = f"{window}: the last can be paid out from Mar 25, 2027."
    assert held in html
    generated = client.post(
        LIST + "generate", data={"csrf_token": staff, **MARCH_ARGS}, follow_redirects=True
    )
    after = generated.get_data(as_text=True)
    assert flashes(after) == ["Nothing new was due: the statements stay as they were."]  # said once:
    (notice,) = re.findall(r'<p class="notice" data-held="2">(.*?)</p>', after)  # in the page's notice
    assert notice == held
    assert statement(shop["krakes"]) is None


def test_no_hold_pays_at_once_and_a_negative_hold_stops_the_shop(
    app: Flask, shop: dict[str, Any], no_hold: None, tmp_path: Any
) -> None:
    make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    delivered = datetime(2027, 3, 10, 21, 30, tzinfo=UTC)  # 23:30 in Vilnius
    assert payable_on(delivered, 0) == date(2027, 3, 10)
    assert payable_on(delivered, 14) == date(2027, 3, 25)
    assert payable_on(delivered + timedelta(hours=1), 14) == date(2027, 3, 26)  # 11 March there
    (payout,) = generate_payouts(*MARCH, by=None)
    assert len(payout.lines) == 1
    assert from_environ(str(tmp_path), environ={})["PAYOUT_HOLD_DAYS"] == 14
    assert from_environ(str(tmp_path), environ={"PAYOUT_HOLD_DAYS": "0"})["PAYOUT_HOLD_DAYS"] == 0
    check_payouts({"PAYOUT_HOLD_DAYS": 0})
    with pytest.raises(ConfigError, match="PAYOUT_HOLD_DAYS"):
        check_payouts({"PAYOUT_HOLD_DAYS": -1})


def test_the_next_banking_day_skips_weekends_and_holidays() -> None:
    assert next_business_day(date(2027, 3, 10)) == date(2027, 3, 12)  # 11 March
    assert next_business_day(date(2027, 3, 26)) == date(2027, 3, 30)  # weekend, Easter Monday
    assert next_business_day(date(2026, 4, 2)) == date(2026, 4, 7)  # Good Friday … Easter Monday
    assert next_business_day(date(2027, 12, 23)) == date(2027, 12, 27)
    assert next_business_day(date(2027, 6, 1)) == date(2027, 6, 2)
    now = datetime(2027, 4, 2, 9, 30, 15, tzinfo=UTC)
    assert re.fullmatch(r"KM-2027-03-20270402123015-[0-9a-f]{2}", bank_file_message_id(*MARCH, now))
    custom = bank_file_message_id(date(2027, 3, 1), date(2027, 3, 16), now)
    assert re.fullmatch(r"KM-270301-270315-20270402123015-[0-9a-f]{2}", custom) and len(custom) <= 35


# ---------------------------------------------------------------------------------------------- the workspace


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
    assert "From 3/25/27" in unpaid  # delivered 10 March: 14 days later, from 25 March

    clock.move_to(datetime(2027, 4, 2, 9, 0, tzinfo=UTC))
    login_as(client, "krakes@example.org")  # signed out after LOGIN_HOURS
    assert "In the next payout" in page(client, "/workspace/payouts", lang="en")
    krakes_payout, pagiriai_payout = generate_payouts(*MARCH, by=None)
    approve_payout(krakes_payout.id, by=None)
    mark_payout_paid(krakes_payout.id, bank_reference="SEB 2027-04-02", by=None)
    html = page(client, "/workspace/payouts", lang="en")
    row = html[html.index(f'data-payout="{krakes_payout.id}"') :].split("</tr>")[0]
    assert "March 2027" in row and "Paid out" in row and "€21.08" in row and "SEB 2027-04-02" in row
    assert "4/2/27" in row
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
    assert cells(html, f'data-adjustment="{first_parcel}"')[-1] == "In the statement for Mar 10, 2027"
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
