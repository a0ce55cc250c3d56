"""A payout period: Lithuanian calendar days, `start` the first and `end` the day after the last, and how
a period is named and bounded in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import format_interval, format_skeleton
from flask_babel import lazy_gettext as _l

from orders.errors import PeriodNotValid
from orders.payouts.models import Payout, PayoutMethod
from shop.i18n import date_locale, format_date, vilnius_midnight

#: How a statement is paid, as people read it.
PAYOUT_METHOD_LABELS = {
    PayoutMethod.BANK: _l("Bank transfer"),
    PayoutMethod.STRIPE: "Stripe",
}


@dataclass(frozen=True)
class Period:
    """A statement's days: `start` the first, `end` the day after the last (as `Payout` keeps them)."""

    start: date  #: the first day
    end: date  #: the day after the last

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self.end == _month_after(self.start)

    @property
    def args(self) -> dict[str, Any]:
        """The query arguments naming this period in a link (and the period form's values)."""
        if self.is_month:
            return {"month": f"{self.start:%Y-%m}"}
        return {"first_day": self.start.isoformat(), "last_day": self.last.isoformat()}

    @property
    def slug(self) -> str:
        """The period in a file name: `2027-03`, or `2027-03-01-2027-03-15`."""
        if self.is_month:
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}-{self.last.isoformat()}"

    @classmethod
    def month(cls, first: date) -> Period:
        return cls(first, _month_after(first))

    @classmethod
    def of(cls, payout: Payout) -> Period:
        return cls(payout.period_start, payout.period_end)


def _month_after(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def period_name(start: date, end: date) -> str:
    """ "March 2027" for a calendar month, "1 – 15 Mar 2027" for other days (`end` is the day after);
    a template global (`payouts_backoffice` registers it for the whole app)."""
    period = Period(start, end)
    if period.is_month:
        return str(format_skeleton("yMMMM", start, locale=date_locale()))
    if period.start == period.last:
        return str(format_date(start, "medium"))
    return str(format_interval(start, period.last, "yMMMd", locale=date_locale()))


def period_bounds(period_start: date, period_end: date) -> tuple[datetime, datetime]:
    """The period's first and (exclusive) last moment in UTC: midnights in Vilnius."""
    if period_start >= period_end:
        raise PeriodNotValid(period_start, period_end)
    return vilnius_midnight(period_start), vilnius_midnight(period_end)
