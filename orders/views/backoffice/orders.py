"""The back office's orders: search, an order's page, cancelling and refunding, and the payments page
(transfers waiting to be confirmed, payment alerts, bank refunds owed)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from orders import errors, lifecycle, refunds, reports, search, unpaid
from orders.errors import LineNotFound, NotCancellable, NotRefundable, RefundNotFound, RefundTooLarge
from orders.forms.backoffice import (
    ConfirmTransferForm,
    OrderSearchForm,
    SentParcelRefundForm,
    StaffCancelForm,
    WithdrawalActionForm,
)
from orders.invoices.issuing import list_order_invoices
from orders.labels import FULFILMENT_STATUS_LABELS, ORDER_STATUS_LABELS, REFUND_STATUS_LABELS
from orders.models import (
    CancelReason,
    Fulfilment,
    Order,
    OrderStatus,
    PaymentMethod,
)
from orders.payments import alerts
from orders.payments.alerts import list_open_alerts
from orders.views.backoffice.blueprint import backoffice
from orders.withdrawals import withdrawing
from producers.communities import list_all_communities
from shop.access import current_actor, staff_required
from shop.db import db
from shop.forms import whole_number
from shop.pagination import page_number
from shop.templating import money, query_args


@backoffice.get("/payments")
@staff_required
def awaiting_transfers() -> ResponseReturnValue:
    orders = lifecycle.list_orders_awaiting_transfer()
    forms = {order.id: ConfirmTransferForm(prefix=f"o{order.id}") for order in orders}
    return _awaiting_transfers_page(orders, forms)


def _awaiting_transfers_page(
    orders: Sequence[Order], forms: dict[int, ConfirmTransferForm], status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "orders/backoffice/awaiting_transfers.html",
        orders=orders,
        forms=forms,
        alerts=list_open_alerts(),
        owed_refunds=refunds.list_owed_bank_refunds(),
        open_withdrawals=withdrawing.list_open_withdrawals(),
    ), status


@backoffice.post("/alerts/<int(max=2147483647):alert_id>/resolve")
@staff_required
def resolve_alert(alert_id: int) -> ResponseReturnValue:
    alerts.resolve_alert(alert_id, by=current_actor())
    flash(_("Marked as settled."), "success")
    return redirect(url_for("orders_backoffice.awaiting_transfers"))


@backoffice.post("/refunds/<int(max=2147483647):refund_id>/sent")
@staff_required
def refund_sent(refund_id: int) -> ResponseReturnValue:
    try:
        refunds.mark_bank_refund_sent(refund_id, by=current_actor())
    except RefundNotFound:
        abort(404)
    flash(_("Refund marked as sent."), "success")
    return redirect(url_for("orders_backoffice.awaiting_transfers"))


@backoffice.post("/orders/<int(max=2147483647):order_id>/confirm-transfer")
@staff_required
def confirm_transfer(order_id: int) -> ResponseReturnValue:
    form = ConfirmTransferForm(prefix=f"o{order_id}")
    order = db.session.get(Order, order_id)
    if order is None:
        abort(404)
    if form.validate():
        if order.status is OrderStatus.CANCELLED:
            return _late_transfer(order_id, form)
        try:
            order = lifecycle.mark_paid(
                order_id,
                amount_cents=form.amount.data or 0,
                method=PaymentMethod.BANK_TRANSFER,
                reference=form.reference.data or "",
                by=current_actor(),
            )
        except errors.PaymentAmountMismatch as mismatch:
            form.amount.errors.append(
                _(
                    "The order's total is %(total)s: the amount received does not match, so it is not paid.",
                    total=money(mismatch.expected_cents),
                )
            )
        except errors.OrderNotFound:
            abort(404)
        except errors.OrderNotAwaitingPayment as refused:
            if refused.status is OrderStatus.CANCELLED:
                return _late_transfer(order_id, form)
            flash(_("This order is not waiting for payment any more."), "error")
            return redirect(url_for("orders_backoffice.awaiting_transfers"))
        else:
            flash(
                _("Payment for %(number)s confirmed; the communities have been told.", number=order.number),
                "success",
            )
            return redirect(url_for("orders_backoffice.awaiting_transfers"))
    if order.status is OrderStatus.CANCELLED:  # posted from a cancelled order's page
        return _order_detail_page(order_id, StaffCancelForm(formdata=None), 400, late_transfer_form=form)
    orders = lifecycle.list_orders_awaiting_transfer()
    forms = {order.id: ConfirmTransferForm(prefix=f"o{order.id}", formdata=None) for order in orders}
    forms[order_id] = form
    return _awaiting_transfers_page(orders, forms, 400)


def _late_transfer(order_id: int, form: ConfirmTransferForm) -> ResponseReturnValue:
    """Money for an order cancelled unpaid: not paid (its items went back on sale), but recorded as a
    payment alert, so that it is sent back."""
    try:
        alert = unpaid.record_late_transfer(
            order_id,
            amount_cents=form.amount.data or 0,
            reference=form.reference.data or "",
            by=current_actor(),
        )
    except errors.OrderNotAwaitingPayment:
        flash(_("This order is not waiting for payment any more."), "error")
        return redirect(url_for("orders_backoffice.awaiting_transfers"))
    flash(
        _(
            "Order %(number)s had been cancelled unpaid and its items went back on sale, so it is not "
            "marked paid. The %(amount)s received is now a payment alert: send it back to the customer.",
            number=alert.order.number,  # type: ignore[attr-defined]  # Order.payment_alerts' backref
            amount=money(alert.amount_cents),
        ),
        "info",
    )
    return redirect(url_for("orders_backoffice.awaiting_transfers"))


@backoffice.get("/orders")
@staff_required
def order_search() -> ResponseReturnValue:
    form = OrderSearchForm(request.args)
    communities = list_all_communities()  # a switched-off community's orders stay, and are searched
    form.community.choices = [("", _("All communities"))] + [
        (str(c.id), c.name if c.is_active else _("%(name)s (switched off)", name=c.name)) for c in communities
    ]
    form.status.choices = [("", _("Any status"))] + [
        (s.value, str(ORDER_STATUS_LABELS[s])) for s in OrderStatus
    ]
    form.method.choices = [("", _("Any payment"))] + [
        (m.value, str(reports.METHOD_LABELS[m])) for m in PaymentMethod
    ]
    form.validate()
    wanted = search.OrderFilter(
        text=form.q.data or "",
        community_id=whole_number(form.community.data),
        status=OrderStatus(form.status.data) if form.status.data in OrderStatus._value2member_map_ else None,
        payment_method=PaymentMethod(form.method.data)
        if form.method.data in PaymentMethod._value2member_map_
        else None,
        placed_from=form.placed_from.data if not form.placed_from.errors else None,
        placed_to=form.placed_to.data if not form.placed_to.errors else None,
    )
    page = search.search_orders(wanted, page=page_number(request.args.get("page")))
    return render_template(
        "orders/backoffice/search.html",
        form=form,
        page=page,
        order_labels=ORDER_STATUS_LABELS,
        fulfilment_labels=FULFILMENT_STATUS_LABELS,
        args=query_args("page"),
    )


@backoffice.get("/orders/<int(max=2147483647):order_id>")
@staff_required
def order_detail(order_id: int) -> ResponseReturnValue:
    return _order_detail_page(order_id, StaffCancelForm())


def _order_detail_page(
    order_id: int,
    form: StaffCancelForm,
    status: int = 200,
    failed_refund: tuple[int, SentParcelRefundForm] | None = None,
    late_transfer_form: ConfirmTransferForm | None = None,
) -> ResponseReturnValue:
    order = search.get_order_for_staff(order_id)
    if order is None:
        abort(404)
    refund_forms = {
        f.id: SentParcelRefundForm(prefix=f"f{f.id}", formdata=None)
        for f in order.fulfilments
        if f.status in refunds.REFUNDABLE_AFTER_SENDING
    }
    if failed_refund is not None:  # re-shown with what was typed and its errors
        fulfilment_id, refund_form = failed_refund
        refund_forms[fulfilment_id] = refund_form
    return render_template(
        "orders/backoffice/detail.html",
        order=order,
        invoices=list_order_invoices(order_id),
        form=form,
        refund_forms=refund_forms,
        refundable_left={f.id: refunds.refundable_left(f) for f in order.fulfilments if f.id in refund_forms},
        mails=search.list_order_mails(order_id),
        order_labels=ORDER_STATUS_LABELS,
        fulfilment_labels=FULFILMENT_STATUS_LABELS,
        payment_labels=reports.METHOD_LABELS,
        refund_labels=REFUND_STATUS_LABELS,
        cancellable=refunds.CANCELLABLE,
        withdrawals=withdrawing.withdrawals_by_parcel(order_id),
        late_transfer_form=late_transfer_form or _late_transfer_form(order),
    ), status


def _late_transfer_form(order: Order) -> ConfirmTransferForm | None:
    """For a bank-transfer order cancelled unpaid: where staff record money that arrived after all."""
    if (
        order.status is OrderStatus.CANCELLED
        and order.payment_method is PaymentMethod.BANK_TRANSFER
        and not order.payments
    ):
        return ConfirmTransferForm(prefix=f"o{order.id}", formdata=None)
    return None


@backoffice.post("/orders/<int(max=2147483647):order_id>/cancel")
@staff_required
def staff_cancel(order_id: int) -> ResponseReturnValue:
    """Cancel a whole order, a parcel (`fulfilment`) or a line (`line`) with a reason; paid parts refunded."""
    if db.session.get(Order, order_id) is None:
        abort(404)
    form = StaffCancelForm()
    if not form.validate():
        return _order_detail_page(order_id, form, 400)
    if form.names_no_row:
        abort(404)  # never the whole order instead
    me = current_actor()
    reason = form.reason.data
    line_id, fulfilment_id = form.line.data, form.fulfilment.data
    try:
        if line_id is not None:
            refunds.cancel_line(line_id, order_id=order_id, reason=reason, by=me)
        elif fulfilment_id is not None:
            refunds.cancel_fulfilment(fulfilment_id, order_id=order_id, reason=reason, by=me)
        elif not lifecycle.cancel_unpaid_order(order_id, reason=CancelReason.STAFF, note=reason, by=me):
            refunds.cancel_paid_order(order_id, reason=reason, by=me)
    except NotCancellable:
        flash(_("That can no longer be cancelled: it has been sent or cancelled already."), "error")
    except (LineNotFound, errors.FulfilmentNotFound):
        abort(404)
    else:
        flash(_("Cancelled; any money paid for it is being refunded and the customer is told."), "success")
    return redirect(url_for("orders_backoffice.order_detail", order_id=order_id))


@backoffice.post("/orders/<int(max=2147483647):order_id>/parcels/<int(max=2147483647):fulfilment_id>/refund")
@staff_required
def refund_sent_parcel(order_id: int, fulfilment_id: int) -> ResponseReturnValue:
    """Money back for a parcel that has left: any amount up to what is left of its goods and delivery."""
    fulfilment = db.session.get(Fulfilment, fulfilment_id)
    if fulfilment is None or fulfilment.order_id != order_id:
        abort(404)
    form = SentParcelRefundForm(prefix=f"f{fulfilment_id}")
    if form.validate():
        try:
            refund = refunds.refund_sent_parcel(
                fulfilment_id,
                goods_cents=form.goods.data or 0,
                delivery_cents=form.delivery.data or 0,
                reason=form.reason.data,
                by=current_actor(),
            )
        except NotRefundable:
            flash(_("Only a parcel that has been sent is refunded this way; cancel the others."), "error")
            return redirect(url_for("orders_backoffice.order_detail", order_id=order_id))
        except RefundTooLarge as error:
            form.goods.errors.append(
                _(
                    "Enter an amount up to what is left to refund: %(goods)s for the goods and "
                    "%(delivery)s for the delivery.",
                    goods=money(error.goods_left_cents),
                    delivery=money(error.delivery_left_cents),
                )
            )
        else:
            flash(
                _("%(amount)s is being refunded; the customer is told.", amount=money(refund.amount_cents)),
                "success",
            )
            return redirect(url_for("orders_backoffice.order_detail", order_id=order_id))
    return _order_detail_page(
        order_id, StaffCancelForm(formdata=None), 400, failed_refund=(fulfilment_id, form)
    )


@backoffice.post("/orders/<int(max=2147483647):order_id>/withdrawals/received")
@staff_required
def withdrawal_received(order_id: int) -> ResponseReturnValue:
    """The withdrawn lines came back (said by staff when the community could not)."""
    withdrawal_id = _order_withdrawal(order_id)
    withdrawing.mark_return_received(withdrawal_id, by=current_actor())
    flash(_("Return received."), "success")
    return redirect(url_for("orders_backoffice.order_detail", order_id=order_id))


@backoffice.post("/orders/<int(max=2147483647):order_id>/withdrawals/refund")
@staff_required
def refund_withdrawal(order_id: int) -> ResponseReturnValue:
    """Refund what a withdrawal owes (goods, and the delivery fee for a whole parcel), by the refund rules."""
    withdrawal_id = _order_withdrawal(order_id)
    try:
        withdrawal = withdrawing.refund_withdrawal(withdrawal_id, by=current_actor())
    except errors.WithdrawalAlreadyRefunded:
        flash(_("This withdrawal is already refunded."), "info")
    else:
        amount = withdrawal.refund.amount_cents if withdrawal.refund else 0
        flash(_("%(amount)s is being refunded; the customer is told.", amount=money(amount)), "success")
    return redirect(url_for("orders_backoffice.order_detail", order_id=order_id))


def _order_withdrawal(order_id: int) -> int:
    """The id of the order's withdrawal the form names; anything else is not found."""
    form = WithdrawalActionForm()
    wanted = form.withdrawal.data if form.validate() else None
    if wanted is None or withdrawing.get_withdrawal(wanted, order_id=order_id) is None:
        abort(404)
    return wanted
