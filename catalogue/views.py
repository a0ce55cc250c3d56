"""The catalogue as customers see it: the product list with filters, and product pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from catalogue import services
from catalogue.forms import CatalogueFilterForm, page_number
from producers.services import list_active_communities

storefront = Blueprint("catalogue", __name__)


@storefront.get("/katalogas")
def product_list() -> ResponseReturnValue:
    categories = services.list_categories()
    form = CatalogueFilterForm(request.args, categories=categories, communities=list_active_communities())
    filters = form.filters()
    page = services.list_products(
        filters,
        page=page_number(request.args.get("page")),
        per_page=current_app.config["CATALOGUE_PAGE_SIZE"],
    )
    category = next((c for c in categories if c.slug == filters.category_slug), None)
    return render_template("catalogue/list.html", form=form, page=page, category=category)


@storefront.get("/produktai/<slug>")
def product_page(slug: str) -> ResponseReturnValue:
    product = services.get_product(slug)
    if product is None:
        abort(404)
    return render_template("catalogue/product.html", product=product)
