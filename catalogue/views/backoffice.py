"""The VVG's side of the catalogue: listings waiting for review, approved or returned with a reason."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from catalogue import moderation
from catalogue.errors import ListingNotFound
from catalogue.forms import RejectForm
from shop.access import current_actor, staff_required

backoffice = Blueprint("catalogue_backoffice", __name__, url_prefix="/backoffice")


@backoffice.get("/moderation")
@staff_required
def review_queue() -> ResponseReturnValue:
    """Listings waiting for the VVG (new ones, and changed texts or prices of untrusted communities)."""
    products = moderation.list_waiting_for_review()
    forms = {product.id: RejectForm(prefix=f"p{product.id}") for product in products}
    return render_template("catalogue/backoffice/moderation.html", products=products, forms=forms)


@backoffice.post("/moderation/<int(max=2147483647):product_id>/approve")
@staff_required
def approve(product_id: int) -> ResponseReturnValue:
    try:
        product = moderation.approve_listing(product_id, by=current_actor())
    except ListingNotFound:
        abort(404)
    flash(_("“%(name)s” is for sale.", name=product.name_lt), "success")
    return redirect(url_for("catalogue_backoffice.review_queue"))


@backoffice.post("/moderation/<int(max=2147483647):product_id>/reject")
@staff_required
def reject(product_id: int) -> ResponseReturnValue:
    form = RejectForm(prefix=f"p{product_id}")
    if not form.validate():
        products = moderation.list_waiting_for_review()
        forms = {p.id: RejectForm(prefix=f"p{p.id}", formdata=None) for p in products}
        forms[product_id] = form
        return render_template("catalogue/backoffice/moderation.html", products=products, forms=forms), 400
    try:
        product = moderation.reject_listing(product_id, reason=form.reason.data, by=current_actor())
    except ListingNotFound:
        abort(404)
    flash(_("“%(name)s” went back to its community with your note.", name=product.name_lt), "success")
    return redirect(url_for("catalogue_backoffice.review_queue"))
