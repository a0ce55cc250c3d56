"""What can go wrong with orders, parcels, payments, refunds and payouts. Each error carries its data;
the views word it for the person who asked."""

from __future__ import annotations

from datetime import date, datetime

from orders.models import (
    FulfilmentStatus,
    OrderStatus,
)
from orders.privacy.models import PrivacyRequestStatus


class OrderProblem(Exception):
    """Something the customer or staff must be told in words; views turn each into a message."""


class PayoutProblem(OrderProblem):
    """Something staff must be told about a statement (`orders.views.backoffice.payouts` words it)."""


class PayoutNotFound(PayoutProblem):
    pass


class PeriodNotValid(PayoutProblem):
    """A period that ends before it begins: a payout's (`period_bounds`) or a sales report's
    (`orders.reports.SalesFilter`), the one error for both."""


class PayoutNotDraft(PayoutProblem):
    """Approving a statement already paid."""


class PayoutNotApproved(PayoutProblem):
    """Paying a statement staff have not approved."""


class WrongPayoutMethod(PayoutProblem):
    """Marking a Stripe statement paid by bank, or sending a bank statement through Stripe."""


class BankReferenceMissing(PayoutProblem):
    """Marking a bank statement paid without the bank's reference of the transfer."""


class OperatorIbanNotValid(PayoutProblem):
    """The VVG's own IBAN (the bank file's debtor) is missing or not valid."""


class NothingToPayByBank(PayoutProblem):
    """A bank file asked for a period with no approved bank statement; carries the ids left out."""


class MessageIdNotValid(PayoutProblem):
    """A bank file's message id that is not 1 to 35 characters."""


class PaymentServiceUnavailable(OrderProblem):
    """Stripe did not answer (or failed): the order is kept as it was; the customer may try again."""


class CardPaymentNotPossible(OrderProblem):
    """The order is not waiting for a card payment (paid, cancelled, or to be paid by transfer)."""

    def __init__(self, status: OrderStatus) -> None:
        super().__init__(status)
        self.status = status


class EmptyOrder(OrderProblem):
    pass


class PriceChanged(OrderProblem):
    """A unit price is no longer the one the customer was shown (a sale began or ended, the community
    changed it): nothing is ordered; `price_cents` is the price in force now."""

    def __init__(self, variant_id: int, price_cents: int) -> None:
        super().__init__(variant_id, price_cents)
        self.variant_id = variant_id
        self.price_cents = price_cents


class TermsChanged(OrderProblem):
    """The terms of sale the customer was shown are no longer the version in force (staff published a new
    one while the checkout was open): nothing is ordered; the customer reads and accepts the new one."""

    def __init__(self, version_id: int, number: int) -> None:
        super().__init__(version_id, number)
        self.version_id = version_id
        self.number = number


class QuantityNotAllowed(OrderProblem):
    def __init__(self, variant_id: int, quantity: int) -> None:
        super().__init__(variant_id, quantity)
        self.variant_id = variant_id
        self.quantity = quantity


class TooManyUnpaidOrders(OrderProblem):
    """The e-mail address (`by` "email") or the client's IP address (`by` "ip") already has `limit` orders
    waiting for payment: one of them must be paid or cancelled before another is placed."""

    def __init__(self, by: str, limit: int) -> None:
        super().__init__(by, limit)
        self.by = by
        self.limit = limit


class ShareOfStockExceeded(OrderProblem):
    """An order asked for more of a variant than one order may hold: `allowed` units (a share of the stock
    on sale, and never more than a line's maximum). Larger orders go through the VVG."""

    def __init__(self, variant_id: int, allowed: int) -> None:
        super().__init__(variant_id, allowed)
        self.variant_id = variant_id
        self.allowed = allowed


class ProductionFull(OrderProblem):
    """A community cannot make this many more made-to-order items in any week it takes orders for (more
    than its weekly cap, `per_week`, or every week ahead full; `producers.capacity`)."""

    def __init__(self, community_name: str, quantity: int, per_week: int) -> None:
        super().__init__(community_name, quantity, per_week)
        self.community_name = community_name
        self.quantity = quantity
        self.per_week = per_week


class ProductUnavailable(OrderProblem):
    """The variant does not exist any more, or is not for sale."""

    def __init__(self, variant_id: int) -> None:
        super().__init__(variant_id)
        self.variant_id = variant_id


class OutOfStock(OrderProblem):
    """Fewer than asked can be had: `available` is on sale; `in_cart` of them the customer already has.

    `held_until`: when nothing is left because unpaid bank-transfer orders hold it, the first moment
    (UTC) one of those holds ends and the stock may come back.
    """

    def __init__(
        self, variant_id: int, available: int, *, in_cart: int = 0, held_until: datetime | None = None
    ) -> None:
        super().__init__(variant_id, available)
        self.variant_id = variant_id
        self.available = available
        self.in_cart = in_cart
        self.held_until = held_until


class DeliveryNotOffered(OrderProblem):
    """The community does not (any more) deliver the way the customer chose, or details are missing."""

    def __init__(self, community_id: int) -> None:
        super().__init__(community_id)
        self.community_id = community_id


class LockerNotAvailable(OrderProblem):
    """The parcel locker sent for a parcel is not an active locker of the carrier chosen for it."""

    def __init__(self, community_id: int) -> None:
        super().__init__(community_id)
        self.community_id = community_id


class OrderNotFound(OrderProblem):
    def __init__(self, order_id: int) -> None:
        super().__init__(order_id)
        self.order_id = order_id


class FulfilmentNotFound(OrderProblem):
    """No parcel has this id (or none of the order it was looked for in)."""

    def __init__(self, fulfilment_id: int) -> None:
        super().__init__(fulfilment_id)
        self.fulfilment_id = fulfilment_id


class OrderNotAwaitingPayment(OrderProblem):
    def __init__(self, status: OrderStatus) -> None:
        super().__init__(status)
        self.status = status


class PaymentAmountMismatch(OrderProblem):
    def __init__(self, expected_cents: int, received_cents: int) -> None:
        super().__init__(expected_cents, received_cents)
        self.expected_cents = expected_cents
        self.received_cents = received_cents


class CarrierNotAllowed(OrderProblem):
    """A pickup parcel is only ever "ready for pickup"; a parcel to send goes with a carrier."""


class TrackingNumberMissing(OrderProblem):
    """A carrier's parcel needs its tracking number: the customer follows it with that."""


class NotCancellable(OrderProblem):
    """The parcel or line cannot be cancelled now (unpaid order, already shipped, already cancelled)."""

    def __init__(self, status: FulfilmentStatus) -> None:
        super().__init__(status)
        self.status = status


class RefundNotFound(OrderProblem):
    pass


class LineNotFound(OrderProblem):
    pass


class NotRefundable(OrderProblem):
    """A refund of an amount is for a parcel that has left; one that has not is cancelled instead."""

    def __init__(self, status: FulfilmentStatus) -> None:
        super().__init__(status)
        self.status = status


class RefundTooLarge(OrderProblem):
    """More than is left to refund of the parcel's goods or of its delivery fee (or nothing at all)."""

    def __init__(self, goods_left_cents: int, delivery_left_cents: int) -> None:
        super().__init__(goods_left_cents, delivery_left_cents)
        self.goods_left_cents = goods_left_cents
        self.delivery_left_cents = delivery_left_cents


class NotPayableByStripe(OrderProblem):
    """The community has no connected account, or the order's money is not on Stripe (bank transfer)."""


class OperatorMissing(OrderProblem):
    """The shop has no operator row yet, so there is nowhere to keep the thresholds."""


class DaysNotValid(OrderProblem):
    """A threshold that is not a whole number of days from 1 to 60."""

    def __init__(self, name: str, days: int) -> None:
        super().__init__(name, days)
        self.name = name
        self.days = days


class NotLate(OrderProblem):
    """The parcel has moved on (sent, delivered or cancelled) or was never paid: there is nothing to chase."""

    def __init__(self, status: FulfilmentStatus) -> None:
        super().__init__(status)
        self.status = status


class AlreadyReminded(OrderProblem):
    """Someone reminded the community after this page was shown (a double click, a colleague)."""

    def __init__(self, reminded_at: datetime) -> None:
        super().__init__(reminded_at)
        self.reminded_at = reminded_at


# ---------------------------------------------------------------------------------------------- privacy


class PrivacyProblem(OrderProblem):
    """Something about a customer's request for their data (`orders.privacy`) that must be said in words."""


class PrivacyRequestNotFound(PrivacyProblem):
    def __init__(self, request_id: int) -> None:
        super().__init__(request_id)
        self.request_id = request_id


class PrivacyLinkNotValid(PrivacyProblem):
    """A mailed link to one's data that cannot be used: `problem` is "expired", "used" (the data were erased,
    or the request closed) or "invalid" (not one of ours)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class AlreadyErased(PrivacyProblem):
    """Erasure asked again of a request that was already erased, deferred or closed (a double click, an old
    tab): nothing more is done."""

    def __init__(self, status: PrivacyRequestStatus) -> None:
        super().__init__(status)
        self.status = status


# ---------------------------------------------------------------------------------------------- invoices


class InvoiceProblem(OrderProblem):
    """Something staff must be told about invoices (`orders.views.backoffice.payouts` words it)."""


class InvoiceNotFound(InvoiceProblem, LookupError):
    """No invoice with this id that the asker may see."""


class CommissionMonthNotOver(InvoiceProblem):
    """Commission invoices asked for a month that has not ended yet: its statements may still change."""

    def __init__(self, month: date) -> None:
        super().__init__(month)
        self.month = month  #: the month's first day


# ------------------------------------------------------------------------------------------- withdrawals


class WithdrawalProblem(OrderProblem):
    """Something about a withdrawal from the contract that must be said in words (the views word it)."""


class WithdrawalNotOpen(WithdrawalProblem):
    """The parcel cannot be withdrawn from: the order is not paid (nothing to withdraw from yet), or the
    parcel was cancelled. `status` is the parcel's."""

    def __init__(self, status: FulfilmentStatus) -> None:
        super().__init__(status)
        self.status = status


class WithdrawalPeriodOver(WithdrawalProblem):
    """The 14 days after the parcel's delivery are over: `ended_at` is the moment they ended (UTC)."""

    def __init__(self, ended_at: datetime) -> None:
        super().__init__(ended_at)
        self.ended_at = ended_at


class LinesExempt(WithdrawalProblem):
    """Lines the right of withdrawal does not cover (personalised, made to order) were asked for."""

    def __init__(self, line_ids: list[int]) -> None:
        super().__init__(line_ids)
        self.line_ids = line_ids


class NoLinesChosen(WithdrawalProblem):
    """A withdrawal asked for no line at all (or only for lines of another parcel)."""


class WithdrawalNotFound(WithdrawalProblem):
    def __init__(self, withdrawal_id: int) -> None:
        super().__init__(withdrawal_id)
        self.withdrawal_id = withdrawal_id


class WithdrawalAlreadyRefunded(WithdrawalProblem):
    """Staff asked to mark received or to refund a withdrawal whose money already went back."""
