"""The community workspace's own pages: switching community, and the shop settings of the current one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms import FormField

from producers.access import CURRENT_COMMUNITY, current_community, member_required
from producers.forms import DeliveryOptionForm, SettingsForm, SwitchCommunityForm
from producers.models import Community, DeliveryMethod
from producers.settings import update_settings
from shop.access import safe_next

workspace = Blueprint("producers_workspace", __name__, url_prefix="/workspace")


@workspace.post("/community")
@member_required
def switch_community() -> ResponseReturnValue:
    """Act for another of one's communities from now on."""
    form = SwitchCommunityForm()
    community = form.chosen(g.communities) if form.validate_on_submit() else None
    if community is None:
        abort(404)
    session[CURRENT_COMMUNITY] = community.id
    flash(_("You are now working for %(name)s.", name=community.name), "success")
    return redirect(safe_next(form.next.data) or url_for("orders_workspace.dashboard"))


for _method in DeliveryMethod:
    setattr(SettingsForm, f"delivery_{_method.value}", FormField(DeliveryOptionForm))


def _settings_form(community: Community) -> SettingsForm:
    if request.method == "POST":
        return SettingsForm()
    options = {option.method: option for option in community.shipping_options}
    data: dict[str, Any] = {
        "story_lt": community.story_lt,
        "story_en": community.story_en,
        "vacation_until": community.vacation_until,
        "vacation_hides_products": community.vacation_hides_products,
    }
    for method in DeliveryMethod:
        option = options.get(method)
        data[f"delivery_{method.value}"] = {
            "offered": bool(option and option.is_active),
            "fee": option.fee_cents if option else None,
            "pickup_address": option.pickup_address if option else community.address,
            "pickup_hours_lt": option.pickup_hours_lt if option else "",
            "pickup_hours_en": option.pickup_hours_en if option else "",
        }
    return SettingsForm(data=data)


@workspace.route("/settings", methods=["GET", "POST"])
@member_required
def settings() -> ResponseReturnValue:
    community = current_community()
    form = _settings_form(community)
    if form.validate_on_submit():
        update_settings(community, form.to_input())
        flash(_("Shop settings saved."), "success")
        return redirect(url_for("producers_workspace.settings"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "producers/workspace/settings.html", form=form, community=community, methods=list(DeliveryMethod)
    ), status
