"""The back office's mail room (every message the shop wrote, readable, retryable) and its invitations."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired

from catalogue import listings
from producers.backoffice import InviteForm, send_invitation
from producers.services import list_active_communities
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


@backoffice.route("/people/invite", methods=["GET", "POST"])
@staff_required
def invite() -> ResponseReturnValue:
    """Invite a person to work for a community: an account (if new), a membership, a mail with a link."""
    form = InviteForm()
    form.community.choices = [("", _("Choose…"))] + [
        (str(community.id), community.name) for community in list_active_communities()
    ]
    if form.validate_on_submit() and send_invitation(form, int(form.community.data)):
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
