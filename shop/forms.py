"""Form fields shared by every package."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, Field, IntegerField
from wtforms.validators import Length
from wtforms.widgets import TextInput

from shop.i18n import current_language
from shop.money import AmountNotUnderstood, decimal_text, format_cents, parse_cents

#: The largest id a row can have (PostgreSQL's integer): anything bigger names no row.
MAX_ID = 2**31 - 1


def whole_number(text: str | None, maximum: int = MAX_ID) -> int | None:
    """A whole number typed in plain digits, at most `maximum` (not "²", not "-1", not 10²⁰), or None."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdecimal()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if number <= maximum else None


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
        return decimal_text(self.data, "," if current_language() == "lt" else ".")


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
