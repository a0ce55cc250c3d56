"""Cart and checkout pages: the storefront's top floor, where the catalogue turns into an order."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, NumberRange, Optional

from orders import stripe_gateway
from orders.labels import PAYMENT_LABELS
from orders.models import PaymentMethod
from orders.services import (
    MAX_QUANTITY,
    Buyer,
    DeliveryChoice,
    DeliveryNotOffered,
    EmptyOrder,
    LineRequest,
    OrderProblem,
    OutOfStock,
    ProductUnavailable,
    QuantityNotAllowed,
    place_order,
)
from orders.views.storefront import pay_by_card
from producers.models import DeliveryMethod
from shop.cart import Cart, CartView, build_cart_view, check_addition
from shop.errors import render_error
from shop.forms import EMAIL, PHONE, POSTAL_CODE, WholeNumberField, at_most
from shop.i18n import current_language, localized

checkout = Blueprint("checkout", __name__)

CHECKOUT_NONCE = "checkout_nonce"
LAST_ORDER = "last_order"  #: the key and tracking token of the order this session placed last

DELIVERY_LABELS = {
    DeliveryMethod.PICKUP: _l("Pick up at the community"),
    DeliveryMethod.OMNIVA: _l("Omniva parcel locker"),
    DeliveryMethod.LP_EXPRESS: _l("LP Express parcel locker"),
    DeliveryMethod.DPD: _l("DPD parcel locker"),
    DeliveryMethod.COURIER: _l("Courier to your address"),
}


@checkout.app_context_processor
def _cart_count() -> dict[str, Any]:
    """In every template: `cart_count()` (from the session, no query) and `delivery_label(method)`."""
    return {
        "cart_count": lambda: Cart.from_session(session).count,
        "delivery_label": DELIVERY_LABELS.__getitem__,
    }


class AddToCartForm(FlaskForm):  # type: ignore[misc]
    variant_id = WholeNumberField(
        validators=[
            InputRequired(_l("That product is no longer sold.")),
            NumberRange(1, 2**31 - 1, _l("That product is no longer sold.")),
        ]
    )
    quantity = WholeNumberField(
        _l("Quantity"),
        default=1,
        validators=[
            InputRequired(_l("Enter how many you want.")),
            NumberRange(1, MAX_QUANTITY, _l("Enter a number from 1 to %(max)d.", max=MAX_QUANTITY)),
        ],
    )


def _describe_problem(problem: OrderProblem, cart_view: CartView | None = None) -> str:
    """A domain error in the customer's words."""
    names = {line.variant.id: _line_name(line.variant) for line in cart_view.lines} if cart_view else {}
    if isinstance(problem, OutOfStock):
        name = names.get(problem.variant_id) or _("this item")
        if problem.available == 0:
            return str(_("“%(name)s” has just sold out.", name=name))
        return str(_("Only %(count)d left of “%(name)s”.", count=problem.available, name=name))
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


@checkout.post("/krepselis/prideti")
def add_to_cart() -> ResponseReturnValue:
    form = AddToCartForm()
    back = request.referrer if _is_local(request.referrer) else url_for("checkout.cart")
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


@checkout.route("/krepselis", methods=["GET", "POST"])
def cart() -> ResponseReturnValue:
    cart = Cart.from_session(session)
    cart_view = build_cart_view(cart)
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _update_cart(cart, cart_view)
        cart.save(session)
        if not errors:
            if request.form.get("action") == "checkout":
                return redirect(url_for("checkout.checkout_page"))
            return redirect(url_for("checkout.cart"))
        cart_view = build_cart_view(cart)
    elif cart_view.removed:
        cart.save(session)
        flash(_("Some products are no longer sold and were taken out of your cart."), "info")
    return render_template("orders/storefront/cart.html", cart=cart_view, errors=errors, typed=request.form)


def _update_cart(cart: Cart, cart_view: CartView) -> dict[str, str]:
    """Apply the cart form: quantities, removals, delivery choices. Returns messages by field name."""
    errors: dict[str, str] = {}
    remove = request.form.get("remove", "")
    for line in cart_view.lines:
        variant_id = line.variant.id
        if remove == str(variant_id):
            cart.quantities.pop(variant_id, None)
            continue
        raw = request.form.get(f"qty_{variant_id}")
        if raw is None:
            continue
        try:
            quantity = int(raw.strip())
        except ValueError:
            errors[f"qty_{variant_id}"] = _("Enter a whole number.")
            continue
        if quantity == 0:
            cart.quantities.pop(variant_id, None)
        elif not 0 < quantity <= MAX_QUANTITY:
            errors[f"qty_{variant_id}"] = _("Enter a number from 1 to %(max)d.", max=MAX_QUANTITY)
        elif not line.variant.is_made_to_order and quantity > line.variant.stock:
            errors[f"qty_{variant_id}"] = _("Only %(count)d left.", count=line.variant.stock)
        else:
            cart.quantities[variant_id] = quantity
    for group in cart_view.groups:
        wanted = request.form.get(f"delivery_{group.community.id}", "")
        offered = {option.method.value for option in group.options}
        if wanted in offered:
            cart.choose_delivery(group.community.id, DeliveryMethod(wanted))
    return errors


class CheckoutForm(FlaskForm):  # type: ignore[misc]
    """The one-page guest checkout; fields per parcel and per line are added by `checkout_form_for`."""

    idempotency_key = HiddenField()
    name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter your name.")), at_most(120)])
    email = StringField(
        _l("E-mail"), validators=[DataRequired(_l("Enter your e-mail address.")), at_most(254), EMAIL]
    )
    phone = StringField(
        _l("Phone"), validators=[DataRequired(_l("Enter your phone number.")), at_most(30), PHONE]
    )
    address_line = StringField(_l("Street, house and flat"), validators=[Optional(), at_most(200)])
    city = StringField(_l("Town or village"), validators=[Optional(), at_most(120)])
    postal_code = StringField(_l("Postal code"), validators=[Optional(), at_most(10), POSTAL_CODE])
    notes = TextAreaField(_l("Notes for the communities"), validators=[Optional(), at_most(1000)])
    accept_terms = BooleanField(
        _l("I have read the terms of sale, including the 14-day right of withdrawal."),
        validators=[DataRequired(_l("Please accept the terms of sale."))],
    )
    accept_privacy = BooleanField(
        _l("I agree that my details are used to deliver this order, as the privacy notice says."),
        validators=[DataRequired(_l("Please accept the privacy notice."))],
    )

    cart_view: CartView

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        if self.needs_address:
            for field in (self.address_line, self.city, self.postal_code):
                if not (field.data or "").strip() and not field.errors:
                    field.errors.append(_("Needed for the courier."))
                    valid = False
        return valid

    def delivery_field(self, community_id: int) -> Any:
        return self[f"delivery_{community_id}"]

    def locker_field(self, community_id: int) -> Any:
        return self[f"locker_{community_id}"]

    def gift_field(self, variant_id: int) -> Any:
        return self[f"gift_{variant_id}"]

    def chosen_method(self, community_id: int) -> DeliveryMethod | None:
        value = self.delivery_field(community_id).data
        return DeliveryMethod(value) if value in DeliveryMethod._value2member_map_ else None

    @property
    def needs_address(self) -> bool:
        return any(
            self.chosen_method(g.community.id) is DeliveryMethod.COURIER for g in self.cart_view.groups
        )

    def buyer(self) -> Buyer:
        return Buyer(
            name=self.name.data.strip(),
            email=self.email.normal,
            phone=self.phone.normal,
            language=current_language(),
            address_line=(self.address_line.data or "").strip() if self.needs_address else "",
            city=(self.city.data or "").strip() if self.needs_address else "",
            postal_code=self.postal_code.normal if self.needs_address else "",
            notes=(self.notes.data or "").strip(),
        )

    def deliveries(self) -> dict[int, DeliveryChoice]:
        choices = {}
        for group in self.cart_view.groups:
            method = self.chosen_method(group.community.id)
            if method is not None:
                choices[group.community.id] = DeliveryChoice(
                    method, self.locker_field(group.community.id).data or ""
                )
        return choices

    def line_requests(self) -> list[LineRequest]:
        return [
            LineRequest(line.variant.id, line.quantity, self.gift_field(line.variant.id).data or "")
            for line in self.cart_view.lines
        ]


def checkout_form_for(cart_view: CartView, cart: Cart) -> CheckoutForm:
    """A checkout form class with a delivery choice and locker per parcel and a gift message per line."""

    class Form(CheckoutForm):
        pass

    for group in cart_view.groups:
        cid = group.community.id
        setattr(
            Form,
            f"delivery_{cid}",
            RadioField(
                _l("Delivery"),
                choices=[SelectChoice(o.method.value, DELIVERY_LABELS[o.method]) for o in group.options],
                default=group.chosen.method.value if group.chosen else None,
                validate_choice=False,
                validators=[
                    InputRequired(_l("Choose how this parcel should travel.")),
                    AnyOf(
                        [o.method.value for o in group.options], _l("Choose how this parcel should travel.")
                    ),
                ],
            ),
        )
        setattr(
            Form, f"locker_{cid}", StringField(_l("Parcel locker"), validators=[Optional(), at_most(200)])
        )
    for line in cart_view.lines:
        setattr(
            Form,
            f"gift_{line.variant.id}",
            TextAreaField(
                _(
                    "Gift message for “%(name)s”, written by hand into a card (optional)",
                    name=_line_name(line.variant),
                ),
                validators=[Optional(), at_most(200)],
            ),
        )
    methods = payment_methods(cart_view.total_cents)
    Form.payment_method = RadioField(
        _l("Payment"),
        choices=[SelectChoice(method.value, PAYMENT_LABELS[method]) for method in methods],
        default=methods[0].value,
        validate_choice=False,  # WTForms' own message is English only
        validators=[AnyOf([method.value for method in methods], _l("Choose how to pay."))],
    )
    form = Form()
    form.cart_view = cart_view
    form.expected_key = checkout_key(cart)
    if request.method != "POST":
        form.idempotency_key.data = form.expected_key
    return form


def payment_methods(total_cents: int) -> list[PaymentMethod]:
    """The ways to pay this shop offers now, the usual one first: cards only with Stripe configured."""
    if stripe_gateway.is_enabled() and total_cents > 0:
        return [PaymentMethod.CARD, PaymentMethod.BANK_TRANSFER]
    return [PaymentMethod.BANK_TRANSFER]


def checkout_key(cart: Cart) -> str:
    """The idempotency key of this cart's checkout: a secret of the session joined to the cart's lines.

    A form sent twice carries the same key (one order); a form from before the cart changed carries
    another, so it is shown again instead of quietly re-opening an older order.
    """
    nonce = session.get(CHECKOUT_NONCE)
    if not isinstance(nonce, str):
        nonce = session[CHECKOUT_NONCE] = uuid.uuid4().hex
    lines = ",".join(f"{variant_id}x{quantity}" for variant_id, quantity in sorted(cart.quantities.items()))
    return hashlib.sha256(f"{nonce}:{lines}".encode()).hexdigest()[:32]


def _check_lockers(form: CheckoutForm) -> bool:
    valid = True
    for group in form.cart_view.groups:
        method = form.chosen_method(group.community.id)
        locker = form.locker_field(group.community.id)
        if method is not None and method.is_locker and not (locker.data or "").strip():
            locker.errors = [*locker.errors, _("Enter the parcel locker (its name or address).")]
            valid = False
    return valid


@checkout.route("/uzsakymas", methods=["GET", "POST"])
def checkout_page() -> ResponseReturnValue:
    cart = Cart.from_session(session)
    last = session.get(LAST_ORDER)
    if (
        request.method == "POST"
        and isinstance(last, dict)
        and request.form.get("idempotency_key") == last.get("key")
    ):
        return redirect(
            url_for("orders_storefront.track", token=last.get("token", ""), placed=1)
        )  # sent twice
    cart_view = build_cart_view(cart)
    if cart_view.is_empty:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("checkout.cart"))
    form = checkout_form_for(cart_view, cart)
    if request.method == "POST":
        valid = form.validate()
        valid = _check_lockers(form) and valid
        for group in cart_view.groups:  # remember the parcels' choices even when something else is wrong
            method = form.chosen_method(group.community.id)
            if method is not None and any(option.method is method for option in group.options):
                cart.choose_delivery(group.community.id, method)
        cart.save(session)
        cart_view = form.cart_view = build_cart_view(cart)  # totals with the parcels' delivery as chosen
        if form.idempotency_key.data != form.expected_key:
            form.form_errors.append(
                _("Your cart changed since this page was opened. Check the order and send it again.")
            )
            form.idempotency_key.data = form.expected_key
            valid = False
        if valid:
            try:
                order = place_order(
                    form.line_requests(),
                    form.deliveries(),
                    form.buyer(),
                    payment_method=PaymentMethod(form.payment_method.data),
                    idempotency_key=form.idempotency_key.data,
                )
            except OrderProblem as problem:
                form.form_errors.append(_describe_problem(problem, cart_view))
                cart_view = build_cart_view(cart)  # show the stock as it is now
                form.cart_view = cart_view
            else:
                Cart.clear(session)
                session.pop(CHECKOUT_NONCE, None)
                session[LAST_ORDER] = {"key": form.expected_key, "token": order.public_token}
                if order.payment_method is PaymentMethod.CARD:
                    return pay_by_card(order)
                return redirect(url_for("orders_storefront.track", token=order.public_token, placed=1))
    return render_template("orders/storefront/checkout.html", form=form, cart=cart_view)


def _is_local(url: str | None) -> bool:
    """Whether a URL points back into this shop (the Referer of a form post)."""
    if not url:
        return False
    target = urlsplit(url)
    return target.netloc == request.host and target.scheme in {"http", "https"}


@checkout.app_errorhandler(CSRFError)
def _form_expired(error: CSRFError) -> ResponseReturnValue:
    """A stale or missing CSRF token: at checkout, show the form again as typed, with a word of why."""
    cart = Cart.from_session(session)
    cart_view = build_cart_view(cart)
    if request.endpoint != "checkout.checkout_page" or cart_view.is_empty:
        return render_error(400, _("The form had expired. Go back, reload the page and try again."))
    form = checkout_form_for(cart_view, cart)
    form.form_errors.append(_("The form had expired. Check your details and submit again."))
    return render_template("orders/storefront/checkout.html", form=form, cart=cart_view), 400
