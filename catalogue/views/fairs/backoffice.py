"""The VVG's fairs: the list, a new fair and its changes (days, banner, communities invited), and what it
shows (feature, reorder, take out with a reason, put back)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from catalogue.browsing import list_categories
from catalogue.fairs import running
from catalogue.fairs.errors import (
    FairDatesReversed,
    FairNotFound,
    FairProductNotFound,
    FairSlugTaken,
    FairsOverlap,
    UnknownCategory,
    UnknownCommunity,
)
from catalogue.fairs.forms import PHASE_LABELS, FairForm, RemoveFromFairForm
from catalogue.fairs.models import Fair
from catalogue.images import ImageRejected, ProcessedImage, process_image
from catalogue.views.workspace import PHOTO_PROBLEMS
from producers.communities import list_all_communities
from shop.access import current_actor, staff_required
from shop.db import utcnow
from shop.forms import ActionForm
from shop.media import MediaUnavailable

backoffice = Blueprint("fairs_backoffice", __name__, url_prefix="/backoffice")

ID = "int(max=2147483647)"


@backoffice.context_processor
def _fair_words() -> dict[str, Any]:
    return {
        "phase_labels": PHASE_LABELS,
        "remove_form_for": lambda shown_id: RemoveFromFairForm(prefix=f"r{shown_id}", formdata=None),
    }


@backoffice.get("/muges")
@staff_required
def fair_list() -> ResponseReturnValue:
    """Every fair, the latest first, with its days and phase."""
    return render_template("catalogue/fairs/backoffice/list.html", fairs=running.list_fairs(), now=utcnow())


def _form(fair: Fair | None = None, *, fresh: bool = False) -> FairForm:
    """The fair's form: as saved (a GET, or `fresh`), else as sent."""
    fresh = fresh or request.method == "GET"
    form = FairForm(
        formdata=None if fresh else request.form,
        obj=fair if fresh else None,
        communities=list_all_communities(),
        categories=list_categories(),
    )
    if fair is not None and fresh:
        form.communities.data = [invitation.community_id for invitation in fair.invitations]
        form.theme_category.data = str(fair.theme_category_id or "")
    return form


def _banner(form: FairForm) -> tuple[ProcessedImage | None, bool]:
    """The banner uploaded with the form, processed (None: none sent), and whether it was refused."""
    upload = request.files.get("banner")
    if upload is None or not upload.filename:
        return None, False
    try:
        return process_image(upload.read()), False
    except ImageRejected as rejected:
        form.form_errors.append(_("The banner was not taken: %(why)s.", why=PHOTO_PROBLEMS[rejected.problem]))
        return None, True


def _save(form: FairForm, fair: Fair | None) -> Fair | None:
    """Run the form through the service; None (with the reason beside its field) when it was refused."""
    banner, refused = _banner(form)
    if refused:
        return None
    try:
        if fair is None:
            return running.create_fair(form.to_input(), banner=banner, by=current_actor())
        return running.update_fair(fair.id, form.to_input(), banner=banner, by=current_actor())
    except MediaUnavailable:
        form.form_errors.append(
            _("The photo storage did not answer: the banner and the fair were not saved. Try again shortly.")
        )
    except FairDatesReversed:
        form.closes_at.errors.append(_("The fair must close after it opens."))
    except FairsOverlap as overlap:
        form.opens_at.errors.append(
            _("These days overlap the fair “%(name)s”: one fair at a time.", name=overlap.other_name)
        )
    except FairSlugTaken:
        form.slug.errors.append(_("Another fair already has this address."))
    except UnknownCommunity:
        form.communities.errors.append(_("Choose among those listed."))
    except UnknownCategory:
        form.theme_category.errors.append(_("Choose among those listed."))
    except FairNotFound:
        abort(404)
    return None


@backoffice.route("/muges/nauja", methods=["GET", "POST"])
@staff_required
def fair_new() -> ResponseReturnValue:
    form = _form()
    if form.validate_on_submit():
        fair = _save(form, None)
        if fair is not None:
            flash(
                _("The fair “%(name)s” is created and its communities invited.", name=fair.name_lt), "success"
            )
            return redirect(url_for("fairs_backoffice.fair_edit", fair_id=fair.id))
    status = 400 if request.method == "POST" else 200
    return render_template("catalogue/fairs/backoffice/edit.html", form=form, fair=None), status


def _fair(fair_id: int) -> Fair:
    try:
        return running.get_fair(fair_id)
    except FairNotFound:
        abort(404)


@backoffice.route(f"/muges/<{ID}:fair_id>", methods=["GET", "POST"])
@staff_required
def fair_edit(fair_id: int) -> ResponseReturnValue:
    fair = _fair(fair_id)
    form = _form(fair)
    if form.validate_on_submit():
        saved = _save(form, fair)
        if saved is not None:
            flash(_("The fair “%(name)s” is saved.", name=saved.name_lt), "success")
            return redirect(url_for("fairs_backoffice.fair_edit", fair_id=fair_id))
        fair = _fair(fair_id)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "catalogue/fairs/backoffice/edit.html",
        form=form,
        fair=fair,
        remove_forms={},
        action_form=ActionForm(formdata=None),
        now=utcnow(),
    ), status


@backoffice.post(
    f"/muges/<{ID}:fair_id>/gaminiai/<{ID}:shown_id>/<any(feature,unfeature,up,down,restore):action>"
)
@staff_required
def curate(fair_id: int, shown_id: int, action: str) -> ResponseReturnValue:
    if not ActionForm().validate():
        abort(400)
    try:
        if action in {"feature", "unfeature"}:
            running.feature_product(fair_id, shown_id, action == "feature", by=current_actor())
        elif action == "restore":
            running.restore_product(fair_id, shown_id, by=current_actor())
        else:
            running.move_product(fair_id, shown_id, -1 if action == "up" else 1, by=current_actor())
    except (FairNotFound, FairProductNotFound):
        abort(404)
    return redirect(url_for("fairs_backoffice.fair_edit", fair_id=fair_id) + f"#shown-{shown_id}")


@backoffice.post(f"/muges/<{ID}:fair_id>/gaminiai/<{ID}:shown_id>/isimti")
@staff_required
def remove(fair_id: int, shown_id: int) -> ResponseReturnValue:
    form = RemoveFromFairForm(prefix=f"r{shown_id}")
    if not form.validate():
        fair = _fair(fair_id)
        if not any(row.id == shown_id for row in fair.products):
            abort(404)
        return render_template(
            "catalogue/fairs/backoffice/edit.html",
            form=_form(fair, fresh=True),
            fair=fair,
            remove_forms={shown_id: form},
            action_form=ActionForm(formdata=None),
            now=utcnow(),
        ), 400
    try:
        shown = running.remove_product(fair_id, shown_id, reason=form.reason.data, by=current_actor())
    except (FairNotFound, FairProductNotFound):
        abort(404)
    flash(_("“%(name)s” left the fair; its community sees why.", name=shown.product.name_lt), "success")
    return redirect(url_for("fairs_backoffice.fair_edit", fair_id=fair_id) + f"#shown-{shown_id}")
