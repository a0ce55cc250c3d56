"""The community workspace's orders side: today's dashboard, the community's parcels, its payouts, its
invoices.

Every view is for members only and acts for `current_community()`; the services look every parcel up with
the community in the query, so another community's parcel is a 404 for reading and for every action.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from orders import errors, fulfilments, overview, refunds
from orders.errors import NotCancellable, PayoutNotFound, WithdrawalNotFound
from orders.forms.workspace import CancelForm, ReturnReceivedForm, ShipForm
from orders.fulfilments import StatusFilter
from orders.invoices.issuing import get_invoice, list_community_commission_invoices, list_order_invoices
from orders.invoices.pdf import pdf_response
from orders.labels import FULFILMENT_STATUS_LABELS
from orders.models import Carrier, Fulfilment, FulfilmentStatus, TransitionNotAllowed
from orders.payouts import exports
from orders.payouts.dues import hold_days
from orders.payouts.exports import render_statement
from orders.payouts.models import PayoutStatus
from orders.withdrawals import withdrawing
from producers.access import current_community, member_required
from producers.models import Community
from shop.access import current_actor, safe_next
from shop.db import utcnow
from shop.forms import ActionForm
from shop.i18n import age, format_date, vilnius_today
from shop.pagination import page_number
from shop.spreadsheet import csv_download

workspace = Blueprint("orders_workspace", __name__, url_prefix="/workspace")

#: A parcel's status as its community reads it (shorter than the customer's words).
STATUS_LABELS = {
    FulfilmentStatus.AWAITING_PAYMENT: _l("Not paid yet"),
    FulfilmentStatus.NEW: _l("New"),
    FulfilmentStatus.ACCEPTED: _l("Being packed"),
    FulfilmentStatus.SHIPPED: _l("Sent"),
    FulfilmentStatus.DELIVERED: _l("Delivered"),
    FulfilmentStatus.CANCELLED: _l("Cancelled"),
}
FILTER_LABELS = {
    StatusFilter.TODO: _l("To do"),
    StatusFilter.NEW: _l("New"),
    StatusFilter.ACCEPTED: _l("Being packed"),
    StatusFilter.SHIPPED: _l("Sent"),
    StatusFilter.DELIVERED: _l("Delivered"),
    StatusFilter.RETURNS: _l("Returns to expect"),
    StatusFilter.CANCELLED: _l("Cancelled"),
    StatusFilter.ALL: _l("All"),
}
#: A payout statement's status as its community reads it.
PAYOUT_STATUS_LABELS = {
    PayoutStatus.DRAFT: _l("Being prepared by the VVG"),
    PayoutStatus.APPROVED: _l("Approved, to be paid"),
    PayoutStatus.PAID: _l("Paid out"),
}
#: What a member is told when a move was already made (a double click, two members at once).
ALREADY_DONE = {
    FulfilmentStatus.ACCEPTED: _l("This parcel is already accepted."),
    FulfilmentStatus.SHIPPED: _l("This parcel is already marked as sent."),
    FulfilmentStatus.DELIVERED: _l("This parcel is already marked as delivered."),
    FulfilmentStatus.CANCELLED: _l("This parcel is already cancelled."),
}


@workspace.context_processor
def _helpers() -> dict[str, object]:
    return {"age": age, "day": lambda day: format_date(day, "short"), "status_labels": STATUS_LABELS}


# ---------------------------------------------------------------------------------------------- pages


@workspace.get("/")
@member_required
def dashboard() -> ResponseReturnValue:
    community = current_community()
    now = utcnow()
    return render_template(
        "orders/workspace/dashboard.html",
        today=overview.dashboard(community, now),
        now=now,
    )


@workspace.get("/orders")
@member_required
def fulfilment_list() -> ResponseReturnValue:
    wanted = request.args.get("status", "")
    try:
        status = StatusFilter(wanted) if wanted else StatusFilter.TODO
    except ValueError:
        status = StatusFilter.TODO
    page = page_number(request.args.get("page"))
    community_id = current_community().id
    listed = fulfilments.list_fulfilments(community_id, status, page)
    return render_template(
        "orders/workspace/list.html",
        parcels=listed,
        returns_expected=fulfilments.count_returns_expected(community_id),
        status=status,
        filters=FILTER_LABELS,
        now=utcnow(),
    )


def _own(fulfilment_id: int) -> Fulfilment:
    try:
        return fulfilments.get_fulfilment(current_community().id, fulfilment_id)
    except errors.FulfilmentNotFound:
        abort(404)


def _detail_page(
    fulfilment: Fulfilment,
    *,
    ship_form: ShipForm | None = None,
    cancel_form: CancelForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    order = fulfilment.order
    return render_template(
        "orders/workspace/detail.html",
        fulfilment=fulfilment,
        order=order,
        invoices=list_order_invoices(order.id).get(fulfilment.id, []),
        refunds=fulfilments.list_refunds(fulfilment),
        withdrawals=withdrawing.list_withdrawals(fulfilment.id),
        ship_form=ship_form or ShipForm(fulfilment, formdata=None),
        cancel_form=cancel_form or CancelForm(formdata=None),
        can_cancel=fulfilment.status in refunds.CANCELLABLE and order.status.value == "paid",
        customer_labels=FULFILMENT_STATUS_LABELS,
        now=utcnow(),
    ), status


@workspace.get("/orders/<int(max=2147483647):fulfilment_id>")
@member_required
def detail(fulfilment_id: int) -> ResponseReturnValue:
    return _detail_page(_own(fulfilment_id))


@workspace.get("/orders/<int(max=2147483647):fulfilment_id>/slip")
@member_required
def slip(fulfilment_id: int) -> ResponseReturnValue:
    fulfilment = _own(fulfilment_id)
    return render_template("orders/workspace/slip.html", fulfilment=fulfilment, order=fulfilment.order)


# ---------------------------------------------------------------------------------------------- actions


def _back(fulfilment_id: int, form: FlaskForm) -> ResponseReturnValue:
    """After an action: where the member came from (the list, the dashboard), else the parcel's page."""
    target = safe_next(form.next.data) if form.next.data else None
    return redirect(target or url_for("orders_workspace.detail", fulfilment_id=fulfilment_id))


def _not_now(refused: TransitionNotAllowed[FulfilmentStatus]) -> None:
    """A move the parcel's status does not allow: said in words, never an error page."""
    if refused.current is refused.wanted:
        flash(str(ALREADY_DONE[refused.wanted]), "info")
    else:
        flash(
            _(
                "This cannot be done now: the parcel is “%(status)s”. The page shows what can be done next.",
                status=STATUS_LABELS[refused.current],
            ),
            "error",
        )


@workspace.post("/orders/<int(max=2147483647):fulfilment_id>/accept")
@member_required
def accept(fulfilment_id: int) -> ResponseReturnValue:
    form = ActionForm()
    try:
        fulfilment = fulfilments.accept(current_community().id, fulfilment_id, by=current_actor())
    except errors.FulfilmentNotFound:
        abort(404)
    except TransitionNotAllowed as refused:
        _not_now(refused)
    else:
        flash(
            _(
                "Accepted: %(number)s is yours to pack. The customer has been told.",
                number=fulfilment.order.number,
            ),
            "success",
        )
    return _back(fulfilment_id, form)


@workspace.post("/orders/<int(max=2147483647):fulfilment_id>/ship")
@member_required
def ship(fulfilment_id: int) -> ResponseReturnValue:
    fulfilment = _own(fulfilment_id)
    form = ShipForm(fulfilment)
    if fulfilment.status is not FulfilmentStatus.ACCEPTED:  # nothing to type into: say why at once
        _not_now(TransitionNotAllowed(fulfilment.status, FulfilmentStatus.SHIPPED))
        return redirect(url_for("orders_workspace.detail", fulfilment_id=fulfilment_id))
    carrier = form.chosen_carrier()
    if not form.validate() or carrier is None:
        return _detail_page(fulfilment, ship_form=form, status=400)
    try:
        shipped = fulfilments.ship(
            current_community().id,
            fulfilment_id,
            carrier=carrier,
            tracking_number=form.tracking_number.data or "",
            by=current_actor(),
        )
    except errors.FulfilmentNotFound:
        abort(404)
    except TransitionNotAllowed as refused:
        _not_now(refused)
    except (errors.CarrierNotAllowed, errors.TrackingNumberMissing):
        return _detail_page(_own(fulfilment_id), ship_form=form, status=400)
    else:
        if carrier is Carrier.PICKUP:
            message = _(
                "%(number)s is ready for pickup. The customer has been told.", number=shipped.order.number
            )
        else:
            message = _("%(number)s is on its way. The customer has been told.", number=shipped.order.number)
        flash(message, "success")
    return _back(fulfilment_id, form)


@workspace.post("/orders/<int(max=2147483647):fulfilment_id>/delivered")
@member_required
def delivered(fulfilment_id: int) -> ResponseReturnValue:
    form = ActionForm()
    try:
        fulfilment = fulfilments.deliver(current_community().id, fulfilment_id, by=current_actor())
    except errors.FulfilmentNotFound:
        abort(404)
    except TransitionNotAllowed as refused:
        _not_now(refused)
    else:
        flash(_("%(number)s is delivered. Thank you!", number=fulfilment.order.number), "success")
    return _back(fulfilment_id, form)


@workspace.post("/orders/<int(max=2147483647):fulfilment_id>/return-received")
@member_required
def return_received(fulfilment_id: int) -> ResponseReturnValue:
    """The lines a customer withdrew from came back: staff may now refund them."""
    fulfilment = _own(fulfilment_id)
    form = ReturnReceivedForm()
    if not form.validate() or form.withdrawal.data is None:
        abort(404)
    try:
        withdrawing.mark_return_received(
            form.withdrawal.data,
            community_id=current_community().id,
            fulfilment_id=fulfilment.id,
            by=current_actor(),
        )
    except WithdrawalNotFound:
        abort(404)
    flash(_("Return received. The VVG refunds the customer."), "success")
    return redirect(url_for("orders_workspace.detail", fulfilment_id=fulfilment_id, _anchor="withdrawals"))


@workspace.post("/orders/<int(max=2147483647):fulfilment_id>/cancel")
@member_required
def cancel(fulfilment_id: int) -> ResponseReturnValue:
    fulfilment = _own(fulfilment_id)
    form = CancelForm()
    if not form.validate():
        return _detail_page(fulfilment, cancel_form=form, status=400)
    try:
        refund = fulfilments.cancel(
            current_community().id, fulfilment_id, reason=form.reason.data or "", by=current_actor()
        )
    except errors.FulfilmentNotFound:
        abort(404)
    except NotCancellable as refused:
        if refused.status is FulfilmentStatus.CANCELLED:
            flash(str(ALREADY_DONE[FulfilmentStatus.CANCELLED]), "info")
        else:
            flash(
                _(
                    "This parcel can no longer be cancelled: it is “%(status)s”. "
                    "If something is wrong, please write to the VVG.",
                    status=STATUS_LABELS[refused.status],
                ),
                "error",
            )
    else:
        number = fulfilment.order.number
        if refund is None:
            flash(_("%(number)s is cancelled. The items are back in stock.", number=number), "success")
        else:
            flash(
                _(
                    "%(number)s is cancelled. The items are back in stock, and the customer is told "
                    "that the money is being returned.",
                    number=number,
                ),
                "success",
            )
    return redirect(url_for("orders_workspace.detail", fulfilment_id=fulfilment_id))


# ---------------------------------------------------------------------------------------------- payouts


@workspace.get("/payouts")
@member_required
def payouts() -> ResponseReturnValue:
    community = current_community()
    return render_template(
        "orders/workspace/payouts.html",
        unpaid=overview.unpaid_earnings(community),
        statements=overview.list_payouts(community.id),
        commission_invoices=list_community_commission_invoices(community.id),
        hold_days=hold_days(),
        today=vilnius_today(),
        payout_labels=PAYOUT_STATUS_LABELS,
    )


@workspace.get("/payouts/<int(max=2147483647):payout_id>")
@member_required
def payout_statement(payout_id: int) -> ResponseReturnValue:
    try:
        payout = overview.get_payout(current_community().id, payout_id)
    except PayoutNotFound:
        abort(404)
    return render_statement("orders/workspace/payout_statement.html", payout, PAYOUT_STATUS_LABELS)


@workspace.get("/payouts.csv")
@member_required
def payouts_csv() -> ResponseReturnValue:
    """What is not paid out yet, as a CSV (`orders.payouts.exports.unpaid_earnings_csv`)."""
    community: Community = current_community()
    text = exports.unpaid_earnings_csv(overview.unpaid_earnings(community))
    filename = f"kaimo-muge-{community.slug}-{vilnius_today().isoformat()}.csv"
    return csv_download(text, filename)


# ---------------------------------------------------------------------------------------------- invoices


@workspace.get("/invoices/<int(max=2147483647):invoice_id>.pdf")
@member_required
def invoice_pdf(invoice_id: int) -> ResponseReturnValue:
    """One of the community's own invoices: one it issued for a parcel, or the VVG's commission invoice to
    it. Another community's is a 404."""
    invoice = get_invoice(invoice_id, community_id=current_community().id)
    if invoice is None:
        abort(404)
    return pdf_response(invoice)
