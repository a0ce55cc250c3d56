"""The back office's mail room (every message the shop wrote, readable, retryable) and its invitations."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, ValidationError

from catalogue import listings
from producers.services import AccountSwitchedOff, CommunityNotFound, invite_member, list_active_communities
from shop import audit, outbox
from shop.auth import current_actor, staff_required
from shop.db import db
from shop.forms import at_most
from shop.models import OutboxMessage

backoffice = Blueprint("shop_backoffice", __name__, url_prefix="/backoffice")


@backoffice.app_context_processor
def _labels() -> dict[str, object]:
    """For every staff page (the mail room, an order's mails): a mail's state in words."""
    return {"outbox_labels": outbox.STATUS_LABELS}


@backoffice.get("/mail")
@staff_required
def mail_list() -> ResponseReturnValue:
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)).all()
    return render_template(
        "shop/backoffice/mail_list.html", messages=messages, counts=outbox.count_by_status()
    )


@backoffice.get("/mail/<int(max=2147483647):message_id>")
@staff_required
def mail_detail(message_id: int) -> ResponseReturnValue:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return render_template("shop/backoffice/mail_detail.html", message=message)


@backoffice.get("/mail/<int(max=2147483647):message_id>/html")
@staff_required
def mail_html(message_id: int) -> ResponseReturnValue:
    """The HTML body alone, sandboxed: it is shown inside the detail page's frame."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    response = Response(message.html_body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@backoffice.post("/mail/<int(max=2147483647):message_id>/retry")
@staff_required
def mail_retry(message_id: int) -> ResponseReturnValue:
    outbox.retry(message_id, by=current_actor())
    outbox.send_due(only=[message_id])
    flash(_("The message was sent again (or queued, if the mail server is still away)."), "info")
    return redirect(url_for("shop_backoffice.mail_detail", message_id=message_id))


class InviteForm(FlaskForm):  # type: ignore[misc]
    name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the person's name.")), at_most(120)]
    )
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(_l("Enter their e-mail address.")), at_most(254)]
    )
    community = SelectField(_l("Community"), validate_choice=False)  # checked below, in our own words

    def validate_email(self, field: EmailField) -> None:
        try:
            # As at the checkout: the part before @ in plain ASCII, which every mail server carries.
            field.data = validate_email(
                field.data or "", check_deliverability=False, allow_smtputf8=False
            ).normalized.lower()
        except EmailNotValidError:
            raise ValidationError(_l("Enter an e-mail address like vardas@example.lt.")) from None

    def validate_community(self, field: SelectField) -> None:
        if not field.data or field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a community."))


@backoffice.route("/people/invite", methods=["GET", "POST"])
@staff_required
def invite() -> ResponseReturnValue:
    """Invite a person to work for a community: an account (if new), a membership, a mail with a link."""
    form = InviteForm()
    form.community.choices = [("", _("Choose…"))] + [
        (str(community.id), community.name) for community in list_active_communities()
    ]
    if form.validate_on_submit():
        try:
            invitation = invite_member(
                form.name.data, form.email.data, int(form.community.data), by=current_actor()
            )
        except CommunityNotFound:
            form.community.errors.append(_("Choose a community."))
        except AccountSwitchedOff:
            form.email.errors.append(_("This account is switched off, so it cannot be invited."))
        else:
            if invitation.new_member:
                text = _(
                    "%(email)s is invited to work for %(community)s: the mail is on its way.",
                    email=form.email.data,
                    community=invitation.community_name,
                )
            else:
                text = _(
                    "%(email)s already works for %(community)s: the invitation was sent again.",
                    email=form.email.data,
                    community=invitation.community_name,
                )
            flash(text, "success")
            return redirect(url_for("shop_backoffice.invite"))
    status = 400 if request.method == "POST" else 200
    return render_template("shop/backoffice/invite.html", form=form), status


class RejectForm(FlaskForm):  # type: ignore[misc]
    reason = StringField(
        _l("What should the community change?"),
        validators=[DataRequired(_l("Say what should change: the community reads it.")), at_most(2000)],
    )


@backoffice.get("/moderation")
@staff_required
def moderation() -> ResponseReturnValue:
    """Listings waiting for the VVG (new ones, and changed texts or prices of untrusted communities)."""
    products = listings.list_waiting_for_review()
    forms = {product.id: RejectForm(prefix=f"p{product.id}") for product in products}
    return render_template("shop/backoffice/moderation.html", products=products, forms=forms)


@backoffice.post("/moderation/<int(max=2147483647):product_id>/approve")
@staff_required
def approve(product_id: int) -> ResponseReturnValue:
    try:
        product = listings.approve_listing(product_id, by=current_actor())
    except listings.ListingNotFound:
        abort(404)
    flash(_("“%(name)s” is for sale.", name=product.name_lt), "success")
    return redirect(url_for("shop_backoffice.moderation"))


@backoffice.post("/moderation/<int(max=2147483647):product_id>/reject")
@staff_required
def reject(product_id: int) -> ResponseReturnValue:
    form = RejectForm(prefix=f"p{product_id}")
    if not form.validate():
        products = listings.list_waiting_for_review()
        forms = {p.id: RejectForm(prefix=f"p{p.id}", formdata=None) for p in products}
        forms[product_id] = form
        return render_template("shop/backoffice/moderation.html", products=products, forms=forms), 400
    try:
        product = listings.reject_listing(product_id, reason=form.reason.data, by=current_actor())
    except listings.ListingNotFound:
        abort(404)
    flash(_("“%(name)s” went back to its community with your note.", name=product.name_lt), "success")
    return redirect(url_for("shop_backoffice.moderation"))


@backoffice.get("/audit")
@staff_required
def audit_log() -> ResponseReturnValue:
    """What staff did, newest first: who, when, what, before and after."""
    return render_template(
        "shop/backoffice/audit.html", entries=audit.list_entries(), action_labels=audit.ACTION_LABELS
    )
