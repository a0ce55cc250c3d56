"""VVG staff's pages for communities: the list, a community's page with its people, create, edit, switch off.

Staff only (`staff_required` on every route). A community's members never see these pages; what a
community edits itself (story, photo, delivery, holidays) is in its workspace (`producers.access`).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from producers import communities
from producers.communities import list_active_communities
from producers.errors import (
    AccountSwitchedOff,
    CommunityNotFound,
    InvoicePrefixFixed,
    InvoicePrefixTaken,
    MembershipNotFound,
    SlugTaken,
)
from producers.forms import CommunityForm, InviteForm, MemberForm, OperatorForm
from producers.iban import grouped_iban
from producers.members import get_member, invite_member, list_members, remove_member
from producers.models import DEFAULT_COMMISSION_BP, Community
from producers.operator import OperatorDetails, update_operator
from producers.promises import christmas_target
from shop.access import current_actor, staff_required
from shop.i18n import vilnius_today
from shop.operator import get_operator

backoffice = Blueprint("producers_backoffice", __name__, url_prefix="/backoffice")

ID = "int(max=2147483647)"

MEMBER_STATES = {
    "active": _l("active"),
    "invited": _l("invited, no password yet"),
    "switched_off": _l("account switched off"),
}


def _form_data(data: communities.CommunityInput) -> dict[str, object]:
    """The edit form's values: the commission in percent, the IBAN in groups of four as people read it."""
    return {**asdict(data), "commission": data.commission_bp, "iban": grouped_iban(data.iban)}


def send_invitation(form: MemberForm, community_id: int) -> bool:
    """Invite the person on a valid form to the community and say so; False with the reason on the form."""
    try:
        invitation = invite_member(form.name.data, form.email.normal, community_id, by=current_actor())
    except CommunityNotFound:
        if isinstance(form, InviteForm):
            form.community.errors.append(_("Choose a community."))
        else:
            form.form_errors.append(_("This community is switched off: switch it on before inviting people."))
        return False
    except AccountSwitchedOff:
        form.email.errors.append(_("This account is switched off, so it cannot be invited."))
        return False
    if invitation.new_member:
        text = _(
            "%(email)s is invited to work for %(community)s: the mail is on its way.",
            email=form.email.normal,
            community=invitation.community_name,
        )
    else:
        text = _(
            "%(email)s already works for %(community)s: the invitation was sent again.",
            email=form.email.normal,
            community=invitation.community_name,
        )
    flash(text, "success")
    return True


@backoffice.get("/communities")
@staff_required
def community_list() -> ResponseReturnValue:
    return render_template("producers/backoffice/list.html", rows=communities.list_communities())


@backoffice.route("/communities/new", methods=["GET", "POST"])
@staff_required
def community_new() -> ResponseReturnValue:
    if request.method == "POST":
        form = CommunityForm()
    else:
        form = CommunityForm(
            data={"district": communities.DEFAULT_DISTRICT, "commission": DEFAULT_COMMISSION_BP}
        )
    if form.validate_on_submit():
        try:
            community = communities.create_community(form.to_input(), by=current_actor())
        except SlugTaken as taken:
            _slug_taken(form, taken)
        except (InvoicePrefixTaken, InvoicePrefixFixed) as refused:
            _prefix_refused(form, refused)
        else:
            flash(
                _("%(name)s is created. Invite the people who will work for it.", name=community.name),
                "success",
            )
            return redirect(url_for("producers_backoffice.community_page", community_id=community.id))
    status = 400 if request.method == "POST" else 200
    return render_template("producers/backoffice/edit.html", form=form, community=None), status


@backoffice.get(f"/communities/<{ID}:community_id>")
@staff_required
def community_page(community_id: int) -> ResponseReturnValue:
    return _community_page(_community(community_id), MemberForm())


def _community_page(community: Community, form: MemberForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "producers/backoffice/community.html",
        community=community,
        members=list_members(community.id),
        form=form,
        member_states=MEMBER_STATES,
    ), status


@backoffice.route(f"/communities/<{ID}:community_id>/edit", methods=["GET", "POST"])
@staff_required
def community_edit(community_id: int) -> ResponseReturnValue:
    community = _community(community_id)
    if request.method == "POST":
        form = CommunityForm()
    else:
        form = CommunityForm(data=_form_data(communities.CommunityInput.of(community)))
    if form.validate_on_submit():
        try:
            communities.update_community(community.id, form.to_input(), by=current_actor())
        except SlugTaken as taken:
            _slug_taken(form, taken)
        except (InvoicePrefixTaken, InvoicePrefixFixed) as refused:
            _prefix_refused(form, refused)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("producers_backoffice.community_page", community_id=community.id))
    status = 400 if request.method == "POST" else 200
    return render_template("producers/backoffice/edit.html", form=form, community=community), status


def _slug_taken(form: CommunityForm, taken: SlugTaken) -> None:
    if taken.taken_by:
        message = _("%(name)s already has this address: choose another.", name=taken.taken_by)
    else:
        message = _("Another community has just taken this address: choose another.")
    form.slug.errors.append(message)


def _prefix_refused(form: CommunityForm, refused: InvoicePrefixTaken | InvoicePrefixFixed) -> None:
    if isinstance(refused, InvoicePrefixFixed):
        message = _(
            "The community has issued invoices in the series %(prefix)s: it stays, so that its numbers "
            "run on without a gap.",
            prefix=refused.prefix,
        )
    elif refused.taken_by:
        message = _(
            "%(name)s numbers its invoices with %(prefix)s: choose another.",
            name=refused.taken_by,
            prefix=refused.prefix,
        )
    else:
        message = _(
            "Invoices have already been numbered with %(prefix)s: choose another.", prefix=refused.prefix
        )
    form.invoice_prefix.errors.append(message)


@backoffice.route(f"/communities/<{ID}:community_id>/deactivate", methods=["GET", "POST"])
@staff_required
def community_deactivate(community_id: int) -> ResponseReturnValue:
    """Switch a community off, after a page that says what that does."""
    return _switch(community_id, active=False)


@backoffice.route(f"/communities/<{ID}:community_id>/reactivate", methods=["GET", "POST"])
@staff_required
def community_reactivate(community_id: int) -> ResponseReturnValue:
    """Switch a community on again, after a page that says what that does."""
    return _switch(community_id, active=True)


def _switch(community_id: int, *, active: bool) -> ResponseReturnValue:
    community = _community(community_id)
    if request.method == "POST":
        communities.set_community_active(community.id, active, by=current_actor())
        if active:
            flash(
                _("%(name)s is switched on: its listings are for sale again.", name=community.name), "success"
            )
        else:
            flash(
                _("%(name)s is switched off: its products have left the shop.", name=community.name),
                "success",
            )
        return redirect(url_for("producers_backoffice.community_page", community_id=community.id))
    return render_template(
        "producers/backoffice/switch.html",
        community=community,
        active=active,
        on_sale=communities.count_on_sale(community.id),
    )


@backoffice.post(f"/communities/<{ID}:community_id>/members")
@staff_required
def member_invite(community_id: int) -> ResponseReturnValue:
    community = _community(community_id)
    form = MemberForm()
    if form.validate() and send_invitation(form, community.id):
        return redirect(url_for("producers_backoffice.community_page", community_id=community.id))
    return _community_page(community, form, 400)


@backoffice.route(
    f"/communities/<{ID}:community_id>/members/<{ID}:membership_id>/remove", methods=["GET", "POST"]
)
@staff_required
def member_remove(community_id: int, membership_id: int) -> ResponseReturnValue:
    """Remove a person from a community, after a page that asks."""
    community = _community(community_id)
    try:
        if request.method == "POST":
            member = remove_member(community.id, membership_id, by=current_actor())
            flash(
                _(
                    "%(person)s no longer works for %(community)s.",
                    person=member.name,
                    community=community.name,
                ),
                "success",
            )
            return redirect(url_for("producers_backoffice.community_page", community_id=community.id))
        member = get_member(community.id, membership_id)
    except MembershipNotFound:
        abort(404)
    return render_template("producers/backoffice/remove_member.html", community=community, member=member)


def _community(community_id: int) -> Community:
    try:
        return communities.get_community(community_id)
    except CommunityNotFound:
        abort(404)


@backoffice.route("/people/invite", methods=["GET", "POST"])
@staff_required
def invite() -> ResponseReturnValue:
    """Invite a person to work for a community: an account (if new), a membership, a mail with a link."""
    form = InviteForm()
    form.community.choices = [("", _("Choose…"))] + [
        (str(community.id), community.name) for community in list_active_communities()
    ]
    if form.validate_on_submit() and send_invitation(form, int(form.community.data)):
        return redirect(url_for("producers_backoffice.invite"))
    status = 400 if request.method == "POST" else 200
    return render_template("producers/backoffice/invite.html", form=form), status


def _christmas_date(details: OperatorDetails | None) -> date:
    """The VVG's Christmas day as the settings form shows it: its next date."""
    month, day = (details.christmas_month, details.christmas_day) if details else (12, 24)
    return christmas_target(vilnius_today(), month, day)


@backoffice.route("/settings", methods=["GET", "POST"])
@staff_required
def operator_settings() -> ResponseReturnValue:
    """The VVG's own details: shown under every page and legal text, in mails and on its invoices."""
    operator = get_operator()
    if request.method == "POST":
        form = OperatorForm()
    elif operator is not None:
        details = OperatorDetails.of(operator)
        form = OperatorForm(data={**asdict(details), "christmas_date": _christmas_date(details)})
    else:
        form = OperatorForm(data={"christmas_date": _christmas_date(None)})
    if form.validate_on_submit():
        try:
            update_operator(form.details(), by=current_actor())
        except InvoicePrefixTaken as taken:
            form.invoice_prefix.errors.append(
                _("%(name)s numbers its invoices with %(prefix)s: choose another.", name=taken.taken_by,
                  prefix=taken.prefix)
            )  # fmt: skip
        else:
            flash(_("The VVG's details are saved."), "success")
            return redirect(url_for("producers_backoffice.operator_settings"))
    status = 400 if request.method == "POST" else 200
    return render_template("producers/backoffice/operator.html", form=form, operator=operator), status
