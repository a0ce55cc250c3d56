"""What can go wrong with orders, parcels, payments, refunds and payouts. Each error carries its data;
the views word it for the person who asked."""

from __future__ import annotations

from typing import ClassVar

from orders.models import (
    OrderStatus,
)
from orders.services import (
    OrderProblem,
)
from shop.i18n import N_


class PayoutProblem(OrderProblem):
    """Something staff must be told about a statement; `message` is the English msgid (see `str()`)."""

    message: ClassVar[str] = N_("The payout cannot be changed.")

    def __str__(self) -> str:
        return self.message


class PayoutNotFound(PayoutProblem):
    message = N_("There is no such payout.")


class PeriodNotValid(PayoutProblem):
    """A period that ends before it begins: a payout's (`period_bounds`) or a sales report's
    (`orders.reports.SalesFilter`), the one error for both."""

    message = N_("The payout period must end after it starts.")


class PayoutNotDraft(PayoutProblem):
    """Approving a statement already paid."""

    message = N_("This payout has already been paid.")


class PayoutNotApproved(PayoutProblem):
    """Paying a statement staff have not approved."""

    message = N_("Approve the payout before paying it.")


class WrongPayoutMethod(PayoutProblem):
    """Marking a Stripe statement paid by bank, or sending a bank statement through Stripe."""

    message = N_("This payout is not paid this way.")


class BankReferenceMissing(PayoutProblem):
    message = N_("Enter the bank's reference of the transfer.")


class OperatorIbanNotValid(PayoutProblem):
    message = N_("The shop's own IBAN is missing or not valid.")


class NothingToPayByBank(PayoutProblem):
    message = N_("None of these payouts can be paid by bank transfer now.")


class MessageIdNotValid(PayoutProblem):
    message = N_("The bank file's message id must be 1 to 35 characters.")


class PaymentServiceUnavailable(OrderProblem):
    """Stripe did not answer (or failed): the order is kept as it was; the customer may try again."""


class CardPaymentNotPossible(OrderProblem):
    """The order is not waiting for a card payment (paid, cancelled, or to be paid by transfer)."""

    def __init__(self, status: OrderStatus) -> None:
        super().__init__(status)
        self.status = status
