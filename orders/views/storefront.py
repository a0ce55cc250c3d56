"""Orders as customers make and follow them: the cart, the checkout, the private tracking page with card
payment, the Stripe webhook (the one route exempt from CSRF: Stripe signs its requests instead), and the
pages where customers ask for their data, take a copy and have it erased (`orders.privacy`)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError

from legal import pages as legal_pages
from legal.models import LegalPageKind, LegalPageVersion
from orders import lifecycle
from orders.cart import Cart, CartView, build_cart_view, check_addition
from orders.errors import (
    AlreadyErased,
    CardPaymentNotPossible,
    DeliveryNotOffered,
    EmptyOrder,
    LinesExempt,
    NoLinesChosen,
    OrderProblem,
    OutOfStock,
    PaymentServiceUnavailable,
    PriceChanged,
    PrivacyLinkNotValid,
    ProductUnavailable,
    QuantityNotAllowed,
    TermsChanged,
    WithdrawalPeriodOver,
    WithdrawalProblem,
)
from orders.forms.storefront import (
    AddToCartForm,
    CartForm,
    CheckoutForm,
    CheckoutKeyForm,
    ErasureForm,
    GiftLine,
    Parcel,
    PrivacyRequestForm,
    WithdrawalForm,
    cart_form,
    checkout_form,
)
from orders.invoices.issuing import get_invoice, list_order_invoices
from orders.invoices.pdf import pdf_response
from orders.labels import FULFILMENT_STATUS_LABELS, OPEN_REASON_LABELS, ORDER_STATUS_LABELS, GiftNote
from orders.models import CancelReason, Order, OrderStatus, PaymentMethod
from orders.payments import gateway
from orders.payments.checkout import (
    close_card_payment,
    refresh_from_stripe,
    start_card_payment,
    switch_to_bank_transfer,
)
from orders.payments.models import CardCheckoutStatus
from orders.payments.webhooks import handle_event
from orders.placing import MAX_QUANTITY, place_order
from orders.privacy import asking
from orders.privacy import erasure as privacy_erasure
from orders.privacy import export as privacy_export
from orders.privacy.holdings import holdings_of
from orders.privacy.models import PrivacyRequestStatus
from orders.withdrawals import withdrawing
from shop import outbox
from shop.db import utcnow
from shop.errors import render_error
from shop.extensions import csrf, limiter_of
from shop.i18n import current_language, format_date, format_datetime, localized
from shop.money import format_cents

storefront = Blueprint("orders_storefront", __name__)


@storefront.get("/uzsakymai/<token>")
def track(token: str) -> ResponseReturnValue:
    order = lifecycle.get_order_by_token(token)
    if order is None:
        abort(404)
    return _track_page(order)


def _track_page(order: Order, status: int = 200) -> ResponseReturnValue:
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
    ), status


def _offers(order: Order) -> dict[int, withdrawing.WithdrawalOffer]:
    """What each parcel of the order may still be withdrawn from (and if nothing, why)."""
    withdrawals = withdrawing.withdrawals_by_parcel(order.id)
    return {f.id: withdrawing.offer_for(f, withdrawals.get(f.id, [])) for f in order.fulfilments}


def pay_by_card(order: Order) -> ResponseReturnValue:
    """Send the customer to Stripe's payment page for the order; if Stripe is away, say so on the order."""
    try:
        url = start_card_payment(
            order.id,
            success_url=url_for("orders_storefront.card_return", token=order.public_token, _external=True),
            cancel_url=url_for("orders_storefront.track", token=order.public_token, _external=True),
        )
    except PaymentServiceUnavailable:
        flash(
            _(
                "The card payment service did not answer. Your order is saved: try again in a minute, "
                "or pay by bank transfer."
            ),
            "error",
        )
        return _track_page(order, 503)
    except CardPaymentNotPossible:
        return redirect(url_for("orders_storefront.track", token=order.public_token))
    return redirect(url, 303)


@storefront.get("/uzsakymai/<token>/saskaitos/<int(max=2147483647):invoice_id>.pdf")
def invoice_pdf(token: str, invoice_id: int) -> ResponseReturnValue:
    """A parcel's invoice or credit note, for whoever holds the order's private link (another's: 404)."""
    order = lifecycle.get_order_by_token(token)
    invoice = get_invoice(invoice_id, order_id=order.id) if order is not None else None
    if invoice is None:
        abort(404)
    return pdf_response(invoice)


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


@storefront.post("/stripe/webhook")
@csrf.exempt  # type: ignore[untyped-decorator]  # Stripe signs its requests instead: the only exempt route
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


CHECKOUT_NONCE = "checkout_nonce"


LAST_ORDER = "last_order"  #: the key and tracking token of the order this session placed last


def _describe_problem(problem: OrderProblem, cart_view: CartView | None = None) -> str:
    """A domain error in the customer's words."""
    names = {line.variant.id: _line_name(line.variant) for line in cart_view.lines} if cart_view else {}
    if isinstance(problem, OutOfStock):
        name = names.get(problem.variant_id) or _("this item")
        if problem.available == 0:
            return str(_("“%(name)s” has just sold out.", name=name))
        return str(_("Only %(count)d left of “%(name)s”.", count=problem.available, name=name))
    if isinstance(problem, PriceChanged):
        name = names.get(problem.variant_id) or _("this item")
        price = format_cents(problem.price_cents, current_language())
        return str(_("The price of “%(name)s” is now %(price)s. Check the order and send it again.",
                     name=name, price=price))  # fmt: skip
    if isinstance(problem, ProductUnavailable):
        return str(_("That product is no longer sold."))
    if isinstance(problem, QuantityNotAllowed):
        return str(_("Enter a number from 1 to %(max)d.", max=MAX_QUANTITY))
    if isinstance(problem, DeliveryNotOffered):
        return str(_("Choose how each parcel should travel, and fill in its details."))
    if isinstance(problem, EmptyOrder):
        return str(_("Your cart is empty."))
    return str(_("Something in the order was not right; please check it."))


def _line_name(variant: Any) -> str:
    name = localized(variant.product, "name")
    variant_name = localized(variant, "name")
    return f"{name} ({variant_name})" if variant_name else name


@storefront.post("/krepselis/prideti")
def add_to_cart() -> ResponseReturnValue:
    form = AddToCartForm()
    back = request.referrer if _is_local(request.referrer) else url_for("orders_storefront.cart")
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back)
    cart = Cart.from_session(session)
    variant_id, quantity = int(form.variant_id.data or 0), int(form.quantity.data or 0)  # both validated
    try:
        variant = check_addition(variant_id, quantity, already=cart.quantities.get(variant_id, 0))
    except OrderProblem as problem:
        if isinstance(problem, OutOfStock):
            flash(
                _("Only %(count)d available; your cart already holds what is left.", count=problem.available),
                "error",
            )
        else:
            flash(_describe_problem(problem), "error")
        return redirect(back)
    cart.quantities[variant_id] = cart.quantities.get(variant_id, 0) + quantity
    cart.save(session)
    flash(_("“%(name)s” is in your cart.", name=_line_name(variant)), "success")
    return redirect(back)


@storefront.route("/krepselis", methods=["GET", "POST"])
def cart() -> ResponseReturnValue:
    cart = Cart.from_session(session)
    cart_view = build_cart_view(cart)
    form = cart_form({line.variant.id: line.quantity for line in cart_view.lines}, _parcels(cart_view))
    if form.is_submitted():
        form.validate()
        _update_cart(cart, cart_view, form)
        cart.save(session)
        if not form.errors:
            if form.goes_to_checkout:
                return redirect(url_for("orders_storefront.checkout_page"))
            return redirect(url_for("orders_storefront.cart"))
        cart_view = build_cart_view(cart)
    elif cart_view.removed:
        cart.save(session)
        flash(_("Some products are no longer sold and were taken out of your cart."), "info")
    return render_template("orders/storefront/cart.html", cart=cart_view, form=form)


def _update_cart(cart: Cart, cart_view: CartView, form: CartForm) -> None:
    """Apply the cart form: the line removed, the quantities understood, the parcels' deliveries.

    Each line stands alone: a quantity typed wrong gets its message and the others are still saved.
    """
    quantities = form.quantities()
    for line in cart_view.lines:
        variant_id = line.variant.id
        if variant_id == form.removed_variant_id:
            cart.quantities.pop(variant_id, None)
        elif variant_id in quantities:
            try:
                cart.change_quantity(line.variant, quantities[variant_id])
            except OutOfStock as problem:
                errors = form.quantity_field(variant_id).errors
                errors.append(_("Only %(count)d left.", count=problem.available))
            except OrderProblem as problem:
                form.quantity_field(variant_id).errors.append(_describe_problem(problem))
    for community_id, method in form.chosen_methods().items():
        cart.choose_delivery(community_id, method)


def _parcels(cart_view: CartView) -> list[Parcel]:
    """The cart's parcels as the forms ask about them."""
    return [
        Parcel(
            group.community.id,
            [option.method for option in group.options],
            group.chosen.method if group.chosen else None,
        )
        for group in cart_view.groups
    ]


def _gift_lines(cart_view: CartView) -> dict[int, GiftLine]:
    """Each line's name and where its gift message would go: into a card, or on a note in its parcel."""
    return {
        line.variant.id: GiftLine(
            _line_name(line.variant),
            GiftNote.of(is_card=line.product.is_card, parcel_has_cards=group.has_cards),
        )
        for group in cart_view.groups
        for line in group.lines
    }


def checkout_form_for(cart_view: CartView, cart: Cart, terms: LegalPageVersion | None) -> CheckoutForm:
    """The checkout form for this cart: its parcels, its lines, the ways to pay its total, its key, the
    terms of sale in force."""
    return checkout_form(
        _parcels(cart_view),
        _gift_lines(cart_view),
        payment_methods(cart_view.total_cents),
        idempotency_key=checkout_key(cart, cart_view),
        terms_version_id=terms.id if terms else None,
    )


def payment_methods(total_cents: int) -> list[PaymentMethod]:
    """The ways to pay this shop offers now, the usual one first: cards only with Stripe configured."""
    if gateway.is_enabled() and total_cents > 0:
        return [PaymentMethod.CARD, PaymentMethod.BANK_TRANSFER]
    return [PaymentMethod.BANK_TRANSFER]


def checkout_key(cart: Cart, cart_view: CartView) -> str:
    """The idempotency key of this cart's checkout: a secret of the session joined to the cart's lines and
    their prices as shown.

    A form sent twice carries the same key (one order); a form from before the cart or a price changed (a
    sale ended while the customer typed) carries another, so it is shown again instead of quietly
    re-opening an older order or charging a price the customer did not see.
    """
    nonce = session.get(CHECKOUT_NONCE)
    if not isinstance(nonce, str):
        nonce = session[CHECKOUT_NONCE] = uuid.uuid4().hex
    prices = {line.variant.id: line.offer.price_cents for line in cart_view.lines}
    lines = ",".join(
        f"{variant_id}x{quantity}@{prices.get(variant_id, '')}"
        for variant_id, quantity in sorted(cart.quantities.items())
    )
    return hashlib.sha256(f"{nonce}:{lines}".encode()).hexdigest()[:32]


@storefront.route("/uzsakymas", methods=["GET", "POST"])
def checkout_page() -> ResponseReturnValue:
    cart = Cart.from_session(session)
    placed = _order_placed_by(CheckoutKeyForm())
    if placed is not None:  # the same form sent twice
        return redirect(url_for("orders_storefront.track", token=placed, placed=1))
    cart_view = build_cart_view(cart)
    if cart_view.is_empty:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("orders_storefront.cart"))
    terms = legal_pages.current_version(LegalPageKind.TERMS)
    form = checkout_form_for(cart_view, cart, terms)
    if form.is_submitted():
        valid = form.validate()
        for community_id, method in form.chosen_methods().items():  # kept even when something is wrong
            cart.choose_delivery(community_id, method)
        cart.save(session)
        cart_view = build_cart_view(cart)  # totals with the parcels' delivery as chosen
        if valid:
            try:
                order = place_order(
                    cart_view.line_requests(form.gift_messages()),
                    form.deliveries(),
                    form.buyer(),
                    payment_method=form.chosen_payment_method(),
                    idempotency_key=form.idempotency_key.data,
                    terms_version_id=form.terms_version_shown(),
                )
            except TermsChanged as changed:  # published while the form was on its way
                form.terms_changed(changed.version_id)
                terms = legal_pages.current_version(LegalPageKind.TERMS)
            except OrderProblem as problem:
                form.form_errors.append(_describe_problem(problem, cart_view))
                cart_view = build_cart_view(cart)  # show the stock as it is now
            else:
                Cart.clear(session)
                session.pop(CHECKOUT_NONCE, None)
                session[LAST_ORDER] = {"key": form.expected_key, "token": order.public_token}
                if order.payment_method is PaymentMethod.CARD:
                    return pay_by_card(order)
                return redirect(url_for("orders_storefront.track", token=order.public_token, placed=1))
    return render_template("orders/storefront/checkout.html", form=form, cart=cart_view, terms=terms)


def _order_placed_by(sent: CheckoutKeyForm) -> str | None:
    """The tracking token of the order this session placed with the form just sent, if it placed one."""
    last = session.get(LAST_ORDER)
    if not sent.is_submitted() or not isinstance(last, dict) or not sent.idempotency_key.data:
        return None
    return str(last.get("token", "")) if sent.idempotency_key.data == last.get("key") else None


def _is_local(url: str | None) -> bool:
    """Whether a URL points back into this shop (the Referer of a form post)."""
    if not url:
        return False
    target = urlsplit(url)
    return target.netloc == request.host and target.scheme in {"http", "https"}


@storefront.app_errorhandler(CSRFError)
def _form_expired(error: CSRFError) -> ResponseReturnValue:
    """A stale or missing CSRF token: at checkout, show the form again as typed, with a word of why."""
    cart = Cart.from_session(session)
    cart_view = build_cart_view(cart)
    if request.endpoint != "orders_storefront.checkout_page" or cart_view.is_empty:
        return render_error(400, _("The form had expired. Go back, reload the page and try again."))
    terms = legal_pages.current_version(LegalPageKind.TERMS)
    form = checkout_form_for(cart_view, cart, terms)
    form.form_errors.append(_("The form had expired. Check your details and submit again."))
    return render_template("orders/storefront/checkout.html", form=form, cart=cart_view, terms=terms), 400


def cart_count() -> int:
    """How many items the visitor's cart holds (from the session, no query): the header shows it."""
    return Cart.from_session(session).count


# ---------------------------------------------------------------------------------------------- one's data

#: Asking for one's data is limited as the password page is: posts per IP address, mails per address.
PRIVACY_POSTS_PER_IP = "10 per minute"
PRIVACY_MAILS_PER_EMAIL = "5 per hour"


@storefront.route("/privatumas/mano-duomenys", methods=["GET", "POST"])
def privacy_request() -> ResponseReturnValue:
    """A customer asks, by e-mail address, for the link to their data: the same answer for any address."""
    form = PrivacyRequestForm()
    if form.validate_on_submit():
        mail_ids = asking.request_link(form.email.normal, language=current_language())
        flash(
            ngettext(
                "If orders were placed with this address, we have sent it a link to your data. Please look "
                "in your mailbox (and in the spam folder): the link works for %(num)d hour.",
                "If orders were placed with this address, we have sent it a link to your data. Please look "
                "in your mailbox (and in the spam folder): the link works for %(num)d hours.",
                int(current_app.config["PRIVACY_LINK_HOURS"]),
            ),
            "info",
        )
        response = redirect(url_for("orders_storefront.privacy_request"))
        if mail_ids:  # the mail leaves after the answer, so the time taken tells nothing either
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            response.call_on_close(lambda: _send_in(app, mail_ids))
        return response
    status = 400 if form.is_submitted() else 200
    return render_template("orders/storefront/privacy_request.html", form=form), status


@storefront.get("/privatumas/<token>")
def privacy_data(token: str) -> ResponseReturnValue:
    """The mailed link's page: what is held, a copy to download, erasure."""
    try:
        asked = asking.read_link_token(token)
    except PrivacyLinkNotValid as error:
        return _privacy_link_not_valid(error.problem)
    holdings = holdings_of(asked.email, utcnow())
    return _private(
        render_template(
            "orders/storefront/privacy_data.html",
            token=token,
            asked=asked,
            holdings=holdings,
            **_privacy_words(),
        )
    )


@storefront.post("/privatumas/<token>/kopija")
def privacy_copy(token: str) -> ResponseReturnValue:
    """The copy of one's data, as a JSON file."""
    try:  # a post (CSRF-checked like every other), so that no link preview ever takes a copy
        asked = asking.read_link_token(token)
        data = privacy_export.export_request(asked.id)
    except (PrivacyLinkNotValid, AlreadyErased) as error:
        return _privacy_link_not_valid(getattr(error, "problem", "used"))
    return _json_copy(data)


@storefront.route("/privatumas/<token>/istrinti", methods=["GET", "POST"])
def privacy_erase(token: str) -> ResponseReturnValue:
    """Erasure, after a confirmation that says what goes now, what waits for open orders, what stays."""
    try:
        asked = asking.read_link_token(token)
    except PrivacyLinkNotValid as error:
        return _privacy_link_not_valid(error.problem)
    if asked.status is not PrivacyRequestStatus.OPEN:  # erasure confirmed before: the page says how far
        return redirect(url_for("orders_storefront.privacy_data", token=token))
    form = ErasureForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                result = privacy_erasure.erase(asked.id)
            except AlreadyErased:
                flash(_("Your erasure was already confirmed."), "info")
                return redirect(url_for("orders_storefront.privacy_data", token=token))
            if result.status is PrivacyRequestStatus.ERASED:
                flash(_erased_words(result.kept_until), "success")
                return redirect(url_for("orders_storefront.privacy_request"))
            flash(
                _("Your closed orders are erased. The others follow on their own as they close."), "success"
            )
            return redirect(url_for("orders_storefront.privacy_data", token=token))
        status = 400
    holdings = holdings_of(asked.email, utcnow())
    page = render_template(
        "orders/storefront/privacy_erase.html", token=token, holdings=holdings, form=form, **_privacy_words()
    )
    return _private(page, status)


def _erased_words(kept_until: date | None) -> str:
    if kept_until is None:
        return str(_("Your data are erased. We hold nothing more under your e-mail address."))
    return str(
        _(
            "Your data are erased. Only the orders' numbers, dates and amounts stay, without your name, "
            "until %(date)s, as the accounting law requires.",
            date=format_date(kept_until, "long"),
        )
    )


def _privacy_words() -> dict[str, Any]:
    """What the privacy pages need to word the states of orders and why an order is still open."""
    return {
        "order_labels": ORDER_STATUS_LABELS,
        "open_reasons": OPEN_REASON_LABELS,
        "closes_on": asking.closes_on,
    }


def _private(page: str, status: int = 200) -> ResponseReturnValue:
    """A page of someone's data: never stored by a browser or proxy, never told to another site."""
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _json_copy(data: dict[str, Any]) -> ResponseReturnValue:
    response = Response(privacy_export.to_json(data), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{privacy_export.file_name()}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _privacy_link_not_valid(problem: str) -> ResponseReturnValue:
    status = 404 if problem == "invalid" else 410
    page = render_template("orders/storefront/privacy_link_invalid.html", problem=problem)
    return _private(page, status)


def _send_in(app: Any, mail_ids: list[int]) -> None:
    with app.app_context():
        outbox.send_ids_now(mail_ids)


@storefront.errorhandler(RateLimitExceeded)
def _too_many_requests(_error: RateLimitExceeded) -> ResponseReturnValue:
    """The form again, as typed, with a word of why: not the limiter's own page."""
    form = PrivacyRequestForm()
    form.form_errors.append(_("Too many attempts. Please wait a few minutes and try again."))
    return render_template("orders/storefront/privacy_request.html", form=form), 429


def _email_key() -> str:
    return "privacy-email:" + (request.form.get("email") or "").strip().lower()[:254]


@storefront.record_once
def _limit_privacy_requests(state: BlueprintSetupState) -> None:
    """Wrap the asking page in this app's own limits (a no-op with RATELIMIT_ENABLED off)."""
    app = cast(Flask, state.app)
    limiter = limiter_of(app)
    per_ip = limiter.limit(PRIVACY_POSTS_PER_IP, methods=["POST"])
    mails_per_email = limiter.limit(PRIVACY_MAILS_PER_EMAIL, key_func=_email_key, methods=["POST"])
    views: dict[str, Any] = app.view_functions  # replaced by their limited wrappers, in this app only
    views["orders_storefront.privacy_request"] = per_ip(
        mails_per_email(views["orders_storefront.privacy_request"])
    )
