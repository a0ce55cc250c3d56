"""The payouts' files: the CSV of a period's parcels and the SEPA credit transfer file (pain.001.001.03)
for the bank, from the services and downloaded from the back office.
"""

from __future__ import annotations

import csv
import io
import re
import string
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from typing import Any

import pytest
import xmlschema
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from orders.errors import MessageIdNotValid, NothingToPayByBank, OperatorIbanNotValid
from orders.models import FulfilmentStatus, OrderStatus
from orders.payouts.exports import payouts_csv
from orders.payouts.models import Payout
from orders.payouts.paying import approve_payout
from orders.payouts.sepa import PAIN_001_001_03, sepa_pain001
from orders.payouts.statements import generate_payouts, list_payouts
from producers.iban import normalise_iban
from producers.models import Community
from shop.db import db
from shop.models import AuditEntry, Operator
from shop.money import decimal_text
from tests.factories.orders import OMNIVA, make_order, move_parcel
from tests.helpers import parcel_of
from tests.orders.payouts.helpers import (
    KRAKES_IBAN,
    LIST,
    MARCH,
    MARCH_ARGS,
    NS,
    XSD,
    actions,
    change,
    delivered_march,
    flashes,
    page,
    statement,
)


def test_the_csv_has_a_row_per_parcel_with_lithuanian_amounts(shop: dict[str, Any]) -> None:
    order = make_order([(shop["star"], 2), (shop["angel"], 1)], status=OrderStatus.PAID, delivery=OMNIVA)
    move_parcel(parcel_of(order, shop["krakes"]).id, FulfilmentStatus.DELIVERED)
    move_parcel(parcel_of(order, shop["pagiriai"]).id, FulfilmentStatus.DELIVERED)
    result = generate_payouts(*MARCH, by=None, hold=0)

    text = payouts_csv(result)

    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert len(rows) == 3
    by_community = {row[0]: row for row in rows[1:]}
    assert by_community["Krakių bendruomenės centras"][1:] == [
        order.number,
        "2027-03-10",
        "20,10",
        "0,00",
        "2,01",
        "2,99",
        "21,08",
    ]
    assert by_community["Pagirių bendruomenės centras"][3:] == ["7,00", "0,00", "1,05", "2,99", "8,94"]


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


def test_amounts_are_formatted_to_the_cent() -> None:
    assert decimal_text(1250) == "12,50"
    assert decimal_text(5) == "0,05"
    assert decimal_text(-300) == "-3,00"
    assert decimal_text(123456, ".") == "1234.56"


def _approved_march(shop: dict[str, Any]) -> list[Payout]:
    delivered_march(shop)
    for payout in generate_payouts(*MARCH, by=None, hold=0):
        approve_payout(payout.id, by=None)
    return list_payouts(*MARCH)


def test_the_sepa_file_is_valid_pain_001_001_03_and_pays_each_approved_bank_statement(
    shop: dict[str, Any],
) -> None:
    long_name = "Asociacija „Krakių bendruomenės centras“ — " + "labai ilgas pavadinimas " * 4
    with change():
        db.session.get_one(Community, shop["krakes"].id).legal_name = long_name
    statements = _approved_march(shop)
    operator = db.session.scalars(select(Operator)).one()

    sepa = sepa_pain001(
        statements,
        operator=operator,
        execution_date=date(2027, 4, 2),
        message_id="KM-2027-03",
        basic_latin=False,  # SEPA_BASIC_LATIN=0: names and text as typed, in UTF-8
    )

    xmlschema.XMLSchema(str(XSD)).validate(io.BytesIO(sepa.xml))  # raises on any deviation
    root = ET.fromstring(sepa.xml)
    assert root.tag == f"{{{PAIN_001_001_03}}}Document"
    assert sepa.xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    krakes = statement(shop["krakes"])
    pagiriai = statement(shop["pagiriai"])
    assert krakes is not None and pagiriai is not None
    assert [p.id for p in sepa.included] == [krakes.id]
    assert [(s.payout.id, s.reason) for s in sepa.skipped] == [
        (pagiriai.id, "The community has no valid IBAN.")
    ]

    def text(path: str) -> str:
        found = root.find(path, NS)
        assert found is not None, path
        return found.text or ""

    assert text("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId") == "KM-2027-03"
    assert text("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs") == "1"
    assert text("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum") == "21.08"
    assert text("p:CstmrCdtTrfInitn/p:GrpHdr/p:InitgPty/p:Nm") == "Kėdainių rajono vietos veiklos grupė"
    info = "p:CstmrCdtTrfInitn/p:PmtInf/"
    assert text(info + "p:PmtMtd") == "TRF"
    assert text(info + "p:CtrlSum") == "21.08"
    assert text(info + "p:PmtTpInf/p:SvcLvl/p:Cd") == "SEPA"
    assert text(info + "p:ReqdExctnDt") == "2027-04-02"
    assert text(info + "p:DbtrAcct/p:Id/p:IBAN") == "LT207300010112345678"
    assert text(info + "p:DbtrAgt/p:FinInstnId/p:Othr/p:Id") == "NOTPROVIDED"
    assert text(info + "p:ChrgBr") == "SLEV"
    tx = info + "p:CdtTrfTxInf/"
    assert text(tx + "p:PmtId/p:EndToEndId") == f"KM-PAYOUT-{krakes.id}"
    amount = root.find(tx + "p:Amt/p:InstdAmt", NS)
    assert amount is not None and (amount.text, amount.get("Ccy")) == ("21.08", "EUR")
    assert text(tx + "p:Cdtr/p:Nm") == " ".join(long_name.split())[:70]
    assert text(tx + "p:CdtrAcct/p:Id/p:IBAN") == KRAKES_IBAN
    assert text(tx + "p:RmtInf/p:Ustrd") == "Kaimo mugė išmoka 2027-03-01–2027-03-31"


NAMED_BY = "p:CstmrCdtTrfInitn/p:GrpHdr/p:InitgPty/p:Nm"  #: the VVG, as the party that made the file


def test_by_default_the_bank_file_writes_only_the_sepa_basic_latin_characters(shop: dict[str, Any]) -> None:
    with change():
        db.session.get_one(Community, shop["krakes"].id).legal_name = "Asociacija „Šlapaberžės ąžuolas“ — J&K"
    statements = _approved_march(shop)
    operator = db.session.scalars(select(Operator)).one()

    sepa = sepa_pain001(
        statements, operator=operator, execution_date=date(2027, 4, 2), message_id="KM-2027-03"
    )

    xmlschema.XMLSchema(str(XSD)).validate(io.BytesIO(sepa.xml))
    root = ET.fromstring(sepa.xml)
    texts = [element.text or "" for element in root.iter() if element.text and element.text.strip()]
    allowed = set(string.ascii_letters + string.digits + "/-?:().,'+ ")  # EPC217-08, the basic Latin set
    assert [text for text in texts if not set(text) <= allowed] == []
    tx = "p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf/"
    written = {
        path: root.findtext(path, namespaces=NS)
        for path in (NAMED_BY, tx + "p:Cdtr/p:Nm", tx + "p:RmtInf/p:Ustrd")
    }
    assert written == {
        NAMED_BY: "Kedainiu rajono vietos veiklos grupe",
        tx + "p:Cdtr/p:Nm": "Asociacija 'Slapaberzes azuolas' - J+K",
        tx + "p:RmtInf/p:Ustrd": "Kaimo muge ismoka 2027-03-01-2027-03-31",
    }


def test_the_sepa_file_leaves_out_drafts_and_invalid_ibans_and_refuses_an_empty_file(
    shop: dict[str, Any],
) -> None:
    statements = _approved_march(shop)
    with change():
        db.session.get_one(Community, shop["pagiriai"].id).iban = "LT897044060001234567"
    operator = db.session.scalars(select(Operator)).one()
    both = sepa_pain001(
        list_payouts(*MARCH), operator=operator, execution_date=date(2027, 4, 2), message_id="M1"
    )
    xmlschema.XMLSchema(str(XSD)).validate(io.BytesIO(both.xml))
    assert len(both.included) == 2 and both.skipped == [] and both.total_cents == 2108 + 894

    with change():
        db.session.get_one(Community, shop["krakes"].id).iban = "LT737300010012345679"  # one digit off
        db.session.get_one(Community, shop["pagiriai"].id).iban = ""
    with pytest.raises(NothingToPayByBank):
        sepa_pain001(
            list_payouts(*MARCH), operator=operator, execution_date=date(2027, 4, 2), message_id="M2"
        )
    with pytest.raises(MessageIdNotValid):
        sepa_pain001(statements, operator=operator, execution_date=date(2027, 4, 2), message_id="x" * 36)
    with change():
        db.session.get_one(Operator, operator.id).iban = "LT00"
    with pytest.raises(OperatorIbanNotValid):
        sepa_pain001(statements, operator=operator, execution_date=date(2027, 4, 2), message_id="M3")


def test_an_iban_is_normalised_or_refused_with_a_reason() -> None:
    assert normalise_iban(" lt73 7300-0100 1234 5678 ") == KRAKES_IBAN
    with pytest.raises(ValueError, match="check digits"):
        normalise_iban("LT737300010012345679")
    with pytest.raises(ValueError, match="number of characters"):
        normalise_iban("LT7373000100123456")
    with pytest.raises(ValueError, match="No IBAN"):
        normalise_iban("  ")


def download(client: FlaskClient, token: str, **fields: str) -> Any:
    return client.post(LIST + "bank-file", data={"csrf_token": token, **MARCH_ARGS, **fields})


def test_the_bank_file_validates_sums_to_the_approved_bank_statements_and_says_what_it_left_out(
    app: Flask,
    client: FlaskClient,
    shop: dict[str, Any],
    staff: str,
    no_hold: None,
    clock: Any,
    monkeypatch: pytest.MonkeyPatch,
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

    assert root.findtext(header + "p:InitgPty/p:Nm", namespaces=NS) == "Kedainiu rajono vietos veiklos grupe"

    clock.shift(timedelta(seconds=1))
    monkeypatch.setitem(app.config, "SEPA_BASIC_LATIN", False)  # the operator's bank takes UTF-8
    second = ET.fromstring(download(client, staff, execution_date="2027-03-15").data)
    assert second.findtext(header + "p:MsgId", namespaces=NS) != message_id  # a new file, a new id
    assert (
        second.findtext(header + "p:InitgPty/p:Nm", namespaces=NS) == "Kėdainių rajono vietos veiklos grupė"
    )
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
