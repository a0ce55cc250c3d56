"""Orders as customers follow them (a private link) and as VVG staff confirm their bank transfers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Optional

from orders import services
from orders.models import CancelReason, FulfilmentStatus, OrderStatus, PaymentMethod
from shop.auth import staff_required
from shop.forms import MoneyField, at_most
from shop.templating import money

storefront = Blueprint("orders", __name__)
backoffice = Blueprint("orders_backoffice", __name__, url_prefix="/backoffice")

ORDER_STATUS_LABELS = {
    OrderStatus.PENDING_PAYMENT: _l("Waiting for payment"),
    OrderStatus.PAID: _l("Paid"),
    OrderStatus.COMPLETED: _l("Completed"),
    OrderStatus.CANCELLED: _l("Cancelled"),
}
FULFILMENT_STATUS_LABELS = {
    FulfilmentStatus.AWAITING_PAYMENT: _l("Waiting for payment"),
    FulfilmentStatus.NEW: _l("Paid; the community is preparing it"),
    FulfilmentStatus.ACCEPTED: _l("Being packed"),
    FulfilmentStatus.SHIPPED: _l("On its way"),
    FulfilmentStatus.DELIVERED: _l("Delivered"),
    FulfilmentStatus.CANCELLED: _l("Cancelled"),
}


@storefront.get("/uzsakymai/<token>")
def track(token: str) -> ResponseReturnValue:
    order = services.get_order_by_token(token)
    if order is None:
        abort(404)
    return render_template(
        "orders/track.html",
        order=order,
        just_placed=request.args.get("placed") == "1",
        order_labels=ORDER_STATUS_LABELS,
        fulfilment_labels=FULFILMENT_STATUS_LABELS,
    )


@storefront.post("/uzsakymai/<token>/atsaukti")
def cancel(token: str) -> ResponseReturnValue:
    order = services.get_order_by_token(token)
    if order is None:
        abort(404)
    if services.cancel_unpaid_order(order.id, reason=CancelReason.CUSTOMER):
        flash(_("Your order is cancelled. Nothing is owed."), "success")
    else:
        flash(_("This order can no longer be cancelled here; please write to us."), "error")
    return redirect(url_for("orders.track", token=token))


class ConfirmTransferForm(FlaskForm):  # type: ignore[misc]
    amount = MoneyField(_l("Amount received, €"), validators=[DataRequired(_l("Enter the amount received."))])
    reference = StringField(_l("Bank reference"), validators=[Optional(), at_most(120)])


@backoffice.get("/")
@staff_required
def awaiting_transfers() -> ResponseReturnValue:
    orders = services.list_orders_awaiting_transfer()
    forms = {order.id: ConfirmTransferForm(prefix=f"o{order.id}") for order in orders}
    return render_template("orders/backoffice/awaiting_transfers.html", orders=orders, forms=forms)


@backoffice.post("/orders/<int(max=2147483647):order_id>/confirm-transfer")
@staff_required
def confirm_transfer(order_id: int) -> ResponseReturnValue:
    form = ConfirmTransferForm(prefix=f"o{order_id}")
    if form.validate():
        try:
            order = services.mark_paid(
                order_id,
                amount_cents=form.amount.data or 0,
                method=PaymentMethod.BANK_TRANSFER,
                reference=form.reference.data or "",
                by=current_user._get_current_object(),
            )
        except services.PaymentAmountMismatch as mismatch:
            form.amount.errors.append(
                _(
                    "The order's total is %(total)s: the amount received does not match, so it is not paid.",
                    total=money(mismatch.expected_cents),
                )
            )
        except services.OrderNotFound:
            abort(404)
        except services.OrderNotAwaitingPayment:
            flash(_("This order is not waiting for payment any more."), "error")
            return redirect(url_for("orders_backoffice.awaiting_transfers"))
        else:
            flash(
                _("Payment for %(number)s confirmed; the communities have been told.", number=order.number),
                "success",
            )
            return redirect(url_for("orders_backoffice.awaiting_transfers"))
    orders = services.list_orders_awaiting_transfer()
    forms = {order.id: ConfirmTransferForm(prefix=f"o{order.id}", formdata=None) for order in orders}
    forms[order_id] = form
    return render_template("orders/backoffice/awaiting_transfers.html", orders=orders, forms=forms), 400
