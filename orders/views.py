"""Orders as customers follow them (a private link) and as VVG staff confirm their bank transfers."""

from __future__ import annotations

from collections.abc import Sequence

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from catalogue.forms import page_number
from orders import payments, refunds, reports, search, services, stripe_gateway
from orders.models import (
    CancelReason,
    CardCheckoutStatus,
    Fulfilment,
    FulfilmentStatus,
    Order,
    OrderStatus,
    PaymentMethod,
    RefundStatus,
)
from producers.services import list_all_communities
from shop import outbox
from shop.auth import current_actor, staff_required
from shop.db import db
from shop.extensions import csrf
from shop.forms import DayField, MoneyField, at_most, whole_number
from shop.templating import money

storefront = Blueprint("orders", __name__)
backoffice = Blueprint("orders_backoffice", __name__, url_prefix="/backoffice")
webhooks = Blueprint("webhooks", __name__)

ORDER_STATUS_LABELS = {
    OrderStatus.PENDING_PAYMENT: _l("Waiting for payment"),
    OrderStatus.PAID: _l("Paid"),
    OrderStatus.COMPLETED: _l("Completed"),
    OrderStatus.CANCELLED: _l("Cancelled"),
}
REFUND_STATUS_LABELS = {
    RefundStatus.PENDING: _l("being returned by card"),
    RefundStatus.SUCCEEDED: _l("returned"),
    RefundStatus.FAILED: _l("failed: return it another way"),
    RefundStatus.OWED: _l("owed: send it from the bank"),
    RefundStatus.SENT: _l("sent from the bank"),
}

FULFILMENT_STATUS_LABELS = {
    FulfilmentStatus.AWAITING_PAYMENT: _l("Waiting for payment"),
    FulfilmentStatus.NEW: _l("Paid; the community is preparing it"),
    FulfilmentStatus.ACCEPTED: _l("Being packed"),
    FulfilmentStatus.SHIPPED: _l("On its way"),
    FulfilmentStatus.DELIVERED: _l("Delivered"),
    FulfilmentStatus.CANCELLED: _l("Cancelled"),
}


@storefront.get("/uzsakymai/<token>")
def track(token: str) -> ResponseReturnValue:
    order = services.get_order_by_token(token)
    if order is None:
        abort(404)
    return _track_page(order)


def _track_page(order: Order, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "orders/track.html",
        order=order,
        just_placed=request.args.get("placed") == "1",
        returned_from_stripe=request.args.get("returned") == "1",
        card_enabled=stripe_gateway.is_enabled(),
        order_labels=ORDER_STATUS_LABELS,
        fulfilment_labels=FULFILMENT_STATUS_LABELS,
        checkout_status=CardCheckoutStatus,
    ), status


def pay_by_card(order: Order) -> ResponseReturnValue:
    """Send the customer to Stripe's payment page for the order; if Stripe is away, say so on the order."""
    try:
        url = payments.start_card_payment(
            order.id,
            success_url=url_for("orders.card_return", token=order.public_token, _external=True),
            cancel_url=url_for("orders.track", token=order.public_token, _external=True),
        )
    except payments.PaymentServiceUnavailable:
        flash(
            _(
                "The card payment service did not answer. Your order is saved: try again in a minute, "
                "or pay by bank transfer."
            ),
            "error",
        )
        return _track_page(order, 503)
    except payments.CardPaymentNotPossible:
        return redirect(url_for("orders.track", token=order.public_token))
    return redirect(url, 303)


@storefront.post("/uzsakymai/<token>/moketi-kortele")
def pay(token: str) -> ResponseReturnValue:
    order = services.get_order_by_token(token)
    if order is None or not stripe_gateway.is_enabled():
        abort(404)
    return pay_by_card(order)


@storefront.get("/uzsakymai/<token>/kortele")
def card_return(token: str) -> ResponseReturnValue:
    """Where Stripe sends the customer back after paying: ask Stripe at once, then show the order."""
    order = services.get_order_by_token(token)
    if order is None:
        abort(404)
    if order.is_awaiting_payment and stripe_gateway.is_enabled():
        payments.refresh_from_stripe(order.id)
    return redirect(url_for("orders.track", token=token, returned=1))


@storefront.post("/uzsakymai/<token>/pavedimu")
def switch_to_transfer(token: str) -> ResponseReturnValue:
    order = services.get_order_by_token(token)
    if order is None:
        abort(404)
    try:
        order = payments.switch_to_bank_transfer(order.id)
    except payments.CardPaymentNotPossible:
        flash(_("This order is not waiting for a card payment any more."), "error")
    else:
        if order.status is OrderStatus.PAID:
            flash(_("Your card payment has just arrived: there is nothing more to pay."), "success")
        else:
            flash(_("Please pay by bank transfer: the details are below and in your e-mail."), "success")
    return redirect(url_for("orders.track", token=token))


@webhooks.post("/stripe/webhook")
@csrf.exempt  # type: ignore[untyped-decorator]  # Stripe signs its requests instead: the only exempt route
def stripe_webhook() -> ResponseReturnValue:
    """Stripe's events: signature checked on the raw bytes, each event applied once, answered at once."""
    try:
        event = stripe_gateway.verify_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except stripe_gateway.InvalidWebhook as error:
        current_app.logger.warning("Stripe webhook refused: %s", error)
        return Response("invalid signature\n", 400, mimetype="text/plain")
    handled = payments.handle_event(event)
    # Mail written by the event is tried now, as after every other change: at most one short wait
    # (outbox.AFTER_COMMIT_TIMEOUT_SECONDS) if the mail server is away, then `flask outbox send` takes it.
    outbox.send_ids_now(handled.mail_ids)
    return Response(f"{handled.outcome}\n", 200, mimetype="text/plain")


@storefront.post("/uzsakymai/<token>/atsaukti")
def cancel(token: str) -> ResponseReturnValue:
    order = services.get_order_by_token(token)
    if order is None:
        abort(404)
    was_waiting = order.is_awaiting_payment
    try:
        if order.payment_method is PaymentMethod.CARD:
            payments.close_card_payment(order.id)  # no page of it may be paid after this
    except payments.CardPaymentNotPossible:
        pass  # a bank's answer is on its way: the order stays as it is
    else:
        services.cancel_unpaid_order(order.id, reason=CancelReason.CUSTOMER)
    order = services.get_order_by_token(token) or order
    if was_waiting and order.status is OrderStatus.CANCELLED:  # by us, or by its page expiring just now
        flash(_("Your order is cancelled. Nothing is owed."), "success")
    else:
        flash(_("This order can no longer be cancelled here; please write to us."), "error")
    return redirect(url_for("orders.track", token=token))


class ConfirmTransferForm(FlaskForm):  # type: ignore[misc]
    amount = MoneyField(_l("Amount received, €"), validators=[DataRequired(_l("Enter the amount received."))])
    reference = StringField(_l("Bank reference"), validators=[Optional(), at_most(120)])


@backoffice.get("/payments")
@staff_required
def awaiting_transfers() -> ResponseReturnValue:
    orders = services.list_orders_awaiting_transfer()
    forms = {order.id: ConfirmTransferForm(prefix=f"o{order.id}") for order in orders}
    return _awaiting_transfers_page(orders, forms)


def _awaiting_transfers_page(
    orders: Sequence[Order], forms: dict[int, ConfirmTransferForm], status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "orders/backoffice/awaiting_transfers.html",
        orders=orders,
        forms=forms,
        alerts=payments.list_open_alerts(),
        owed_refunds=refunds.list_owed_bank_refunds(),
    ), status


@backoffice.post("/alerts/<int(max=2147483647):alert_id>/resolve")
@staff_required
def resolve_alert(alert_id: int) -> ResponseReturnValue:
    payments.resolve_alert(alert_id, by=current_actor())
    flash(_("Marked as settled."), "success")
    return redirect(url_for("orders_backoffice.awaiting_transfers"))


@backoffice.post("/refunds/<int(max=2147483647):refund_id>/sent")
@staff_required
def refund_sent(refund_id: int) -> ResponseReturnValue:
    try:
        refunds.mark_bank_refund_sent(refund_id, by=current_actor())
    except refunds.RefundNotFound:
        abort(404)
    flash(_("Refund marked as sent."), "success")
    return redirect(url_for("orders_backoffice.awaiting_transfers"))


@backoffice.post("/orders/<int(max=2147483647):order_id>/confirm-transfer")
@staff_required
def confirm_transfer(order_id: int) -> ResponseReturnValue:
    form = ConfirmTransferForm(prefix=f"o{order_id}")
    if form.validate():
        try:
            order = services.mark_paid(
                order_id,
                amount_cents=form.amount.data or 0,
                method=PaymentMethod.BANK_TRANSFER,
                reference=form.reference.data or "",
                by=current_actor(),
            )
        except services.PaymentAmountMismatch as mismatch:
            form.amount.errors.append(
                _(
                    "The order's total is %(total)s: the amount received does not match, so it is not paid.",
                    total=money(mismatch.expected_cents),
                )
            )
        except services.OrderNotFound:
            abort(404)
        except services.OrderNotAwaitingPayment:
            flash(_("This order is not waiting for payment any more."), "error")
            return redirect(url_for("orders_backoffice.awaiting_transfers"))
        else:
            flash(
                _("Payment for %(number)s confirmed; the communities have been told.", number=order.number),
                "success",
            )
            return redirect(url_for("orders_backoffice.awaiting_transfers"))
    orders = services.list_orders_awaiting_transfer()
    forms = {order.id: ConfirmTransferForm(prefix=f"o{order.id}", formdata=None) for order in orders}
    forms[order_id] = form
    return _awaiting_transfers_page(orders, forms, 400)


class OrderSearchForm(Form):  # type: ignore[misc]
    """The back office's order search (GET: no CSRF, bookmarkable)."""

    q = StringField(_l("Number, customer, e-mail or phone"), validators=[Optional(), at_most(100)])
    community = SelectField(_l("Community"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    method = SelectField(_l("Payment"), validate_choice=False)
    placed_from = DayField(_l("Placed from"), validators=[Optional()])
    placed_to = DayField(_l("Placed until"), validators=[Optional()])


class StaffCancelForm(FlaskForm):  # type: ignore[misc]
    reason = StringField(
        _l("Reason (the customer reads it)"),
        validators=[DataRequired(_l("Say why: the customer reads it.")), at_most(500)],
    )


class SentParcelRefundForm(StaffCancelForm):
    """Money back for a parcel that has left (prefix `f<fulfilment id>`): a return, a broken card."""

    goods = MoneyField(_l("For the goods, €"), validators=[Optional()])
    delivery = MoneyField(_l("For the delivery, €"), validators=[Optional()])


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
        args={k: v for k, v in request.args.items() if k != "page"},
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
        form=form,
        refund_forms=refund_forms,
        refundable_left={f.id: refunds.refundable_left(f) for f in order.fulfilments if f.id in refund_forms},
        mails=search.list_order_mails(order_id),
        order_labels=ORDER_STATUS_LABELS,
        fulfilment_labels=FULFILMENT_STATUS_LABELS,
        payment_labels=reports.METHOD_LABELS,
        refund_labels=REFUND_STATUS_LABELS,
        cancellable=refunds.CANCELLABLE,
    ), status


@backoffice.post("/orders/<int(max=2147483647):order_id>/cancel")
@staff_required
def staff_cancel(order_id: int) -> ResponseReturnValue:
    """Cancel a whole order, a parcel (`fulfilment`) or a line (`line`) with a reason; paid parts refunded."""
    if db.session.get(Order, order_id) is None:
        abort(404)
    form = StaffCancelForm()
    if not form.validate():
        return _order_detail_page(order_id, form, 400)
    me = current_actor()
    reason = form.reason.data
    line_id, fulfilment_id = _posted_id("line"), _posted_id("fulfilment")
    try:
        if line_id is not None:
            refunds.cancel_line(line_id, order_id=order_id, reason=reason, by=me)
        elif fulfilment_id is not None:
            refunds.cancel_fulfilment(fulfilment_id, order_id=order_id, reason=reason, by=me)
        elif not services.cancel_unpaid_order(order_id, reason=CancelReason.STAFF, note=reason, by=me):
            refunds.cancel_paid_order(order_id, reason=reason, by=me)
    except refunds.NotCancellable:
        flash(_("That can no longer be cancelled: it has been sent or cancelled already."), "error")
    except (refunds.LineNotFound, services.FulfilmentNotFound):
        abort(404)
    else:
        flash(_("Cancelled; any money paid for it is being refunded and the customer is told."), "success")
    return redirect(url_for("orders_backoffice.order_detail", order_id=order_id))


def _posted_id(name: str) -> int | None:
    """The id of a line or parcel the form names, None if it names none; 404 for one that is no id.

    A field that is there but holds junk ("0", "abc", "-1") must never fall through to the whole order.
    """
    if name not in request.form:
        return None
    number = whole_number(request.form[name])
    if not number:
        abort(404)
    return number


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
        except refunds.NotRefundable:
            flash(_("Only a parcel that has been sent is refunded this way; cancel the others."), "error")
            return redirect(url_for("orders_backoffice.order_detail", order_id=order_id))
        except refunds.RefundTooLarge as error:
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
