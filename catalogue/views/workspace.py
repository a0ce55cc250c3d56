"""The community workspace's listings: products, variants, stock and photos of the current community."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from catalogue import listings, safety
from catalogue.browsing import list_categories
from catalogue.errors import (
    LastPhoto,
    ListingNotFound,
    NotReadyForSale,
    SaleNotValid,
    SkuTaken,
    TooManyPhotos,
)
from catalogue.forms import SALE_PROBLEM_FIELDS, ListingForm, PhotoForm, StockForm, sale_problem_words
from catalogue.images import ImageProblem, ImageRejected, process_image, store_image
from catalogue.labels import MAKER_DETAILS, MISSING_LABELS, lacks_maker_details, missing_words
from catalogue.models import MissingForSale, PriceKind, Product, ProductStatus
from catalogue.safety import list_product_types
from producers.access import current_community, member_required
from producers.settings import set_shop_photo
from shop.access import current_actor
from shop.db import utcnow
from shop.errors import render_error
from shop.i18n import localized
from shop.media import MediaStorage, MediaUnavailable

workspace = Blueprint("catalogue_workspace", __name__, url_prefix="/workspace")


#: What a listing's state is called in the workspace (the listing table and a listing's page).
LISTING_STATES = {
    ProductStatus.ACTIVE: _l("For sale"),
    ProductStatus.PENDING_REVIEW: _l("Waiting for the VVG"),
    ProductStatus.DRAFT: _l("Draft"),
    ProductStatus.ARCHIVED: _l("Archived"),
}
PHOTO_PROBLEMS = {
    ImageProblem.NOT_AN_IMAGE: _l("it is not a photo (JPEG, PNG or WebP)"),
    ImageProblem.UNSUPPORTED_FORMAT: _l("only JPEG, PNG and WebP photos are accepted"),
    ImageProblem.TOO_LARGE: _l("it is larger than 10 MB"),
    ImageProblem.TOO_MANY_PIXELS: _l("it has more than 40 megapixels"),
    ImageProblem.TOO_SMALL: _l("it is smaller than 300 pixels on a side"),
}


#: What each kind of price change is called in a listing's price history.
PRICE_KINDS = {
    PriceKind.REGULAR: _l("Regular price"),
    PriceKind.SALE: _l("Sale"),
    PriceKind.SALE_STOPPED: _l("Sale taken off"),
}


@workspace.context_processor
def _listing_words() -> dict[str, Any]:
    return {
        "listing_states": LISTING_STATES,
        "max_photos": listings.MAX_PHOTOS,
        "max_sale_days": listings.MAX_SALE_DAYS,
        "price_kinds": PRICE_KINDS,
        "missing_labels": MISSING_LABELS,
        "maker_pieces": MAKER_DETAILS,
    }


#: The listing form's own fields for the pieces it holds, and what each says when it is missing.
MISSING_FIELDS = {
    MissingForSale.PRODUCT_TYPE: ("product_type_id", _l("Choose the product type.")),
    MissingForSale.WARNING_LT: (
        "safety_notes_lt",
        _l("Write the safety warning in Lithuanian: products of this type need one."),
    ),
    MissingForSale.WARNING_EN: (
        "safety_notes_en",
        _l("Write the safety warning in English: products of this type need one."),
    ),
}


def not_ready_words(error: NotReadyForSale, now: ProductStatus | None = None) -> str:
    """Why the listing cannot move (or stay) where it was going, and what it lacks."""
    missing = missing_words(error.missing)
    if error.wanted is now is ProductStatus.ACTIVE:
        text = _("It cannot stay on sale without %(missing)s.", missing=missing)
    elif error.wanted is now is ProductStatus.PENDING_REVIEW:
        text = _("A listing waiting for the VVG cannot be left without %(missing)s.", missing=missing)
    elif error.wanted is ProductStatus.PENDING_REVIEW:
        text = _("It cannot be sent to the VVG without %(missing)s.", missing=missing)
    else:
        text = _("It cannot go on sale without %(missing)s.", missing=missing)
    if lacks_maker_details(error.missing):
        text += " " + _("The maker's details are your community's: fill them in under Shop settings.")
    return str(text)


def _listing_form(product: Any = None) -> ListingForm:
    form = ListingForm(obj=product) if product is not None and request.method == "GET" else ListingForm()
    form.category_id.choices = [(c.id, localized(c, "name")) for c in list_categories()]
    form.set_product_types(list_product_types())
    now = utcnow()
    variants = product.variants if product is not None else []
    form.running_sales = {
        variant.id: since for variant in variants if (since := listings.running_since(variant, now))
    }
    if request.method == "GET":
        while len(form.variants.entries):
            form.variants.pop_entry()
        for variant in variants:
            sale = variant.live_sale  # one already over is not shown again
            form.variants.append_entry(
                {
                    "variant_id": str(variant.id),
                    "sku": variant.sku,
                    "name_lt": variant.name_lt,
                    "name_en": variant.name_en,
                    "price": variant.price_cents,
                    "stock": variant.stock,
                    "is_made_to_order": variant.is_made_to_order,
                    "lead_days": variant.lead_days,
                    "weight_grams": variant.weight_grams,
                    "sale_price": sale.price_cents if sale else None,
                    "sale_from": sale.first_day if sale else None,
                    "sale_until": sale.last_day if sale else None,
                }
            )
        form.variants.append_entry({"weight_grams": 20})  # a spare row for one more variant
    return form


def _edit_page(form: ListingForm, product: Product | None, status: int) -> ResponseReturnValue:
    """The listing's page: its form, what product safety still lacks, and for a saved listing its variants'
    sales and price history."""
    history = listings.list_price_history(current_community(), product.id) if product is not None else []
    variants = {variant.id: variant for variant in product.variants} if product is not None else {}
    return render_template(
        "catalogue/workspace/edit.html",
        form=form,
        product=product,
        missing=product.missing_for_sale() if product is not None else (),
        variants=variants,
        price_history=history,
        now=utcnow(),
    ), status


def _say_sale_problems(form: ListingForm, problem: SaleNotValid) -> None:
    """A sale the service refused (a day turned over since the form was checked): said at its row."""
    rows = [entry.form for entry in form.variants.entries if not entry.form.is_blank]
    row = rows[problem.position] if problem.position < len(rows) else None
    for reason in problem.problems if row is not None else []:
        getattr(row, SALE_PROBLEM_FIELDS[reason]).errors.append(sale_problem_words(reason))
    form.gather_row_errors()


@workspace.get("/listings")
@member_required
def listing_list() -> ResponseReturnValue:
    return render_template(
        "catalogue/workspace/list.html", products=listings.list_listings(current_community())
    )


@workspace.route("/listings/new", methods=["GET", "POST"])
@member_required
def listing_new() -> ResponseReturnValue:
    form = _listing_form()
    if form.validate_on_submit():
        try:
            product = listings.create_listing(current_community(), form.to_input(), by=current_actor())
        except ListingNotFound:
            abort(404)
        except SkuTaken as taken:
            _sku_taken(form, taken)
        except SaleNotValid as problem:
            _say_sale_problems(form, problem)
        else:
            _flash_saved(product)
            return redirect(url_for("catalogue_workspace.listing_edit", product_id=product.id) + "#photos")
    return _edit_page(form, None, 400 if request.method == "POST" else 200)


@workspace.route("/listings/<int(max=2147483647):product_id>", methods=["GET", "POST"])
@member_required
def listing_edit(product_id: int) -> ResponseReturnValue:
    product = _listing_or_404(product_id)
    form = _listing_form(product)
    if form.validate_on_submit():
        try:
            product = listings.update_listing(
                current_community(), product_id, form.to_input(), by=current_actor()
            )
        except ListingNotFound:
            abort(404)
        except SkuTaken as taken:
            _sku_taken(form, taken)
        except NotReadyForSale as not_ready:
            _not_ready(form, not_ready, product.status)
        except SaleNotValid as problem:
            _say_sale_problems(form, problem)
        else:
            _flash_saved(product)
            return redirect(url_for("catalogue_workspace.listing_edit", product_id=product.id))
        product = _listing_or_404(product_id)  # as it is stored: the refused change was not saved
    return _edit_page(form, product, 400 if request.method == "POST" else 200)


@workspace.post("/listings/<int(max=2147483647):product_id>/publish")
@member_required
def listing_publish(product_id: int) -> ResponseReturnValue:
    """A draft goes on sale (or to the VVG) once product safety has everything it needs."""
    try:
        product = _do(lambda: listings.publish_listing(current_community(), product_id))
    except NotReadyForSale as not_ready:
        flash(not_ready_words(not_ready), "error")
    else:
        flash(_saved_message(product), "success")
    return redirect(url_for("catalogue_workspace.listing_edit", product_id=product_id))


def _flash_saved(product: Product) -> None:
    """Saved, and where the listing now stands; a listing held back says what product safety lacks."""
    missing = product.missing_for_sale()
    if product.status is ProductStatus.DRAFT and missing:
        wanted = ProductStatus.ACTIVE if current_community().is_trusted else ProductStatus.PENDING_REVIEW
        words = not_ready_words(NotReadyForSale(product.id, missing, wanted))
        flash(_("Saved as a draft.") + " " + words, "info")
    elif product.status is ProductStatus.ARCHIVED and missing:
        wanted = ProductStatus.ACTIVE if current_community().is_trusted else ProductStatus.PENDING_REVIEW
        words = not_ready_words(NotReadyForSale(product.id, missing, wanted))
        flash(_("Saved; it stays archived.") + " " + words, "info")
    else:
        flash(_saved_message(product), "success")


def _not_ready(form: ListingForm, error: NotReadyForSale, now: ProductStatus) -> None:
    form.form_errors.append(_("Nothing was saved.") + " " + not_ready_words(error, now))
    for piece in error.missing:
        if piece in MISSING_FIELDS:
            name, message = MISSING_FIELDS[piece]
            form[name].errors = [*form[name].errors, str(message)]


def _sku_taken(form: ListingForm, error: SkuTaken) -> None:
    for entry in form.variants.entries:
        if error.sku and safety.normal_sku(entry.form.sku.data or "") == error.sku:
            entry.form.sku.errors = [_("Another variant already has this product code.")]
            form.gather_row_errors()
            break
    else:
        form.form_errors.append(_("A product code was taken by another variant meanwhile: save again."))


@workspace.post("/listings/<int(max=2147483647):product_id>/duplicate")
@member_required
def listing_duplicate(product_id: int) -> ResponseReturnValue:
    copy = _do(lambda: listings.duplicate_listing(current_community(), product_id, by=current_actor()))
    flash(_("A copy is ready as a draft: change what differs, then save it."), "success")
    return redirect(url_for("catalogue_workspace.listing_edit", product_id=copy.id))


@workspace.post("/listings/<int(max=2147483647):product_id>/archive")
@member_required
def listing_archive(product_id: int) -> ResponseReturnValue:
    _do(lambda: listings.archive_listing(current_community(), product_id))
    flash(_("The listing is archived: it is no longer for sale."), "success")
    return redirect(url_for("catalogue_workspace.listing_list"))


@workspace.post("/listings/<int(max=2147483647):product_id>/restore")
@member_required
def listing_restore(product_id: int) -> ResponseReturnValue:
    try:
        product = _do(lambda: listings.restore_listing(current_community(), product_id))
    except NotReadyForSale as not_ready:
        flash(_("It stays archived.") + " " + not_ready_words(not_ready), "error")
    else:
        flash(_saved_message(product), "success")
    return redirect(url_for("catalogue_workspace.listing_list"))


@workspace.post("/variants/<int(max=2147483647):variant_id>/stock")
@member_required
def variant_stock(variant_id: int) -> ResponseReturnValue:
    form = StockForm()
    if form.validate_on_submit():
        variant = _do(lambda: listings.set_stock(current_community(), variant_id, form.count))
        if variant.is_made_to_order:
            flash(_("This variant is made to order: it has no stock to count."), "info")
        else:
            flash(_("Stock saved: %(count)s.", count=variant.stock), "success")
    for message in form.stock.errors:  # it says what was typed: the table shows the stock kept
        flash(message, "error")
    return redirect(url_for("catalogue_workspace.listing_list") + f"#variant-{variant_id}")


@workspace.post("/listings/<int(max=2147483647):product_id>/photos")
@member_required
def photo_upload(product_id: int) -> ResponseReturnValue:
    back = url_for("catalogue_workspace.listing_edit", product_id=product_id) + "#photos"
    uploads = [(f.filename or "?", f.read()) for f in request.files.getlist("photos") if f.filename]
    if not uploads:
        _listing_or_404(product_id)  # another community's listing is not found, with photos or without
        flash(_("Choose one or more photos first."), "error")
        return redirect(back)
    try:
        outcome = listings.add_photos(current_community(), product_id, uploads)
    except ListingNotFound:
        abort(404)
    except MediaUnavailable:
        flash(_("The photo storage did not answer: no photo was added. Try again in a few minutes."), "error")
        return redirect(back)
    except TooManyPhotos as too_many:
        flash(
            _(
                "A listing has at most %(max)s photos; there is room for %(count)s more.",
                max=listings.MAX_PHOTOS,
                count=too_many.args[0],
            ),
            "error",
        )
        return redirect(back)
    if outcome.added:
        flash(_("%(count)s photo(s) added.", count=outcome.added), "success")
    for name, problem in outcome.rejected:
        flash(
            _("“%(name)s” was not added: %(why)s.", name=name[:80], why=PHOTO_PROBLEMS[problem.problem]),
            "error",
        )
    return redirect(back)


@workspace.errorhandler(RequestEntityTooLarge)
def _upload_too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    """An upload over MAX_CONTENT_LENGTH is refused before the form is read: say so where the person was."""
    if request.endpoint == "catalogue_workspace.photo_upload" and request.view_args:
        flash(_("Those photos are too large together (at most 60 MB at once, 10 MB each)."), "error")
        back = url_for("catalogue_workspace.listing_edit", product_id=request.view_args["product_id"])
        return redirect(back + "#photos")
    if request.endpoint == "catalogue_workspace.shop_photo":
        flash(_("That photo is too large (at most 10 MB)."), "error")
        return redirect(url_for("producers_workspace.settings"))
    return render_error(413)


@workspace.post("/photos/<int(max=2147483647):image_id>")
@member_required
def photo_change(image_id: int) -> ResponseReturnValue:
    """One form per photo: earlier, later, make cover, save description, delete."""
    form = PhotoForm()
    if not form.validate_on_submit():
        abort(400)  # no such button on the page
    community = current_community()
    actions = {
        "earlier": lambda: listings.move_photo(community, image_id, -1),
        "later": lambda: listings.move_photo(community, image_id, +1),
        "cover": lambda: listings.make_cover(community, image_id),
        "describe": lambda: listings.describe_photo(
            community, image_id, alt_lt=form.alt_lt.data or "", alt_en=form.alt_en.data or ""
        ),
        "delete": lambda: listings.delete_photo(community, image_id),
    }
    try:
        _do(actions[form.action.data])
    except LastPhoto:
        flash(
            _("A listing on sale or waiting for the VVG keeps at least one photo: add another first."),
            "error",
        )
    else:
        flash(_("Photos saved."), "success")
    if form.product_id.data is None:
        return redirect(url_for("catalogue_workspace.listing_list"))
    return redirect(url_for("catalogue_workspace.listing_edit", product_id=form.product_id.data) + "#photos")


def _listing_or_404(product_id: int) -> Any:
    try:
        return listings.get_listing(current_community(), product_id)
    except ListingNotFound:
        abort(404)


def _do(change: Any) -> Any:
    try:
        return change()
    except ListingNotFound:
        abort(404)


def _saved_message(product: Any) -> Any:
    if product.status is ProductStatus.PENDING_REVIEW:
        return _(
            "Saved. The VVG checks new listings and changes of text or price; it goes on sale once approved."
        )
    if product.status is ProductStatus.ACTIVE:
        return _("Saved: it is for sale in the shop.")
    return _("Saved.")


@workspace.post("/settings/photo")
@member_required
def shop_photo() -> ResponseReturnValue:
    """The community's own photo, through the same pipeline as product photos."""
    back = url_for("producers_workspace.settings")
    upload = request.files.get("photo")
    data = upload.read() if upload and upload.filename else b""
    if not data:
        flash(_("Choose a photo first."), "error")
        return redirect(back)
    try:
        processed = process_image(data)
    except ImageRejected as rejected:
        flash(_("The photo was not added: %(why)s.", why=PHOTO_PROBLEMS[rejected.problem]), "error")
        return redirect(back)
    try:
        store_image(MediaStorage.from_app(), processed)
    except MediaUnavailable:
        flash(
            _("The photo storage did not answer: the photo was not saved. Try again in a few minutes."),
            "error",
        )
        return redirect(back)
    set_shop_photo(current_community(), processed.key)
    flash(_("Photo saved."), "success")
    return redirect(back)
