"""Erasing a customer: their closed orders anonymised now, the open ones when they close.

An order is anonymised in place: the name becomes "Anonimizuota", the e-mail a placeholder nothing is
delivered to, the phone, address, notes, parcel lockers and gift messages are emptied; the mails about it
lose their text (and the customer's address); the customer's name, e-mail, phone and address are cut out
of the words staff and communities wrote about it (notes, refund reasons, payment references, the audit
log's values). What accounting needs stays: the number, dates, statuses, lines with their products and
prices, amounts, payments and refunds — so every report and payout adds up as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import phonenumbers
from sqlalchemy import and_, func, or_, select

from orders.errors import AlreadyErased, PrivacyRequestNotFound
from orders.models import Order
from orders.privacy.asking import LINK_MAIL_KEY
from orders.privacy.holdings import HeldOrder, holdings_of
from orders.privacy.models import ERASED_EMAIL, ERASED_NAME, PrivacyRequest, PrivacyRequestStatus
from shop import audit, outbox
from shop.db import db, transaction, utcnow
from shop.models import AuditEntry, OutboxMessage, OutboxStatus, User

#: Shorter pieces of a name are not cut out of other words ("Ona" stays in "Ona", "Jonas" goes).
SHORTEST_PIECE = 3


@dataclass(frozen=True)
class ErasureResult:
    erased: list[str]  #: the numbers of the orders anonymised now
    waiting: list[HeldOrder]  #: orders still open: anonymised when they close
    status: PrivacyRequestStatus  #: the request's, after it
    kept_until: date | None  #: the last day the accounting records of the erased orders are kept
    mail_ids: list[int]  #: the mails whose text went (their copies on disk go after the commit)


def erase(request_id: int, *, by: User | None = None, now: datetime | None = None) -> ErasureResult:
    """Erase what is held for the request's address: closed orders now, open ones deferred (the daily job
    finishes them). Once only: asked again, AlreadyErased."""
    now = now or utcnow()
    with transaction():
        request = _lock(request_id)
        if request.status is not PrivacyRequestStatus.OPEN:
            raise AlreadyErased(request.status)
        request.erasure_confirmed_at = now
        result = _erase_address(request, now)
        audit.record(
            "privacy.erase",
            "privacy_request",
            request.id,
            by=by,
            after={"orders_erased": len(result.erased), "orders_waiting": len(result.waiting)},
        )
    outbox.forget_written_copies(result.mail_ids)
    return result


def finish_deferred(request_id: int, *, now: datetime | None = None) -> ErasureResult | None:
    """Erase the orders of a deferred request that have closed since (the daily job); None if the request is
    no longer deferred."""
    now = now or utcnow()
    with transaction():
        request = _lock(request_id)
        if request.status is not PrivacyRequestStatus.DEFERRED:
            return None
        result = _erase_address(request, now)
    outbox.forget_written_copies(result.mail_ids)
    return result


def anonymise_order(order: Order, now: datetime) -> list[int]:
    """Inside a transaction: the order keeps nothing that tells who its customer was (see the module).

    Returns the ids of the mails whose text went: after the commit, `outbox.forget_written_copies`."""
    pieces = identifying_pieces(order)
    customer_address = order.email.strip().lower()
    order.customer_name = ERASED_NAME
    order.email = ERASED_EMAIL
    order.phone = order.client_ip = ""
    order.address_line = order.city = order.postal_code = order.notes = ""
    order.anonymised_at = now
    for fulfilment in order.fulfilments:
        fulfilment.locker = fulfilment.locker_code = ""
        fulfilment.locker_id = None
        fulfilment.cancel_note = scrub(fulfilment.cancel_note, pieces)
        for event in fulfilment.events:
            event.note = scrub(event.note, pieces)
        for line in fulfilment.lines:
            line.gift_message = ""
    for payment in order.payments:
        payment.reference = scrub(payment.reference, pieces)
    for refund in order.refunds:
        refund.reason = scrub(refund.reason, pieces)
        refund.last_error = scrub(refund.last_error, pieces)
    for alert in order.payment_alerts:
        alert.reference = scrub(alert.reference, pieces)
    for checkout in order.card_checkouts:
        checkout.last_error = scrub(checkout.last_error, pieces)
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.order_id == order.id)).all()
    _anonymise_mails(mails, customer_address, pieces)
    _scrub_audit_log(order, pieces)
    return [mail.id for mail in mails]


def empty_old_link_mails(before: datetime) -> list[int]:
    """Inside a transaction: the mails with a link to one's data written before `before` (the links long
    dead) lose their text and address. Returns their ids."""
    mails = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.dedup_key.startswith(LINK_MAIL_KEY),
            OutboxMessage.created_at < before,
            OutboxMessage.recipient != ERASED_EMAIL,
        )
    ).all()
    for mail in mails:
        address = mail.recipient.strip().lower()
        _anonymise_mails([mail], address, [address])
    return [mail.id for mail in mails]


def identifying_pieces(order: Order) -> list[str]:
    """What names the customer in free text: the e-mail, the name and its words, the phone as people write
    it, the street address; longest first, so a whole name goes before its words."""
    pieces = {order.email, order.customer_name, order.address_line, order.phone, *order.customer_name.split()}
    pieces.update(_phone_forms(order.phone))
    return sorted((p.strip() for p in pieces if len(p.strip()) >= SHORTEST_PIECE), key=len, reverse=True)


def scrub(text: str, pieces: Iterable[str]) -> str:
    """`text` with every piece (in any case, as a whole word: "Rasa" goes, "Rasai" and "perrasas" stay)
    replaced by "Anonimizuota"."""
    for piece in pieces:
        if text:
            text = re.sub(rf"(?<!\w){re.escape(piece)}(?!\w)", ERASED_NAME, text, flags=re.IGNORECASE)
    return text


def _erase_address(request: PrivacyRequest, now: datetime) -> ErasureResult:
    holdings = holdings_of(request.email, now, lock=True)
    erased = [held.order for held in holdings.closed]
    mail_ids = [mail_id for order in erased for mail_id in anonymise_order(order, now)]
    request.orders_erased += len(erased)
    waiting = holdings.still_open
    if waiting:
        if request.status is PrivacyRequestStatus.OPEN:
            request.move_to(PrivacyRequestStatus.DEFERRED)
    else:
        mail_ids += _forget_address(request.email, now)
    return ErasureResult(
        erased=[order.number for order in erased],
        waiting=waiting,
        status=request.status,
        kept_until=max((held.kept_until for held in holdings.closed), default=None),
        mail_ids=mail_ids,
    )


def _forget_address(address: str, now: datetime) -> list[int]:
    """Nothing is held for the address any more: its link mails lose their text and every request of it
    its address (the keyed hash stays) and is done. Returns the ids of the mails."""
    mails = db.session.scalars(
        select(OutboxMessage).where(
            func.lower(OutboxMessage.recipient) == address, OutboxMessage.dedup_key.startswith(LINK_MAIL_KEY)
        )
    ).all()
    _anonymise_mails(mails, address, [address])
    requests = db.session.scalars(select(PrivacyRequest).where(PrivacyRequest.email == address)).all()
    for request in requests:
        if request.status in (PrivacyRequestStatus.OPEN, PrivacyRequestStatus.DEFERRED):
            request.move_to(PrivacyRequestStatus.ERASED)
            request.erased_at = now
        request.email = ERASED_EMAIL
    return [mail.id for mail in mails]


def _anonymise_mails(mails: Iterable[OutboxMessage], customer_address: str, pieces: list[str]) -> None:
    """The mails keep when they were written and sent and their subject (less any name), not their text;
    the customer's own no longer carry the address, and one not sent yet never will be."""
    for mail in mails:
        if mail.recipient.strip().lower() == customer_address:
            mail.recipient = ERASED_EMAIL
        mail.subject = scrub(mail.subject, pieces)
        mail.text_body = ERASED_NAME
        mail.html_body = f"<p>{ERASED_NAME}</p>"
        mail.last_error = scrub(mail.last_error, pieces)
        if mail.status is not OutboxStatus.SENT:
            mail.status = OutboxStatus.DEAD
            mail.last_error = "Anonymised before it was sent."


def _scrub_audit_log(order: Order, pieces: list[str]) -> None:
    """The values staff's changes to the order wrote to the audit log (a reason, a reference), scrubbed."""
    subjects = [and_(AuditEntry.subject_type == "order", AuditEntry.subject_id == order.number)]
    for kind, ids in (
        ("fulfilment", [f.id for f in order.fulfilments]),
        ("refund", [r.id for r in order.refunds]),
        ("payment_alert", [a.id for a in order.payment_alerts]),
    ):
        if ids:
            subjects.append(
                and_(AuditEntry.subject_type == kind, AuditEntry.subject_id.in_([str(i) for i in ids]))
            )
    for entry in db.session.scalars(select(AuditEntry).where(or_(*subjects))):
        before, after = _scrub_values(entry.before, pieces), _scrub_values(entry.after, pieces)
        if before != entry.before:
            entry.before = before
        if after != entry.after:
            entry.after = after


def _scrub_values(value: Any, pieces: list[str]) -> Any:
    if isinstance(value, str):
        return scrub(value, pieces)
    if isinstance(value, dict):
        return {key: _scrub_values(item, pieces) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub_values(item, pieces) for item in value]
    return value


def _phone_forms(phone: str) -> list[str]:
    """A stored phone (+37061234567) as people also write it: +370 612 34567, 8 612 34567, 861234567."""
    try:
        number = phonenumbers.parse(phone, "LT")
    except phonenumbers.NumberParseException:
        return []
    forms = [
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
    ]
    return [*forms, *(form.replace(" ", "") for form in forms)]


def _lock(request_id: int) -> PrivacyRequest:
    request = db.session.scalars(
        select(PrivacyRequest).where(PrivacyRequest.id == request_id).with_for_update()
    ).first()
    if request is None:
        raise PrivacyRequestNotFound(request_id)
    return request
