"""The cart and the checkout: adding to the cart, changing it, the one checkout page (placing the order,
once however often it is sent) and a stale form shown again as typed."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
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
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response as BaseResponse

from legal import pages as legal_pages
from legal.models import LegalPageKind, LegalPageVersion
from orders.caps import max_line_quantity
from orders.cart import Cart, CartView, build_cart_view, check_addition
from orders.errors import (
    DeliveryNotOffered,
    EmptyOrder,
    LockerNotAvailable,
    OrderProblem,
    OutOfStock,
    PriceChanged,
    ProductionFull,
    ProductUnavailable,
    QuantityNotAllowed,
    ShareOfStockExceeded,
    TermsChanged,
    TooManyUnpaidOrders,
)
from orders.forms.storefront import (
    AddToCartForm,
    CartForm,
    CheckoutForm,
    CheckoutKeyForm,
    GiftLine,
    Parcel,
    cart_form,
    checkout_form,
)
from orders.labels import GiftNote
from orders.models import PaymentMethod
from orders.payments import gateway
from orders.placing import PlacedOrder, take_order, unavailable_lockers
from orders.views.storefront.blueprint import storefront
from orders.views.storefront.payment import pay_by_card
from producers.lockers import get_locker_list, lockers_by_town
from producers.models import DeliveryMethod, Locker, LockerList
from shop import outbox
from shop.errors import render_error
from shop.extensions import csrf, limiter_of
from shop.i18n import current_language, format_datetime, localized
from shop.money import format_cents
from shop.operator import get_operator

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
        if problem.quantity > max_line_quantity():
            return " ".join(
                (
                    _("One order can hold at most %(max)d of one item.", max=max_line_quantity()),
                    _larger_orders(),
                )
            )
        return str(_("Enter a number from 1 to %(max)d.", max=max_line_quantity()))
    if isinstance(problem, ShareOfStockExceeded):
        name = names.get(problem.variant_id)
        if name:
            allowed = _(
                "One order can hold at most %(count)d of “%(name)s”.", count=problem.allowed, name=name
            )
        else:
            allowed = _("One order can hold at most %(count)d of this item.", count=problem.allowed)
        return f"{allowed} {_larger_orders()}"
    if isinstance(problem, ProductionFull):
        return _describe_production_full(problem)
    if isinstance(problem, TooManyUnpaidOrders):
        return _describe_unpaid(problem)
    if isinstance(problem, DeliveryNotOffered):
        return str(_("Choose how each parcel should travel, and fill in its details."))
    if isinstance(problem, EmptyOrder):
        return str(_("Your cart is empty."))
    return str(_("Something in the order was not right; please check it."))


def _larger_orders() -> str:
    """Where a larger order than the shop takes online is welcome: the VVG, by e-mail or phone."""
    operator = get_operator()
    if operator is None or not (operator.email or operator.phone):
        return str(_("Larger orders are welcome: please write to us."))
    contact = ", ".join(part for part in (operator.email, operator.phone) if part)
    return str(_("Larger orders are welcome: please contact the VVG (%(contact)s).", contact=contact))


def _describe_production_full(problem: ProductionFull) -> str:
    """Why the made-to-order items cannot be taken: more than the community makes in a week, or its weeks
    ahead are all taken; either way the VVG can arrange it."""
    if problem.quantity > problem.per_week:
        why = _(
            "%(community)s makes at most %(count)d made-to-order items a week, and this order asks for "
            "%(quantity)d.",
            community=problem.community_name,
            count=problem.per_week,
            quantity=problem.quantity,
        )
    else:
        why = _(
            "%(community)s has no room for more made-to-order items in the coming months.",
            community=problem.community_name,
        )
    return f"{why} {_larger_orders()}"


def _describe_unpaid(problem: TooManyUnpaidOrders) -> str:
    """Why no more orders are taken for now, and what to do: pay or cancel one of the earlier ones."""
    if problem.by == "email":
        why = ngettext(
            "%(num)d order placed with this e-mail address is still waiting for payment.",
            "%(num)d orders placed with this e-mail address are still waiting for payment.",
            problem.limit,
        )
    else:
        why = ngettext(
            "%(num)d order placed from your network is still waiting for payment.",
            "%(num)d orders placed from your network are still waiting for payment.",
            problem.limit,
        )
    what = _(
        "Please pay for one of them, or cancel one you no longer need (the link is in its e-mail), "
        "and then place this order."
    )
    return f"{why} {what}"


def _describe_shortage(problem: OutOfStock) -> str:
    """Why no more can go into the cart, truly: sold out for now, or the cart already holds what is left."""
    if problem.available <= 0:
        if problem.held_until is not None:
            return str(
                _(
                    "Sold out for now: others' unpaid orders hold what is left. "
                    "It may be back after %(moment)s.",
                    moment=format_datetime(problem.held_until, "short"),
                )
            )
        return str(_("Sold out for now."))
    if problem.in_cart >= problem.available:
        return str(
            _("Only %(count)d available; your cart already holds what is left.", count=problem.available)
        )
    return str(
        _(
            "Only %(count)d available; you can add %(more)d more.",
            count=problem.available,
            more=problem.available - problem.in_cart,
        )
    )


def _line_name(variant: Any) -> str:
    name = localized(variant.product, "name")
    variant_name = localized(variant, "name")
    return f"{name} ({variant_name})" if variant_name else name


@storefront.post("/krepselis/prideti")
@csrf.exempt  # type: ignore[untyped-decorator]  # the product cards' form has no token: README, caching
def add_to_cart() -> ResponseReturnValue:
    if _from_another_site():
        abort(403)
    form = AddToCartForm(meta={"csrf": False})
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
            flash(_describe_shortage(problem), "error")
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
                if problem.available <= 0:  # sold out for now, and maybe when it is back
                    errors.append(_describe_shortage(problem))
                else:
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


@dataclass(frozen=True)
class LockerChoices:
    """One carrier's lockers as a parcel's select offers them: grouped by town, with the list they come
    from (its date and whether it is sample data), which the page says."""

    method: DeliveryMethod
    towns: Sequence[tuple[str, Sequence[Locker]]]
    listed: LockerList | None


def locker_lists(cart_view: CartView, postal_code: str, town: str) -> dict[int, list[LockerChoices]]:
    """Each parcel's lockers (by community), one list per locker method its community offers; the
    customer's town (as typed, else that of their postal code) first. Each carrier's lockers are read
    once."""
    choices: dict[DeliveryMethod, LockerChoices] = {}
    lists: dict[int, list[LockerChoices]] = {}
    for group in cart_view.groups:
        for option in group.options:
            if option.method.is_locker:
                if option.method not in choices:
                    towns = lockers_by_town(option.method, postal_code, first_town=town)
                    choices[option.method] = LockerChoices(
                        option.method, towns, get_locker_list(option.method)
                    )
                lists.setdefault(group.community.id, []).append(choices[option.method])
    return lists


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
    sent = CheckoutKeyForm()
    placed = _order_placed_by(sent)
    if placed is not None:  # the same form sent twice
        return redirect(url_for("orders_storefront.track", token=placed, placed=1))
    submitted = sent.is_submitted()
    cart_view = build_cart_view(cart, with_photos=not submitted)  # a sent form is shown again only if wrong
    if cart_view.is_empty:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("orders_storefront.cart"))
    terms = legal_pages.current_version(LegalPageKind.TERMS)
    form = checkout_form_for(cart_view, cart, terms)
    if submitted:
        valid = form.validate()
        for community_id in unavailable_lockers(form.deliveries()):
            form.locker_unavailable(community_id)
            valid = False
        for community_id, method in form.chosen_methods().items():  # kept even when something is wrong
            cart.choose_delivery(community_id, method)
        cart.save(session)
        if valid:
            try:
                taken = take_order(
                    cart_view.line_requests(form.gift_messages()),
                    form.deliveries(),
                    form.buyer(),
                    payment_method=form.chosen_payment_method(),
                    idempotency_key=form.idempotency_key.data,
                    terms_version_id=form.terms_version_shown(),
                    client_ip=request.remote_addr or "",
                )
            except TermsChanged as changed:  # published while the form was on its way
                form.terms_changed(changed.version_id)
                terms = legal_pages.current_version(LegalPageKind.TERMS)
            except LockerNotAvailable as problem:  # deactivated a moment ago
                form.locker_unavailable(problem.community_id)
            except OrderProblem as problem:
                form.form_errors.append(_describe_problem(problem, cart_view))
            else:
                return _placed_order(taken, form)
        cart_view = build_cart_view(cart)  # the stock as it is now, the parcels' delivery as chosen
    return render_checkout(form, cart_view, terms)


def _placed_order(placed: PlacedOrder, form: CheckoutForm) -> ResponseReturnValue:
    """The cart emptied and the order remembered; then its payment (a card's) or its page, and its mail
    tried once the answer has gone out (the customer does not wait for the mail server)."""
    order = placed.order
    g.placed_order = True  # counted by the checkout's limits (below)
    Cart.clear(session)
    session.pop(CHECKOUT_NONCE, None)
    session[LAST_ORDER] = {"key": form.expected_key, "token": placed.public_token}
    response: BaseResponse
    if placed.payment_method is PaymentMethod.CARD:
        response = make_response(pay_by_card(order))
    else:
        response = redirect(url_for("orders_storefront.track", token=placed.public_token, placed=1))
    if placed.mail_ids:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        response.call_on_close(lambda: _send_in(app, placed.mail_ids))
    return response


def _send_in(app: Flask, mail_ids: list[int]) -> None:
    with app.app_context():
        outbox.send_ids_now(mail_ids)


def render_checkout(form: CheckoutForm, cart_view: CartView, terms: LegalPageVersion | None) -> str:
    """The checkout page, with each locker parcel's lockers grouped by town (the customer's town first
    once it or a postal code is typed)."""
    return render_template(
        "orders/storefront/checkout.html",
        form=form,
        cart=cart_view,
        terms=terms,
        lockers=locker_lists(cart_view, form.postal_code.data or "", form.city.data or ""),
    )


def too_many_orders() -> ResponseReturnValue:
    """The checkout's limits are reached: the form again, as typed, with a word of why and until when."""
    placed = _order_placed_by(CheckoutKeyForm())
    if placed is not None:  # the order that reached the limit, its form sent twice
        return redirect(url_for("orders_storefront.track", token=placed, placed=1))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    reached = [
        limit for limit in limiter_of(app).current_limits if limit.breached or limit.window.remaining <= 0
    ]
    if any(EMAIL_KEY in limit.key for limit in reached):
        why = _("Too many orders were placed with this e-mail address in a short while.")
    else:
        why = _("Too many orders were placed from your network in a short while.")
    until = max((limit.reset_at for limit in reached), default=0)
    if until:  # the latest of the limits reached: a day's may outlast an hour's
        moment = format_datetime(datetime.fromtimestamp(until, UTC), "short")
        when = _("You can place the next one after %(moment)s.", moment=moment)
    else:
        when = _("Please try again later.")
    message = f"{why} {when}"
    cart = Cart.from_session(session)
    cart_view = build_cart_view(cart)
    if cart_view.is_empty:
        return render_error(429, message)
    terms = legal_pages.current_version(LegalPageKind.TERMS)
    form = checkout_form_for(cart_view, cart, terms)  # filled from what was sent
    form.form_errors.append(message)
    return render_checkout(form, cart_view, terms), 429


EMAIL_KEY = "checkout-email:"


def _email_key() -> str:
    return EMAIL_KEY + (request.form.get("email") or "").strip().lower()[:254]


def _placed(_response: Response) -> bool:
    return bool(g.get("placed_order"))


@storefront.record_once
def _limit_checkouts(state: BlueprintSetupState) -> None:
    """Wrap the checkout in this app's own limits on orders placed, per IP address and per e-mail address
    (a no-op with RATELIMIT_ENABLED off). Only a post that places an order counts, not a page view nor a
    form sent back with a mistake; a post over the limit is refused before anything is placed."""
    app = cast(Flask, state.app)
    limiter = limiter_of(app)
    per_ip = limiter.limit(
        lambda: str(app.config["CHECKOUT_ORDERS_PER_IP"]),
        key_func=get_remote_address,
        methods=["POST"],
        deduct_when=_placed,
    )
    per_email = limiter.limit(
        lambda: str(app.config["CHECKOUT_ORDERS_PER_EMAIL"]),
        key_func=_email_key,
        methods=["POST"],
        deduct_when=_placed,
    )
    views: dict[str, Any] = app.view_functions  # replaced by their limited wrappers, in this app only
    views["orders_storefront.checkout_page"] = per_ip(per_email(views["orders_storefront.checkout_page"]))


def _order_placed_by(sent: CheckoutKeyForm) -> str | None:
    """The tracking token of the order this session placed with the form just sent, if it placed one."""
    last = session.get(LAST_ORDER)
    if not sent.is_submitted() or not isinstance(last, dict) or not sent.idempotency_key.data:
        return None
    return str(last.get("token", "")) if sent.idempotency_key.data == last.get("key") else None


def _from_another_site() -> bool:
    """Whether the browser says a post was sent from another site's page: its `Origin`, or without one its
    `Referer`, present and not this shop's. Neither sent (a script, a browser told to send no referrer)
    is let through: a forged post carries no session cookie (SameSite=Lax), so it could only fill a cart
    of its own."""
    sent = request.headers.get("Origin") or request.headers.get("Referer")
    return sent is not None and not _is_local(sent)


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
    return render_checkout(form, cart_view, terms), 400


def cart_count() -> int:
    """How many items the visitor's cart holds (from the session, no query): the header shows it."""
    return Cart.from_session(session).count
