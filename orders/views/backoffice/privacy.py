"""The back office's privacy requests: every request and how far it has got, recording one made by phone or
letter, and handling it by hand (mailing the link, a copy of the data, erasure). Every step is audit-logged;
the audit log names the request, never the address."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from orders.errors import AlreadyErased, PrivacyRequestNotFound
from orders.forms.backoffice import PrivacySearchForm, RecordPrivacyRequestForm, StaffErasureForm
from orders.invoices.issuing import list_customer_invoices
from orders.labels import (
    OPEN_REASON_LABELS,
    ORDER_STATUS_LABELS,
    PRIVACY_CHANNEL_LABELS,
    PRIVACY_STATUS_LABELS,
)
from orders.privacy import asking, erasure, export
from orders.privacy.holdings import accounting_years, holdings_of
from orders.privacy.models import PrivacyRequest, PrivacyRequestStatus
from orders.views.backoffice.blueprint import backoffice
from shop import outbox
from shop.access import current_actor, staff_required
from shop.db import utcnow

#: Each state's colour, borrowed from the listings' badges.
STATE_STYLES = {"open": "new", "deferred": "draft", "erased": "active", "closed": "archived"}


@backoffice.get("/privacy")
@staff_required
def privacy_requests() -> ResponseReturnValue:
    return _list_page(RecordPrivacyRequestForm(formdata=None))


@backoffice.post("/privacy")
@staff_required
def record_privacy_request() -> ResponseReturnValue:
    form = RecordPrivacyRequestForm()
    if not form.validate():
        return _list_page(form, 400)
    asked = asking.record_request(form.email.normal, note=form.note.data or "", by=current_actor())
    flash(_("The request is recorded. Check who is asking before you send a copy or erase anything."), "info")
    return redirect(url_for("orders_backoffice.privacy_request_detail", request_id=asked.id))


def _list_page(form: RecordPrivacyRequestForm, status: int = 200) -> ResponseReturnValue:
    search = PrivacySearchForm(request.args)
    search.validate()
    text = (search.q.data or "") if not search.q.errors else ""
    return render_template(
        "orders/backoffice/privacy_list.html",
        form=form,
        search=search,
        privacy_requests=asking.list_requests(text=text),
        **_words(),
    ), status


@backoffice.get("/privacy/<int(max=2147483647):request_id>")
@staff_required
def privacy_request_detail(request_id: int) -> ResponseReturnValue:
    asked = _get(request_id)
    holdings = holdings_of(asked.email, utcnow()) if not asked.address_forgotten else None
    return render_template(
        "orders/backoffice/privacy_detail.html",
        asked=asked,
        holdings=holdings,
        invoices=list_customer_invoices([held.order.id for held in holdings.orders]) if holdings else {},
        **_words(),
    )


@backoffice.post("/privacy/<int(max=2147483647):request_id>/link")
@staff_required
def mail_privacy_link(request_id: int) -> ResponseReturnValue:
    _get(request_id)
    try:
        mail_ids = asking.mail_link_again(request_id, by=current_actor())
    except AlreadyErased:
        flash(_("This request is finished: record a new one if the customer asks again."), "error")
    else:
        outbox.send_ids_now(mail_ids)
        flash(_("The link is on its way to the customer."), "success")
    return redirect(url_for("orders_backoffice.privacy_request_detail", request_id=request_id))


@backoffice.post("/privacy/<int(max=2147483647):request_id>/copy")
@staff_required
def privacy_copy_for_staff(request_id: int) -> ResponseReturnValue:
    """The customer's data as the JSON file they would download, for staff to hand over."""
    _get(request_id)
    try:
        data = export.export_request(request_id, by=current_actor())
    except AlreadyErased:
        flash(_("This request is finished: record a new one if the customer asks again."), "error")
        return redirect(url_for("orders_backoffice.privacy_request_detail", request_id=request_id))
    response = Response(export.to_json(data), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{export.file_name()}"'
    return response


@backoffice.route("/privacy/<int(max=2147483647):request_id>/erase", methods=["GET", "POST"])
@staff_required
def erase_privacy_request(request_id: int) -> ResponseReturnValue:
    asked = _get(request_id)
    if asked.status is not PrivacyRequestStatus.OPEN:
        flash(_("The erasure of this request was already confirmed."), "info")
        return redirect(url_for("orders_backoffice.privacy_request_detail", request_id=request_id))
    form = StaffErasureForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                result = erasure.erase(request_id, by=current_actor())
            except AlreadyErased:
                flash(_("The erasure of this request was already confirmed."), "info")
            else:
                flash(_erased_words(len(result.erased), len(result.waiting)), "success")
            return redirect(url_for("orders_backoffice.privacy_request_detail", request_id=request_id))
        status = 400
    return render_template(
        "orders/backoffice/privacy_erase.html",
        asked=asked,
        holdings=holdings_of(asked.email, utcnow()),
        form=form,
        **_words(),
    ), status


def _erased_words(erased: int, waiting: int) -> str:
    done = ngettext("%(num)d order anonymised.", "%(num)d orders anonymised.", erased)
    if not waiting:
        return str(done)
    still_open = ngettext(
        "%(num)d is still open: the daily job erases it once it closes.",
        "%(num)d are still open: the daily job erases each once it closes.",
        waiting,
    )
    return f"{done} {still_open}"


def _words() -> dict[str, object]:
    return {
        "status_labels": PRIVACY_STATUS_LABELS,
        "channel_labels": PRIVACY_CHANNEL_LABELS,
        "order_labels": ORDER_STATUS_LABELS,
        "open_reasons": OPEN_REASON_LABELS,
        "closes_on": asking.closes_on,
        "state_styles": STATE_STYLES,
        "accounting_years": accounting_years,
    }


def _get(request_id: int) -> PrivacyRequest:
    try:
        return asking.get_request(request_id)
    except PrivacyRequestNotFound:
        abort(404)
