"""The community workspace's own pages: switching community, and the shop settings of the current one
(with its details as the maker of its products)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms import FormField

from producers.access import CURRENT_COMMUNITY, current_community, member_required
from producers.forms import DeliveryOptionForm, MakerDetailsForm, SettingsForm, SwitchCommunityForm
from producers.models import DEFAULT_TRANSIT_DAYS, EVERY_WEEKDAY, Community, DeliveryMethod
from producers.promises import dispatch_days
from producers.settings import update_maker_details, update_settings
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


def _settings_form(community: Community, *, posted: bool) -> SettingsForm:
    if posted:
        return SettingsForm()
    options = {option.method: option for option in community.shipping_options}
    data: dict[str, Any] = {
        "story_lt": community.story_lt,
        "story_en": community.story_en,
        "vacation_until": community.vacation_until,
        "vacation_hides_products": community.vacation_hides_products,
        "made_to_order_per_week": community.made_to_order_per_week,
    }
    for method in DeliveryMethod:
        option = options.get(method)
        data[f"delivery_{method.value}"] = {
            "offered": bool(option and option.is_active),
            "fee": option.fee_cents if option else None,
            "pickup_address": option.pickup_address if option else community.address,
            "pickup_hours_lt": option.pickup_hours_lt if option else "",
            "pickup_hours_en": option.pickup_hours_en if option else "",
            "dispatch_weekdays": dispatch_days(option.dispatch_weekdays if option else EVERY_WEEKDAY),
            "handling_days": option.handling_days if option else 1,
            "transit_days_min": option.transit_days_min if option else DEFAULT_TRANSIT_DAYS[method][0],
            "transit_days_max": option.transit_days_max if option else DEFAULT_TRANSIT_DAYS[method][1],
        }
    return SettingsForm(data=data, formdata=None)  # a page shown after another form was posted: as saved


def _maker_form(community: Community, *, posted: bool) -> MakerDetailsForm:
    if posted:
        return MakerDetailsForm()
    return MakerDetailsForm(obj=community, formdata=None)


def _settings_page(form: SettingsForm, maker_form: MakerDetailsForm, status: int) -> ResponseReturnValue:
    return render_template(
        "producers/workspace/settings.html",
        form=form,
        maker_form=maker_form,
        community=current_community(),
        methods=list(DeliveryMethod),
    ), status


@workspace.route("/settings", methods=["GET", "POST"])
@member_required
def settings() -> ResponseReturnValue:
    community = current_community()
    posted = request.method == "POST"
    form = _settings_form(community, posted=posted)
    if form.validate_on_submit():
        update_settings(community, form.to_input())
        flash(_("Shop settings saved."), "success")
        return redirect(url_for("producers_workspace.settings"))
    return _settings_page(form, _maker_form(community, posted=False), 400 if posted else 200)


@workspace.post("/settings/maker")
@member_required
def maker_details() -> ResponseReturnValue:
    """The community's postal address and e-mail as the maker of its products."""
    community = current_community()
    maker_form = _maker_form(community, posted=True)
    if maker_form.validate_on_submit():
        update_maker_details(community, maker_form.to_input())
        flash(_("The maker's details are saved: every product page shows them."), "success")
        return redirect(url_for("producers_workspace.settings") + "#maker")
    return _settings_page(_settings_form(community, posted=False), maker_form, 400)
