"""The back office's unpaid orders: unpaid bank transfers grouped per e-mail address and per client
address, and cancelling a group's orders together after a confirmation."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext

from orders import unpaid
from orders.forms.backoffice import BatchCancelForm
from orders.unpaid import GroupKind
from orders.views.backoffice.blueprint import backoffice
from shop.access import current_actor, staff_required

#: The longest e-mail address or client address a group is asked by.
LONGEST_KEY = 254


@backoffice.get("/unpaid")
@staff_required
def unpaid_orders() -> ResponseReturnValue:
    return render_template(
        "orders/backoffice/unpaid.html", groups=unpaid.list_unpaid_groups(), kinds=GroupKind
    )


@backoffice.route("/unpaid/cancel", methods=["GET", "POST"])
@staff_required
def cancel_unpaid_group() -> ResponseReturnValue:
    """One group's unpaid orders, all ticked, to cancel together once staff confirm and say why."""
    kind, key = _asked_group()
    group = unpaid.get_unpaid_group(kind, key)
    form = BatchCancelForm(data={"orders": [str(order.id) for order in group.orders]})
    if form.validate_on_submit():
        done = unpaid.cancel_unpaid_orders(
            form.order_ids, kind=kind, key=key, note=form.reason.data or "", by=current_actor()
        )
        if done.numbers:
            flash(
                ngettext(
                    "%(num)d order cancelled: its items are back on sale and its customer is told.",
                    "%(num)d orders cancelled: their items are back on sale and each customer is told.",
                    len(done.numbers),
                ),
                "success",
            )
        if done.skipped:
            flash(
                ngettext(
                    "%(num)d order was no longer unpaid and was left as it is.",
                    "%(num)d orders were no longer unpaid and were left as they are.",
                    done.skipped,
                ),
                "info",
            )
        return redirect(url_for("orders_backoffice.unpaid_orders"))
    return render_template("orders/backoffice/unpaid_cancel.html", group=group, form=form, kinds=GroupKind), (
        400 if form.errors else 200
    )


def _asked_group() -> tuple[GroupKind, str]:
    """The group the address names: `?email=…` or `?ip=…`; anything else names a group of no orders."""
    for kind in GroupKind:
        key = request.args.get(kind.value)
        if key is not None:
            return kind, key.strip() if len(key) <= LONGEST_KEY else ""
    return GroupKind.EMAIL, ""
