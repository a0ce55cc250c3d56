"""The storefront's order forms: adding to the cart, the cart page, the checkout, and asking for one's data.

The cart and the checkout ask one question per parcel (how it travels) and one per line (how many, a gift
message); `cart_form` and `checkout_form` build those fields for the cart at hand, under the names the
pages have always sent (`qty_<variant>`, `delivery_<community>`, `locker_<community>`, `gift_<variant>`).
The forms only read and check what was typed; stock, prices and what each community offers are the
services' to decide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, NumberRange, Optional

from orders.caps import max_line_quantity
from orders.labels import DELIVERY_LABELS, GIFT_FIELD_LABELS, PAYMENT_LABELS, Audience, GiftNote
from orders.models import PaymentMethod
from orders.placing import Buyer, DeliveryChoice
from producers.models import DeliveryMethod
from shop.forms import (
    EMAIL,
    MAX_ID,
    PHONE,
    POSTAL_CODE,
    WholeNumberField,
    at_most,
    stripped,
    whole_number,
)
from shop.i18n import current_language


@dataclass(frozen=True)
class Parcel:
    """One community's parcel as the forms ask about it: the ways it may travel, and the one chosen so far."""

    community_id: int
    methods: Sequence[DeliveryMethod]  #: offered by the community, in its order
    chosen: DeliveryMethod | None = None


class LockerField(StringField):  # type: ignore[misc]  # WTForms ships partial types
    """A parcel's locker, sent as a `Locker` row's id by the page's select (or its type-ahead): `data` is the
    id, or None when nothing or no id was sent. Not a hidden field, so `hidden_tag()` leaves it to the
    select."""

    data: int | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = (whole_number(str(valuelist[0])) or None) if valuelist else None

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


@dataclass(frozen=True)
class GiftLine:
    """A line as the checkout asks for its gift message: its name for the customer, and where it would go."""

    name: str
    note: GiftNote


class LineQuantity:
    """A line's quantity, from `minimum` to the most one order may hold (`MAX_LINE_QUANTITY`, read when the
    form is checked, so the cart, the product page and placing keep to the one setting)."""

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum

    def __call__(self, _form: Any, field: Any) -> None:
        most = max_line_quantity()
        if field.data is None or not self.minimum <= field.data <= most:
            raise ValidationError(_("Enter a number from 1 to %(max)d.", max=most))


class AddToCartForm(FlaskForm):  # type: ignore[misc]  # WTForms ships partial types
    variant_id = WholeNumberField(
        validators=[
            InputRequired(_l("That product is no longer sold.")),
            NumberRange(1, MAX_ID, _l("That product is no longer sold.")),
        ]
    )
    quantity = WholeNumberField(
        _l("Quantity"),
        default=1,
        validators=[
            InputRequired(_l("Enter how many you want.")),
            LineQuantity(1),
        ],
    )


class CartQuantityField(WholeNumberField):
    """A line's quantity on the cart page (0 takes the line out): left empty it is a mistake; not sent at
    all (a "remove" button alone) it keeps the quantity the cart holds, its default."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        if not str(valuelist[0]).strip():
            raise ValueError(_l("Enter a whole number."))
        super().process_formdata(valuelist)


class CartForm(FlaskForm):  # type: ignore[misc]  # WTForms ships partial types
    """The cart page; `cart_form` adds a quantity per line (`qty_<variant>`) and a delivery per parcel."""

    remove = StringField()  #: the variant id of the line whose "Remove" button was pressed
    action = StringField()  #: "checkout" to go on to the checkout, anything else stays on the cart

    #: the version of the terms of sale the page shows (its id): the order records the one accepted
    terms_version = HiddenField()

    parcels: Sequence[Parcel] = ()
    variant_ids: Sequence[int] = ()
    #: The id of the terms of sale in force as the page is built (None: the shop has none yet).
    terms_in_force: int | None = None

    def quantity_field(self, variant_id: int) -> CartQuantityField:
        field: CartQuantityField = self[f"qty_{variant_id}"]
        return field

    @property
    def removed_variant_id(self) -> int | None:
        return whole_number(self.remove.data)

    @property
    def goes_to_checkout(self) -> bool:
        return bool(self.action.data == "checkout")

    def quantities(self) -> dict[int, int]:
        """The quantities sent and understood, by variant; a field typed wrong or not sent is left out."""
        typed = {}
        for variant_id in self.variant_ids:
            field = self.quantity_field(variant_id)
            if field.raw_data and not field.errors and field.data is not None:
                typed[variant_id] = int(field.data)
        return typed

    def chosen_methods(self) -> dict[int, DeliveryMethod]:
        """The delivery chosen for each parcel, by community, where it is one the community offers."""
        chosen = {}
        for parcel in self.parcels:
            wanted = self[f"delivery_{parcel.community_id}"].data
            method = next((method for method in parcel.methods if method.value == wanted), None)
            if method is not None:
                chosen[parcel.community_id] = method
        return chosen


def cart_form(quantities: Mapping[int, int], parcels: Sequence[Parcel]) -> CartForm:
    """The cart page's form for this cart: a quantity per line (by variant) and a delivery per parcel."""

    class Form(CartForm):
        pass

    Form.parcels = tuple(parcels)
    Form.variant_ids = tuple(quantities)
    for variant_id, quantity in quantities.items():
        setattr(
            Form,
            f"qty_{variant_id}",
            CartQuantityField(
                _l("Quantity"),
                default=quantity,
                validators=[LineQuantity(0)],
            ),
        )
    for parcel in parcels:  # a <select> of the parcel's options; anything else sent is not a choice
        setattr(Form, f"delivery_{parcel.community_id}", StringField(_l("Delivery")))
    return Form()


class CheckoutKeyForm(FlaskForm):  # type: ignore[misc]  # WTForms ships partial types
    """Only the checkout's idempotency key, read before the cart is: enough to know a form sent twice."""

    idempotency_key = HiddenField()


class CheckoutForm(CheckoutKeyForm):
    """The one-page guest checkout; `checkout_form` adds a delivery and a parcel locker per parcel, a gift
    message per line and the ways to pay."""

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

    #: the version of the terms of sale the page shows (its id): the order records the one accepted
    terms_version = HiddenField()

    parcels: Sequence[Parcel] = ()
    variant_ids: Sequence[int] = ()
    #: The id of the terms of sale in force as the page is built (None: the shop has none yet).
    terms_in_force: int | None = None
    #: The idempotency key of the cart as it is now (see `orders.views.storefront.cart.checkout_key`).
    expected_key = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.idempotency_key.data = self.expected_key
            self.terms_version.data = str(self.terms_in_force or "")

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        if self.needs_address:
            for field in (self.address_line, self.city, self.postal_code):
                if not (field.data or "").strip() and not field.errors:
                    field.errors.append(_l("Needed for the courier."))
                    valid = False
        for parcel in self.parcels:
            method = self.chosen_method(parcel.community_id)
            locker = self.locker_field(parcel.community_id)
            if method is None or not method.is_locker or locker.data is not None:
                continue
            sent = str((locker.raw_data or [""])[0]).strip()
            locker.errors.append(
                _l("Choose a parcel locker from the list.") if sent else _l("Choose a parcel locker.")
            )
            valid = False
        if self.idempotency_key.data != self.expected_key:  # a form opened before the cart changed
            self.form_errors.append(
                _l("Your cart changed since this page was opened. Check the order and send it again.")
            )
            self.idempotency_key.data = self.expected_key
            valid = False
        if self.terms_in_force is not None and self.terms_version_shown() != self.terms_in_force:
            self.terms_changed()
            valid = False
        return valid

    def terms_version_shown(self) -> int | None:
        """The id of the terms' version the customer was shown and accepted (None: none shown)."""
        return whole_number(self.terms_version.data)

    def terms_changed(self, version_id: int | None = None) -> None:
        """New terms came into force while the page was open: show them, to be read and accepted again."""
        self.terms_in_force = version_id or self.terms_in_force
        self.terms_version.data = str(self.terms_in_force or "")
        self.accept_terms.data = False
        self.accept_terms.errors = [
            *(self.accept_terms.errors or []),
            _l(
                "The terms of sale changed while this page was open. "
                "Please read the new version and accept it."
            ),
        ]

    def delivery_field(self, community_id: int) -> RadioField:
        return self[f"delivery_{community_id}"]

    def locker_field(self, community_id: int) -> LockerField:
        field: LockerField = self[f"locker_{community_id}"]
        return field

    def gift_field(self, variant_id: int) -> TextAreaField:
        return self[f"gift_{variant_id}"]

    def chosen_method(self, community_id: int) -> DeliveryMethod | None:
        """The delivery method sent for a parcel, offered by its community or not."""
        value = self.delivery_field(community_id).data
        return DeliveryMethod(value) if value in DeliveryMethod._value2member_map_ else None

    def chosen_methods(self) -> dict[int, DeliveryMethod]:
        """The delivery chosen for each parcel, by community, where it is one the community offers."""
        chosen = {}
        for parcel in self.parcels:
            method = self.chosen_method(parcel.community_id)
            if method is not None and method in parcel.methods:
                chosen[parcel.community_id] = method
        return chosen

    @property
    def needs_address(self) -> bool:
        return any(self.chosen_method(p.community_id) is DeliveryMethod.COURIER for p in self.parcels)

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
        """Each parcel's delivery as sent, by community, with the id of its parcel locker."""
        choices = {}
        for parcel in self.parcels:
            method = self.chosen_method(parcel.community_id)
            if method is not None:
                locker_id = self.locker_field(parcel.community_id).data if method.is_locker else None
                choices[parcel.community_id] = DeliveryChoice(method, locker_id=locker_id)
        return choices

    def locker_unavailable(self, community_id: int) -> None:
        """The locker sent for a parcel is not an active one of its chosen carrier: say so beside it."""
        field = self.locker_field(community_id)
        field.errors = [
            *(field.errors or []),
            _l("This parcel locker does not take parcels of the delivery chosen. Choose one from the list."),
        ]

    def gift_messages(self) -> dict[int, str]:
        """The gift message typed for each line, by variant ("" for none)."""
        return {variant_id: self.gift_field(variant_id).data or "" for variant_id in self.variant_ids}

    def chosen_payment_method(self) -> PaymentMethod:
        return PaymentMethod(self.payment_method.data)


def checkout_form(
    parcels: Sequence[Parcel],
    lines: Mapping[int, GiftLine],
    payment_methods: Sequence[PaymentMethod],
    *,
    idempotency_key: str,
    terms_version_id: int | None = None,
) -> CheckoutForm:
    """The checkout's form for this cart: a delivery choice and parcel locker per parcel, a gift message per
    line (by variant, worded by what the line is, see `GiftLine`), the ways to pay, the usual one first.

    `idempotency_key` is the cart's key as it is now: a new form carries it, a sent one must match it;
    `terms_version_id` is the terms of sale in force, likewise.
    """

    class Form(CheckoutForm):
        pass

    Form.parcels = tuple(parcels)
    Form.variant_ids = tuple(lines)
    Form.expected_key = idempotency_key
    Form.terms_in_force = terms_version_id
    for parcel in parcels:
        values = [method.value for method in parcel.methods]
        setattr(
            Form,
            f"delivery_{parcel.community_id}",
            RadioField(
                _l("Delivery"),
                choices=[
                    SelectChoice(method.value, DELIVERY_LABELS[Audience.CUSTOMER][method])
                    for method in parcel.methods
                ],
                default=parcel.chosen.value if parcel.chosen else None,
                validate_choice=False,  # WTForms' own message is English only
                validators=[
                    InputRequired(_l("Choose how this parcel should travel.")),
                    AnyOf(values, _l("Choose how this parcel should travel.")),
                ],
            ),
        )
        setattr(
            Form,
            f"locker_{parcel.community_id}",
            LockerField(_l("Parcel locker")),
        )
    for variant_id, line in lines.items():
        setattr(
            Form,
            f"gift_{variant_id}",
            TextAreaField(
                str(GIFT_FIELD_LABELS[line.note]) % {"name": line.name},
                validators=[Optional(), at_most(200)],
            ),
        )
    Form.payment_method = RadioField(
        _l("Payment"),
        choices=[SelectChoice(method.value, PAYMENT_LABELS[method]) for method in payment_methods],
        default=payment_methods[0].value,
        validate_choice=False,  # WTForms' own message is English only
        validators=[AnyOf([method.value for method in payment_methods], _l("Choose how to pay."))],
    )
    return Form()


class PrivacyRequestForm(FlaskForm):  # type: ignore[misc]
    """A customer asks, by the e-mail address they ordered with, for the link to their data."""

    email = StringField(
        _l("The e-mail address you ordered with"),
        validators=[DataRequired(_l("Enter your e-mail address.")), at_most(254), EMAIL],
        filters=[stripped],
    )


class ErasureForm(FlaskForm):  # type: ignore[misc]
    """The confirmation step before a customer's data are erased."""

    confirm = BooleanField(
        _l("I understand that my orders' details are erased for good and cannot be brought back."),
        validators=[DataRequired(_l("Tick the box to confirm the erasure."))],
    )


class WithdrawalForm(FlaskForm):  # type: ignore[misc]  # WTForms ships partial types
    """Withdrawing from the contract for a parcel: only which of its lines (the order is in the link)."""

    lines = SelectMultipleField(
        _l("The items you withdraw from"),
        coerce=int,
        validate_choice=False,  # the service says which lines may be withdrawn, and why not
        validators=[DataRequired(message=_l("Choose at least one item."))],
    )

    def validate_lines(self, field: SelectMultipleField) -> None:
        if any(not 0 < line_id <= MAX_ID for line_id in field.data or []):
            raise ValidationError(_l("Choose the items of this parcel."))
