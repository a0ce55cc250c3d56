"""The order's private tracking page: the order as it stands, its invoices, cancelling an unpaid order and
withdrawing from the contract for a parcel."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from orders import lifecycle, unpaid
from orders.errors import (
    CardPaymentNotPossible,
    LinesExempt,
    NoLinesChosen,
    OrderNotAwaitingPayment,
    WithdrawalPeriodOver,
    WithdrawalProblem,
)
from orders.forms.storefront import WithdrawalForm
from orders.invoices.issuing import get_invoice, list_order_invoices
from orders.invoices.pdf import pdf_response
from orders.labels import FULFILMENT_STATUS_LABELS, ORDER_STATUS_LABELS
from orders.models import CancelReason, Order, OrderStatus, PaymentMethod
from orders.payments import gateway
from orders.payments.checkout import close_card_payment
from orders.payments.models import CardCheckoutStatus
from orders.placing import transfer_deadline
from orders.views.storefront.blueprint import storefront
from orders.withdrawals import withdrawing
from shop.i18n import format_date, format_datetime


@storefront.get("/uzsakymai/<token>")
def track(token: str) -> ResponseReturnValue:
    order = lifecycle.get_order_by_token(token)
    if order is None:
        abort(404)
    return track_page(order)


def track_page(order: Order, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "orders/storefront/track.html",
        order=order,
        invoices=list_order_invoices(order.id),
        just_placed=request.args.get("placed") == "1",
        returned_from_stripe=request.args.get("returned") == "1",
        card_enabled=gateway.is_enabled(),
        order_labels=ORDER_STATUS_LABELS,
        fulfilment_labels=FULFILMENT_STATUS_LABELS,
        checkout_status=CardCheckoutStatus,
        offers=_offers(order),
        transfer_deadline=transfer_deadline(order.created_at),
    ), status


def _offers(order: Order) -> dict[int, withdrawing.WithdrawalOffer]:
    """What each parcel of the order may still be withdrawn from (and if nothing, why)."""
    withdrawals = withdrawing.withdrawals_by_parcel(order.id)
    return {f.id: withdrawing.offer_for(f, withdrawals.get(f.id, [])) for f in order.fulfilments}


@storefront.get("/uzsakymai/<token>/saskaitos/<int(max=2147483647):invoice_id>.pdf")
def invoice_pdf(token: str, invoice_id: int) -> ResponseReturnValue:
    """A parcel's invoice or credit note, for whoever holds the order's private link (another's: 404)."""
    order = lifecycle.get_order_by_token(token)
    invoice = get_invoice(invoice_id, order_id=order.id) if order is not None else None
    if invoice is None:
        abort(404)
    return pdf_response(invoice)


@storefront.route(
    "/uzsakymai/<token>/siuntos/<int(max=2147483647):fulfilment_id>/atsisakyti", methods=["GET", "POST"]
)
def withdraw(token: str, fulfilment_id: int) -> ResponseReturnValue:
    """Withdrawing from the contract for a parcel: its lines (checked), one confirmation, mailed at once."""
    order = lifecycle.get_order_by_token(token)
    fulfilment = next((f for f in order.fulfilments if f.id == fulfilment_id), None) if order else None
    if order is None or fulfilment is None:
        abort(404)
    offer = withdrawing.offer_for(fulfilment)
    form = WithdrawalForm(data={"lines": [line.id for line in offer.lines]})
    if form.validate_on_submit():
        try:
            result = withdrawing.withdraw(fulfilment.id, form.lines.data, order_id=order.id)
        except WithdrawalProblem as problem:
            form.form_errors.append(_withdrawal_problem(problem))
        else:
            moment = format_datetime(result.withdrawal.created_at, "short")
            if result.is_new:
                flash(
                    _(
                        "Your withdrawal from the contract was received on %(time)s. We have sent the "
                        "acknowledgement to %(email)s.",
                        time=moment,
                        email=order.email,
                    ),
                    "success",
                )
            else:
                flash(_("You already withdrew from these items on %(time)s.", time=moment), "info")
            return redirect(url_for("orders_storefront.track", token=token, _anchor=f"f-{fulfilment.id}"))
    return render_template(
        "orders/storefront/withdraw.html", order=order, fulfilment=fulfilment, offer=offer, form=form
    ), (422 if form.errors or form.form_errors else 200)


def _withdrawal_problem(problem: WithdrawalProblem) -> str:
    """Why a withdrawal was refused, in the customer's words."""
    if isinstance(problem, WithdrawalPeriodOver):
        last_day = format_date(problem.ended_at - timedelta(seconds=1))
        return str(
            _("The 14 days to withdraw from the contract for this parcel ended on %(date)s.", date=last_day)
        )
    if isinstance(problem, LinesExempt):
        return str(_("Personalised and made-to-order items cannot be returned: leave them out."))
    if isinstance(problem, NoLinesChosen):
        return str(_("Choose the items of this parcel."))
    return str(_("This parcel can no longer be withdrawn from here; please write to us."))


@storefront.post("/uzsakymai/<token>/sumokejau")
def claim_paid(token: str) -> ResponseReturnValue:
    """ "I have paid": the transfer is on its way, so the items stay held until the transfer deadline."""
    order = lifecycle.get_order_by_token(token)
    if order is None:
        abort(404)
    try:
        unpaid.claim_transfer_paid(order.id)
    except OrderNotAwaitingPayment:
        flash(_("This order is not waiting for a bank transfer any more."), "error")
        return redirect(url_for("orders_storefront.track", token=token))
    order = lifecycle.get_order_by_token(token) or order
    flash(
        _(
            "Thank you. We will look for your payment and hold your items until %(time)s.",
            time=format_datetime(order.expires_at, "short") if order.expires_at else "",
        ),
        "success",
    )
    return redirect(url_for("orders_storefront.track", token=token))


@storefront.post("/uzsakymai/<token>/atsaukti")
def cancel(token: str) -> ResponseReturnValue:
    order = lifecycle.get_order_by_token(token)
    if order is None:
        abort(404)
    was_waiting = order.is_awaiting_payment
    try:
        if order.payment_method is PaymentMethod.CARD:
            close_card_payment(order.id)  # no page of it may be paid after this
    except CardPaymentNotPossible:
        pass  # a bank's answer is on its way: the order stays as it is
    else:
        lifecycle.cancel_unpaid_order(order.id, reason=CancelReason.CUSTOMER)
    order = lifecycle.get_order_by_token(token) or order
    if was_waiting and order.status is OrderStatus.CANCELLED:  # by us, or by its page expiring just now
        flash(_("Your order is cancelled. Nothing is owed."), "success")
    else:
        flash(_("This order can no longer be cancelled here; please write to us."), "error")
    return redirect(url_for("orders_storefront.track", token=token))
