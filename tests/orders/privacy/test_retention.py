"""`flask privacy retention`, the daily job: at the edges of its periods, and idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from orders.invoices.models import Invoice
from orders.models import Fulfilment, FulfilmentStatus, Order, Payment
from orders.payments.alerts import raise_alert
from orders.payments.models import AlertKind
from orders.privacy import asking, retention
from orders.privacy.models import ERASED_EMAIL, ERASED_NAME, PrivacyRequest, PrivacyRequestStatus
from orders.refunds import mark_bank_refund_sent, refund_sent_parcel
from shop.config import ConfigError, check_privacy
from shop.db import db, transaction
from shop.models import OutboxMessage, User
from tests.factories.orders import make_order
from tests.helpers import fresh
from tests.orders.privacy.customers import (
    JONAS,
    RASA,
    RASA_TRACES,
    START,
    found,
    full_order,
    sales_of_the_year,
)
from tests.test_backoffice_access import snapshot

RETENTION = timedelta(days=1095)  #: CUSTOMER_DATA_RETENTION_DAYS' default


def test_the_customer_of_an_order_is_anonymised_once_it_is_older_than_the_retention_period(
    staff: User, clock: time_machine.Traveller
) -> None:
    old = full_order(RASA, staff=staff)  # placed at START
    clock.move_to(START + timedelta(days=1))
    newer = full_order(JONAS, staff=staff)

    clock.move_to(START + RETENTION)  # exactly as old as the period: kept
    kept = retention.apply_retention()
    clock.move_to(START + RETENTION + timedelta(seconds=1))
    done = retention.apply_retention()

    assert kept.anonymised == []
    assert done.anonymised == [old.number]
    assert found(RASA_TRACES) == []
    assert fresh(Order, newer.id).customer_name == JONAS.name


def test_the_job_is_idempotent(staff: User, clock: time_machine.Traveller) -> None:
    full_order(RASA, staff=staff)
    totals = sales_of_the_year()
    clock.move_to(START + RETENTION + timedelta(days=1))
    first = retention.apply_retention()
    after_first = snapshot()

    second = retention.apply_retention()

    assert len(first.anonymised) == 1
    assert (second.anonymised, second.kept_open, second.requests_closed, second.accounting_cleared) == (
        [],
        [],
        0,
        0,
    )
    assert snapshot() == after_first
    assert sales_of_the_year() == totals


def test_an_old_order_still_open_keeps_its_customer_and_is_named(
    staff: User, clock: time_machine.Traveller
) -> None:
    disputed = full_order(RASA, staff=staff)
    with transaction():
        raise_alert(db.session.get_one(Order, disputed.id), AlertKind.DISPUTE, 100, "dp_2")
    clock.move_to(START + RETENTION + timedelta(days=1))

    report = retention.apply_retention()

    assert (report.anonymised, report.kept_open) == ([], [disputed.number])
    assert f"Kept 1 old order(s) still open: {disputed.number}." in report.lines()
    assert fresh(Order, disputed.id).customer_name == RASA.name


def test_a_request_left_open_for_a_month_is_closed_and_its_address_forgotten(
    staff: User, clock: time_machine.Traveller
) -> None:
    order = make_order(buyer=RASA)
    asking.request_link(RASA.email, language="lt")
    request_id = db.session.scalars(select(PrivacyRequest.id)).one()

    clock.move_to(START + timedelta(days=30))
    assert retention.apply_retention().requests_closed == 0
    clock.move_to(START + timedelta(days=30, seconds=1))
    assert retention.apply_retention().requests_closed == 1

    request = fresh(PrivacyRequest, request_id)
    assert (request.status, request.email) == (PrivacyRequestStatus.CLOSED, ERASED_EMAIL)
    assert asking.list_requests(text=RASA.email) == [request]  # still found by the address's hash
    link_mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedup_key.startswith("privacy-link:"))
    )
    assert [(m.recipient, m.text_body) for m in link_mail] == [(ERASED_EMAIL, ERASED_NAME)]
    assert fresh(Order, order.id).customer_name == RASA.name  # her order is hers until she or time erases it


@pytest.mark.parametrize(
    ("moment", "cleared"),
    [
        (datetime(2036, 12, 31, 21, 59, tzinfo=UTC), False),  # 23:59 on 31 December 2036 in Vilnius
        (datetime(2036, 12, 31, 22, 0, tzinfo=UTC), True),  # midnight: 2037 has begun in Vilnius
    ],
)
def test_the_words_of_accounting_records_go_after_ten_years_from_the_end_of_the_year(
    staff: User, clock: time_machine.Traveller, moment: datetime, cleared: bool
) -> None:
    order = full_order(RASA, staff=staff)  # placed on 2 March 2026: kept until 31 December 2036
    totals = sales_of_the_year()
    clock.move_to(moment)

    report = retention.apply_retention()

    references = db.session.scalars(select(Payment.reference).where(Payment.order_id == order.id)).all()
    assert references == ([""] if cleared else ["Anonimizuota už " + order.number])
    assert (report.accounting_cleared > 0) is cleared
    assert sales_of_the_year() == totals


def invoices_of(order_id: int) -> list[tuple[str, str, str, int, list[str]]]:
    """The order's invoices and credit notes as accounting reads them: number, buyer, address, total and
    the lines' descriptions."""
    db.session.rollback()
    invoices = db.session.scalars(select(Invoice).where(Invoice.order_id == order_id).order_by(Invoice.id))
    return [
        (i.number, i.buyer_name, i.buyer_address, i.total_cents, [line.description for line in i.lines])
        for i in invoices
    ]


@pytest.mark.parametrize(
    ("moment", "cleared"),
    [
        (datetime(2036, 12, 31, 21, 59, tzinfo=UTC), False),  # the last minute of 2036 in Vilnius
        (datetime(2036, 12, 31, 22, 0, tzinfo=UTC), True),  # 2037 has begun in Vilnius
    ],
)
def test_invoices_keep_their_buyer_for_the_accounting_years_and_lose_it_after(
    staff: User, clock: time_machine.Traveller, moment: datetime, cleared: bool
) -> None:
    order = full_order(RASA, staff=staff)  # placed on 2 March 2026: kept until 31 December 2036
    courier = db.session.scalars(
        select(Fulfilment.id).where(Fulfilment.order_id == order.id).order_by(Fulfilment.id)
    ).first()
    assert courier is not None
    returned = refund_sent_parcel(
        courier,
        goods_cents=350,
        reason=f"{RASA.name} grąžino sulūžusį atviruką (tel. {RASA.phone})",
        by=staff,
    )
    mark_bank_refund_sent(returned.id, by=staff)
    issued = invoices_of(order.id)
    totals = sales_of_the_year()
    clock.move_to(moment)

    report = retention.apply_retention()
    again = retention.apply_retention()

    kept = invoices_of(order.id)
    assert found(RASA_TRACES) == []  # the customer's three years are long over
    assert [(number, total) for number, _b, _a, total, _l in kept] == [
        (number, total) for number, _b, _a, total, _l in issued
    ]
    assert sales_of_the_year() == totals
    if cleared:
        assert found(RASA_TRACES, accounting_kept=False) == []
        assert {(buyer, address) for _n, buyer, address, _t, _l in kept} == {(ERASED_NAME, "")}
        assert kept[-1][4] == ["Grąžinta už prekes"]  # the return's credit note, without its reason
        assert (report.invoices_cleared, again.invoices_cleared) == (len(issued), 0)
        assert f"Cleared the buyer from {len(issued)} invoice(s) and credit note(s)" in " ".join(
            report.lines()
        )
    else:
        assert kept == issued  # the accounting records, as issued
        assert {where.split(".")[0] for where, _trace in found(RASA_TRACES, accounting_kept=False)} == {
            "invoices",
            "invoice_lines",
        }
        assert report.invoices_cleared == 0


def test_flask_privacy_retention_says_what_it_did(
    app: Flask, staff: User, clock: time_machine.Traveller
) -> None:
    old = full_order(RASA, staff=staff)
    clock.move_to(START + RETENTION + timedelta(days=1))

    result = app.test_cli_runner().invoke(args=["privacy", "retention"])
    again = app.test_cli_runner().invoke(args=["privacy", "retention"])

    assert result.exit_code == 0, result.output
    assert (
        f"Anonymised the customers of 1 order(s) placed before 2026-03-03 09:00 UTC: {old.number}."
        in result.output
    )
    assert "Closed 0 request(s) left open for 30 days; emptied 0 mail(s) with a link as old." in result.output
    assert "Anonymised the customers of 0 order(s)" in again.output


def test_the_periods_come_from_the_configuration(
    app: Flask, staff: User, clock: time_machine.Traveller
) -> None:
    make_order(buyer=RASA, status=FulfilmentStatus.CANCELLED, by=staff)
    order = db.session.scalars(select(Order)).one()
    for refund in order.refunds:
        mark_bank_refund_sent(refund.id, by=staff)
    app.config["CUSTOMER_DATA_RETENTION_DAYS"] = 30
    try:
        clock.move_to(START + timedelta(days=30, seconds=1))
        assert retention.apply_retention().anonymised == [order.number]
    finally:
        app.config["CUSTOMER_DATA_RETENTION_DAYS"] = 1095


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("PRIVACY_LINK_HOURS", 0),
        ("PRIVACY_LINK_HOURS", 169),
        ("CUSTOMER_DATA_RETENTION_DAYS", 29),
        ("ACCOUNTING_RETENTION_YEARS", 0),
    ],
)
def test_a_privacy_period_that_cannot_work_stops_the_shop_at_start_up(setting: str, value: int) -> None:
    with pytest.raises(ConfigError, match=setting):
        check_privacy({setting: value})
    check_privacy({})  # the defaults work
