"""Form fields shared by every package."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Field, HiddenField, IntegerField, StringField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import TextInput

from shop.i18n import current_language, decimal_separator
from shop.money import AmountNotUnderstood, decimal_text, format_cents, parse_cents

#: The largest id a row can have (PostgreSQL's integer): anything bigger names no row.
MAX_ID = 2**31 - 1

_POSTAL_CODE = re.compile(r"^(?:LT-?)?([0-9]{5})$", re.IGNORECASE)


def normal_postal_code(text: str | None) -> str | None:
    """A Lithuanian postal code as people type it ("LT-12345", "lt12345", "12345") → "LT-12345", or None."""
    match = _POSTAL_CODE.match((text or "").strip())
    return f"LT-{match.group(1)}" if match else None


def normal_email(text: str | None) -> str | None:
    """The e-mail address checked and normalised by email-validator (no DNS lookup), or None.

    The part before @ must be plain ASCII: many mail servers on the way cannot carry more.
    """
    try:
        return str(validate_email(text or "", check_deliverability=False, allow_smtputf8=False).normalized)
    except EmailNotValidError:
        return None


def normal_phone(text: str | None, *, spaced: bool = False) -> str | None:
    """A phone number as people type it ("8 612 34567", "+370 612 34567") → "+37061234567" (or, spaced,
    "+370 612 34567" as printed for people), or None when it is not a valid number."""
    try:
        number = phonenumbers.parse(text or "", "LT")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    style = phonenumbers.PhoneNumberFormat.INTERNATIONAL if spaced else phonenumbers.PhoneNumberFormat.E164
    return str(phonenumbers.format_number(number, style))


class Normalised:
    """A validator that checks what was typed with `normalise` (text → its normal form, or None): None
    becomes `message`, the normal form is kept as the field's `normal` (its data stays as typed, so a form
    with a mistake shows it again as typed). Empty fields are left to DataRequired or Optional before it."""

    def __init__(self, normalise: Callable[[str | None], str | None], message: str) -> None:
        self.normalise = normalise
        self.message = message

    def __call__(self, form: Any, field: Field) -> None:
        normal = self.normalise(field.data)
        if normal is None:
            raise ValidationError(self.message)
        field.normal = normal


EMAIL = Normalised(normal_email, _l("Enter an e-mail address like vardas@example.lt."))
POSTAL_CODE = Normalised(normal_postal_code, _l("Enter a postal code like LT-12345 or 12345."))


def phone_number(*, spaced: bool = False) -> Normalised:
    """A phone number validator: its normal form is "+37061234567" (spaced: "+370 612 34567")."""
    return Normalised(
        lambda text: normal_phone(text, spaced=spaced),
        _l("Enter a phone number like +370 612 34567 or 8 612 34567."),
    )


PHONE = phone_number()


def whole_number(text: str | None, maximum: int = MAX_ID) -> int | None:
    """A whole number typed in plain digits, at most `maximum` (not "²", not "-1", not 10²⁰), or None."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdecimal()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if number <= maximum else None


class IdField(HiddenField):  # type: ignore[misc]  # WTForms ships partial types
    """A row named by its id (a hidden field, or a select's value): `data` is the id, or None when nothing or
    no id was sent ("", "0", "abc", "-1", "²", 10²⁰). What a missing or wrong id means is the form's to say;
    `names_nothing` tells a field sent holding no id from one not sent at all."""

    data: int | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = (whole_number(str(valuelist[0])) or None) if valuelist else None

    @property
    def names_nothing(self) -> bool:
        """Sent, but holding no id: never to be taken for "not sent"."""
        return bool(self.raw_data) and self.data is None

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


class MoneyField(Field):  # type: ignore[misc]  # WTForms ships partial types
    """Euros typed as text ("12,50"), held as integer cents; junk becomes a message, never an error page."""

    widget = TextInput()

    def __init__(
        self, label: Any = None, validators: Any = None, *, max_cents: int = 10_000_000, **kwargs: Any
    ) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)
        self.max_cents = max_cents
        self.raw_text = ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_text = str(valuelist[0]).strip() if valuelist else ""
        if not self.raw_text:
            self.data = None
            return
        try:
            cents = parse_cents(self.raw_text)
        except AmountNotUnderstood as error:
            self.data = None
            if error.too_precise:
                raise ValueError(_l("Use at most two decimals (cents).")) from None
            raise ValueError(_l("Enter an amount in euros, e.g. 12,50.")) from None
        if cents > self.max_cents:
            self.data = None
            raise ValueError(
                _l(
                    "The amount is too large (at most %(amount)s).",
                    amount=format_cents(self.max_cents, current_language()),
                )
            )
        self.data = cents

    def _value(self) -> str:
        if self.raw_text:
            return self.raw_text  # re-show exactly what the person typed
        if self.data is None:
            return ""
        return decimal_text(self.data, decimal_separator())


def percent_text(basis_points: int, separator: str = ",") -> str:
    """Basis points as a plain percentage: 1000 → "10", 1250 → "12,5", 1255 → "12,55"."""
    whole, hundredths = divmod(basis_points, 100)
    return f"{whole}{separator}{hundredths:02d}".rstrip("0") if hundredths else str(whole)


class PercentField(Field):  # type: ignore[misc]  # WTForms ships partial types
    """A percentage typed as text ("10", "12,5", "12.5 %"), held as basis points (1250): exact, no floats."""

    widget = TextInput()

    def __init__(
        self, label: Any = None, validators: Any = None, *, max_bp: int = 10_000, **kwargs: Any
    ) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)
        self.max_bp = max_bp
        self.raw_text = ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_text = str(valuelist[0]).strip() if valuelist else ""
        self.data = None
        if not self.raw_text:
            return
        text = self.raw_text.removesuffix("%").strip()
        try:
            if not text or not set(text) <= set("0123456789,. "):
                raise AmountNotUnderstood(text)
            basis_points = parse_cents(text)  # hundredths of a percent: the same arithmetic as cents
        except AmountNotUnderstood as error:
            if error.too_precise:
                raise ValueError(_l("Use at most two decimals, e.g. 12,25.")) from None
            raise ValueError(_l("Enter a percentage, e.g. 10 or 12,5.")) from None
        if basis_points > self.max_bp:
            raise ValueError(
                _l(
                    "Enter a percentage from 0 to %(max)s.",
                    max=percent_text(self.max_bp, decimal_separator()),
                )
            )
        self.data = basis_points

    def _value(self) -> str:
        if self.raw_text:
            return self.raw_text  # re-show exactly what the person typed
        return "" if self.data is None else percent_text(self.data, decimal_separator())


class WholeNumberField(IntegerField):  # type: ignore[misc]  # WTForms ships partial types
    """A count typed by a person: "abc" or "1.5" becomes our own translated message."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a whole number.")) from None


def stripped(text: Any) -> Any:
    """A field filter: what was typed without the spaces around it (a pasted address often has some)."""
    return text.strip() if isinstance(text, str) else text


def at_most(characters: int) -> Length:
    """A length limit that speaks the visitor's language (WTForms' own message is English only)."""
    return Length(max=characters, message=_l("Use at most %(max)d characters.", max=characters))


#: The days a person may type: any other year is a typo (and year 1 or 9999 overflows at a day's edge).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


class DayField(DateField):  # type: ignore[misc]  # WTForms ships partial types
    """A calendar day (the browser's date picker sends 2026-12-27) of the years 2000–2099; junk gets our
    own translated message."""

    data: date | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date like 2026-12-27.")) from None
        if self.data is not None and not FIRST_DAY <= self.data <= LAST_DAY:
            self.data = None
            raise ValueError(_l("Enter a day of the years 2000 to 2099."))


class ActionForm(FlaskForm):  # type: ignore[misc]
    """A one-button action: only its CSRF token (and where to go back to)."""

    next = StringField()
