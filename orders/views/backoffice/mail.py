"""The back office's mail room (every message the shop wrote, readable, retryable) and the audit log."""

from __future__ import annotations

import io

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from orders.views.backoffice.blueprint import backoffice
from shop import audit, outbox
from shop.access import current_actor, staff_required
from shop.db import db
from shop.models import OutboxMessage
from shop.pagination import page_number
from shop.templating import query_args


@backoffice.get("/mail")
@staff_required
def mail_list() -> ResponseReturnValue:
    """Every message the shop wrote, newest first, a page at a time."""
    return render_template(
        "orders/backoffice/mail_list.html",
        page=outbox.list_messages(page_number(request.args.get("page"))),
        counts=outbox.count_by_status(),
        args=query_args("page"),
    )


@backoffice.get("/mail/<int(max=2147483647):message_id>")
@staff_required
def mail_detail(message_id: int) -> ResponseReturnValue:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return render_template("orders/backoffice/mail_detail.html", message=message)


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


@backoffice.get("/mail/<int(max=2147483647):message_id>/attachments/<int(max=2147483647):attachment_id>")
@staff_required
def mail_attachment(message_id: int, attachment_id: int) -> ResponseReturnValue:
    """One file the message carries, made again as it was sent (from rows that never change)."""
    attachment = outbox.get_attachment(message_id, attachment_id)
    if attachment is None:
        abort(404)
    try:
        data = outbox.render_attachment(attachment)
    except LookupError:  # its kind is not known here, or what it was made from is gone
        abort(404)
    return send_file(
        io.BytesIO(data),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
    )


@backoffice.post("/mail/<int(max=2147483647):message_id>/retry")
@staff_required
def mail_retry(message_id: int) -> ResponseReturnValue:
    outbox.retry(message_id, by=current_actor())
    outbox.send_due(only=[message_id])
    flash(_("The message was sent again (or queued, if the mail server is still away)."), "info")
    return redirect(url_for("orders_backoffice.mail_detail", message_id=message_id))


@backoffice.get("/audit")
@staff_required
def audit_log() -> ResponseReturnValue:
    """What staff did, newest first: who, when, what, before and after."""
    return render_template(
        "orders/backoffice/audit.html", entries=audit.list_entries(), action_labels=audit.ACTION_LABELS
    )
