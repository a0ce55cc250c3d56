"""The back office's order forms: searching and cancelling orders, confirming transfers, refunds, the
dashboard's filters and limits, payout periods and the bank file, privacy requests."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from catalogue.browsing import list_categories
from orders import (
    attention,
    reports,
)
from orders.payouts.period import Period
from producers.communities import list_all_communities
from shop.forms import EMAIL, DayField, IdField, MoneyField, WholeNumberField, at_most, stripped, whole_number
from shop.i18n import localized, vilnius_today


class ConfirmTransferForm(FlaskForm):  # type: ignore[misc]
    amount = MoneyField(_l("Amount received, €"), validators=[DataRequired(_l("Enter the amount received."))])
    reference = StringField(_l("Bank reference"), validators=[Optional(), at_most(120)])


class OrderSearchForm(Form):  # type: ignore[misc]
    """The back office's order search (GET: no CSRF, bookmarkable)."""

    q = StringField(_l("Number, customer, e-mail or phone"), validators=[Optional(), at_most(100)])
    community = SelectField(_l("Community"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    method = SelectField(_l("Payment"), validate_choice=False)
    placed_from = DayField(_l("Placed from"), validators=[Optional()])
    placed_to = DayField(_l("Placed until"), validators=[Optional()])


class StaffReasonForm(FlaskForm):  # type: ignore[misc]
    """Staff's reason for cancelling or refunding, which the customer reads."""

    reason = StringField(
        _l("Reason (the customer reads it)"),
        validators=[DataRequired(_l("Say why: the customer reads it.")), at_most(500)],
    )


class StaffCancelForm(StaffReasonForm):
    """Cancel a whole order, or only the line (`line`) or the parcel (`fulfilment`) a hidden field names."""

    line = IdField()
    fulfilment = IdField()

    @property
    def names_no_row(self) -> bool:
        """A line or parcel field sent holding junk ("0", "abc", "-1", ""): it must never fall through to
        the whole order."""
        return bool(self.line.names_nothing or self.fulfilment.names_nothing)


class BatchCancelForm(StaffReasonForm):
    """Cancel the ticked unpaid orders of one group (their ids; junk is ignored), confirmed by a tick."""

    orders = SelectMultipleField(
        _l("Orders"), validate_choice=False, validators=[DataRequired(_l("Tick the orders to cancel."))]
    )
    confirm = BooleanField(
        _l("Cancel these orders: their items go back on sale and each customer is told."),
        validators=[DataRequired(_l("Tick the box to confirm the cancellation."))],
    )

    @property
    def order_ids(self) -> list[int]:
        return [n for n in (whole_number(str(value)) for value in self.orders.data or []) if n]


class SentParcelRefundForm(StaffReasonForm):
    """Money back for a parcel that has left (prefix `f<fulfilment id>`): a return, a broken card."""

    goods = MoneyField(_l("For the goods, €"), validators=[Optional()])
    delivery = MoneyField(_l("For the delivery, €"), validators=[Optional()])


class SalesFilterForm(Form):  # type: ignore[misc]
    """Which sales to show (GET: bookmarkable, no CSRF). Empty days mean this year so far."""

    from_day = DayField(_l("First day"), validators=[Optional()])
    to_day = DayField(_l("Last day"), validators=[Optional()])
    community = SelectField(_l("Community"), validate_choice=False)
    category = SelectField(_l("Category"), validate_choice=False)

    def fill_choices(self) -> None:
        self.community.choices = [("", _("All communities"))] + [
            (str(c.id), c.name)
            for c in list_all_communities()  # one switched off keeps its past sales
        ]
        self.category.choices = [("", _("All categories"))] + [
            (str(c.id), localized(c, "name")) for c in list_categories()
        ]

    def sales_filter(self) -> reports.SalesFilter:
        """The filter asked for; a wrong field gets its message and its default (the form stays shown)."""
        self.validate()
        today = vilnius_today()
        first = (
            self.from_day.data if not self.from_day.errors and self.from_day.data else date(today.year, 1, 1)
        )
        last = self.to_day.data if not self.to_day.errors and self.to_day.data else today
        if last < first:
            self.to_day.errors = [*self.to_day.errors, _("The end of the period is before its start.")]
            first, last = date(today.year, 1, 1), today
        for field, day in ((self.from_day, first), (self.to_day, last)):
            if not field.raw_data or not field.raw_data[0]:
                field.data = day  # the period shown is the one used
        return reports.SalesFilter(
            first_day=first,
            last_day=last,
            community_id=self._chosen(self.community, _("Choose a community from the list.")),
            category_id=self._chosen(self.category, _("Choose a category from the list.")),
        )

    @staticmethod
    def _chosen(field: SelectField, message: str) -> int | None:
        if not field.data:
            return None
        number = whole_number(field.data)
        if number is None or str(number) not in {value for value, _label in field.choices}:
            field.errors = [*field.errors, message]
            return None
        return number


DAYS_MESSAGE = _l("Enter whole days from 1 to 60.")


#: A threshold: whole days from 1 to 60, said in our words.
DAYS = [InputRequired(DAYS_MESSAGE), NumberRange(attention.FEWEST_DAYS, attention.MOST_DAYS, DAYS_MESSAGE)]


class ThresholdsForm(FlaskForm):  # type: ignore[misc]
    unpaid_transfer_days = WholeNumberField(
        _l("Bank transfer unpaid for more than (days)"),
        validators=DAYS,
    )
    unaccepted_days = WholeNumberField(
        _l("Paid parcel not accepted within (days)"),
        validators=DAYS,
    )
    unshipped_days = WholeNumberField(
        _l("Accepted parcel not sent within (days)"),
        validators=DAYS,
    )

    def thresholds(self) -> attention.Thresholds:
        """The validated days."""
        return attention.Thresholds(
            unpaid_transfer_days=self.unpaid_transfer_days.data or 0,
            unaccepted_days=self.unaccepted_days.data or 0,
            unshipped_days=self.unshipped_days.data or 0,
        )


class RemindForm(FlaskForm):  # type: ignore[misc]
    """One button; `seen` is the last reminder the page showed (empty: none), so a double click sends one."""

    seen = HiddenField()


#: The days a period may name: a mistyped year must not reach the database or overflow a date.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
#: The longest custom period.
MAX_PERIOD_DAYS = 366


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def last_month(today: date) -> Period:
    """The calendar month before the one `today` is in."""
    this_month = today.replace(day=1)
    return Period.month((this_month - timedelta(days=1)).replace(day=1))


class PeriodForm(Form):  # type: ignore[misc]  # WTForms ships partial types
    """Which period to show (GET, bookmarkable): a month, or a first and a last day."""

    month = StringField(_l("Month"), validators=[Optional()], render_kw={"placeholder": "2027-03"})
    first_day = DayField(_l("First day"), validators=[Optional()])
    last_day = DayField(_l("Last day"), validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        month = (self.month.data or "").strip()
        if month and self._month() is None:
            self.month.errors = [*self.month.errors, _("Enter a month like 2027-03.")]
        for field in (self.first_day, self.last_day):
            if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
                field.errors = [*field.errors, _("Choose a day from 2000 to 2099.")]
        first, last = self.first_day.data, self.last_day.data
        if not self.first_day.errors and not self.last_day.errors:
            if first is not None and last is None:
                self.last_day.errors = [_("Enter the last day too.")]
            elif last is not None and first is None:
                self.first_day.errors = [_("Enter the first day too.")]
            elif first is not None and last is not None:
                if last < first:
                    self.last_day.errors = [_("The last day cannot be before the first.")]
                elif (last - first).days >= MAX_PERIOD_DAYS:
                    self.last_day.errors = [_("Choose at most a year.")]
        return not self.errors

    def _month(self) -> date | None:
        match = _MONTH.match((self.month.data or "").strip())
        if match is None:
            return None
        year, month = int(match[1]), int(match[2])
        if not (FIRST_DAY.year <= year <= LAST_DAY.year and 1 <= month <= 12):
            return None
        return date(year, month, 1)

    def period(self) -> Period:
        """The days asked for, as far as they are valid; last month when nothing (valid) was asked."""
        first, last = self.first_day.data, self.last_day.data
        if first is not None and last is not None and not (self.first_day.errors or self.last_day.errors):
            return Period(first, last + timedelta(days=1))
        month = None if self.month.errors else self._month()
        return Period.month(month) if month else last_month(vilnius_today())


class PeriodActionForm(PeriodForm, FlaskForm):  # type: ignore[misc]
    """A POST for a period (CSRF-protected), the period in hidden fields."""


class BankFileForm(PeriodActionForm):
    execution_date = DayField(
        _l("Pay on (execution date)"), validators=[InputRequired(_l("Enter the day the bank should pay."))]
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        day = self.execution_date.data
        if day is not None and not self.execution_date.errors:
            today = vilnius_today()
            if day < today:
                self.execution_date.errors = [_("The bank cannot pay on a day that has passed.")]
            elif day > today + timedelta(days=90):
                self.execution_date.errors = [_("Choose a day within the next 90 days.")]
        return valid and not self.execution_date.errors


class MarkPaidForm(FlaskForm):  # type: ignore[misc]
    reference = StringField(
        _l("Bank reference"),
        validators=[DataRequired(_l("Enter the bank's reference of the transfer.")), at_most(120)],
    )


class PrivacySearchForm(Form):  # type: ignore[misc]
    """The privacy requests page's search (GET: bookmarkable, no CSRF)."""

    q = StringField(_l("E-mail address, or part of it"), validators=[Optional(), at_most(254)])


class RecordPrivacyRequestForm(FlaskForm):  # type: ignore[misc]
    """A request made to staff by phone, letter or in person, recorded to be handled by hand."""

    email = StringField(
        _l("The customer's e-mail address"),
        validators=[
            DataRequired(_l("Enter the e-mail address the customer ordered with.")),
            at_most(254),
            EMAIL,
        ],
        filters=[stripped],
    )
    note = StringField(_l("How it was asked (for the record)"), validators=[Optional(), at_most(500)])


class StaffErasureForm(FlaskForm):  # type: ignore[misc]
    """Staff confirm they erase a customer's data, having checked who asked."""

    confirm = BooleanField(
        _l("I have checked who asked: erase this customer's details for good."),
        validators=[DataRequired(_l("Tick the box to confirm the erasure."))],
    )


class WithdrawalActionForm(FlaskForm):  # type: ignore[misc]
    """Staff's move on one withdrawal (`withdrawal`, a hidden id): return received, or refund it."""

    withdrawal = IdField()
