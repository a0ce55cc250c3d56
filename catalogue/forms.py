"""The catalogue's forms: the storefront's filters (read from the query string, re-shown as typed, junk turned
into messages), a community's listing with its variants, its quick stock count and its photos, and the VVG's
return of a listing and its product types."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    FormField,
    HiddenField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import FieldList as WTFieldList
from wtforms.validators import AnyOf, DataRequired, InputRequired, NumberRange, Optional, ValidationError

from catalogue import categories, listings, safety
from catalogue.browsing import CatalogueFilter, CommunityChoice, Sort
from catalogue.errors import SaleProblem
from catalogue.models import Category, ProductType
from producers.forms import SLUG
from producers.models import Community
from shop.forms import DayField, IdField, MoneyField, WholeNumberField, at_most, whole_number
from shop.i18n import localized, vilnius_today

MAX_PRICE_CENTS = 1_000_000  # 10 000 €: more is a typo
MAX_STOCK = 100_000  # of one variant: more is a typo

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
    certified = BooleanField(_l("Certified community business"))
    sort = SelectField(
        _l("Sort by"),
        choices=[SelectChoice(value, label) for value, label in SORT_LABELS.items()],
        validate_choice=False,
    )

    def __init__(
        self,
        formdata: Any,
        *,
        categories: Sequence[Category],
        communities: Sequence[Community | CommunityChoice],
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
            certified=bool(self.certified.data),
            sort=Sort(valid(self.sort) or Sort.RECOMMENDED),
        )

    @property
    def is_filtered(self) -> bool:
        """Whether anything narrows the list (to offer "clear all")."""
        chosen = self.filters()
        return bool(
            chosen.query
            or chosen.category_slug
            or chosen.community_slug
            or chosen.in_stock
            or chosen.certified
        ) or (chosen.min_price_cents is not None or chosen.max_price_cents is not None)


#: A product code: letters A–Z, digits and . _ / - (stored in capitals), at most 40 characters.
SKU = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{0,39}$")


def _check_choice(field: SelectField, message: Any) -> None:
    if field.data and field.data not in {choice.value for choice in field.choices or []}:
        raise ValidationError(message)


class VariantForm(Form):  # type: ignore[misc]
    """One row of the variants table (CSRF is the outer form's)."""

    variant_id = HiddenField()
    sku = StringField(_l("Product code (SKU)"), validators=[Optional(), at_most(40)])
    name_lt = StringField(_l("Variant (Lithuanian)"), validators=[Optional(), at_most(120)])
    name_en = StringField(_l("Variant (English)"), validators=[Optional(), at_most(120)])
    price = MoneyField(
        _l("Price, €"),
        max_cents=MAX_PRICE_CENTS,
        validators=[InputRequired(_l("Enter the price, e.g. 4,50."))],
    )
    stock = WholeNumberField(
        _l("In stock"),
        default=0,
        validators=[Optional(), NumberRange(0, MAX_STOCK, _l("Stock is a whole number from 0."))],
    )
    is_made_to_order = BooleanField(_l("Made to order"))
    lead_days = WholeNumberField(
        _l("Days to make"), validators=[Optional(), NumberRange(1, 120, _l("Between 1 and 120 days."))]
    )
    weight_grams = WholeNumberField(
        _l("Weight, g"),
        validators=[
            InputRequired(_l("Enter the weight in grams.")),
            NumberRange(1, 30_000, _l("Between 1 g and 30 kg.")),
        ],
    )
    remove = BooleanField(_l("Remove"))
    sale_price = MoneyField(_l("Sale price, €"), max_cents=MAX_PRICE_CENTS, validators=[Optional()])
    sale_from = DayField(_l("First day of the sale"), validators=[Optional()])
    sale_until = DayField(_l("Last day of the sale"), validators=[Optional()])

    def validate_price(self, field: MoneyField) -> None:
        if field.data is not None and field.data <= 0:
            raise ValidationError(_l("The price must be more than 0 €."))

    def validate_sku(self, field: StringField) -> None:
        if field.data and not SKU.match(safety.normal_sku(field.data)):
            raise ValidationError(_l("Use letters A–Z, digits and dashes, e.g. SLAP-000123-1."))

    @property
    def is_blank(self) -> bool:
        """The spare row left empty: not a variant."""
        return (
            not self.variant_id.data
            and not self.price.raw_text
            and not self.name_lt.data
            and not (self.sku.data or "").strip()
            and not self.sale_price.raw_text
        )

    def sale(self) -> listings.SaleInput | None:
        """The sale typed (once the row is valid); None when its fields are empty."""
        if self.sale_price.data is None or self.sale_until.data is None:
            return None
        return listings.SaleInput(self.sale_price.data, self.sale_from.data, self.sale_until.data)

    def check_sale(self, today: date, since: date | None) -> bool:
        """The sale's rules (`listings.check_sale`), each said at its field; `since` is the day the
        variant's sale began, if one is running."""
        fields = (self.sale_price, self.sale_from, self.sale_until)
        if any(field.errors for field in fields):
            return False  # what was typed is not a price or a day: already said
        if self.sale_price.data is None:
            if self.sale_from.data is None and self.sale_until.data is None:
                return True
            self.sale_price.errors.append(_("Enter the sale price, or leave the sale's days empty."))
            return False
        if self.sale_until.data is None:
            self.sale_until.errors.append(_("Enter the sale's last day."))
            return False
        sale = self.sale()
        if sale is None or self.price.data is None:
            return not self.price.errors  # the regular price is wrong: its own message says so
        problems = listings.check_sale(sale, regular_cents=self.price.data, today=today, since=since)
        for problem in problems:
            field = SALE_PROBLEM_FIELDS[problem]
            getattr(self, field).errors.append(sale_problem_words(problem))
        return not problems


#: Which field of a variant row each sale problem is said at.
SALE_PROBLEM_FIELDS = {
    SaleProblem.NOT_ABOVE_ZERO: "sale_price",
    SaleProblem.NOT_BELOW_REGULAR: "sale_price",
    SaleProblem.STARTS_IN_THE_PAST: "sale_from",
    SaleProblem.ENDED: "sale_until",
    SaleProblem.ENDS_BEFORE_IT_STARTS: "sale_until",
    SaleProblem.TOO_LONG: "sale_until",
}


def sale_problem_words(problem: SaleProblem) -> str:
    """A sale problem in the community's words."""
    words = {
        SaleProblem.NOT_ABOVE_ZERO: _("The sale price must be more than 0 €."),
        SaleProblem.NOT_BELOW_REGULAR: _("The sale price must be below the regular price."),
        SaleProblem.STARTS_IN_THE_PAST: _("A sale cannot begin before today."),
        SaleProblem.ENDED: _("That last day has passed: choose today or a later day."),
        SaleProblem.ENDS_BEFORE_IT_STARTS: _("The last day is before the first."),
        SaleProblem.TOO_LONG: _("A sale lasts at most %(days)d days.", days=listings.MAX_SALE_DAYS),
    }
    return str(words[problem])


NO_SUCH_CHOICE = -1  #: a select's value that names no row ("abc", "²"): refused by the form's check


def optional_id(value: Any) -> int | None:
    """A select's value as a row's id: None for the empty choice, NO_SUCH_CHOICE for junk."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    return whole_number(str(value)) or NO_SUCH_CHOICE


class ListingForm(FlaskForm):  # type: ignore[misc]
    name_lt = StringField(
        _l("Name (Lithuanian)"), validators=[DataRequired(_l("Enter the name in Lithuanian.")), at_most(160)]
    )
    name_en = StringField(_l("Name (English)"), validators=[Optional(), at_most(160)])
    category_id = SelectField(_l("Category"), coerce=int, validate_choice=False)
    description_lt = TextAreaField(_l("Description (Lithuanian)"), validators=[Optional(), at_most(5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), at_most(5000)])
    product_type_id = SelectField(_l("Product type"), coerce=optional_id, validate_choice=False)
    safety_notes_lt = TextAreaField(_l("Safety warning (Lithuanian)"), validators=[Optional(), at_most(2000)])
    safety_notes_en = TextAreaField(_l("Safety warning (English)"), validators=[Optional(), at_most(2000)])
    variants = WTFieldList(FormField(VariantForm), min_entries=1, max_entries=20)

    #: The day each variant's running sale began, by variant id (set by the view from the listing).
    running_sales: Mapping[int, date] = {}

    def set_product_types(self, product_types: Sequence[ProductType]) -> None:
        """The type choice, each option carrying its templates for the page's script to fill in."""
        self.product_type_id.choices = [SelectChoice("", _l("— choose the product type —"))] + [
            SelectChoice(
                str(product_type.id),
                localized(product_type, "name"),
                render_kw={
                    "data-warning-lt": product_type.warning_lt,
                    "data-warning-en": product_type.warning_en,
                    "data-warning-required": "true" if product_type.is_warning_required else "false",
                },
            )
            for product_type in product_types
        ]

    def validate_category_id(self, field: SelectField) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a category."))

    def validate_product_type_id(self, field: SelectField) -> None:
        if field.data is not None and str(field.data) not in {choice.value for choice in field.choices or []}:
            raise ValidationError(_l("Choose a product type from the list."))

    def validate(self, extra_validators: Any = None) -> bool:
        # The spare empty row is not validated; every other row is.
        for entry in list(self.variants.entries):
            if entry.form.is_blank or entry.form.remove.data:
                entry.form.price.validators = [Optional()]
                entry.form.weight_grams.validators = [Optional()]
        valid = bool(super().validate(extra_validators))
        for entry in self.variants.entries:
            row = entry.form
            if (
                not row.is_blank
                and row.is_made_to_order.data
                and not row.lead_days.data
                and not row.lead_days.errors
            ):
                row.lead_days.errors = [_("How many days does it take to make one?")]
                valid = False
        today = vilnius_today()
        for entry in self.variants.entries:
            row = entry.form
            if not row.is_blank and not row.remove.data:
                since = self.running_sales.get(whole_number(row.variant_id.data) or 0)
                valid = row.check_sale(today, since) and valid
        self.gather_row_errors()
        if not [row for row in self.rows() if not row.remove]:
            self.form_errors.append(_("A listing needs at least one price."))
            valid = False
        return valid

    def gather_row_errors(self) -> None:
        """Count the errors said at a variant's field after WTForms checked the rows (its list keeps what
        it found then), so that the page's summary names them too."""
        errors = [entry.errors for entry in self.variants.entries]
        self.variants.errors = errors if any(errors) else []

    def rows(self) -> list[listings.VariantInput]:
        rows = []
        for entry in self.variants.entries:
            row = entry.form
            if row.is_blank:
                continue
            rows.append(
                listings.VariantInput(
                    id=whole_number(row.variant_id.data),
                    sku=row.sku.data or "",
                    name_lt=row.name_lt.data or "",
                    name_en=row.name_en.data or "",
                    price_cents=row.price.data or 0,
                    stock=row.stock.data or 0,
                    is_made_to_order=bool(row.is_made_to_order.data),
                    lead_days=row.lead_days.data,
                    weight_grams=row.weight_grams.data or 0,
                    remove=bool(row.remove.data),
                    sale=row.sale(),
                )
            )
        return rows

    def to_input(self) -> listings.ListingInput:
        return listings.ListingInput(
            category_id=self.category_id.data,
            name_lt=self.name_lt.data or "",
            name_en=self.name_en.data or "",
            description_lt=self.description_lt.data or "",
            description_en=self.description_en.data or "",
            safety_notes_lt=self.safety_notes_lt.data or "",
            safety_notes_en=self.safety_notes_en.data or "",
            product_type_id=self.product_type_id.data,
            variants=self.rows(),
        )


class ProductTypeForm(FlaskForm):  # type: ignore[misc]
    """A product type as the VVG names it, with the warning its listings start from."""

    name_lt = StringField(
        _l("Name (Lithuanian)"),
        validators=[
            DataRequired(_l("Enter the name in Lithuanian, e.g. Stikliniai papuošalai.")),
            at_most(120),
        ],
    )
    name_en = StringField(_l("Name (English)"), validators=[Optional(), at_most(120)])
    is_warning_required = BooleanField(_l("Listings of this type need a safety warning"))
    warning_lt = TextAreaField(_l("Warning template (Lithuanian)"), validators=[Optional(), at_most(2000)])
    warning_en = TextAreaField(_l("Warning template (English)"), validators=[Optional(), at_most(2000)])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        lt, en = (self.warning_lt.data or "").strip(), (self.warning_en.data or "").strip()
        if en and not lt:
            self.warning_lt.errors = [_("Write the Lithuanian words too, or leave both templates empty.")]
            valid = False
        if lt and not en:
            self.warning_en.errors = [_("Write the English words too, or leave both templates empty.")]
            valid = False
        return valid

    def to_input(self) -> safety.ProductTypeInput:
        return safety.ProductTypeInput(
            name_lt=self.name_lt.data or "",
            name_en=self.name_en.data or "",
            is_warning_required=bool(self.is_warning_required.data),
            warning_lt=self.warning_lt.data or "",
            warning_en=self.warning_en.data or "",
        )


class CategoryForm(FlaskForm):  # type: ignore[misc]
    """A category as the VVG names it, its address in the shop, and whether it holds greeting cards."""

    name_lt = StringField(
        _l("Name (Lithuanian)"),
        validators=[
            DataRequired(_l("Enter the name in Lithuanian, e.g. Kalėdiniai atvirukai.")),
            at_most(120),
        ],
    )
    name_en = StringField(
        _l("Name (English)"),
        validators=[DataRequired(_l("Enter the name in English, e.g. Christmas cards.")), at_most(120)],
    )
    slug = StringField(
        _l("Address in the shop"),
        validators=[DataRequired(_l("Enter the address, e.g. atvirukai.")), at_most(80)],
    )
    description_lt = TextAreaField(_l("Description (Lithuanian)"), validators=[Optional(), at_most(2000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), at_most(2000)])
    holds_cards = BooleanField(_l("Its products are greeting cards: a gift message is written into the card"))

    def validate_slug(self, field: StringField) -> None:
        field.data = field.data.strip().lower()
        if not SLUG.match(field.data):
            raise ValidationError(_l("Use small letters a–z, digits and dashes, e.g. kaledu-atvirukai."))

    def to_input(self) -> categories.CategoryInput:
        return categories.CategoryInput(
            name_lt=self.name_lt.data or "",
            name_en=self.name_en.data or "",
            slug=self.slug.data or "",
            description_lt=self.description_lt.data or "",
            description_en=self.description_en.data or "",
            holds_cards=bool(self.holds_cards.data),
        )


class RejectForm(FlaskForm):  # type: ignore[misc]
    reason = StringField(
        _l("What should the community change?"),
        validators=[DataRequired(_l("Say what should change: the community reads it.")), at_most(2000)],
    )


class StockForm(FlaskForm):  # type: ignore[misc]
    """The listing table's quick stock count of one variant: plain digits from 0, not "²", "-0" or "1e3"."""

    stock = StringField(_l("In stock"))

    def validate_stock(self, field: StringField) -> None:
        if whole_number(field.data, MAX_STOCK) is None:
            typed = (field.data or "").strip()[:20]
            raise ValidationError(_("Stock is a whole number from 0 (you typed “%(value)s”).", value=typed))

    @property
    def count(self) -> int:
        """The stock typed (once the form is valid)."""
        return whole_number(self.stock.data, MAX_STOCK) or 0


#: The buttons of a photo's form on a listing's page.
PHOTO_ACTIONS = ("earlier", "later", "cover", "describe", "delete")


class PhotoForm(FlaskForm):  # type: ignore[misc]
    """One photo's form on a listing's page: the button pressed (`action`), what the photo shows (saved with
    "describe"; the service keeps 250 characters) and the listing to go back to (`product_id`)."""

    action = StringField(validators=[AnyOf(PHOTO_ACTIONS)])
    alt_lt = StringField(_l("What the photo shows (Lithuanian)"))
    alt_en = StringField(_l("What the photo shows (English)"))
    product_id = IdField()
