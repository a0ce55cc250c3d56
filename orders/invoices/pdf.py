"""An issued invoice as a PDF: our own Jinja template (`templates/orders/invoices/invoice.html`) drawn by
WeasyPrint, in DejaVu Sans (every Lithuanian letter), always from the invoice's stored snapshot.

The document is written in Lithuanian, the language of accounting documents in Lithuania; for a buyer
who shopped in English each heading carries its English words beneath. Nothing outside the document is
fetched while drawing: the template holds its own styles, and any URL is refused.
"""

from __future__ import annotations

from typing import Any

from flask import Response, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from orders.invoices.issuing import get_invoice
from orders.invoices.models import Invoice, InvoiceKind
from orders.models import PaymentMethod
from shop.operator import get_operator

#: What a document is called (in Lithuanian on the document; the English beneath for English buyers).
TITLES = {
    (InvoiceKind.INVOICE, True): _l("VAT invoice"),
    (InvoiceKind.INVOICE, False): _l("Invoice"),
    (InvoiceKind.CREDIT_NOTE, True): _l("VAT credit note"),
    (InvoiceKind.CREDIT_NOTE, False): _l("Credit note"),
    (InvoiceKind.COMMISSION, True): _l("VAT invoice"),
    (InvoiceKind.COMMISSION, False): _l("Invoice"),
}
PAYMENT_WORDS = {
    PaymentMethod.BANK_TRANSFER.value: _l("bank transfer"),
    PaymentMethod.CARD.value: _l("payment card (Stripe)"),
}


def title(invoice: Invoice) -> str:
    """The document's name in the current language: "PVM sąskaita faktūra", "Kreditinė sąskaita faktūra"…"""
    return str(TITLES[(invoice.kind, invoice.is_vat_invoice)])


def _english(msgid: str) -> str:
    """A msgid's English words (a lazy label is read again, now in English)."""
    with force_locale("en"):
        return str(_(msgid))


def _english_title(invoice: Invoice) -> str:
    with force_locale("en"):
        return str(TITLES[(invoice.kind, invoice.is_vat_invoice)])


def _refuse_urls(url: str, *_args: Any, **_kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"an invoice fetches nothing: {url[:80]}")


def render_invoice_html(invoice: Invoice) -> str:
    """The invoice's page, as WeasyPrint draws it (in Lithuanian, English beneath for English buyers)."""
    bilingual = invoice.language == "en"
    with force_locale("lt"):
        return render_template(
            "orders/invoices/invoice.html",
            invoice=invoice,
            title=title(invoice),
            title_en=_english_title(invoice) if bilingual else "",
            en=_english if bilingual else (lambda _msgid: ""),
            payment_words=PAYMENT_WORDS,
            site_operator=get_operator(),
        )


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF document (A4)."""
    from weasyprint import HTML  # a second and more to load: only when a PDF is wanted

    pdf: bytes = HTML(string=render_invoice_html(invoice), url_fetcher=_refuse_urls).write_pdf()
    return pdf


def invoice_pdf(reference: str) -> bytes:
    """The outbox's renderer for invoice attachments: the PDF of the invoice with this id."""
    invoice = get_invoice(int(reference))
    if invoice is None:
        raise LookupError(f"no invoice {reference}")
    return render_invoice_pdf(invoice)


def pdf_response(invoice: Invoice) -> Response:
    """The invoice's PDF for the browser: shown in place, saved under its number (kept by no cache:
    every page that serves it is private, `shop.security`)."""
    return Response(
        render_invoice_pdf(invoice),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{invoice.filename}"',
            "X-Robots-Tag": "noindex",
        },
    )
