"""A community's fairs in its workspace: the fairs it is invited to, opting in, choosing its products."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from catalogue.fairs import taking_part
from catalogue.fairs.errors import (
    CommunitySwitchedOff,
    FairEnded,
    FairNotFound,
    FairOnlyElsewhere,
    NotInvited,
    NotTheCommunitysProduct,
)
from catalogue.fairs.forms import PHASE_LABELS, FairProductsForm
from catalogue.fairs.models import FairInvitation
from producers.access import current_community, member_required
from shop.db import utcnow
from shop.forms import ActionForm

workspace = Blueprint("fairs_workspace", __name__, url_prefix="/workspace")

ID = "int(max=2147483647)"


@workspace.context_processor
def _fair_words() -> dict[str, Any]:
    return {"phase_labels": PHASE_LABELS}


@workspace.get("/muges")
@member_required
def fair_list() -> ResponseReturnValue:
    """The fairs the community is invited to, with whether it takes part and how many products it shows."""
    return render_template(
        "catalogue/fairs/workspace/list.html",
        invitations=taking_part.list_invitations(current_community()),
        now=utcnow(),
    )


def _invitation(fair_id: int) -> FairInvitation:
    try:
        return taking_part.get_invitation(current_community(), fair_id)
    except FairNotFound:
        abort(404)


def _page(
    invitation: FairInvitation, form: FairProductsForm | None = None, status: int = 200
) -> ResponseReturnValue:
    community = current_community()
    candidates = taking_part.list_candidates(community)
    shown = taking_part.list_own_shown(community, invitation.fair_id)
    if form is None:
        form = FairProductsForm(formdata=None)
        form.products.data = [row.product_id for row in shown.values() if row.removed_at is None]
        form.fair_only.data = [row.product_id for row in shown.values() if row.is_fair_only]
    form.set_choices([(product.id, product.name_lt) for product in candidates])
    return render_template(
        "catalogue/fairs/workspace/fair.html",
        invitation=invitation,
        fair=invitation.fair,
        form=form,
        candidates=candidates,
        shown=shown,
        opt_in_form=ActionForm(formdata=None),
        now=utcnow(),
    ), status


@workspace.get(f"/muges/<{ID}:fair_id>")
@member_required
def fair_page(fair_id: int) -> ResponseReturnValue:
    return _page(_invitation(fair_id))


@workspace.post(f"/muges/<{ID}:fair_id>/dalyvauti")
@member_required
def opt_in(fair_id: int) -> ResponseReturnValue:
    invitation = _invitation(fair_id)
    if not ActionForm().validate():
        abort(400)
    try:
        taking_part.opt_in(current_community().id, invitation.fair_id)
    except CommunitySwitchedOff:
        flash(_("Your community is switched off: it cannot take part in fairs."), "error")
    except FairEnded:
        flash(_("The fair has ended."), "error")
    except NotInvited:
        abort(404)
    else:
        flash(_("You take part in the fair. Now choose your products."), "success")
    return redirect(url_for("fairs_workspace.fair_page", fair_id=fair_id))


@workspace.post(f"/muges/<{ID}:fair_id>/gaminiai")
@member_required
def choose_products(fair_id: int) -> ResponseReturnValue:
    invitation = _invitation(fair_id)
    form = FairProductsForm()
    form.set_choices([(p.id, p.name_lt) for p in taking_part.list_candidates(current_community())])
    if not form.validate():
        return _page(invitation, form, 400)
    try:
        taking_part.choose_products(
            current_community().id,
            fair_id,
            form.products.ids,
            set(form.fair_only.ids) & set(form.products.ids),
        )
    except CommunitySwitchedOff:
        form.form_errors.append(_("Your community is switched off: it cannot take part in fairs."))
    except FairEnded:
        form.form_errors.append(_("The fair has ended: what it showed stays as it was."))
    except NotInvited:
        form.form_errors.append(_("Take part in the fair first."))
    except NotTheCommunitysProduct:
        form.products.errors.append(_("Choose among your own listings."))
    except FairOnlyElsewhere as error:
        form.fair_only.errors.append(
            _("A listing is already made only for the fair “%(fair)s”: it can be made for one fair only.")
            % {"fair": error.fair_name}
        )
    else:
        flash(_("Your products at the fair are saved."), "success")
        return redirect(url_for("fairs_workspace.fair_page", fair_id=fair_id))
    return _page(invitation, form, 400)
