"""The VVG's side of the catalogue: listings waiting for review, approved or returned with a reason; the
listings on sale that lack product-safety information; the product types with their warnings; and the
categories (which of them hold greeting cards); and what people searched for, week by week."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from catalogue import categories, moderation, safety, search_log
from catalogue.errors import (
    CategoryNotFound,
    CategorySlugTaken,
    ListingNotFound,
    NotReadyForSale,
    ProductTypeNameTaken,
    ProductTypeNotFound,
)
from catalogue.forms import CategoryForm, ProductTypeForm, RejectForm
from catalogue.labels import MISSING_LABELS, missing_words
from shop.access import current_actor, staff_required
from shop.i18n import vilnius_today

backoffice = Blueprint("catalogue_backoffice", __name__, url_prefix="/backoffice")

ID = "int(max=2147483647)"


@backoffice.context_processor
def _catalogue_words() -> dict[str, Any]:
    return {"missing_labels": MISSING_LABELS}


def _review_page(forms: dict[int, RejectForm] | None = None, status: int = 200) -> ResponseReturnValue:
    products = moderation.list_waiting_for_review()
    blank = {product.id: RejectForm(prefix=f"p{product.id}", formdata=None) for product in products}
    return render_template(
        "catalogue/backoffice/moderation.html",
        products=products,
        forms={**blank, **(forms or {})},
        flagged=safety.list_on_sale_missing_safety(),
    ), status


@backoffice.get("/moderation")
@staff_required
def review_queue() -> ResponseReturnValue:
    """Listings waiting for the VVG (new ones, and changed texts or prices of untrusted communities)."""
    return _review_page()


@backoffice.post(f"/moderation/<{ID}:product_id>/approve")
@staff_required
def approve(product_id: int) -> ResponseReturnValue:
    try:
        product = moderation.approve_listing(product_id, by=current_actor())
    except ListingNotFound:
        abort(404)
    except NotReadyForSale as not_ready:
        name = moderation.listing_name(product_id)
        flash(
            _(
                "“%(name)s” cannot be approved without %(missing)s: send it back saying what to add.",
                name=name,
                missing=missing_words(not_ready.missing),
            ),
            "error",
        )
    else:
        flash(_("“%(name)s” is for sale.", name=product.name_lt), "success")
    return redirect(url_for("catalogue_backoffice.review_queue"))


@backoffice.post(f"/moderation/<{ID}:product_id>/reject")
@staff_required
def reject(product_id: int) -> ResponseReturnValue:
    form = RejectForm(prefix=f"p{product_id}")
    if not form.validate():
        return _review_page({product_id: form}, 400)
    try:
        product = moderation.reject_listing(product_id, reason=form.reason.data, by=current_actor())
    except ListingNotFound:
        abort(404)
    flash(_("“%(name)s” went back to its community with your note.", name=product.name_lt), "success")
    return redirect(url_for("catalogue_backoffice.review_queue"))


# --- Product types ------------------------------------------------------------------------------------


@backoffice.get("/product-types")
@staff_required
def product_type_list() -> ResponseReturnValue:
    """The product types communities choose from, with whether each needs a warning, and its template."""
    return render_template("catalogue/backoffice/product_types.html", rows=safety.list_product_type_rows())


@backoffice.route("/product-types/new", methods=["GET", "POST"])
@staff_required
def product_type_new() -> ResponseReturnValue:
    form = ProductTypeForm()
    if form.validate_on_submit():
        try:
            product_type = safety.create_product_type(form.to_input(), by=current_actor())
        except ProductTypeNameTaken:
            form.name_lt.errors.append(_("There is already a product type of this name."))
        else:
            flash(_("The product type “%(name)s” is added.", name=product_type.name_lt), "success")
            return redirect(url_for("catalogue_backoffice.product_type_list"))
    status = 400 if request.method == "POST" else 200
    return render_template("catalogue/backoffice/product_type.html", form=form, product_type=None), status


@backoffice.route(f"/product-types/<{ID}:product_type_id>", methods=["GET", "POST"])
@staff_required
def product_type_edit(product_type_id: int) -> ResponseReturnValue:
    try:
        product_type = safety.get_product_type(product_type_id)
    except ProductTypeNotFound:
        abort(404)
    form = ProductTypeForm(obj=product_type) if request.method == "GET" else ProductTypeForm()
    if form.validate_on_submit():
        try:
            product_type = safety.update_product_type(product_type_id, form.to_input(), by=current_actor())
        except ProductTypeNotFound:
            abort(404)
        except ProductTypeNameTaken:
            form.name_lt.errors.append(_("There is already a product type of this name."))
        else:
            flash(_("The product type “%(name)s” is saved.", name=product_type.name_lt), "success")
            return redirect(url_for("catalogue_backoffice.product_type_list"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "catalogue/backoffice/product_type.html", form=form, product_type=product_type
    ), status


# --- Categories ---------------------------------------------------------------------------------------


@backoffice.get("/categories")
@staff_required
def category_list() -> ResponseReturnValue:
    """The shop's categories, with whether each holds greeting cards and how many listings it has."""
    return render_template("catalogue/backoffice/categories.html", rows=categories.list_category_rows())


@backoffice.route("/categories/new", methods=["GET", "POST"])
@staff_required
def category_new() -> ResponseReturnValue:
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = categories.create_category(form.to_input(), by=current_actor())
        except CategorySlugTaken:
            form.slug.errors.append(_("Another category already has this address."))
        else:
            flash(_("The category “%(name)s” is added.", name=category.name_lt), "success")
            return redirect(url_for("catalogue_backoffice.category_list"))
    status = 400 if request.method == "POST" else 200
    return render_template("catalogue/backoffice/category.html", form=form, category=None), status


@backoffice.route(f"/categories/<{ID}:category_id>", methods=["GET", "POST"])
@staff_required
def category_edit(category_id: int) -> ResponseReturnValue:
    try:
        category = categories.get_category(category_id)
    except CategoryNotFound:
        abort(404)
    form = CategoryForm(obj=category) if request.method == "GET" else CategoryForm()
    if form.validate_on_submit():
        try:
            category = categories.update_category(category_id, form.to_input(), by=current_actor())
        except CategoryNotFound:
            abort(404)
        except CategorySlugTaken:
            form.slug.errors.append(_("Another category already has this address."))
        else:
            flash(_("The category “%(name)s” is saved.", name=category.name_lt), "success")
            return redirect(url_for("catalogue_backoffice.category_list"))
    status = 400 if request.method == "POST" else 200
    return render_template("catalogue/backoffice/category.html", form=form, category=category), status


@backoffice.get("/paieskos")
@staff_required
def search_report() -> ResponseReturnValue:
    """What people searched for in a week (`?savaite=` its Monday, this week by default): the top queries
    and those that found nothing, so the VVG knows what to ask communities to make."""
    this_week = search_log.week_of(vilnius_today())
    weeks = sorted({this_week, *search_log.list_weeks_searched()}, reverse=True)
    asked = request.args.get("savaite", "")
    week = next((week for week in weeks if week.isoformat() == asked), this_week)  # only a week offered
    if asked and week.isoformat() != asked:
        flash(_("There is no such week; showing this one."), "error")
    return render_template(
        "catalogue/backoffice/search_report.html",
        week=week,
        weeks=weeks,
        top=search_log.list_top_queries(week),
        found_nothing=search_log.list_queries_found_nothing(week),
    )
