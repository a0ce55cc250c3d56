"""The daily privacy job (`flask privacy retention`): safe to run as often as wanted, on several machines.

1. Deferred erasures: the orders that have closed since are anonymised; a request with none left open is
   done (its address forgotten).
2. Customer data: the customer of every closed order placed more than CUSTOMER_DATA_RETENTION_DAYS ago is
   anonymised, as an erasure would (an order still open, however old, waits).
3. Requests: one left open for a month (nobody erased anything) is closed, its address forgotten; the
   mails with links to one's data, dead for as long, lose their text and address.
4. Accounting records: for orders whose ACCOUNTING_RETENTION_YEARS are over (counted from the 1 January
   after the year of the order), the words that were kept with the money — payment references, refund
   reasons, parcel notes and tracking numbers — are cleared, and so is the buyer on the invoices and credit
   notes issued for them (name, address, codes: invoices hold no e-mail or phone) and a credit note's
   reason for a refund; numbers, dates and amounts stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, select, update

from orders.invoices.models import CUSTOMER_KINDS, Invoice, InvoiceKind, InvoiceLine
from orders.models import Fulfilment, FulfilmentEvent, Order, Payment, Refund
from orders.privacy.asking import OPEN_DAYS
from orders.privacy.erasure import anonymise_order, empty_old_link_mails, finish_deferred
from orders.privacy.holdings import accounting_years, held, orders_of_ids
from orders.privacy.models import ERASED_EMAIL, ERASED_NAME, PrivacyRequest, PrivacyRequestStatus
from shop import outbox
from shop.db import db, transaction, utcnow
from shop.i18n import VILNIUS, vilnius_midnight

#: Orders anonymised in one transaction: a first run over years of orders does not hold the database long.
BATCH = 200


@dataclass
class RetentionReport:
    """What one run did."""

    cutoff: datetime  #: orders placed before this had their customer anonymised
    anonymised: list[str] = field(default_factory=list)  #: their numbers
    kept_open: list[str] = field(default_factory=list)  #: old orders still open, left for now
    erasures_finished: int = 0
    erasures_waiting: int = 0
    erased_on_request: int = 0  #: orders of deferred requests anonymised now
    requests_closed: int = 0
    link_mails_emptied: int = 0
    accounting_before: date | None = None  #: orders placed before this day are past the accounting period
    accounting_cleared: int = 0  #: references, reasons, notes and tracking numbers cleared
    invoices_cleared: int = 0  #: invoices and credit notes that lost their buyer's name and address

    def lines(self) -> list[str]:
        """The report, one line per step, for the job's log."""
        anonymised = (
            f"Anonymised the customers of {len(self.anonymised)} order(s) placed before"
            f" {self.cutoff:%Y-%m-%d %H:%M} UTC"
        )
        return [
            anonymised + (f": {', '.join(self.anonymised)}." if self.anonymised else "."),
            f"Kept {len(self.kept_open)} old order(s) still open"
            + (f": {', '.join(self.kept_open)}." if self.kept_open else "."),
            f"Deferred erasures: {self.erasures_finished} finished, {self.erasures_waiting} still waiting for"
            f" open orders; {self.erased_on_request} order(s) anonymised for them.",
            f"Closed {self.requests_closed} request(s) left open for {OPEN_DAYS} days; emptied"
            f" {self.link_mails_emptied} mail(s) with a link as old.",
            f"Cleared {self.accounting_cleared} payment reference(s), refund reason(s), parcel note(s) and"
            f" tracking number(s) of orders placed before {self.accounting_before}.",
            f"Cleared the buyer from {self.invoices_cleared} invoice(s) and credit note(s) of those orders.",
        ]


def retention_days() -> int:
    return int(current_app.config.get("CUSTOMER_DATA_RETENTION_DAYS", 1095))


def apply_retention(now: datetime | None = None) -> RetentionReport:
    """Run the four steps (see the module) as of `now`."""
    now = now or utcnow()
    report = RetentionReport(cutoff=now - timedelta(days=retention_days()))
    _finish_deferred_erasures(report, now)
    _anonymise_old_orders(report, now)
    _close_stale_requests(report, now)
    _clear_accounting_words(report, now)
    return report


def _finish_deferred_erasures(report: RetentionReport, now: datetime) -> None:
    deferred = db.session.scalars(
        select(PrivacyRequest.id)
        .where(PrivacyRequest.status == PrivacyRequestStatus.DEFERRED)
        .order_by(PrivacyRequest.id)
    ).all()
    db.session.rollback()  # end the read; each request is finished in its own transaction
    for request_id in deferred:
        result = finish_deferred(request_id, now=now)
        if result is None:
            continue
        report.erased_on_request += len(result.erased)
        if result.status is PrivacyRequestStatus.ERASED:
            report.erasures_finished += 1
        else:
            report.erasures_waiting += 1


def _anonymise_old_orders(report: RetentionReport, now: datetime) -> None:
    old = db.session.scalars(
        select(Order.id)
        .where(Order.anonymised_at.is_(None), Order.created_at < report.cutoff)
        .order_by(Order.id)
    ).all()
    db.session.rollback()
    for start in range(0, len(old), BATCH):
        mail_ids: list[int] = []
        with transaction():
            orders = db.session.scalars(orders_of_ids(old[start : start + BATCH], lock=True)).unique().all()
            for order in orders:
                holding = held(order, now)
                if holding.is_open:
                    report.kept_open.append(order.number)
                else:
                    report.anonymised.append(order.number)
                    mail_ids += anonymise_order(order, now)
        outbox.forget_written_copies(mail_ids)


def _close_stale_requests(report: RetentionReport, now: datetime) -> None:
    with transaction():
        stale = db.session.scalars(
            select(PrivacyRequest)
            .where(
                PrivacyRequest.status == PrivacyRequestStatus.OPEN,
                PrivacyRequest.created_at < now - timedelta(days=OPEN_DAYS),
            )
            .with_for_update()
        ).all()
        for request in stale:
            request.move_to(PrivacyRequestStatus.CLOSED)
            request.email = ERASED_EMAIL
        report.requests_closed = len(stale)
        mail_ids = empty_old_link_mails(now - timedelta(days=OPEN_DAYS))
    report.link_mails_emptied = len(mail_ids)
    outbox.forget_written_copies(mail_ids)


def _clear_accounting_words(report: RetentionReport, now: datetime) -> None:
    today = now.astimezone(VILNIUS).date()
    report.accounting_before = date(today.year - accounting_years(), 1, 1)
    expired = select(Order.id).where(Order.created_at < vilnius_midnight(report.accounting_before))
    parcels = select(Fulfilment.id).where(Fulfilment.order_id.in_(expired))
    cleared = 0
    with transaction():
        for statement in (
            update(Payment)
            .where(Payment.order_id.in_(expired), Payment.reference != "")
            .values(reference=""),
            update(Refund).where(Refund.order_id.in_(expired), Refund.reason != "").values(reason=""),
            update(Fulfilment)
            .where(
                Fulfilment.id.in_(parcels),
                (Fulfilment.cancel_note != "") | (Fulfilment.tracking_number != ""),
            )
            .values(cancel_note="", tracking_number=""),
            update(FulfilmentEvent)
            .where(FulfilmentEvent.fulfilment_id.in_(parcels), FulfilmentEvent.note != "")
            .values(note=""),
        ):
            result = db.session.execute(statement.execution_options(synchronize_session=False))
            cleared += int(getattr(result, "rowcount", 0) or 0)
        report.invoices_cleared = _clear_invoice_buyers(expired)
    report.accounting_cleared = cleared


def _clear_invoice_buyers(orders: Select[int]) -> int:
    """Inside a transaction: the invoices and credit notes of these orders no longer name their buyer, and
    a credit note's line no longer gives the refund's reason (which may name them). Returns how many
    invoices changed."""
    invoices = db.session.scalars(
        select(Invoice)
        .where(
            Invoice.order_id.in_(orders),
            Invoice.kind.in_(CUSTOMER_KINDS),
            (Invoice.buyer_name != ERASED_NAME)
            | (Invoice.buyer_address != "")
            | (Invoice.buyer_code != "")
            | (Invoice.buyer_vat_code != ""),
        )
        .with_for_update()
    ).all()
    for invoice in invoices:
        invoice.buyer_name = ERASED_NAME
        invoice.buyer_address = invoice.buyer_code = invoice.buyer_vat_code = ""
    with force_locale("lt"):  # as the credit note wrote it (orders.invoices.issuing.issue_credit_note)
        words = _("Refund for the goods")
    lines = db.session.scalars(
        select(InvoiceLine)
        .join(Invoice)
        .where(
            Invoice.order_id.in_(orders),
            Invoice.kind == InvoiceKind.CREDIT_NOTE,
            InvoiceLine.description.startswith(f"{words}: ", autoescape=True),
        )
    ).all()
    for line in lines:
        line.description = words
    return len(invoices)
