"""Issuing invoices: a paid parcel's invoice in its community's name, a credit note for a refund of it, and
the VVG's monthly commission invoice to each community.

Each community is the seller of its own parcel; the VVG runs the marketplace and is named on the invoice
as such. A community that is a VAT payer issues a VAT invoice (*PVM sąskaita faktūra*) with 21 % VAT
worked out on every line from its VAT-inclusive amount and rounded on the line; one that is not issues an
invoice (*sąskaita faktūra*) marked "PVM netaikomas". The delivery fee is a line of its own.

A parcel's invoice is issued in the transaction that records the payment, and a credit note in the one
that records the refund, each numbered from its community's series by `shop.numbering.take_number` (the
series' row stays locked until that transaction commits): numbers never skip or repeat, even under many
payments at once. What an invoice says is copied onto it when issued and never changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from orders.errors import CommissionMonthNotOver
from orders.invoices.models import CUSTOMER_KINDS, Invoice, InvoiceKind, InvoiceLine, vat_inside
from orders.models import Fulfilment, Order, OrderLine, Refund
from orders.payouts.models import Payout, PayoutStatus
from producers.models import Community
from shop import audit, numbering, outbox
from shop.db import db, transaction, utcnow
from shop.i18n import VILNIUS, vilnius_today
from shop.models import Operator, User

#: Lithuania's standard VAT rate (PVM įstatymas, 19 str.), in basis points: handmade cards and ornaments.
STANDARD_VAT_BP = 2100
#: How often a commission run is retried when another run, at the same moment, invoiced the same statement.
_ATTEMPTS = 3


@dataclass(frozen=True)
class LineDraft:
    """A line before it is priced for VAT: `quantity` × `unit_price_cents` (VAT included)."""

    description: str
    quantity: int
    unit_price_cents: int
    sku: str = ""
    payout_id: int | None = None


def priced_lines(drafts: Sequence[LineDraft], vat_bp: int | None) -> list[InvoiceLine]:
    """The invoice's lines, each with its VAT (none without a rate) worked out and rounded on the line."""
    lines = []
    for position, draft in enumerate(drafts, start=1):
        total = draft.quantity * draft.unit_price_cents
        vat = vat_inside(total, vat_bp) if vat_bp else 0
        lines.append(
            InvoiceLine(
                position=position,
                description=draft.description[:300],
                sku=draft.sku[:64],
                quantity=draft.quantity,
                unit_price_cents=draft.unit_price_cents,
                vat_rate_bp=vat_bp,
                net_cents=total - vat,
                vat_cents=vat,
                total_cents=total,
                payout_id=draft.payout_id,
            )
        )
    return lines


def _numbered(invoice: Invoice, prefix: str, lines: list[InvoiceLine]) -> Invoice:
    """Inside a transaction: the invoice gets its lines, totals and the next number of its series."""
    year = invoice.issued_at.astimezone(VILNIUS).year
    invoice.sequence = numbering.take_number(prefix, year)
    invoice.series = numbering.series_name(prefix, year)
    invoice.number = f"{invoice.series}-{invoice.sequence:06d}"
    invoice.lines = lines
    invoice.net_cents = sum(line.net_cents for line in lines)
    invoice.vat_cents = sum(line.vat_cents for line in lines)
    invoice.total_cents = sum(line.total_cents for line in lines)
    db.session.add(invoice)
    db.session.flush()
    return invoice


def _operator() -> Operator | None:
    return db.session.scalars(select(Operator).order_by(Operator.id).limit(1)).first()


def _address(line: str, postal_code: str, place: str) -> str:
    return ", ".join(part for part in (line.strip(), f"{postal_code} {place}".strip()) if part)


def _line_name(line: OrderLine) -> str:
    return (
        f"{line.product_name_lt} · {line.variant_name_lt}" if line.variant_name_lt else line.product_name_lt
    )


def _delivery_name(fulfilment: Fulfilment) -> str:
    """The delivery fee's line in the seller's words ("Courier to the customer's address"): the invoice is
    the community's document, kept in its books as well as sent to the buyer, so it says no "your"."""
    # Imported here: the labels module reaches the parcels' services, which reach the payment's (and this).
    from orders.labels import Audience, delivery_label

    return f"{_('Delivery')}: {delivery_label(fulfilment.delivery_method, Audience.COMMUNITY)}"


def _goods(lines: Iterable[OrderLine], *, sign: int = 1) -> list[LineDraft]:
    """Order lines as an invoice's lines, each as sold (`sign` -1: credited back)."""
    return [
        LineDraft(_line_name(line), sign * line.quantity, line.unit_price_cents, sku=line.sku)
        for line in lines
    ]


def _delivery(fulfilment: Fulfilment, cents: int, *, sign: int = 1) -> list[LineDraft]:
    """The parcel's delivery fee as a line (`sign` -1: refunded), if there is one."""
    return [LineDraft(_delivery_name(fulfilment), sign, cents)] if cents else []


# ---------------------------------------------------------------------------------------------- parcels


def invoice_attachment(invoice: Invoice) -> outbox.Attachment:
    """The invoice's PDF as a mail's attachment, drawn when the mail is sent (`orders.invoices.pdf`)."""
    return outbox.Attachment(kind="invoice", reference=str(invoice.id), filename=invoice.filename)


def invoice_of(fulfilment_id: int) -> Invoice | None:
    """The parcel's invoice, if it has one."""
    return db.session.scalars(
        select(Invoice).where(Invoice.fulfilment_id == fulfilment_id, Invoice.kind == InvoiceKind.INVOICE)
    ).first()


def issue_parcel_invoice(fulfilment: Fulfilment) -> Invoice:
    """Inside the payment's transaction: the paid parcel's invoice from its community to the customer.

    Its lines are the parcel's order lines and its delivery fee; the parties are copied from the community,
    the order and the operator. A parcel invoiced already keeps the invoice it has.
    """
    existing = invoice_of(fulfilment.id)
    if existing is not None:
        return existing
    order: Order = fulfilment.order
    community: Community = fulfilment.community
    operator = _operator()
    vat_bp = STANDARD_VAT_BP if community.is_vat_payer else None
    with force_locale("lt"):  # an invoice is written in Lithuanian (English is added for English buyers)
        drafts = _goods(line for line in fulfilment.lines if line.cancelled_at is None)
        drafts += _delivery(fulfilment, fulfilment.delivery_cents)
    invoice = Invoice(
        kind=InvoiceKind.INVOICE,
        issued_at=utcnow(),
        community_id=community.id,
        order_id=order.id,
        fulfilment_id=fulfilment.id,
        is_vat_invoice=community.is_vat_payer,
        language=order.language,
        seller_name=community.legal_name or community.name,
        seller_code=community.registration_code,
        seller_vat_code=community.vat_code if community.is_vat_payer else "",
        seller_address=community.address,
        buyer_name=order.customer_name,
        buyer_address=_address(order.address_line, order.postal_code, order.city),
        operator_name=operator.name if operator else "",
        operator_code=operator.registration_code if operator else "",
        operator_address=operator.address if operator else "",
        order_number=order.number,
        payment_method=order.payment_method.value,
        paid_at=order.paid_at,
    )
    return _numbered(invoice, community.invoice_prefix, priced_lines(drafts, vat_bp))


def credit_note_of(refund_id: int) -> Invoice | None:
    """The refund's credit note, if it has one."""
    return db.session.scalars(select(Invoice).where(Invoice.refund_id == refund_id)).first()


def issue_credit_note(refund: Refund, lines: Sequence[OrderLine] | None = None) -> Invoice | None:
    """Inside the refund's transaction: a credit note for the refund, from the parcel's own series, naming
    the invoice it corrects; its amounts are negative. None if the parcel was never invoiced.

    `lines` are the order lines the refund cancels (each credited as sold, and the delivery fee refunded
    with them); a refund of an amount (a parcel sent back, a card that arrived broken) is credited as the
    goods and delivery it returns.
    """
    if refund.fulfilment_id is None:
        return None
    original = invoice_of(refund.fulfilment_id)
    if original is None:
        return None
    existing = credit_note_of(refund.id)
    if existing is not None:
        return existing
    fulfilment: Fulfilment = db.session.get_one(Fulfilment, refund.fulfilment_id)
    with force_locale("lt"):
        drafts = _goods(lines or (), sign=-1)
        goods_left = refund.goods_cents - sum(line.total_cents for line in lines or ())
        if goods_left:
            reason = " ".join(refund.reason.split())
            words = _("Refund for the goods")
            drafts.append(LineDraft(f"{words}: {reason}" if reason else words, -1, goods_left))
        drafts += _delivery(fulfilment, refund.delivery_cents, sign=-1)
    invoice = Invoice(
        kind=InvoiceKind.CREDIT_NOTE,
        issued_at=utcnow(),
        community_id=original.community_id,
        order_id=original.order_id,
        fulfilment_id=original.fulfilment_id,
        refund_id=refund.id,
        credited_invoice_id=original.id,
        is_vat_invoice=original.is_vat_invoice,
        language=original.language,
        seller_name=original.seller_name,
        seller_code=original.seller_code,
        seller_vat_code=original.seller_vat_code,
        seller_address=original.seller_address,
        buyer_name=original.buyer_name,
        buyer_address=original.buyer_address,
        operator_name=original.operator_name,
        operator_code=original.operator_code,
        operator_address=original.operator_address,
        order_number=original.order_number,
        payment_method=refund.method.value,
    )
    vat_bp = STANDARD_VAT_BP if original.is_vat_invoice else None
    prefix = original.series.rsplit("-", 1)[0]  # the series the original invoice came from
    return _numbered(invoice, prefix, priced_lines(drafts, vat_bp))


# ---------------------------------------------------------------------------------------------- commission


def month_after(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


@dataclass(frozen=True)
class CommissionRun:
    """What a commission run did: the month's commission invoices (all, old and new) and how many it made."""

    invoices: list[Invoice]
    issued: int


def issue_commission_invoices(month: date, *, by: User | None) -> CommissionRun:
    """The VVG's invoice to each community for its commission of a month that is over.

    A statement belongs to the month its period ends in; each approved (or paid) one not invoiced yet
    becomes a line of its community's invoice: the commission it kept, and, as lines of their own, less the
    commission the VVG returned on refunds taken back in it. So the invoice's total is the statements'
    commission, as their CSV sums it. A draft waits (it may still change): once approved, a later run
    invoices it. Safe to repeat, and to run twice at once. Raises CommissionMonthNotOver for this month or
    a later one.
    """
    first = month.replace(day=1)
    if month_after(first) > vilnius_today():
        raise CommissionMonthNotOver(first)
    issued = 0
    for attempt in range(_ATTEMPTS):
        try:
            with transaction():
                issued = _issue_commission(first, by)
            break
        except IntegrityError:  # another run invoiced the same statements first: look again
            if attempt == _ATTEMPTS - 1:
                raise
    return CommissionRun(list_commission_invoices(first), issued)


def _issue_commission(first: date, by: User | None) -> int:
    end = month_after(first)
    invoiced = select(InvoiceLine.id).where(InvoiceLine.payout_id == Payout.id).exists()
    payouts = db.session.scalars(
        select(Payout)
        .where(
            Payout.status.in_([PayoutStatus.APPROVED, PayoutStatus.PAID]),
            Payout.period_end > first,  # the period's last day (end − 1) is in the month
            Payout.period_end <= end,
            ~invoiced,
        )
        .options(selectinload(Payout.adjustments))
        .order_by(Payout.period_start, Payout.id)
    ).all()
    by_community: dict[int, list[Payout]] = defaultdict(list)
    for payout in payouts:
        by_community[payout.community_id].append(payout)
    if not by_community:
        return 0
    operator = _operator()
    if operator is None:
        return 0
    vat_bp = STANDARD_VAT_BP if operator.vat_code else None
    communities = db.session.scalars(
        select(Community).where(Community.id.in_(by_community)).order_by(Community.name, Community.id)
    ).all()
    issued = 0
    now = utcnow()
    with force_locale("lt"):
        for community in communities:
            drafts = []
            for payout in by_community[community.id]:
                last = date.fromordinal(payout.period_end.toordinal() - 1)
                period = f"{payout.period_start.isoformat()}–{last.isoformat()}"
                drafts.append(
                    LineDraft(
                        _("Commission on sales, statement for %(period)s", period=period),
                        1,
                        payout.commission_cents,
                        payout_id=payout.id,
                    )
                )
                for adjustment in payout.adjustments:
                    if adjustment.commission_returned_cents:
                        returned = adjustment.commission_returned_cents
                        drafts.append(LineDraft(_("Commission returned on a refund"), -1, returned))
            if not any(draft.unit_price_cents for draft in drafts):
                continue  # nothing earned: no invoice of 0 €
            invoice = Invoice(
                kind=InvoiceKind.COMMISSION,
                issued_at=now,
                community_id=community.id,
                period_start=first,
                period_end=end,
                is_vat_invoice=bool(operator.vat_code),
                language="lt",
                seller_name=operator.name,
                seller_code=operator.registration_code,
                seller_vat_code=operator.vat_code,
                seller_address=operator.address,
                buyer_name=community.legal_name or community.name,
                buyer_code=community.registration_code,
                buyer_vat_code=community.vat_code if community.is_vat_payer else "",
                buyer_address=community.address,
            )
            _numbered(invoice, operator.invoice_prefix, priced_lines(drafts, vat_bp))
            issued += 1
            audit.record(
                "invoice.commission",
                "invoice",
                invoice.number,
                by=by,
                after={"community": community.slug, "month": first, "total_cents": invoice.total_cents},
            )
    return issued


def list_commission_invoices(month: date, community_id: int | None = None) -> list[Invoice]:
    """The commission invoices for a month (one community's, if given), oldest first."""
    query = select(Invoice).where(Invoice.kind == InvoiceKind.COMMISSION, Invoice.period_start == month)
    if community_id is not None:
        query = query.where(Invoice.community_id == community_id)
    return list(db.session.scalars(query.options(selectinload(Invoice.lines)).order_by(Invoice.id)))


# ---------------------------------------------------------------------------------------------- reading


def get_invoice(
    invoice_id: int,
    *,
    community_id: int | None = None,
    order_id: int | None = None,
) -> Invoice | None:
    """An invoice with its lines; with `community_id` only that community's own (the seller of a sale, the
    buyer of a commission invoice), with `order_id` only one of that order's (a sale or credit note)."""
    query = select(Invoice).where(Invoice.id == invoice_id).options(selectinload(Invoice.lines))
    if community_id is not None:
        query = query.where(Invoice.community_id == community_id)
    if order_id is not None:
        query = query.where(Invoice.order_id == order_id, Invoice.kind != InvoiceKind.COMMISSION)
    return db.session.scalars(query).first()


def list_order_invoices(order_id: int) -> dict[int, list[Invoice]]:
    """An order's invoices and credit notes by parcel (fulfilment id), oldest first."""
    found: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in db.session.scalars(
        select(Invoice).where(Invoice.order_id == order_id).order_by(Invoice.id)
    ):
        if invoice.fulfilment_id is not None:
            found[invoice.fulfilment_id].append(invoice)
    return found


def list_customer_invoices(order_ids: Sequence[int]) -> dict[int, list[Invoice]]:
    """The invoices and credit notes issued to the customer of these orders, with their lines, by order id,
    oldest first (what the customer's copy of their data lists)."""
    found: dict[int, list[Invoice]] = defaultdict(list)
    if not order_ids:
        return found
    for invoice in db.session.scalars(
        select(Invoice)
        .where(Invoice.order_id.in_(order_ids), Invoice.kind.in_(CUSTOMER_KINDS))
        .options(selectinload(Invoice.lines), selectinload(Invoice.credited_invoice))
        .order_by(Invoice.issued_at, Invoice.id)
    ):
        if invoice.order_id is not None:
            found[invoice.order_id].append(invoice)
    return found


def list_community_commission_invoices(community_id: int) -> list[Invoice]:
    """The VVG's commission invoices to one community, newest first."""
    return list(
        db.session.scalars(
            select(Invoice)
            .where(Invoice.kind == InvoiceKind.COMMISSION, Invoice.community_id == community_id)
            .order_by(Invoice.period_start.desc(), Invoice.id.desc())
        )
    )
