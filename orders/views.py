"""Orders as customers follow them (a private link) and as VVG staff confirm their bank transfers."""

from __future__ import annotations

from collections.abc import Sequence

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Optional

from orders import payments, refunds, services, stripe_gateway
from orders.models import (
    CancelReason,
    CardCheckoutStatus,
    FulfilmentStatus,
    Order,
    OrderStatus,
    PaymentMethod,
)
from shop import outbox
from shop.auth import staff_required
from shop.extensions import csrf
from shop.forms import MoneyField, at_most
from shop.templating import money

storefront = Blueprint("orders", __name__)
backoffice = Blueprint("orders_backoffice", __name__, url_prefix="/backoffice")
webhooks = Blueprint("webhooks", __name__)

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
    return _track_page(order)


def _track_page(order: Order, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "orders/track.html",
        order=order,
        just_placed=request.args.get("placed") == "1",
        returned_from_stripe=request.args.get("returned") == "1",
        card_enabled=stripe_gateway.is_enabled(),
        order_labels=ORDER_STATUS_LABELS,
        fulfilment_labels=FULFILMENT_STATUS_LABELS,
        checkout_status=CardCheckoutStatus,
    ), status


def pay_by_card(order: Order) -> ResponseReturnValue:
    """Send the customer to Stripe's payment page for the order; if Stripe is away, say so on the order."""
    try:
        url = payments.start_card_payment(
            order.id,
            success_url=url_for("orders.card_return", token=order.public_token, _external=True),
            cancel_url=url_for("orders.track", token=order.public_token, _external=True),
        )
    except payments.PaymentServiceUnavailable:
        flash(
            _(
                "The card payment service did not answer. Your order is saved: try again in a minute, "
                "or pay by bank transfer."
            ),
            "error",
        )
        return _track_page(order, 503)
    except payments.CardPaymentNotPossible:
        return redirect(url_for("orders.track", token=order.public_token))
    return redirect(url, 303)


@storefront.post("/uzsakymai/<token>/moketi-kortele")
def pay(token: str) -> ResponseReturnValue:
    order = services.get_order_by_token(token)
    if order is None or not stripe_gateway.is_enabled():
        abort(404)
    return pay_by_card(order)


@storefront.get("/uzsakymai/<token>/kortele")
def card_return(token: str) -> ResponseReturnValue:
    """Where Stripe sends the customer back after paying: ask Stripe at once, then show the order."""
    order = services.get_order_by_token(token)
    if order is None:
        abort(404)
    if order.is_awaiting_payment and stripe_gateway.is_enabled():
        payments.refresh_from_stripe(order.id)
    return redirect(url_for("orders.track", token=token, returned=1))


@storefront.post("/uzsakymai/<token>/pavedimu")
def switch_to_transfer(token: str) -> ResponseReturnValue:
    order = services.get_order_by_token(token)
    if order is None:
        abort(404)
    try:
        order = payments.switch_to_bank_transfer(order.id)
    except payments.CardPaymentNotPossible:
        flash(_("This order is not waiting for a card payment any more."), "error")
    else:
        if order.status is OrderStatus.PAID:
            flash(_("Your card payment has just arrived: there is nothing more to pay."), "success")
        else:
            flash(_("Please pay by bank transfer: the details are below and in your e-mail."), "success")
    return redirect(url_for("orders.track", token=token))


@webhooks.post("/stripe/webhook")
@csrf.exempt  # type: ignore[untyped-decorator]  # Stripe signs its requests instead: the only exempt route
def stripe_webhook() -> ResponseReturnValue:
    """Stripe's events: signature checked on the raw bytes, each event applied once, answered at once."""
    try:
        event = stripe_gateway.verify_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except stripe_gateway.InvalidWebhook as error:
        current_app.logger.warning("Stripe webhook refused: %s", error)
        return Response("invalid signature\n", 400, mimetype="text/plain")
    handled = payments.handle_event(event)
    response = Response(f"{handled.outcome}\n", 200, mimetype="text/plain")
    if handled.mail_ids:  # Stripe has its answer first; mail that fails now waits for `flask outbox send`
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        response.call_on_close(lambda: _send_in(app, handled.mail_ids))
    return response


def _send_in(app: Flask, mail_ids: list[int]) -> None:
    with app.app_context():
        outbox.send_ids_now(mail_ids)


@storefront.post("/uzsakymai/<token>/atsaukti")
def cancel(token: str) -> ResponseReturnValue:
    order = services.get_order_by_token(token)
    if order is None:
        abort(404)
    was_waiting = order.is_awaiting_payment
    try:
        if order.payment_method is PaymentMethod.CARD:
            payments.close_card_payment(order.id)  # no page of it may be paid after this
    except payments.CardPaymentNotPossible:
        pass  # a bank's answer is on its way: the order stays as it is
    else:
        services.cancel_unpaid_order(order.id, reason=CancelReason.CUSTOMER)
    order = services.get_order_by_token(token) or order
    if was_waiting and order.status is OrderStatus.CANCELLED:  # by us, or by its page expiring just now
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
    return _awaiting_transfers_page(orders, forms)


def _awaiting_transfers_page(
    orders: Sequence[Order], forms: dict[int, ConfirmTransferForm], status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "orders/backoffice/awaiting_transfers.html",
        orders=orders,
        forms=forms,
        alerts=payments.list_open_alerts(),
        owed_refunds=refunds.list_owed_bank_refunds(),
    ), status


@backoffice.post("/alerts/<int(max=2147483647):alert_id>/resolve")
@staff_required
def resolve_alert(alert_id: int) -> ResponseReturnValue:
    payments.resolve_alert(alert_id, by=current_user._get_current_object())
    flash(_("Marked as settled."), "success")
    return redirect(url_for("orders_backoffice.awaiting_transfers"))


@backoffice.post("/refunds/<int(max=2147483647):refund_id>/sent")
@staff_required
def refund_sent(refund_id: int) -> ResponseReturnValue:
    try:
        refunds.mark_bank_refund_sent(refund_id, by=current_user._get_current_object())
    except refunds.RefundNotFound:
        abort(404)
    flash(_("Refund marked as sent."), "success")
    return redirect(url_for("orders_backoffice.awaiting_transfers"))


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
    return _awaiting_transfers_page(orders, forms, 400)
