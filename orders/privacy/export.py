"""A copy of everything held about an e-mail address, as JSON (GDPR articles 15 and 20).

Its orders with their parcels, lines, gift messages, delivery details and history; payments, card
payment attempts, refunds and payment alerts (Stripe's ids and amounts: card numbers never reach the
shop); the withdrawals from the contract (when, which lines, how far, what was refunded); the invoices
and credit notes issued to the customer, and until when they are kept; every mail written to the
address; the requests made about it. Amounts are integer euro cents, times are UTC in ISO 8601.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import func, select

from orders.errors import AlreadyErased
from orders.invoices.issuing import list_customer_invoices
from orders.invoices.models import Invoice
from orders.models import Fulfilment, Order
from orders.privacy.asking import IN_PROGRESS, get_request
from orders.privacy.holdings import accounting_kept_until, holdings_of
from orders.privacy.models import PrivacyRequest
from orders.withdrawals.models import Withdrawal
from orders.withdrawals.withdrawing import withdrawals_by_parcel
from shop import audit
from shop.db import db, transaction, utcnow
from shop.models import OutboxMessage, User
from shop.operator import get_operator
from shop.templating import site_url

FORMAT = "kaimo-muge/personal-data/1"
#: Why erasure leaves the invoices as they are, and what happens to them later.
ACCOUNTING_RECORDS = (
    "Invoices and credit notes are accounting records the law makes the seller keep (Lithuanian accounting"
    " law): erasure leaves them as issued, with the buyer's name and address, until the date given with"
    " each (accounting_records_kept_until, kept_until); then the buyer's name and address are cleared from"
    " them, and their numbers, dates and amounts stay."
)


def export_request(request_id: int, *, by: User | None = None) -> dict[str, Any]:
    """The copy for a request still in progress, noted on the request (and in the audit log, for staff)."""
    now = utcnow()
    with transaction():
        request = get_request(request_id)
        if request.status not in IN_PROGRESS:
            raise AlreadyErased(request.status)
        request.exported_at = now
        address = request.email
        audit.record("privacy.export", "privacy_request", request.id, by=by)
    return personal_data(address, now)


def personal_data(address: str, now: datetime | None = None) -> dict[str, Any]:
    """Everything held about `address` (see the module), ready for `json.dumps`."""
    now = now or utcnow()
    holdings = holdings_of(address, now)
    mails = db.session.scalars(
        select(OutboxMessage)
        .where(func.lower(OutboxMessage.recipient) == holdings.address)
        .order_by(OutboxMessage.id)
    ).all()
    requests = db.session.scalars(
        select(PrivacyRequest).where(PrivacyRequest.email == holdings.address).order_by(PrivacyRequest.id)
    ).all()
    invoices = list_customer_invoices([held.order.id for held in holdings.orders])
    withdrawals = withdrawals_by_parcel(*(held.order.id for held in holdings.orders))
    operator = get_operator()
    return {
        "format": FORMAT,
        "exported_at": _plain(now),
        "email": holdings.address,
        "controller": {
            "name": operator.name,
            "registration_code": operator.registration_code,
            "address": operator.address,
            "email": operator.email,
        }
        if operator
        else None,
        "card_numbers": "never held: cards are paid on Stripe's own page",
        "accounting_records": ACCOUNTING_RECORDS,
        "orders": [
            _order(held.order, invoices.get(held.order.id, []), withdrawals) for held in holdings.orders
        ],
        "mails": [_mail(mail) for mail in mails],
        "privacy_requests": [_request(request) for request in requests],
    }


def to_json(data: dict[str, Any]) -> str:
    """The copy as a file people can read too: UTF-8, Lithuanian letters as they are, indented."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def file_name(now: datetime | None = None) -> str:
    """What the downloaded copy is called: kaimo-muge-duomenys-2026-12-01.json."""
    return f"kaimo-muge-duomenys-{(now or utcnow()):%Y-%m-%d}.json"


def _order(order: Order, invoices: list[Invoice], withdrawals: dict[int, list[Withdrawal]]) -> dict[str, Any]:
    kept_until = _plain(accounting_kept_until(order))
    return {
        "number": order.number,
        "placed_at": _plain(order.created_at),
        "status": _plain(order.status),
        "language": order.language,
        "tracking_link": site_url("orders_storefront.track", token=order.public_token),
        "customer": {"name": order.customer_name, "email": order.email, "phone": order.phone},
        "delivery_address": {
            "address_line": order.address_line,
            "city": order.city,
            "postal_code": order.postal_code,
        },
        "notes": order.notes,
        "placed_from_ip_address": order.client_ip,  #: kept only while the order is unpaid
        "payment_method": _plain(order.payment_method),
        "currency": "EUR",
        "goods_cents": order.goods_cents,
        "delivery_cents": order.delivery_cents,
        "total_cents": order.total_cents,
        "pay_by": _plain(order.expires_at),
        "paid_at": _plain(order.paid_at),
        "cancelled_at": _plain(order.cancelled_at),
        "cancel_reason": _plain(order.cancel_reason),
        "accounting_records_kept_until": kept_until,
        "parcels": [
            _parcel(fulfilment, withdrawals.get(fulfilment.id, [])) for fulfilment in order.fulfilments
        ],
        "invoices": [_invoice(invoice, kept_until) for invoice in invoices],
        "payments": [
            {
                "method": _plain(payment.method),
                "amount_cents": payment.amount_cents,
                "reference": payment.reference,
                "stripe_payment_intent": payment.stripe_payment_intent,
                "received_at": _plain(payment.created_at),
            }
            for payment in order.payments
        ],
        "card_payment_attempts": [
            {
                "attempt": checkout.attempt,
                "status": _plain(checkout.status),
                "amount_cents": checkout.amount_cents,
                "stripe_checkout_session": checkout.session_id,
                "stripe_payment_intent": checkout.payment_intent,
                "started_at": _plain(checkout.created_at),
                "expires_at": _plain(checkout.expires_at),
            }
            for checkout in order.card_checkouts
        ],
        "refunds": [
            {
                "method": _plain(refund.method),
                "status": _plain(refund.status),
                "goods_cents": refund.goods_cents,
                "delivery_cents": refund.delivery_cents,
                "amount_cents": refund.amount_cents,
                "reason": refund.reason,
                "stripe_refund": refund.stripe_refund_id,
                "created_at": _plain(refund.created_at),
                "completed_at": _plain(refund.completed_at),
            }
            for refund in order.refunds
        ],
        "payment_alerts": [
            {
                "kind": _plain(alert.kind),
                "amount_cents": alert.amount_cents,
                "reference": alert.reference,
                "created_at": _plain(alert.created_at),
                "resolved_at": _plain(alert.resolved_at),
            }
            for alert in order.payment_alerts
        ],
    }


def _parcel(fulfilment: Fulfilment, withdrawals: list[Withdrawal]) -> dict[str, Any]:
    community = fulfilment.community
    return {
        "seller": {
            "name": community.name,
            "legal_name": community.legal_name,
            "registration_code": community.registration_code,
            "email": community.email,
        },
        "status": _plain(fulfilment.status),
        "delivery_method": _plain(fulfilment.delivery_method),
        "locker": fulfilment.locker,
        "locker_code": fulfilment.locker_code,  # the carrier's own id of that locker
        "pickup_address": fulfilment.pickup_address,
        "carrier": fulfilment.carrier,
        "tracking_number": fulfilment.tracking_number,
        "ship_by": _plain(fulfilment.ship_by),
        "delivery_expected": {
            "earliest": _plain(fulfilment.delivery_earliest),
            "latest": _plain(fulfilment.delivery_latest),
        },
        "goods_cents": fulfilment.goods_cents,
        "delivery_cents": fulfilment.delivery_cents,
        "cancel_note": fulfilment.cancel_note,
        "lines": [
            {
                "sku": line.sku,
                "product": {"lt": line.product_name_lt, "en": line.product_name_en},
                "variant": {"lt": line.variant_name_lt, "en": line.variant_name_en},
                "unit_price_cents": line.unit_price_cents,
                "quantity": line.quantity,
                "made_to_order": line.is_made_to_order,
                "gift_message": line.gift_message,
                "cancelled_at": _plain(line.cancelled_at),
            }
            for line in fulfilment.lines
        ],
        "history": [
            {
                "from": _plain(event.from_status),
                "to": _plain(event.to_status),
                "at": _plain(event.created_at),
                "note": event.note,
            }
            for event in fulfilment.events
        ],
        "withdrawals": [_withdrawal(withdrawal) for withdrawal in withdrawals],
    }


def _withdrawal(withdrawal: Withdrawal) -> dict[str, Any]:
    refund = withdrawal.refund
    return {
        "withdrawn_at": _plain(withdrawal.created_at),
        "lines": [
            {
                "sku": line.order_line.sku,
                "product": {"lt": line.order_line.product_name_lt, "en": line.order_line.product_name_en},
                "variant": {"lt": line.order_line.variant_name_lt, "en": line.order_line.variant_name_en},
                "quantity": line.order_line.quantity,
            }
            for line in withdrawal.lines
        ],
        "status": _plain(withdrawal.status),
        "goods_cents": withdrawal.goods_cents,
        "delivery_cents": withdrawal.delivery_cents,
        "returned_at": _plain(withdrawal.received_at),
        "refunded_at": _plain(withdrawal.refunded_at),
        "refund": {
            "method": _plain(refund.method),
            "status": _plain(refund.status),
            "amount_cents": refund.amount_cents,
        }
        if refund
        else None,
    }


def _invoice(invoice: Invoice, kept_until: str) -> dict[str, Any]:
    return {
        "kind": _plain(invoice.kind),
        "number": invoice.number,
        "issued_at": _plain(invoice.issued_at),
        "corrects_invoice": invoice.credited_invoice.number if invoice.credited_invoice else None,
        "vat_invoice": invoice.is_vat_invoice,
        "language": invoice.language,
        "seller": {
            "name": invoice.seller_name,
            "registration_code": invoice.seller_code,
            "vat_code": invoice.seller_vat_code,
            "address": invoice.seller_address,
        },
        "buyer": {
            "name": invoice.buyer_name,
            "registration_code": invoice.buyer_code,
            "vat_code": invoice.buyer_vat_code,
            "address": invoice.buyer_address,
        },
        "marketplace": {
            "name": invoice.operator_name,
            "registration_code": invoice.operator_code,
            "address": invoice.operator_address,
        },
        "order_number": invoice.order_number,
        "payment_method": invoice.payment_method,
        "paid_at": _plain(invoice.paid_at),
        "currency": "EUR",
        "net_cents": invoice.net_cents,
        "vat_cents": invoice.vat_cents,
        "total_cents": invoice.total_cents,
        "lines": [
            {
                "description": line.description,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price_cents": line.unit_price_cents,
                "vat_rate_bp": line.vat_rate_bp,
                "net_cents": line.net_cents,
                "vat_cents": line.vat_cents,
                "total_cents": line.total_cents,
            }
            for line in invoice.lines
        ],
        "kept_until": kept_until,
    }


def _mail(mail: OutboxMessage) -> dict[str, Any]:
    return {
        "to": mail.recipient,
        "subject": mail.subject,
        "written_at": _plain(mail.created_at),
        "sent_at": _plain(mail.sent_at),
        "status": _plain(mail.status),
        "text": mail.text_body,
    }


def _request(request: PrivacyRequest) -> dict[str, Any]:
    return {
        "asked_at": _plain(request.created_at),
        "channel": _plain(request.channel),
        "status": _plain(request.status),
        "copy_taken_at": _plain(request.exported_at),
        "erasure_confirmed_at": _plain(request.erasure_confirmed_at),
    }


def _plain(value: object) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
