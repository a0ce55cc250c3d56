"""Card payment of an order: to Stripe's page and back, switching to a bank transfer, and Stripe's webhook
(the one route exempt from CSRF: Stripe signs its requests instead)."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from orders import lifecycle
from orders.errors import CardPaymentNotPossible, PaymentServiceUnavailable
from orders.models import Order, OrderStatus
from orders.payments import gateway
from orders.payments.checkout import refresh_from_stripe, start_card_payment, switch_to_bank_transfer
from orders.payments.webhooks import handle_event
from orders.views.storefront.blueprint import storefront
from orders.views.storefront.tracking import track_page
from shop import outbox
from shop.extensions import csrf
from shop.templating import site_url


def pay_by_card(order: Order) -> ResponseReturnValue:
    """Send the customer to Stripe's payment page for the order; if Stripe is away, say so on the order."""
    try:
        url = start_card_payment(
            order.id,
            success_url=site_url("orders_storefront.card_return", token=order.public_token),
            cancel_url=site_url("orders_storefront.track", token=order.public_token),
        )
    except PaymentServiceUnavailable:
        flash(
            _(
                "The card payment service did not answer. Your order is saved: try again in a minute, "
                "or pay by bank transfer."
            ),
            "error",
        )
        return track_page(order, 503)
    except CardPaymentNotPossible:
        return redirect(url_for("orders_storefront.track", token=order.public_token))
    return redirect(url, 303)


@storefront.post("/uzsakymai/<token>/moketi-kortele")
def pay(token: str) -> ResponseReturnValue:
    order = lifecycle.get_order_by_token(token)
    if order is None or not gateway.is_enabled():
        abort(404)
    return pay_by_card(order)


@storefront.get("/uzsakymai/<token>/kortele")
def card_return(token: str) -> ResponseReturnValue:
    """Where Stripe sends the customer back after paying: ask Stripe at once, then show the order."""
    order = lifecycle.get_order_by_token(token)
    if order is None:
        abort(404)
    if order.is_awaiting_payment and gateway.is_enabled():
        refresh_from_stripe(order.id)
    return redirect(url_for("orders_storefront.track", token=token, returned=1))


@storefront.post("/uzsakymai/<token>/pavedimu")
def switch_to_transfer(token: str) -> ResponseReturnValue:
    order = lifecycle.get_order_by_token(token)
    if order is None:
        abort(404)
    try:
        order = switch_to_bank_transfer(order.id)
    except CardPaymentNotPossible:
        flash(_("This order is not waiting for a card payment any more."), "error")
    else:
        if order.status is OrderStatus.PAID:
            flash(_("Your card payment has just arrived: there is nothing more to pay."), "success")
        else:
            flash(_("Please pay by bank transfer: the details are below and in your e-mail."), "success")
    return redirect(url_for("orders_storefront.track", token=token))


@storefront.post("/stripe/webhook")
@csrf.exempt  # type: ignore[untyped-decorator]  # Stripe signs its requests instead
def stripe_webhook() -> ResponseReturnValue:
    """Stripe's events: signature checked on the raw bytes, each event applied once, answered at once."""
    try:
        event = gateway.verify_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except gateway.InvalidWebhook as error:
        current_app.logger.warning("Stripe webhook refused: %s", error)
        return Response("invalid signature\n", 400, mimetype="text/plain")
    handled = handle_event(event)
    # Mail written by the event is tried now, as after every other change: at most one short wait
    # (outbox.AFTER_COMMIT_TIMEOUT_SECONDS) if the mail server is away, then `flask outbox send` takes it.
    outbox.send_ids_now(handled.mail_ids)
    return Response(f"{handled.outcome}\n", 200, mimetype="text/plain")
