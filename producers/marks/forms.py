"""The mark's forms: a community's application (one answer and one file field per criterion) and staff's
review, grant and criteria forms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, ValidationError

from producers.marks.applying import MAX_ANSWER
from producers.marks.models import Criterion
from producers.marks.reviewing import MAX_NOTE
from shop.forms import DayField, at_most, stripped
from shop.i18n import vilnius_today

#: The longest validity staff may give at once.
MAX_VALIDITY_YEARS = 5


class ApplicationForm(FlaskForm):  # type: ignore[misc]
    """Answers and files, one pair per criterion (`answer_<id>`, `evidence_<id>`), made for a version."""

    @classmethod
    def for_criteria(cls, criteria: Sequence[Criterion], **kwargs: Any) -> ApplicationForm:
        class Bound(cls):  # type: ignore[valid-type,misc]
            pass

        for number, criterion in enumerate(criteria, start=1):
            answer = _l("Your answer to criterion %(number)d", number=number)
            files = _l("Attach evidence for criterion %(number)d", number=number)
            setattr(
                Bound,
                f"answer_{criterion.id}",
                TextAreaField(answer, filters=[stripped], validators=[at_most(MAX_ANSWER)]),
            )
            setattr(Bound, f"evidence_{criterion.id}", MultipleFileField(files))
        form: ApplicationForm = Bound(**kwargs)
        form.criteria = list(criteria)
        return form

    criteria: list[Criterion]
    #: a refused file: the criterion whose field shows the message, and the message
    files_error: tuple[int, str] | None = None

    def answer(self, criterion: Criterion) -> Any:
        return self[f"answer_{criterion.id}"]

    def files(self, criterion: Criterion) -> Any:
        return self[f"evidence_{criterion.id}"]

    def answers(self) -> dict[int, str]:
        return {c.id: str(self.answer(c).data or "") for c in self.criteria}


def _note(label: Any, required: Any) -> TextAreaField:
    return TextAreaField(label, filters=[stripped], validators=[DataRequired(required), at_most(MAX_NOTE)])


class AskMoreForm(FlaskForm):  # type: ignore[misc]
    request = _note(_l("What more the VVG needs"), _l("Say what the community should add."))


class RefuseForm(FlaskForm):  # type: ignore[misc]
    reasons = _note(_l("Reasons for refusing"), _l("Give the reasons: the community reads them."))


def default_valid_until(months: int, today: date | None = None) -> date:
    day = today or vilnius_today()
    years, month = divmod(day.month - 1 + months, 12)
    first = date(day.year + years, month + 1, 1)
    last_of_month = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first.replace(day=min(day.day, last_of_month.day))


class GrantForm(FlaskForm):  # type: ignore[misc]
    valid_until = DayField(
        _l("Valid until (the last day)"), validators=[InputRequired(_l("Enter the last day it is valid."))]
    )

    def validate_valid_until(self, field: DayField) -> None:
        today = vilnius_today()
        if field.data is None:
            return
        if field.data <= today:
            raise ValidationError(_l("The last day must be after today."))
        if field.data > default_valid_until(12 * MAX_VALIDITY_YEARS, today):
            raise ValidationError(
                _l("A mark is granted for at most %(years)d years.", years=MAX_VALIDITY_YEARS)
            )


GRANT_ACTION_LABELS = {
    "suspend": _l("Suspend"),
    "reinstate": _l("Reinstate"),
    "revoke": _l("Revoke for good"),
}


class GrantChangeForm(FlaskForm):  # type: ignore[misc]
    action = SelectField(
        _l("What to do"),
        choices=[SelectChoice(value, label) for value, label in GRANT_ACTION_LABELS.items()],
        validate_choice=False,
    )
    reason = _note(_l("Reason (shown in the public register)"), _l("Give the reason: the register shows it."))

    def validate_action(self, field: SelectField) -> None:
        if field.data not in GRANT_ACTION_LABELS:
            raise ValidationError(_l("Choose what to do."))


class CriterionForm(Form):  # type: ignore[misc]
    text_lt = TextAreaField(_l("Requirement (Lithuanian)"), filters=[stripped], validators=[at_most(2000)])
    text_en = TextAreaField(_l("Requirement (English)"), filters=[stripped], validators=[at_most(2000)])
    evidence_lt = TextAreaField(
        _l("Evidence expected (Lithuanian)"), filters=[stripped], validators=[at_most(2000)]
    )
    evidence_en = TextAreaField(
        _l("Evidence expected (English)"), filters=[stripped], validators=[at_most(2000)]
    )

    def validate_text_lt(self, field: TextAreaField) -> None:
        others = (self.text_en.data, self.evidence_lt.data, self.evidence_en.data)
        if not field.data and any(others):
            raise ValidationError(_l("Write the requirement in Lithuanian, or clear the row."))

    def validate_text_en(self, field: TextAreaField) -> None:
        if self.text_lt.data and not field.data:
            raise ValidationError(_l("Write the requirement in English too."))

    def validate_evidence_lt(self, field: StringField) -> None:
        if self.text_lt.data and not field.data:
            raise ValidationError(_l("Say what evidence is expected."))

    def validate_evidence_en(self, field: StringField) -> None:
        if self.text_lt.data and not field.data:
            raise ValidationError(_l("Say what evidence is expected, in English too."))


#: The most criteria a version may hold.
MAX_CRITERIA = 30


class CriteriaForm(FlaskForm):  # type: ignore[misc]
    criteria = FieldList(FormField(CriterionForm), min_entries=1, max_entries=MAX_CRITERIA + 1)

    def filled(self) -> list[dict[str, str]]:
        return [entry.data for entry in self.criteria.entries if entry.form.text_lt.data]

    def validate_criteria(self, field: FieldList) -> None:
        if len(self.filled()) > MAX_CRITERIA:
            raise ValidationError(_l("At most %(count)d criteria.", count=MAX_CRITERIA))
