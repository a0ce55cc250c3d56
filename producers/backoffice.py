"""VVG staff's pages for communities: the list, a community's page with its people, create, edit, switch off.

Staff only (`staff_required` on every route). A community's members never see these pages; what a
community edits itself (story, photo, delivery, holidays) is in its workspace (`producers.workspace`).
"""

from __future__ import annotations

import re
from dataclasses import asdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from producers import admin
from producers.iban import IbanNotValid, grouped_iban, normalise_iban
from producers.models import CONNECTED_ACCOUNT, DEFAULT_COMMISSION_BP, Community
from producers.services import AccountSwitchedOff, CommunityNotFound, invite_member
from shop.auth import current_actor, staff_required
from shop.forms import EMAIL, POSTAL_CODE, Normalised, PercentField, at_most, normal_email, phone_number

backoffice = Blueprint("producers_backoffice", __name__, url_prefix="/backoffice")
backoffice.add_app_template_filter(grouped_iban, "iban")
backoffice.add_app_template_filter(admin.mask_iban, "masked_iban")

ID = "int(max=2147483647)"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LEGAL_ENTITY_CODE = re.compile(r"^[0-9]{9}$")

MEMBER_STATES = {
    "active": _l("active"),
    "invited": _l("invited, no password yet"),
    "switched_off": _l("account switched off"),
}


def legal_entity_code_ok(code: str) -> bool:
    """A Lithuanian legal entity's code (juridinio asmens kodas): 9 digits, the last a check digit.

    The check digit is the one of personal codes: the weighted sum of the first eight digits (weights
    1…8, or 3…9, 1 when that leaves 10) modulo 11, where 10 counts as 0.
    """
    if not LEGAL_ENTITY_CODE.match(code):
        return False
    digits = [int(d) for d in code]
    for weights in ((1, 2, 3, 4, 5, 6, 7, 8), (3, 4, 5, 6, 7, 8, 9, 1)):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
        if remainder != 10:
            return remainder == digits[8]
    return digits[8] == 0


class CommunityForm(FlaskForm):  # type: ignore[misc]
    name = StringField(
        _l("Name of the community"),
        validators=[DataRequired(_l("Enter the community's name.")), at_most(160)],
    )
    slug = StringField(_l("Address in the shop"), validators=[Optional(), at_most(80)])
    legal_name = StringField(
        _l("Legal name"),
        validators=[DataRequired(_l("Enter the name as in the Register of Legal Entities.")), at_most(200)],
    )
    registration_code = StringField(
        _l("Legal entity code"), validators=[DataRequired(_l("Enter the 9-digit code.")), at_most(20)]
    )
    is_vat_payer = BooleanField(_l("VAT payer"))
    address_line = StringField(
        _l("Street and house"), validators=[DataRequired(_l("Enter the street and house.")), at_most(200)]
    )
    city = StringField(
        _l("Village or town"), validators=[DataRequired(_l("Enter the village or town.")), at_most(120)]
    )
    postal_code = StringField(
        _l("Postal code"), validators=[DataRequired(_l("Enter the postal code.")), at_most(10), POSTAL_CODE]
    )
    district = StringField(
        _l("Municipality"), validators=[DataRequired(_l("Enter the municipality.")), at_most(120)]
    )
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Enter the community's e-mail address.")), at_most(254), EMAIL],
    )
    phone = StringField(
        _l("Phone"),
        validators=[DataRequired(_l("Enter a phone number.")), at_most(40), phone_number(spaced=True)],
    )
    commission = PercentField(
        _l("Commission (percent)"), validators=[InputRequired(_l("Enter the commission, e.g. 10."))]
    )
    iban = StringField(_l("IBAN for bank payouts"), validators=[Optional(), at_most(50)])
    stripe_account_id = StringField(_l("Stripe connected account"), validators=[Optional(), at_most(255)])
    is_trusted = BooleanField(_l("Trusted: new listings and changes go on sale without the VVG's check"))

    def validate_slug(self, field: StringField) -> None:
        field.data = field.data.strip().lower()
        if not SLUG.match(field.data):
            raise ValidationError(_l("Use small letters a–z, digits and dashes, e.g. slapaberze."))

    def validate_registration_code(self, field: StringField) -> None:
        field.data = "".join(field.data.split())
        if not LEGAL_ENTITY_CODE.match(field.data):
            raise ValidationError(_l("A legal entity's code has 9 digits, e.g. 302173840."))
        if not legal_entity_code_ok(field.data):
            raise ValidationError(
                _l("This code's last digit does not match the others: a digit is mistyped.")
            )

    def validate_iban(self, field: StringField) -> None:
        try:
            normalise_iban(field.data)
        except IbanNotValid as error:
            raise ValidationError(_(IbanNotValid.MESSAGE, iban=error.iban, reason=_(error.reason))) from None

    def validate_stripe_account_id(self, field: StringField) -> None:
        if not CONNECTED_ACCOUNT.match(field.data.strip()):
            raise ValidationError(
                _l("Enter the account's id as Stripe shows it, e.g. acct_1A2b3C4d5E6f7G8h.")
            )

    def to_input(self) -> admin.CommunityInput:
        return admin.CommunityInput(
            name=self.name.data,
            slug=self.slug.data or "",
            legal_name=self.legal_name.data,
            registration_code=self.registration_code.data,
            district=self.district.data,
            address_line=self.address_line.data,
            postal_code=self.postal_code.normal,
            city=self.city.data,
            email=self.email.normal,
            phone=self.phone.normal,
            is_vat_payer=bool(self.is_vat_payer.data),
            commission_bp=self.commission.data or 0,
            iban=self.iban.data or "",
            stripe_account_id=self.stripe_account_id.data or "",
            is_trusted=bool(self.is_trusted.data),
        )


def _form_data(data: admin.CommunityInput) -> dict[str, object]:
    """The edit form's values: the commission in percent, the IBAN in groups of four as people read it."""
    return {**asdict(data), "commission": data.commission_bp, "iban": grouped_iban(data.iban)}


#: A person's e-mail address as their account keeps it: checked, normalised, in lower case.
ACCOUNT_EMAIL = Normalised(
    lambda text: address.lower() if (address := normal_email(text)) else None, EMAIL.message
)


class MemberForm(FlaskForm):  # type: ignore[misc]
    """Who to invite: a name and an e-mail address (the community is known from the page)."""

    name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the person's name.")), at_most(120)]
    )
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Enter their e-mail address.")), at_most(254), ACCOUNT_EMAIL],
    )


class InviteForm(MemberForm):
    """Who to invite, and for which community (the back office's general invitation page)."""

    community = SelectField(_l("Community"), validate_choice=False)  # checked below, in our own words

    def validate_community(self, field: SelectField) -> None:
        if not field.data or field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a community."))


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
    return render_template("producers/backoffice/list.html", rows=admin.list_communities())


@backoffice.route("/communities/new", methods=["GET", "POST"])
@staff_required
def community_new() -> ResponseReturnValue:
    if request.method == "POST":
        form = CommunityForm()
    else:
        form = CommunityForm(data={"district": admin.DEFAULT_DISTRICT, "commission": DEFAULT_COMMISSION_BP})
    if form.validate_on_submit():
        try:
            community = admin.create_community(form.to_input(), by=current_actor())
        except admin.SlugTaken as taken:
            _slug_taken(form, taken)
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
        members=admin.list_members(community.id),
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
        form = CommunityForm(data=_form_data(admin.CommunityInput.of(community)))
    if form.validate_on_submit():
        try:
            admin.update_community(community.id, form.to_input(), by=current_actor())
        except admin.SlugTaken as taken:
            _slug_taken(form, taken)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("producers_backoffice.community_page", community_id=community.id))
    status = 400 if request.method == "POST" else 200
    return render_template("producers/backoffice/edit.html", form=form, community=community), status


def _slug_taken(form: CommunityForm, taken: admin.SlugTaken) -> None:
    if taken.taken_by:
        message = _("%(name)s already has this address: choose another.", name=taken.taken_by)
    else:
        message = _("Another community has just taken this address: choose another.")
    form.slug.errors.append(message)


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
        admin.set_community_active(community.id, active, by=current_actor())
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
        on_sale=admin.count_on_sale(community.id),
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
            member = admin.remove_member(community.id, membership_id, by=current_actor())
            flash(
                _(
                    "%(person)s no longer works for %(community)s.",
                    person=member.name,
                    community=community.name,
                ),
                "success",
            )
            return redirect(url_for("producers_backoffice.community_page", community_id=community.id))
        member = admin.get_member(community.id, membership_id)
    except admin.MembershipNotFound:
        abort(404)
    return render_template("producers/backoffice/remove_member.html", community=community, member=member)


def _community(community_id: int) -> Community:
    try:
        return admin.get_community(community_id)
    except CommunityNotFound:
        abort(404)
