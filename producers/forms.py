"""The forms of the producers' pages: signing in and passwords, a community's settings, switching between
one's communities, and staff's community and member forms. They parse and validate; the services decide."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from producers import communities
from producers.iban import IbanNotValid, normalise_iban
from producers.models import CONNECTED_ACCOUNT, MAX_PROMISE_DAYS, Community, DeliveryMethod
from producers.operator import OperatorDetails
from producers.promises import weekday_mask
from producers.settings import DeliveryInput, MakerDetailsInput, SettingsInput
from shop import accounts
from shop.forms import (
    EMAIL,
    POSTAL_CODE,
    ActionForm,
    DayField,
    IdField,
    MoneyField,
    Normalised,
    PercentField,
    WholeNumberField,
    at_most,
    normal_email,
    phone_number,
    stripped,
)
from shop.i18n import vilnius_today


class LoginForm(FlaskForm):  # type: ignore[misc]
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(_l("Enter your e-mail address.")), at_most(254)]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), at_most(256)]
    )
    remember = BooleanField(_l("Keep me signed in on this device"))


class ForgotPasswordForm(FlaskForm):  # type: ignore[misc]
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(_l("Enter your e-mail address.")), at_most(254)]
    )


class NewPasswordForm(FlaskForm):  # type: ignore[misc]
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Enter a new password.")),
            Length(
                min=accounts.MIN_PASSWORD_LENGTH,
                message=_l("Use at least %(min)d characters.", min=accounts.MIN_PASSWORD_LENGTH),
            ),
            at_most(accounts.MAX_PASSWORD_LENGTH),
        ],
    )
    confirm = PasswordField(
        _l("The same password again"),
        validators=[
            DataRequired(_l("Enter the password a second time.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )

    account_email = ""  #: whose password this is (it must not be the password)

    def validate_password(self, field: PasswordField) -> None:
        if (field.data or "").strip().casefold() == self.account_email.casefold():
            raise ValidationError(_l("Your password must not be your e-mail address."))


class SwitchCommunityForm(ActionForm):
    """The workspace's "Working for" choice (`community_id`), back to the page it was made on (`next`)."""

    community_id = IdField()

    def chosen(self, mine: Sequence[Community]) -> Community | None:
        """The community chosen, if it is one of `mine` (the person's own)."""
        return next((c for c in mine if c.id == self.community_id.data), None)


#: the most made-to-order items a week a community may say it makes (more is a typing slip)
MAX_PER_WEEK = 10_000

#: The dispatch weekdays a community may tick (`date.weekday()`: 0 = Monday); parcels leave on working days.
WEEKDAY_CHOICES = [
    SelectChoice(0, _l("Monday")),
    SelectChoice(1, _l("Tuesday")),
    SelectChoice(2, _l("Wednesday")),
    SelectChoice(3, _l("Thursday")),
    SelectChoice(4, _l("Friday")),
]


def _promise_days(label: Any) -> WholeNumberField:
    return WholeNumberField(
        label,
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_PROMISE_DAYS,
                message=_l("Enter 0 to %(max)d working days.", max=MAX_PROMISE_DAYS),
            ),
        ],
    )


class DeliveryOptionForm(Form):  # type: ignore[misc]
    offered = BooleanField(_l("Offered"))
    fee = MoneyField(_l("Fee per parcel, €"), max_cents=10_000, validators=[Optional()])
    pickup_address = StringField(_l("Pickup address"), validators=[Optional(), at_most(250)])
    pickup_hours_lt = StringField(_l("Opening hours (Lithuanian)"), validators=[Optional(), at_most(250)])
    pickup_hours_en = StringField(_l("Opening hours (English)"), validators=[Optional(), at_most(250)])
    dispatch_weekdays = SelectMultipleField(
        _l("Days you hand parcels over"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,  # checked below, in words
    )
    handling_days = _promise_days(_l("Working days to pack an order in stock"))
    transit_days_min = _promise_days(_l("Carrier's working days, at the least"))
    transit_days_max = _promise_days(_l("Carrier's working days, at the most"))

    def check_promise(self, method: DeliveryMethod) -> bool:
        """The promise's days of an offered method: each given, at least one weekday, least ≤ most (a
        pickup has no carrier: it is ready to collect on the day it is packed)."""
        valid = True
        weekdays = self.dispatch_weekdays.data or []
        if not weekdays or any(day not in range(5) for day in weekdays):
            self.dispatch_weekdays.errors = [_("Tick at least one day, Monday to Friday.")]
            valid = False
        days = [self.handling_days]
        if method is not DeliveryMethod.PICKUP:
            days += [self.transit_days_min, self.transit_days_max]
        for field in days:
            if field.data is None and not field.errors:
                field.errors = [_("Enter the number of working days (0 or more).")]
                valid = False
        least, most = self.transit_days_min.data, self.transit_days_max.data
        if least is not None and most is not None and most < least and not self.transit_days_max.errors:
            self.transit_days_max.errors = [_("The most cannot be fewer days than the least.")]
            valid = False
        return valid


class SettingsForm(FlaskForm):  # type: ignore[misc]
    story_lt = TextAreaField(_l("Your story (Lithuanian)"), validators=[Optional(), at_most(5000)])
    story_en = TextAreaField(_l("Your story (English)"), validators=[Optional(), at_most(5000)])
    vacation_until = DayField(_l("On holiday until (the first day you are back)"), validators=[Optional()])
    vacation_hides_products = BooleanField(_l("Hide our products while we are away"))
    made_to_order_per_week = WholeNumberField(
        _l("Made-to-order items we can make in a week"),
        validators=[
            Optional(),
            NumberRange(1, MAX_PER_WEEK, _l("Between 1 and %(max)d, or leave it empty.", max=MAX_PER_WEEK)),
        ],
    )

    def validate_vacation_until(self, field: DayField) -> None:
        if field.data is not None and field.data <= vilnius_today():
            raise ValidationError(_l("Choose a day after today, or leave it empty."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        offered = [m for m in DeliveryMethod if self.delivery(m).offered.data]
        if not offered:
            self.form_errors.append(_("Offer at least one way of delivering."))
            valid = False
        for method in offered:
            sub = self.delivery(method)
            if sub.fee.data is None and not sub.fee.errors:
                sub.fee.errors = [_("Enter the fee (0 if free).")]
                valid = False
            valid = sub.check_promise(method) and valid
        pickup = self.delivery(DeliveryMethod.PICKUP)
        if pickup.offered.data and not (pickup.pickup_address.data or "").strip():
            pickup.pickup_address.errors = [_("Where do customers collect their parcels?")]
            valid = False
        return valid

    def delivery(self, method: DeliveryMethod) -> Any:
        return self[f"delivery_{method.value}"].form

    def to_input(self) -> SettingsInput:
        deliveries = []
        for method in DeliveryMethod:
            sub = self.delivery(method)
            deliveries.append(
                DeliveryInput(
                    method=method,
                    offered=bool(sub.offered.data),
                    fee_cents=sub.fee.data or 0,
                    pickup_address=sub.pickup_address.data or "",
                    pickup_hours_lt=sub.pickup_hours_lt.data or "",
                    pickup_hours_en=sub.pickup_hours_en.data or "",
                    dispatch_weekdays=weekday_mask(
                        d for d in (sub.dispatch_weekdays.data or []) if d in range(5)
                    ),
                    handling_days=sub.handling_days.data,
                    transit_days=(0, 0)
                    if method is DeliveryMethod.PICKUP
                    else (sub.transit_days_min.data, sub.transit_days_max.data),
                )
            )
        return SettingsInput(
            story_lt=self.story_lt.data or "",
            story_en=self.story_en.data or "",
            vacation_until=self.vacation_until.data,
            vacation_hides_products=bool(self.vacation_hides_products.data),
            deliveries=deliveries,
            made_to_order_per_week=self.made_to_order_per_week.data,
        )


class MakerDetailsForm(FlaskForm):  # type: ignore[misc]
    """A community's postal address and e-mail as the maker of its products (shown on every product page)."""

    address_line = StringField(
        _l("Street and house"), validators=[DataRequired(_l("Enter the street and house.")), at_most(200)]
    )
    city = StringField(
        _l("Village or town"), validators=[DataRequired(_l("Enter the village or town.")), at_most(120)]
    )
    postal_code = StringField(
        _l("Postal code"), validators=[DataRequired(_l("Enter the postal code.")), at_most(10), POSTAL_CODE]
    )
    district = StringField(
        _l("Municipality"), validators=[DataRequired(_l("Enter the municipality.")), at_most(120)]
    )
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Enter the community's e-mail address.")), at_most(254), EMAIL],
    )

    def to_input(self) -> MakerDetailsInput:
        return MakerDetailsInput(
            address_line=self.address_line.data,
            city=self.city.data,
            postal_code=self.postal_code.normal,
            district=self.district.data,
            email=self.email.normal,
        )


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


LEGAL_ENTITY_CODE = re.compile(r"^[0-9]{9}$")
#: A Lithuanian VAT payer's code: LT and 9 digits (a legal entity) or 12 (a person or a branch).
VAT_CODE = re.compile(r"^LT(?:[0-9]{9}|[0-9]{12})$")


def legal_entity_code_ok(code: str) -> bool:
    """A Lithuanian legal entity's code (juridinio asmens kodas): 9 digits, the last a check digit.

    The check digit is the one of personal codes: the weighted sum of the first eight digits (weights
    1…8, or 3…9, 1 when that leaves 10) modulo 11, where 10 counts as 0.
    """
    if not LEGAL_ENTITY_CODE.match(code):
        return False
    digits = [int(d) for d in code]
    for weights in ((1, 2, 3, 4, 5, 6, 7, 8), (3, 4, 5, 6, 7, 8, 9, 1)):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
        if remainder != 10:
            return remainder == digits[8]
    return digits[8] == 0


class CommunityForm(FlaskForm):  # type: ignore[misc]
    name = StringField(
        _l("Name of the community"),
        validators=[DataRequired(_l("Enter the community's name.")), at_most(160)],
    )
    slug = StringField(_l("Address in the shop"), validators=[Optional(), at_most(80)])
    legal_name = StringField(
        _l("Legal name"),
        validators=[DataRequired(_l("Enter the name as in the Register of Legal Entities.")), at_most(200)],
    )
    registration_code = StringField(
        _l("Legal entity code"), validators=[DataRequired(_l("Enter the 9-digit code.")), at_most(20)]
    )
    is_vat_payer = BooleanField(_l("VAT payer"))
    vat_code = StringField(_l("VAT payer's code"), validators=[Optional(), at_most(20)])
    invoice_prefix = StringField(_l("Invoice series"), validators=[Optional(), at_most(20)])
    address_line = StringField(
        _l("Street and house"), validators=[DataRequired(_l("Enter the street and house.")), at_most(200)]
    )
    city = StringField(
        _l("Village or town"), validators=[DataRequired(_l("Enter the village or town.")), at_most(120)]
    )
    postal_code = StringField(
        _l("Postal code"), validators=[DataRequired(_l("Enter the postal code.")), at_most(10), POSTAL_CODE]
    )
    district = StringField(
        _l("Municipality"), validators=[DataRequired(_l("Enter the municipality.")), at_most(120)]
    )
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Enter the community's e-mail address.")), at_most(254), EMAIL],
    )
    phone = StringField(
        _l("Phone"),
        validators=[DataRequired(_l("Enter a phone number.")), at_most(40), phone_number(spaced=True)],
    )
    commission = PercentField(
        _l("Commission (percent)"), validators=[InputRequired(_l("Enter the commission, e.g. 10."))]
    )
    iban = StringField(_l("IBAN for bank payouts"), validators=[Optional(), at_most(50)])
    stripe_account_id = StringField(_l("Stripe connected account"), validators=[Optional(), at_most(255)])
    is_trusted = BooleanField(_l("Trusted: new listings and changes go on sale without the VVG's check"))

    def validate_slug(self, field: StringField) -> None:
        field.data = field.data.strip().lower()
        if not SLUG.match(field.data):
            raise ValidationError(_l("Use small letters a–z, digits and dashes, e.g. slapaberze."))

    def validate_registration_code(self, field: StringField) -> None:
        field.data = "".join(field.data.split())
        if not LEGAL_ENTITY_CODE.match(field.data):
            raise ValidationError(_l("A legal entity's code has 9 digits, e.g. 302173840."))
        if not legal_entity_code_ok(field.data):
            raise ValidationError(
                _l("This code's last digit does not match the others: a digit is mistyped.")
            )

    def validate_vat_code(self, field: StringField) -> None:
        field.data = "".join(field.data.split()).upper()
        if not VAT_CODE.match(field.data):
            raise ValidationError(
                _l("A Lithuanian VAT payer's code is LT and 9 or 12 digits, e.g. LT100001234567.")
            )

    def validate_invoice_prefix(self, field: StringField) -> None:
        field.data = "".join(field.data.split()).upper()
        if not communities.INVOICE_PREFIX.match(field.data):
            raise ValidationError(_l("Use 2 to 20 capital letters A–Z and digits, e.g. SLAP."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        if self.is_vat_payer.data and not (self.vat_code.data or "").strip() and not self.vat_code.errors:
            self.vat_code.errors = [_("A VAT payer's invoices show its VAT payer's code: enter it.")]
            valid = False
        return valid

    def validate_iban(self, field: StringField) -> None:
        try:
            normalise_iban(field.data)
        except IbanNotValid as error:
            raise ValidationError(_(IbanNotValid.MESSAGE, iban=error.iban, reason=_(error.reason))) from None

    def validate_stripe_account_id(self, field: StringField) -> None:
        if not CONNECTED_ACCOUNT.match(field.data.strip()):
            raise ValidationError(
                _l("Enter the account's id as Stripe shows it, e.g. acct_1A2b3C4d5E6f7G8h.")
            )

    def to_input(self) -> communities.CommunityInput:
        return communities.CommunityInput(
            name=self.name.data,
            slug=self.slug.data or "",
            legal_name=self.legal_name.data,
            registration_code=self.registration_code.data,
            district=self.district.data,
            address_line=self.address_line.data,
            postal_code=self.postal_code.normal,
            city=self.city.data,
            email=self.email.normal,
            phone=self.phone.normal,
            is_vat_payer=bool(self.is_vat_payer.data),
            commission_bp=self.commission.data or 0,
            iban=self.iban.data or "",
            stripe_account_id=self.stripe_account_id.data or "",
            is_trusted=bool(self.is_trusted.data),
            vat_code=self.vat_code.data or "",
            invoice_prefix=self.invoice_prefix.data or "",
        )


#: A person's e-mail address as their account keeps it: checked, normalised, in lower case.
ACCOUNT_EMAIL = Normalised(
    lambda text: address.lower() if (address := normal_email(text)) else None, EMAIL.message
)


class MemberForm(FlaskForm):  # type: ignore[misc]
    """Who to invite: a name and an e-mail address (the community is known from the page)."""

    name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the person's name.")), at_most(120)]
    )
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Enter their e-mail address.")), at_most(254), ACCOUNT_EMAIL],
    )


class InviteForm(MemberForm):
    """Who to invite, and for which community (the back office's general invitation page)."""

    community = SelectField(_l("Community"), validate_choice=False)  # checked below, in our own words

    def validate_community(self, field: SelectField) -> None:
        if not field.data or field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a community."))


#: The VVG's own invoice series: capital letters and digits, as its invoices' numbers begin (VVG-2026-…).
OPERATOR_PREFIX = re.compile(r"^[A-Z0-9]{2,12}$")


class OperatorForm(FlaskForm):  # type: ignore[misc]
    """The VVG's details as the shop's operator (the back office's settings)."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the name as in the Register of Legal Entities.")), at_most(200)],
    )
    registration_code = StringField(
        _l("Legal entity code"), validators=[DataRequired(_l("Enter the 9-digit code.")), at_most(20)]
    )
    address = StringField(_l("Address"), validators=[DataRequired(_l("Enter the address.")), at_most(250)])
    email = EmailField(
        _l("E-mail"),
        filters=[stripped],
        validators=[DataRequired(_l("Enter the e-mail address.")), at_most(254), EMAIL],
    )
    phone = StringField(
        _l("Phone"),
        validators=[DataRequired(_l("Enter a phone number.")), at_most(40), phone_number(spaced=True)],
    )
    iban = StringField(
        _l("IBAN for customers' bank transfers"),
        validators=[DataRequired(_l("Enter the IBAN.")), at_most(50)],
    )
    invoice_prefix = StringField(
        _l("Invoice series"), validators=[DataRequired(_l("Enter the invoice series.")), at_most(20)]
    )
    vat_code = StringField(_l("VAT payer's code"), validators=[Optional(), at_most(20)])
    christmas_date = DayField(_l("The day customers want their parcels by"), validators=[Optional()])

    validate_registration_code = CommunityForm.validate_registration_code
    validate_vat_code = CommunityForm.validate_vat_code
    validate_iban = CommunityForm.validate_iban

    def validate_christmas_date(self, field: DayField) -> None:
        if field.data is not None and (field.data.month, field.data.day) == (2, 29):
            raise ValidationError(_l("Choose a day that comes every year."))

    def validate_invoice_prefix(self, field: StringField) -> None:
        field.data = "".join(field.data.split()).upper()
        if not OPERATOR_PREFIX.match(field.data):
            raise ValidationError(_l("Use 2 to 12 capital letters A–Z and digits, e.g. VVG."))

    def details(self) -> OperatorDetails:
        """The validated details, the IBAN in its compact form."""
        return OperatorDetails(
            name=self.name.data.strip(),
            registration_code=self.registration_code.data,
            address=self.address.data.strip(),
            email=self.email.normal,
            phone=self.phone.normal,
            iban=normalise_iban(self.iban.data),
            invoice_prefix=self.invoice_prefix.data,
            vat_code=self.vat_code.data or "",
            christmas_month=self.christmas_date.data.month if self.christmas_date.data else 12,
            christmas_day=self.christmas_date.data.day if self.christmas_date.data else 24,
        )
