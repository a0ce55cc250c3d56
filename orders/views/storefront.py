"""Orders as customers follow them (a private link) and as VVG staff confirm their bank transfers."""

from __future__ import annotations

from flask import (
    Blueprint,
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

from orders import payments, services, stripe_gateway
from orders.labels import FULFILMENT_STATUS_LABELS, ORDER_STATUS_LABELS
from orders.models import (
    CancelReason,
    CardCheckoutStatus,
    Order,
    OrderStatus,
    PaymentMethod,
)
from shop import outbox
from shop.extensions import csrf

storefront = Blueprint("orders_storefront", __name__)


@storefront.get("/uzsakymai/<token>")
def track(token: str) -> ResponseReturnValue:
    order = services.get_order_by_token(token)
    if order is None:
        abort(404)
    return _track_page(order)


def _track_page(order: Order, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "orders/storefront/track.html",
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
            success_url=url_for("orders_storefront.card_return", token=order.public_token, _external=True),
            cancel_url=url_for("orders_storefront.track", token=order.public_token, _external=True),
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
        return redirect(url_for("orders_storefront.track", token=order.public_token))
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
    return redirect(url_for("orders_storefront.track", token=token, returned=1))


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
    return redirect(url_for("orders_storefront.track", token=token))


@storefront.post("/stripe/webhook")
@csrf.exempt  # type: ignore[untyped-decorator]  # Stripe signs its requests instead: the only exempt route
def stripe_webhook() -> ResponseReturnValue:
    """Stripe's events: signature checked on the raw bytes, each event applied once, answered at once."""
    try:
        event = stripe_gateway.verify_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except stripe_gateway.InvalidWebhook as error:
        current_app.logger.warning("Stripe webhook refused: %s", error)
        return Response("invalid signature\n", 400, mimetype="text/plain")
    handled = payments.handle_event(event)
    # Mail written by the event is tried now, as after every other change: at most one short wait
    # (outbox.AFTER_COMMIT_TIMEOUT_SECONDS) if the mail server is away, then `flask outbox send` takes it.
    outbox.send_ids_now(handled.mail_ids)
    return Response(f"{handled.outcome}\n", 200, mimetype="text/plain")


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
    return redirect(url_for("orders_storefront.track", token=token))
