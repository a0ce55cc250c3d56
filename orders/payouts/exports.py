"""Statements for people: the printable statement and the CSV of a period's statements (with the refunds
taken back), built for Excel by `shop.spreadsheet`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from orders.models import Fulfilment, Order
from orders.payouts.models import Payout, PayoutAdjustment, PayoutLine, PayoutStatus
from orders.payouts.period import PAYOUT_METHOD_LABELS, Period
from producers.iban import is_valid_iban
from producers.models import Community
from shop.db import db
from shop.i18n import VILNIUS
from shop.money import decimal_text
from shop.spreadsheet import excel_csv

if TYPE_CHECKING:
    from orders.overview import Unpaid


def render_statement(template: str, payout: Payout, status_labels: Mapping[PayoutStatus, Any]) -> str:
    """A statement's page (`template` includes `orders/_payout_statement.html`), its status in the words
    of its reader: staff or the community."""
    return render_template(
        template,
        payout=payout,
        period=Period.of(payout),
        payout_labels=status_labels,
        method_labels=PAYOUT_METHOD_LABELS,
        iban_valid=is_valid_iban(payout.community.iban),
    )


def payouts_csv(payouts: Sequence[Payout]) -> str:
    """The statements for a spreadsheet, `;`-separated, amounts like `12,50`, with a UTF-8 byte order mark
    so that Excel reads the Lithuanian letters (headers in the current language).

    One row per parcel, in community name order, then one per refund taken back from these statements
    (its refund under "Refunds", the commission the VVG returns on it as a negative "Commission"), so that
    on every row, and in every column's sum, amount = goods − refunds − commission + delivery fee, and the
    amounts add up to what the statements pay.
    """
    ids = [payout.id for payout in payouts]
    in_order = (Community.name, Payout.id)
    lines = db.session.execute(
        select(Community.name, Order.number, PayoutLine)
        .join(PayoutLine.payout)
        .join(Payout.community)
        .join(PayoutLine.fulfilment)
        .join(Fulfilment.order)
        .where(PayoutLine.payout_id.in_(ids))
        .order_by(*in_order, PayoutLine.delivered_at, PayoutLine.id)
    ).all()
    adjustments = db.session.execute(
        select(Community.name, Order.number, PayoutAdjustment)
        .join(PayoutAdjustment.payout)
        .join(Payout.community)
        .join(PayoutAdjustment.fulfilment)
        .join(Fulfilment.order)
        .where(PayoutAdjustment.payout_id.in_(ids))
        .order_by(*in_order, PayoutAdjustment.id)
    ).all()
    header = [
        _("Community"),
        _("Order"),
        _("Delivered on"),
        _("Goods"),
        _("Refunds"),
        _("Commission"),
        _("Delivery fee"),
        _("Amount"),
    ]
    rows = [
        [
            community,
            number,
            line.delivered_at.astimezone(VILNIUS).date().isoformat(),
            *(
                decimal_text(cents)
                for cents in (
                    line.goods_cents,
                    line.earnings.refunded_cents,
                    line.commission_cents,
                    line.delivery_cents,
                    line.amount_cents,
                )
            ),
        ]
        for community, number, line in lines
    ]
    rows += [
        [
            community,
            number,
            "",
            "",
            decimal_text(adjustment.refunded_cents),
            decimal_text(-adjustment.commission_returned_cents),
            "",
            decimal_text(adjustment.amount_cents),
        ]
        for community, number, adjustment in adjustments
    ]
    return excel_csv([header, *rows])


def period_label(payout: Payout) -> str:
    """`2026-11-01–2026-11-30`: the statement's days, the last one included."""
    period = Period.of(payout)
    return f"{period.start.isoformat()}–{period.last.isoformat()}"


def unpaid_earnings_csv(unpaid: Unpaid) -> str:
    """What a community is not paid yet, a row per parcel and per refund to be taken back (the refund under
    "Refunds", the commission returned on it as a negative "Commission"): the last column sums to the
    workspace page's total."""
    header = [
        _("Order"),
        _("Delivered on"),
        _("Goods"),
        _("Refunds"),
        _("Commission"),
        _("Delivery fee"),
        _("To be paid"),
    ]
    rows = [
        [
            line.order_number,
            line.delivered_on.isoformat(),
            *(
                decimal_text(cents)
                for cents in (
                    line.earnings.goods_cents,
                    line.earnings.refunded_cents,
                    line.earnings.commission_cents,
                    line.earnings.delivery_cents,
                    line.earnings.payable_cents,
                )
            ),
        ]
        for line in unpaid.parcels
    ]
    rows += [
        [
            adjustment.fulfilment.order.number,
            "",
            "",
            decimal_text(adjustment.refunded_cents),
            decimal_text(-adjustment.commission_returned_cents),
            "",
            decimal_text(adjustment.amount_cents),
        ]
        for adjustment in unpaid.taken_back
    ]
    return excel_csv([header, *rows])
