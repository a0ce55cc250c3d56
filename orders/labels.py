"""The words for the orders' states, payment methods and carriers, and for privacy requests, as customers and
staff read them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from orders.fulfilments import Carrier
from orders.models import (
    FulfilmentStatus,
    OrderStatus,
    PaymentMethod,
    RefundStatus,
)
from orders.privacy.holdings import OpenReason
from orders.privacy.models import PrivacyRequestStatus, RequestChannel
from producers.models import DeliveryMethod

ORDER_STATUS_LABELS = {
    OrderStatus.PENDING_PAYMENT: _l("Waiting for payment"),
    OrderStatus.PAID: _l("Paid"),
    OrderStatus.COMPLETED: _l("Completed"),
    OrderStatus.CANCELLED: _l("Cancelled"),
}


#: How the checkout offers each way to pay (the customer's words). Staff pages and the sales CSV name a
#: method shortly, with `reports.METHOD_LABELS`.
PAYMENT_LABELS = {
    PaymentMethod.CARD: _l("Card (Visa, Mastercard, Apple Pay, Google Pay) through Stripe"),
    PaymentMethod.BANK_TRANSFER: _l("Bank transfer"),
}


REFUND_STATUS_LABELS = {
    RefundStatus.PENDING: _l("being returned by card"),
    RefundStatus.SUCCEEDED: _l("returned"),
    RefundStatus.FAILED: _l("failed: return it another way"),
    RefundStatus.OWED: _l("owed: send it from the bank"),
    RefundStatus.SENT: _l("sent from the bank"),
}


FULFILMENT_STATUS_LABELS = {
    FulfilmentStatus.AWAITING_PAYMENT: _l("Waiting for payment"),
    FulfilmentStatus.NEW: _l("Paid; the community is preparing it"),
    FulfilmentStatus.ACCEPTED: _l("Being packed"),
    FulfilmentStatus.SHIPPED: _l("On its way"),
    FulfilmentStatus.DELIVERED: _l("Delivered"),
    FulfilmentStatus.CANCELLED: _l("Cancelled"),
}


CARRIER_LABELS = {
    Carrier.OMNIVA: "Omniva",
    Carrier.LP_EXPRESS: "LP Express",
    Carrier.DPD: "DPD",
    Carrier.VENIPAK: "Venipak",
    Carrier.OWN: _l("Our own delivery"),
    Carrier.PICKUP: _l("Ready for pickup"),
}


def carrier_label(carrier: str) -> str:
    """How a stored carrier reads to a person in their language (a carrier typed elsewhere, as typed)."""
    try:
        return str(CARRIER_LABELS[Carrier(carrier)])
    except ValueError:
        return carrier


#: How the storefront names each way a parcel travels (the customer's words; also `delivery_label()`).
DELIVERY_LABELS = {
    DeliveryMethod.PICKUP: _l("Pick up at the community"),
    DeliveryMethod.OMNIVA: _l("Omniva parcel locker"),
    DeliveryMethod.LP_EXPRESS: _l("LP Express parcel locker"),
    DeliveryMethod.DPD: _l("DPD parcel locker"),
    DeliveryMethod.COURIER: _l("Courier to your address"),
}


#: Why an order's customer details cannot be erased yet, after its status (the customer's words, and staff's).
OPEN_REASON_LABELS = {
    OpenReason.AWAITING_PAYMENT: _l("it can still be paid, or cancelled on its page"),
    OpenReason.UNDER_WAY: _l("a parcel is being prepared or is on its way"),
    OpenReason.RETURN_WINDOW: _l("it can still be returned"),
    OpenReason.REFUND_UNSETTLED: _l("money is still being returned"),
    OpenReason.PAYMENT_ALERT: _l("its payment is being looked into"),
}


#: How far a privacy request has got (staff's words).
PRIVACY_STATUS_LABELS = {
    PrivacyRequestStatus.OPEN: _l("open"),
    PrivacyRequestStatus.DEFERRED: _l("erasure waiting for open orders"),
    PrivacyRequestStatus.ERASED: _l("erased"),
    PrivacyRequestStatus.CLOSED: _l("closed without erasure"),
}

#: How a privacy request reached the shop.
PRIVACY_CHANNEL_LABELS = {
    RequestChannel.WEB: _l("on the shop's page"),
    RequestChannel.STAFF: _l("recorded by staff"),
}
