"""The community workspace's ground floor: who may enter, which community they act for, switching.

Every workspace view is wrapped in `member_required`; the community it acts for is `current_community()`,
chosen from the signed-in user's memberships (kept in the session, checked against the database on every
request). Services take that community and scope every query to it: an id of another community's row is
simply not found (404), never shown or changed.

A community the VVG has switched off keeps its workspace so that its members can finish the orders
already placed: they see every page, move and cancel parcels and follow their payouts, but a change to
listings, stock, photos or shop settings is refused with a word of why (nothing of it would be sold).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, Form, FormField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from producers.models import Community, DeliveryMethod, Membership
from producers.settings import DeliveryInput, SettingsInput, update_settings
from shop.auth import safe_next
from shop.db import db
from shop.extensions import login_manager
from shop.forms import DayField, MoneyField, at_most, whole_number
from shop.i18n import vilnius_today

workspace = Blueprint("producers_workspace", __name__, url_prefix="/workspace")

F = TypeVar("F", bound=Callable[..., Any])
CURRENT_COMMUNITY = "community_id"
ACTING_FOR = "acting_for"  #: in a workspace form: the community the page was made for


#: What the members of a switched-off community may still post: their parcels, and switching community.
WHILE_SWITCHED_OFF = ("orders_workspace.", "producers_workspace.switch_community")


def communities_of(user_id: int) -> Sequence[Community]:
    """The communities a person acts for, switched-on ones first, by name."""
    return db.session.scalars(
        select(Community)
        .join(Membership)
        .where(Membership.user_id == user_id)
        .order_by(Community.is_active.desc(), Community.name)
    ).all()


def current_community() -> Community:
    """The community the signed-in member acts for now (only inside `member_required` views)."""
    community: Community = g.community
    return community


def member_required(view: F) -> F:
    """Signed in (else to the login page) and a member of at least one community (else 403)."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        communities = communities_of(current_user.id)
        if not communities:
            abort(403)
        chosen = session.get(CURRENT_COMMUNITY)
        g.communities = communities
        g.community = next((c for c in communities if c.id == chosen), communities[0])
        acting_for = request.form.get(ACTING_FOR) if request.method == "POST" else None
        if acting_for is not None and acting_for != str(g.community.id):
            # A page opened before switching community in another tab: never save it into the other one.
            flash(_("You switched to %(name)s in another window, so nothing was saved. Check and try again.",
                    name=g.community.name), "error")  # fmt: skip
            rule = request.url_rule
            back = request.path if rule is not None and "GET" in (rule.methods or ()) else None
            return redirect(back or url_for("orders_workspace.dashboard"))
        if (
            request.method == "POST"
            and not g.community.is_active
            and not (request.endpoint or "").startswith(WHILE_SWITCHED_OFF)
        ):
            flash(_("The VVG has switched off %(name)s's shop, so nothing was changed. You can still finish "
                    "your orders.", name=g.community.name), "error")  # fmt: skip
            return redirect(url_for("orders_workspace.dashboard"))
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


@workspace.post("/community")
@member_required
def switch_community() -> ResponseReturnValue:
    """Act for another of one's communities from now on."""
    wanted = whole_number(request.form.get("community_id"))
    community = next((c for c in g.communities if c.id == wanted), None)
    if community is None:
        abort(404)
    session[CURRENT_COMMUNITY] = community.id
    flash(_("You are now working for %(name)s.", name=community.name), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("orders_workspace.dashboard"))


class DeliveryOptionForm(Form):  # type: ignore[misc]
    offered = BooleanField(_l("Offered"))
    fee = MoneyField(_l("Fee per parcel, €"), max_cents=10_000, validators=[Optional()])
    pickup_address = StringField(_l("Pickup address"), validators=[Optional(), at_most(250)])
    pickup_hours_lt = StringField(_l("Opening hours (Lithuanian)"), validators=[Optional(), at_most(250)])
    pickup_hours_en = StringField(_l("Opening hours (English)"), validators=[Optional(), at_most(250)])


class SettingsForm(FlaskForm):  # type: ignore[misc]
    story_lt = TextAreaField(_l("Your story (Lithuanian)"), validators=[Optional(), at_most(5000)])
    story_en = TextAreaField(_l("Your story (English)"), validators=[Optional(), at_most(5000)])
    vacation_until = DayField(_l("On holiday until (the first day you are back)"), validators=[Optional()])
    vacation_hides_products = BooleanField(_l("Hide our products while we are away"))

    def validate_vacation_until(self, field: DayField) -> None:
        if field.data is not None and field.data <= vilnius_today():
            raise ValidationError(_l("Choose a day after today, or leave it empty."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        offered = [m for m in DeliveryMethod if self.delivery(m).offered.data]
        if not offered:
            self.form_errors.append(_("Offer at least one way of delivering."))
            valid = False
        for method in offered:
            sub = self.delivery(method)
            if sub.fee.data is None and not sub.fee.errors:
                sub.fee.errors = [_("Enter the fee (0 if free).")]
                valid = False
        pickup = self.delivery(DeliveryMethod.PICKUP)
        if pickup.offered.data and not (pickup.pickup_address.data or "").strip():
            pickup.pickup_address.errors = [_("Where do customers collect their parcels?")]
            valid = False
        return valid

    def delivery(self, method: DeliveryMethod) -> Any:
        return self[f"delivery_{method.value}"].form

    def to_input(self) -> SettingsInput:
        deliveries = []
        for method in DeliveryMethod:
            sub = self.delivery(method)
            deliveries.append(
                DeliveryInput(
                    method=method,
                    offered=bool(sub.offered.data),
                    fee_cents=sub.fee.data or 0,
                    pickup_address=sub.pickup_address.data or "",
                    pickup_hours_lt=sub.pickup_hours_lt.data or "",
                    pickup_hours_en=sub.pickup_hours_en.data or "",
                )
            )
        return SettingsInput(
            story_lt=self.story_lt.data or "",
            story_en=self.story_en.data or "",
            vacation_until=self.vacation_until.data,
            vacation_hides_products=bool(self.vacation_hides_products.data),
            deliveries=deliveries,
        )


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
        "workspace/settings.html", form=form, community=community, methods=list(DeliveryMethod)
    ), status
