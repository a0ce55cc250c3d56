"""Invoices as issued: a snapshot of who sold what to whom for how much, never changed afterwards.

An invoice names its parties and lines as they were when it was issued (`seller_*`, `buyer_*`,
`operator_*`, the lines' descriptions and amounts), so a later edit to a community, a product or an order
never changes a document already issued. Amounts are integer euro cents, VAT included in `total_cents`;
a credit note's are negative.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Final

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orders.models import Fulfilment, Order, Refund
from producers.models import Community
from shop.db import Base, enum_column_type, utcnow


def vat_inside(total_cents: int, rate_bp: int) -> int:
    """The VAT contained in a VAT-inclusive amount, rounded half up to the cent (a negative amount's VAT is
    the negative of the positive one's): 1210 ct at 21 % → 210, 100 → 17, 450 → 78."""
    base = 10_000 + rate_bp
    vat = (2 * abs(total_cents) * rate_bp + base) // (2 * base)
    return -vat if total_cents < 0 else vat


class InvoiceKind(enum.StrEnum):
    INVOICE = "invoice"  # a community's invoice to the customer for a paid parcel
    CREDIT_NOTE = "credit_note"  # a community's credit note for a refund of an invoiced parcel
    COMMISSION = "commission"  # the VVG's invoice to a community for a month's commission


#: The documents a community issues to its customer, naming them (a commission invoice is the VVG's to a
#: community).
CUSTOMER_KINDS: Final = (InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE)


class Invoice(Base):
    """One issued invoice or credit note, with the parties and amounts as they were at issue."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("series", "sequence"),
        CheckConstraint("sequence > 0", name="sequence_positive"),
        CheckConstraint("total_cents = net_cents + vat_cents", name="total_is_the_sum"),
        # one invoice per parcel, whatever happens: the credit notes for it are rows of their own kind
        Index(
            "uq_invoices_fulfilment_id_invoice",
            "fulfilment_id",
            unique=True,
            sqlite_where=text("kind = 'invoice'"),
            postgresql_where=text("kind = 'invoice'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InvoiceKind] = mapped_column(enum_column_type(InvoiceKind, "invoice_kind"))
    number: Mapped[str] = mapped_column(String(100), unique=True)  #: SLAP-2026-000123
    series: Mapped[str] = mapped_column(String(100))  #: SLAP-2026
    sequence: Mapped[int]  #: 123: gap-free within the series
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: whose it is: the seller of an invoice or credit note, the buyer of a commission invoice
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    fulfilment_id: Mapped[int | None] = mapped_column(ForeignKey("fulfilments.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"), unique=True)  #: credit notes
    credited_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    period_start: Mapped[date | None]  #: a commission invoice's month: its first day…
    period_end: Mapped[date | None]  #: …and the first day after it
    is_vat_invoice: Mapped[bool]  #: a VAT invoice (PVM sąskaita faktūra): the seller is a VAT payer
    language: Mapped[str] = mapped_column(String(5), default="lt")  #: the buyer's: English is added below
    seller_name: Mapped[str] = mapped_column(String(200))
    seller_code: Mapped[str] = mapped_column(String(20))  #: legal entity code
    seller_vat_code: Mapped[str] = mapped_column(String(20), default="")
    seller_address: Mapped[str] = mapped_column(String(300))
    buyer_name: Mapped[str] = mapped_column(String(200))
    buyer_code: Mapped[str] = mapped_column(String(20), default="")  #: a legal entity buying
    buyer_vat_code: Mapped[str] = mapped_column(String(20), default="")
    buyer_address: Mapped[str] = mapped_column(String(300), default="")  #: when the customer gave one
    operator_name: Mapped[str] = mapped_column(String(200), default="")  #: the marketplace, as such
    operator_code: Mapped[str] = mapped_column(String(20), default="")
    operator_address: Mapped[str] = mapped_column(String(300), default="")
    order_number: Mapped[str] = mapped_column(String(40), default="")
    payment_method: Mapped[str] = mapped_column(String(20), default="")  #: bank_transfer, card; "" unpaid
    paid_at: Mapped[datetime | None]
    net_cents: Mapped[int]
    vat_cents: Mapped[int]
    total_cents: Mapped[int]

    community: Mapped[Community] = relationship()
    order: Mapped[Order | None] = relationship()
    fulfilment: Mapped[Fulfilment | None] = relationship()
    refund: Mapped[Refund | None] = relationship()
    credited_invoice: Mapped[Invoice | None] = relationship(remote_side="Invoice.id")
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position", cascade="all, delete-orphan"
    )

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"


class InvoiceLine(Base):
    """One line of an invoice: what, how many, at what unit price, and its amounts with and without VAT.

    The VAT of a line is worked out from its total and rounded on the line (half up, to the cent), so the
    lines add up to the invoice exactly. A credit note's quantities and amounts are negative.
    """

    __tablename__ = "invoice_lines"
    __table_args__ = (
        CheckConstraint("total_cents = net_cents + vat_cents", name="total_is_the_sum"),
        UniqueConstraint("invoice_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    description: Mapped[str] = mapped_column(String(300))
    sku: Mapped[str] = mapped_column(String(64), default="")
    quantity: Mapped[int]
    unit_price_cents: Mapped[int]  #: VAT included
    vat_rate_bp: Mapped[int | None]  #: 2100 = 21 %; None on an invoice without VAT
    net_cents: Mapped[int]
    vat_cents: Mapped[int]
    total_cents: Mapped[int]
    #: a commission invoice's line is one payout statement, invoiced once
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id"), unique=True)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")

    @property
    def unit_net_cents(self) -> int:
        """The unit price without VAT, rounded to the cent (as a VAT invoice shows it)."""
        if not self.vat_rate_bp:
            return self.unit_price_cents
        return self.unit_price_cents - vat_inside(self.unit_price_cents, self.vat_rate_bp)
