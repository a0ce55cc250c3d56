"""Erasure: nothing of the customer is left anywhere in the database, while what accounting needs stays;
orders still open wait until they close; a request is erased once."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
import time_machine
from flask import Flask, current_app
from sqlalchemy import select

from orders import lifecycle, refunds
from orders.errors import AlreadyErased
from orders.models import FulfilmentStatus, Order, OrderStatus, Refund
from orders.payments.alerts import raise_alert
from orders.payments.models import AlertKind
from orders.privacy import asking, erasure, retention
from orders.privacy.holdings import OpenReason, holdings_of
from orders.privacy.models import ERASED_EMAIL, ERASED_NAME, PrivacyRequest, PrivacyRequestStatus
from shop.db import db, transaction, utcnow
from shop.models import AuditEntry, OutboxMessage, OutboxStatus, User
from tests.factories.orders import make_order, move_parcel
from tests.helpers import fresh
from tests.orders.privacy.customers import (
    AFTER_RETURNS,
    JONAS,
    JONAS_TRACES,
    RASA,
    RASA_TRACES,
    START,
    found,
    full_order,
    sales_of_the_year,
)
from tests.test_backoffice_access import snapshot


def ask(email: str = RASA.email) -> int:
    """Rasa asks on the shop's page; the id of her request."""
    assert asking.request_link(email, language="lt")
    return db.session.scalars(select(PrivacyRequest.id).order_by(PrivacyRequest.id.desc())).first()


def copies_on_disk_naming(traces: tuple[str, ...]) -> list[str]:
    """The .eml copies of this test's mails (MAIL_FOLDER) that still name any of `traces`."""
    folder = Path(current_app.config["MAIL_FOLDER"])
    db.session.rollback()
    names = [folder / f"{mail_id:06d}.eml" for mail_id in db.session.scalars(select(OutboxMessage.id))]
    written = [path for path in names if path.exists()]
    assert written or not names  # mails were written there, and would be looked at
    texts = {path.name: plain_text(path) for path in written}
    return [name for name, text in texts.items() if any(t.casefold() in text.casefold() for t in traces)]


def plain_text(path: Path) -> str:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    return "\n".join(
        str(part.get_content()) for part in message.walk() if part.get_content_maintype() == "text"
    )


def accounts() -> list[tuple[Any, ...]]:
    """What accounting reads: each order's number, status, dates and amounts, and every refund."""
    db.session.rollback()
    orders = db.session.execute(
        select(
            Order.number, Order.status, Order.created_at, Order.paid_at, Order.goods_cents, Order.total_cents
        ).order_by(Order.id)
    ).all()
    money_back = db.session.execute(
        select(Refund.order_id, Refund.amount_cents, Refund.status, Refund.created_at).order_by(Refund.id)
    ).all()
    return [*orders, *money_back]


def test_erasure_leaves_nothing_of_the_customer_anywhere_in_the_database(
    staff: User, clock: time_machine.Traveller
) -> None:
    full_order(RASA, staff=staff)
    full_order(RASA, staff=staff, gift="")
    full_order(JONAS, staff=staff)
    assert found(RASA_TRACES)  # the search would see her
    clock.move_to(AFTER_RETURNS)
    request_id = ask()

    result = erasure.erase(request_id)

    assert result.status is PrivacyRequestStatus.ERASED and len(result.erased) == 2 and not result.waiting
    assert found(RASA_TRACES) == []
    assert copies_on_disk_naming(RASA_TRACES) == []  # the developer's mail folder (no MAIL_SERVER)
    assert {trace for _where, trace in found(JONAS_TRACES)} == {t.casefold() for t in JONAS_TRACES}
    request = fresh(PrivacyRequest, request_id)
    assert request.email == ERASED_EMAIL and request.email_digest == asking.address_digest(RASA.email)


def test_erasure_keeps_the_numbers_amounts_refunds_and_the_reports_totals(
    staff: User, clock: time_machine.Traveller
) -> None:
    full_order(RASA, staff=staff)
    full_order(JONAS, staff=staff)
    clock.move_to(AFTER_RETURNS)
    before, totals = accounts(), sales_of_the_year()
    request_id = ask()

    erasure.erase(request_id)

    assert accounts() == before
    assert sales_of_the_year() == totals and totals.net_cents > 0 and totals.refunded_cents > 0
    erased = db.session.scalars(select(Order).where(Order.anonymised_at.is_not(None))).one()
    assert (erased.customer_name, erased.email, erased.phone, erased.address_line) == (
        ERASED_NAME,
        ERASED_EMAIL,
        "",
        "",
    )
    assert all(line.gift_message == "" for line in erased.lines)
    assert erased.fulfilments[0].tracking_number == "DPD123"  # the parcel's proof of delivery stays
    assert erased.payments[0].reference == f"{ERASED_NAME} už {erased.number}"  # the name cut out, no more


def test_the_mails_about_the_order_lose_their_text_and_the_customers_address(
    staff: User, clock: time_machine.Traveller
) -> None:
    order = full_order(RASA, staff=staff)
    clock.move_to(AFTER_RETURNS)

    erasure.erase(ask())

    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.order_id == order.id)).all()
    assert len(mails) >= 6  # placed, paid, each community's, shipped, delivered, refund, the VVG's alert
    assert all(mail.text_body == ERASED_NAME for mail in mails)
    to_her = [mail for mail in mails if mail.recipient == ERASED_EMAIL]
    to_communities = [mail for mail in mails if mail.recipient != ERASED_EMAIL]
    assert to_her and to_communities  # whom the shop wrote stays known, except her
    assert all(order.number in mail.subject for mail in to_her)


def test_a_mail_not_sent_yet_is_never_sent_once_its_order_is_erased(
    staff: User, clock: time_machine.Traveller, app: Flask
) -> None:
    order = full_order(RASA, staff=staff)
    clock.move_to(AFTER_RETURNS)
    with transaction():
        lifecycle.mail_customer(db.session.get_one(Order, order.id), event="late-note", template="order_paid")

    erasure.erase(ask())

    late = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedup_key == f"late-note:{order.id}")
    ).one()
    assert late.status is OutboxStatus.DEAD and late.recipient == ERASED_EMAIL


def test_the_audit_log_keeps_what_staff_did_without_the_customers_name(
    staff: User, clock: time_machine.Traveller
) -> None:
    full_order(RASA, staff=staff)
    clock.move_to(AFTER_RETURNS)
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()

    erasure.erase(ask(), by=staff)

    after = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [entry.action for entry in after] == [*actions, "privacy.erase"]
    assert after[-1].after == {"orders_erased": 1, "orders_waiting": 0}
    assert found(RASA_TRACES) == []


def test_the_customers_other_words_stay_where_they_name_someone_else(staff: User) -> None:
    """Only her own name goes: a refund reason naming a product or a community is left as written."""
    pieces = erasure.identifying_pieces(
        Order(customer_name="Ona Rasa", email="ona@example.com", phone="+37061234567", address_line="")
    )
    assert erasure.scrub("Ona skambino: +370 612 34567, Ona Rasa; Onai perduota", pieces) == (
        f"{ERASED_NAME} skambino: {ERASED_NAME}, {ERASED_NAME}; Onai perduota"
    )


# Open orders ------------------------------------------------------------------------------------------


def unpaid(staff: User) -> Order:
    return make_order(buyer=RASA)


def paid(staff: User) -> Order:
    return make_order(buyer=RASA, status=OrderStatus.PAID, by=staff)


def sent(staff: User) -> Order:
    return make_order(buyer=RASA, status=FulfilmentStatus.SHIPPED, by=staff)


def delivered_today(staff: User) -> Order:
    return make_order(buyer=RASA, status=FulfilmentStatus.DELIVERED, by=staff)


def refund_owed(staff: User) -> Order:
    return make_order(buyer=RASA, status=FulfilmentStatus.CANCELLED, by=staff)  # a bank refund not sent yet


def disputed(staff: User) -> Order:
    order = make_order(buyer=RASA, status=FulfilmentStatus.CANCELLED, by=staff)
    refunds.mark_bank_refund_sent(order.refunds[0].id, by=staff)
    with transaction():
        raise_alert(db.session.get_one(Order, order.id), AlertKind.DISPUTE, 100, "dp_1")
    return order


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (unpaid, OpenReason.AWAITING_PAYMENT),
        (paid, OpenReason.UNDER_WAY),
        (sent, OpenReason.UNDER_WAY),
        (delivered_today, OpenReason.RETURN_WINDOW),
        (refund_owed, OpenReason.REFUND_UNSETTLED),
        (disputed, OpenReason.PAYMENT_ALERT),
    ],
)
def test_an_open_order_keeps_its_customer_while_the_closed_ones_are_erased(
    staff: User, clock: time_machine.Traveller, make: Any, reason: OpenReason
) -> None:
    closed = full_order(RASA, staff=staff)
    clock.move_to(AFTER_RETURNS)
    still_open = make(staff)

    result = erasure.erase(ask())

    assert result.erased == [closed.number]
    assert [(held.order.number, held.open_reason) for held in result.waiting] == [(still_open.number, reason)]
    assert result.status is PrivacyRequestStatus.DEFERRED
    order = fresh(Order, still_open.id)
    assert (order.customer_name, order.email, order.anonymised_at) == (RASA.name, RASA.email, None)
    assert fresh(Order, closed.id).anonymised_at is not None


def test_a_deferred_erasure_is_finished_by_the_daily_job_once_the_order_closes(
    staff: User, clock: time_machine.Traveller
) -> None:
    still_open = make_order(buyer=RASA, status=OrderStatus.PAID, by=staff)
    request_id = ask()
    assert erasure.erase(request_id).status is PrivacyRequestStatus.DEFERRED
    move_parcel(still_open.fulfilments[0].id, FulfilmentStatus.DELIVERED, by=staff)

    clock.move_to(START + timedelta(days=14))  # the last day it may be returned
    waiting = retention.apply_retention()
    clock.move_to(START + timedelta(days=15))  # the window has closed
    finished = retention.apply_retention()

    assert (waiting.erasures_finished, waiting.erasures_waiting) == (0, 1)
    assert (finished.erasures_finished, finished.erased_on_request) == (1, 1)
    assert fresh(PrivacyRequest, request_id).status is PrivacyRequestStatus.ERASED
    assert found(RASA_TRACES) == []


def test_the_return_window_closes_after_fourteen_whole_days_from_the_day_of_delivery(
    staff: User, clock: time_machine.Traveller
) -> None:
    make_order(buyer=RASA, status=FulfilmentStatus.DELIVERED, by=staff)  # 11:00 in Vilnius on 2 March

    last_day = START.replace(hour=21, minute=59) + timedelta(days=14)  # 23:59 in Vilnius on 16 March
    clock.move_to(last_day)
    assert holdings_of(RASA.email, utcnow()).orders[0].open_reason is OpenReason.RETURN_WINDOW
    clock.move_to(last_day + timedelta(minutes=1))
    assert holdings_of(RASA.email, utcnow()).orders[0].open_reason is None


# Once -------------------------------------------------------------------------------------------------


def test_a_request_is_erased_once_and_asking_again_changes_nothing(
    staff: User, clock: time_machine.Traveller
) -> None:
    full_order(RASA, staff=staff)
    clock.move_to(AFTER_RETURNS)
    request_id = ask()
    erasure.erase(request_id)
    before = snapshot()

    with pytest.raises(AlreadyErased):
        erasure.erase(request_id)

    assert snapshot() == before


def test_a_new_order_after_the_erasure_is_the_customers_again(
    staff: User, clock: time_machine.Traveller
) -> None:
    full_order(RASA, staff=staff)
    clock.move_to(AFTER_RETURNS)
    erasure.erase(ask())

    again = make_order(buyer=RASA)

    assert [held.order.id for held in holdings_of(RASA.email, utcnow()).orders] == [again.id]
