"""Money is integer euro cents; this module turns cents into text and text into cents."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency

CURRENCY = "EUR"
_AMOUNT = re.compile(r"^(?P<euros>\d{1,9})(?:[.,](?P<cents>\d{1,2}))?$")
_TOO_PRECISE = re.compile(r"^\d{1,9}[.,]\d{3,}$")


class AmountNotUnderstood(ValueError):
    """Text that is not an amount of euros and cents; `too_precise` when only the third decimal is wrong."""

    def __init__(self, text: str, *, too_precise: bool = False) -> None:
        super().__init__(text)
        self.too_precise = too_precise


@lru_cache(maxsize=4096)
def format_cents(cents: int, locale: str) -> str:
    """`1250` → "12,50 €" in Lithuanian, "€12.50" in English.

    Kept for the prices a shop shows over and over: Babel works the pattern out anew each call, 0.1 ms,
    and a catalogue page shows 24 to 48 prices."""
    return format_currency(Decimal(cents) / 100, CURRENCY, locale=locale)


def format_whole_euros(cents: int, locale: str) -> str:
    """Whole euros, for a chart's scale: `100000` → "1 000 €" in Lithuanian, "€1,000" in English
    (cents are dropped: `1250` → "12 €")."""
    pattern = Locale.parse(locale).currency_formats["standard"].pattern.replace(".00", "")
    return format_currency(
        Decimal(cents // 100), CURRENCY, format=pattern, locale=locale, currency_digits=False
    )


def decimal_text(cents: int, separator: str = ",") -> str:
    """Cents as a plain decimal number: `1250` → `12,50` (Lithuanian spreadsheets), `-300` → `-3,00`;
    with `separator="."` as banks' files and English forms want it."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}{separator}{abs(cents) % 100:02d}"


def parse_cents(text: str) -> int:
    """Euros typed by a person → cents: "12,50", "12.50", "12", "12,5 €" → 1250, 1250, 1200, 1250.

    A comma and a point both mean the decimal separator: Lithuanians type the comma, visitors the point.
    """
    cleaned = re.sub(r"[\s\u00a0€]", "", text).removeprefix("EUR").removesuffix("EUR")
    match = _AMOUNT.match(cleaned)
    if not match:
        raise AmountNotUnderstood(text, too_precise=bool(_TOO_PRECISE.match(cleaned)))
    cents = (match["cents"] or "0").ljust(2, "0")
    return int(match["euros"]) * 100 + int(cents)
