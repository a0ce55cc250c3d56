"""The form staff publish a legal page with: both languages' title and body, and what changed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from legal.pages import Draft
from shop.forms import at_most, stripped

#: A page is a few screens of text; a body this long is a paste gone wrong (or an attempt to fill the disk).
MAX_BODY = 60_000


class LegalPageForm(FlaskForm):  # type: ignore[misc]  # WTForms ships partial types
    title_lt = StringField(
        _l("Title in Lithuanian"),
        filters=[stripped],
        validators=[DataRequired(_l("Enter the title.")), at_most(200)],
    )
    body_lt = TextAreaField(
        _l("Text in Lithuanian"),
        validators=[DataRequired(_l("Enter the text of the page.")), at_most(MAX_BODY)],
    )
    title_en = StringField(
        _l("Title in English"),
        filters=[stripped],
        validators=[DataRequired(_l("Enter the title.")), at_most(200)],
    )
    body_en = TextAreaField(
        _l("Text in English"),
        validators=[DataRequired(_l("Enter the text of the page.")), at_most(MAX_BODY)],
    )
    change_note = StringField(
        _l("What changed"),
        filters=[stripped],
        validators=[DataRequired(_l("Say in a few words what changed.")), at_most(500)],
    )

    def draft(self) -> Draft:
        """What was typed, for the service to check and publish."""
        return Draft(
            title_lt=self.title_lt.data or "",
            title_en=self.title_en.data or "",
            body_lt=self.body_lt.data or "",
            body_en=self.body_en.data or "",
            change_note=self.change_note.data or "",
        )
