"""The back office's mail room: every message the shop wrote, readable in the browser, retryable."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from shop import outbox
from shop.auth import staff_required
from shop.db import db
from shop.models import OutboxMessage, OutboxStatus

backoffice = Blueprint("shop_backoffice", __name__, url_prefix="/backoffice")

OUTBOX_LABELS = {
    OutboxStatus.PENDING: _l("waiting"),
    OutboxStatus.SENDING: _l("being sent"),
    OutboxStatus.SENT: _l("sent"),
    OutboxStatus.DEAD: _l("given up"),
}


@backoffice.context_processor
def _labels() -> dict[str, object]:
    return {"outbox_labels": OUTBOX_LABELS}


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
    outbox.retry(message_id)
    outbox.send_due(only=[message_id])
    flash(_("The message was sent again (or queued, if the mail server is still away)."), "info")
    return redirect(url_for("shop_backoffice.mail_detail", message_id=message_id))
