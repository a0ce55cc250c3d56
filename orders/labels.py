"""The words for the orders' states, payments, carriers, deliveries and gift messages, per reader, and for
privacy requests."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from orders.models import (
    Carrier,
    FulfilmentStatus,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    RefundStatus,
)
from orders.privacy.holdings import OpenReason
from orders.privacy.models import PrivacyRequestStatus, RequestChannel
from orders.withdrawals.models import ExemptReason, WithdrawalStatus
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


class Audience(enum.StrEnum):
    """Who reads a page or a mail: each names the same delivery in its own words."""

    CUSTOMER = "customer"  #: the storefront (cart, checkout, tracking page) and the customer's mails
    COMMUNITY = "community"  #: the workspace, the packing slip and the community's mails
    STAFF = "staff"  #: the back office and its reports


#: How the customer reads each way their parcel travels ("to your address").
_CUSTOMER_DELIVERY = {
    DeliveryMethod.PICKUP: _l("Pick up at the community"),
    DeliveryMethod.OMNIVA: _l("Omniva parcel locker"),
    DeliveryMethod.LP_EXPRESS: _l("LP Express parcel locker"),
    DeliveryMethod.DPD: _l("DPD parcel locker"),
    DeliveryMethod.COURIER: _l("Courier to your address"),
}

#: How the communities and the VVG speak of a customer's parcel ("to the customer's address").
_SELLERS_DELIVERY = {
    DeliveryMethod.PICKUP: _l("Pickup at the community"),
    DeliveryMethod.OMNIVA: _l("Omniva parcel locker"),
    DeliveryMethod.LP_EXPRESS: _l("LP Express parcel locker"),
    DeliveryMethod.DPD: _l("DPD parcel locker"),
    DeliveryMethod.COURIER: _l("Courier to the customer's address"),
}

#: Each audience's words for each way a parcel travels; templates ask through `delivery_label()`.
DELIVERY_LABELS = {
    Audience.CUSTOMER: _CUSTOMER_DELIVERY,
    Audience.COMMUNITY: _SELLERS_DELIVERY,
    Audience.STAFF: _SELLERS_DELIVERY,
}


def delivery_label(method: DeliveryMethod, audience: Audience | str) -> str:
    """`{{ delivery_label(fulfilment.delivery_method, "community") }}`: the method in the reader's words.

    The audience is always said, never guessed from the request: a workspace action also mails the customer.
    """
    return str(DELIVERY_LABELS[Audience(audience)][method])


class GiftNote(enum.StrEnum):
    """Where a line's gift message goes, by what the line is and what else its parcel holds."""

    INTO_CARD = "into_card"  #: the line is a greeting card: written by hand into it
    NOTE = "note"  #: no card in the parcel: written on a note enclosed in it
    SEPARATE_NOTE = "separate_note"  #: other goods in a parcel with cards: a note of its own, not a card

    @classmethod
    def of(cls, *, is_card: bool, parcel_has_cards: bool) -> GiftNote:
        if is_card:
            return cls.INTO_CARD
        return cls.SEPARATE_NOTE if parcel_has_cards else cls.NOTE


#: The checkout's gift message field, per line (the customer's words; `%(name)s` is the line's name).
GIFT_FIELD_LABELS = {
    GiftNote.INTO_CARD: _l("Gift message for “%(name)s”, written by hand into the card (optional)"),
    GiftNote.NOTE: _l(
        "Gift message for “%(name)s”, written by hand on a note enclosed in the parcel (optional)"
    ),
    GiftNote.SEPARATE_NOTE: _l(
        "Gift message for “%(name)s”, written by hand on a separate note in the parcel, not into a card "
        "(optional)"
    ),
}

#: What the community does with a line's gift message (workspace, packing slip, the community's mail).
GIFT_INSTRUCTIONS = {
    GiftNote.INTO_CARD: _l("Write into the card by hand"),
    GiftNote.NOTE: _l("Write on a note by hand and put it in the parcel"),
    GiftNote.SEPARATE_NOTE: _l("Write on a separate note by hand (not into a card) and put it in the parcel"),
}


def gift_note(line: OrderLine) -> GiftNote:
    """Where an ordered line's gift message goes: as the customer was told at checkout."""
    return GiftNote.of(is_card=line.is_card, parcel_has_cards=line.fulfilment.has_cards)


def gift_instruction(line: OrderLine) -> str:
    """`{{ gift_instruction(line) }}`: what the community is to do with the line's gift message."""
    return str(GIFT_INSTRUCTIONS[gift_note(line)])


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


#: Why a line cannot be returned, said before the order (product page, cart, checkout) and after it.
EXEMPT_LABELS = {
    ExemptReason.MADE_TO_ORDER: _l("made to order"),
    ExemptReason.PERSONALISED: _l("personalised"),
}

WITHDRAWAL_STATUS_LABELS = {
    WithdrawalStatus.RETURN_EXPECTED: _l("return expected"),
    WithdrawalStatus.RECEIVED: _l("return received"),
    WithdrawalStatus.REFUNDED: _l("refunded"),
}
