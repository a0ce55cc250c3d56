"""The catalogue's filter form: read from the query string, re-shown as typed, junk turned into messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, SearchField, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from catalogue.models import Category
from catalogue.services import CatalogueFilter, Sort
from producers.models import Community
from shop.forms import MoneyField, at_most
from shop.i18n import localized

SORT_LABELS = {
    Sort.RECOMMENDED: _l("Recommended"),
    Sort.NEWEST: _l("Newest"),
    Sort.PRICE_ASC: _l("Price: low to high"),
    Sort.PRICE_DESC: _l("Price: high to low"),
}


class CatalogueFilterForm(Form):  # type: ignore[misc]  # WTForms ships partial types
    """GET form: no CSRF (it changes nothing), every field optional."""

    q = SearchField(_l("Search"), validators=[Optional(), at_most(100)])
    category = SelectField(_l("Category"), validate_choice=False)
    community = SelectField(_l("Community"), validate_choice=False)
    min_price = MoneyField(_l("Price from, €"))
    max_price = MoneyField(_l("Price to, €"))
    in_stock = BooleanField(_l("Ready to ship now"))
    sort = SelectField(
        _l("Sort by"),
        choices=[SelectChoice(value, label) for value, label in SORT_LABELS.items()],
        validate_choice=False,
    )

    def __init__(
        self, formdata: Any, *, categories: Sequence[Category], communities: Sequence[Community]
    ) -> None:
        super().__init__(formdata)
        self.category.choices = [SelectChoice("", _l("All categories"))] + [
            SelectChoice(c.slug, localized(c, "name")) for c in categories
        ]
        self.community.choices = [SelectChoice("", _l("All communities"))] + [
            SelectChoice(c.slug, c.name) for c in communities
        ]
        self.validate()

    def validate_category(self, field: SelectField) -> None:
        _check_choice(field, _l("There is no such category; showing all."))

    def validate_community(self, field: SelectField) -> None:
        _check_choice(field, _l("There is no such community; showing all."))

    def validate_sort(self, field: SelectField) -> None:
        _check_choice(field, _l("Unknown order; showing the recommended one."))

    def validate_max_price(self, field: MoneyField) -> None:
        if self.min_price.data is not None and field.data is not None and field.data < self.min_price.data:
            raise ValidationError(_l("The upper price is below the lower one."))

    def filters(self) -> CatalogueFilter:
        """The valid part of what was asked: a field with an error is left out, never guessed."""

        def valid(field: Any) -> Any:
            return None if field.errors else (field.data or None)

        return CatalogueFilter(
            query=valid(self.q) or "",
            category_slug=valid(self.category),
            community_slug=valid(self.community),
            min_price_cents=None if self.min_price.errors else self.min_price.data,
            max_price_cents=None if self.max_price.errors else self.max_price.data,
            in_stock=bool(self.in_stock.data),
            sort=Sort(valid(self.sort) or Sort.RECOMMENDED),
        )

    @property
    def is_filtered(self) -> bool:
        """Whether anything narrows the list (to offer "clear all")."""
        chosen = self.filters()
        return bool(chosen.query or chosen.category_slug or chosen.community_slug or chosen.in_stock) or (
            chosen.min_price_cents is not None or chosen.max_price_cents is not None
        )


def _check_choice(field: SelectField, message: Any) -> None:
    if field.data and field.data not in {choice.value for choice in field.choices or []}:
        raise ValidationError(message)


def page_number(raw: str | None) -> int:
    """`?page=` as a number; junk, zero and negatives mean the first page."""
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1
