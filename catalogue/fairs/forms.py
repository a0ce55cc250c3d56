"""The fairs' forms: the VVG's fair (names, story, moments in Vilnius time, invited communities, theme,
promise), its curation (take a product out with a reason), and a community's choice of products."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, DateTimeLocalInput, ListWidget

from catalogue.fairs.running import FairInput
from catalogue.models import Category
from producers.forms import SLUG
from producers.models import Community
from shop.forms import FIRST_DAY, LAST_DAY, DayField, at_most, stripped, whole_number
from shop.i18n import VILNIUS, localized

MOMENT_FORMAT = "%Y-%m-%dT%H:%M"  #: what a browser's date-and-time picker sends


class VilniusMomentField(Field):  # type: ignore[misc]  # WTForms ships partial types
    """A moment typed in Vilnius time (the picker sends 2026-12-01T10:00), held as an aware UTC datetime;
    junk gets our own message and is re-shown as typed. An hour that happens twice (the autumn change) is
    taken the first time; one that does not happen (the spring change) as the hour after the change."""

    data: datetime | None
    raw_text = ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_text = str(valuelist[0]).strip()[:40] if valuelist else ""
        self.data = None
        if not self.raw_text:
            return
        try:
            local = datetime.strptime(self.raw_text.replace(" ", "T")[:16], MOMENT_FORMAT)
        except ValueError:
            raise ValueError(_l("Enter a date and time like 2026-12-01 10:00.")) from None
        if not FIRST_DAY <= local.date() <= LAST_DAY:
            raise ValueError(_l("Enter a day of the years 2000 to 2099."))
        # normalising through UTC moves a time that does not exist in Vilnius past the spring change
        self.data = local.replace(tzinfo=VILNIUS).astimezone(UTC)

    def _value(self) -> str:
        if self.raw_text:
            return self.raw_text
        return "" if self.data is None else self.data.astimezone(VILNIUS).strftime(MOMENT_FORMAT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateTimeLocalInput())
        super().__init__(*args, **kwargs)


class CheckboxesField(SelectMultipleField):  # type: ignore[misc]
    """Ids ticked in a list of checkboxes; an id not offered is a form error (a forged form)."""

    widget = ListWidget(html_tag="ul", prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", int)  # ids: a ticked box is re-shown ticked
        super().__init__(*args, **kwargs)

    def pre_validate(self, form: Any) -> None:
        offered = {str(value) for value, *_ in self.iter_choices()}
        if any(str(value) not in offered for value in self.data or []):
            raise ValidationError(_l("Choose among those listed."))

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = [whole_number(str(value)) or 0 for value in valuelist[:500]]

    @property
    def ids(self) -> list[int]:
        return [value for value in self.data or [] if value]


class FairForm(FlaskForm):  # type: ignore[misc]
    """A fair as the VVG sets it up."""

    name_lt = StringField(
        _l("Name (Lithuanian)"),
        filters=[stripped],
        validators=[DataRequired(_l("Enter the name in Lithuanian, e.g. Kalėdų mugė.")), at_most(160)],
    )
    name_en = StringField(
        _l("Name (English)"),
        filters=[stripped],
        validators=[DataRequired(_l("Enter the name in English, e.g. Christmas fair.")), at_most(160)],
    )
    slug = StringField(
        _l("Address in the shop"),
        filters=[stripped],
        validators=[DataRequired(_l("Enter the address, e.g. kaledu-muge.")), at_most(80)],
    )
    story_lt = TextAreaField(_l("Story (Lithuanian)"), validators=[Optional(), at_most(4000)])
    story_en = TextAreaField(_l("Story (English)"), validators=[Optional(), at_most(4000)])
    opens_at = VilniusMomentField(
        _l("Opens (Vilnius time)"), validators=[InputRequired(_l("Enter when the fair opens."))]
    )
    closes_at = VilniusMomentField(
        _l("Closes (Vilnius time)"), validators=[InputRequired(_l("Enter when the fair closes."))]
    )
    communities = CheckboxesField(_l("Communities invited"), choices=[])
    theme_category = SelectField(_l("Theme category (optional)"), choices=[], validate_choice=False)
    order_by = DayField(_l("Last day to order (optional)"), validators=[Optional()])
    promise_lt = TextAreaField(
        _l("Delivery promise (Lithuanian, optional)"), validators=[Optional(), at_most(500)]
    )
    promise_en = TextAreaField(
        _l("Delivery promise (English, optional)"), validators=[Optional(), at_most(500)]
    )

    def __init__(
        self, *args: Any, communities: Sequence[Community], categories: Sequence[Category], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.communities.choices = [
            (c.id, c.name if c.is_active else f"{c.name} ({_l('switched off')})") for c in communities
        ]
        self.theme_category.choices = [("", _l("No theme"))] + [
            (str(c.id), localized(c, "name")) for c in categories
        ]

    def validate_slug(self, field: StringField) -> None:
        field.data = (field.data or "").lower()
        if not SLUG.match(field.data):
            raise ValidationError(_l("Use small letters a–z, digits and dashes, e.g. kaledu-muge."))

    def validate_closes_at(self, field: VilniusMomentField) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The fair must close after it opens."))

    def validate_theme_category(self, field: SelectField) -> None:
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose among those listed."))

    def to_input(self) -> FairInput:
        assert self.opens_at.data is not None and self.closes_at.data is not None
        return FairInput(
            slug=self.slug.data,
            name_lt=self.name_lt.data or "",
            name_en=self.name_en.data or "",
            story_lt=self.story_lt.data or "",
            story_en=self.story_en.data or "",
            opens_at=self.opens_at.data,
            closes_at=self.closes_at.data,
            community_ids=self.communities.ids,
            theme_category_id=int(self.theme_category.data) if self.theme_category.data else None,
            order_by=self.order_by.data,
            promise_lt=self.promise_lt.data or "",
            promise_en=self.promise_en.data or "",
        )


class RemoveFromFairForm(FlaskForm):  # type: ignore[misc]
    """Taking a product out of a fair: the community reads the reason."""

    reason = StringField(
        _l("Why it leaves the fair"),
        filters=[stripped],
        validators=[DataRequired(_l("Say why, for the community.")), at_most(300)],
    )


class FairProductsForm(FlaskForm):  # type: ignore[misc]
    """A community's products at a fair, and which of them were made for the fair only."""

    products = CheckboxesField(_l("Products at the fair"), choices=[])
    fair_only = CheckboxesField(_l("Made for the fair only: on sale only while it runs"), choices=[])

    def set_choices(self, choices: list[tuple[int, str]]) -> None:
        self.products.choices = choices
        self.fair_only.choices = choices


#: A fair's phase in words (the workspace's and back office's lists).
PHASE_LABELS = {
    "coming": _l("Coming"),
    "running": _l("On now"),
    "ended": _l("Ended"),
}
