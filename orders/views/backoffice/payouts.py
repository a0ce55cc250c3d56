"""The back office's payouts: a period's statements, generated, approved and paid; the CSV, the bank file and
a printable statement per community; the VVG's monthly commission invoices, and any invoice's PDF. Staff
only; every change goes through `orders.payouts` or `orders.invoices` (and is audit-logged there).

A period is a calendar month (`?month=2027-03`, the default being last month in Vilnius) or any days
(`?first_day=2027-03-01&last_day=2027-03-15`, both included); the services take the day after the last.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from orders.errors import (
    BankReferenceMissing,
    CommissionMonthNotOver,
    NothingToPayByBank,
    NotPayableByStripe,
    OperatorIbanNotValid,
    PayoutNotApproved,
    PayoutNotDraft,
    PayoutNotFound,
    PayoutProblem,
    WrongPayoutMethod,
)
from orders.forms.backoffice import BankFileForm, MarkPaidForm, PeriodActionForm, PeriodForm
from orders.invoices import issuing
from orders.invoices.issuing import list_commission_invoices, month_after
from orders.invoices.pdf import pdf_response
from orders.payments import gateway
from orders.payouts import exports, paying, statements
from orders.payouts.dues import held_in_return_window, hold_days
from orders.payouts.exports import render_statement
from orders.payouts.models import Payout, PayoutMethod, PayoutStatus
from orders.payouts.paying import refused_transfers
from orders.payouts.period import PAYOUT_METHOD_LABELS, Period, period_name
from orders.payouts.sepa import bank_file_plan, export_bank_file, next_business_day
from orders.payouts.statements import line_counts, payout_with_lines, run_payouts
from orders.views.backoffice.blueprint import backoffice
from producers.iban import is_valid_iban
from shop.access import current_actor, staff_required
from shop.db import utcnow
from shop.forms import ActionForm
from shop.i18n import vilnius_today
from shop.operator import get_operator
from shop.spreadsheet import csv_download

#: A statement's status as staff read it.
PAYOUT_STATUS_LABELS = {
    PayoutStatus.DRAFT: _l("Draft"),
    PayoutStatus.APPROVED: _l("Approved"),
    PayoutStatus.PAID: _l("Paid out"),
}

#: A refused change to a statement, in staff's words.
PAYOUT_PROBLEM_WORDS = {
    PayoutNotFound: _l("There is no such payout."),
    PayoutNotDraft: _l("This payout has already been paid."),
    PayoutNotApproved: _l("Approve the payout before paying it."),
    WrongPayoutMethod: _l("This payout is not paid this way."),
    BankReferenceMissing: _l("Enter the bank's reference of the transfer."),
}


def _words(problem: PayoutProblem | type[PayoutProblem]) -> str:
    kind = problem if isinstance(problem, type) else type(problem)
    return str(PAYOUT_PROBLEM_WORDS.get(kind, _l("The payout cannot be changed.")))


# ---------------------------------------------------------------------------------------------- periods


def _period_form(formdata: MultiDict[str, str]) -> tuple[PeriodForm, Period]:
    """The period asked for in the query, and the form showing it (last month when none was asked)."""
    form = PeriodForm(formdata)
    if any(formdata.get(name) for name in ("month", "first_day", "last_day")):
        form.validate()
        return form, form.period()
    period = form.period()
    return _shown(period), period


def _shown(period: Period) -> PeriodForm:
    """The period form as if this period had been asked for."""
    return PeriodForm(MultiDict(period.args))


# ---------------------------------------------------------------------------------------------- the period


@backoffice.get("/payouts/")
@staff_required
def payout_list() -> ResponseReturnValue:
    form, period = _period_form(request.args)
    return _list_page(period, form)


def _list_page(
    period: Period,
    form: PeriodForm,
    *,
    paid_forms: dict[int, MarkPaidForm] | None = None,
    bank_form: BankFileForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    listed = statements.list_payouts(period.start, period.end)
    counts = line_counts([payout.id for payout in listed])
    included, skipped = bank_file_plan(listed)
    operator = get_operator()
    if bank_form is None:
        bank_form = BankFileForm(formdata=None, execution_date=next_business_day(vilnius_today()))
    forms = {
        payout.id: MarkPaidForm(prefix=f"p{payout.id}", formdata=None)
        for payout in listed
        if payout.status is PayoutStatus.APPROVED and payout.method is PayoutMethod.BANK
    }
    forms.update(paid_forms or {})
    commission_month = period.last.replace(day=1)
    return render_template(
        "orders/backoffice/payouts.html",
        commission_month=commission_month,
        commission_invoices=list_commission_invoices(commission_month),
        commission_month_over=month_after(commission_month) <= vilnius_today(),
        commission_month_name=period_name(commission_month, month_after(commission_month)),
        form=form,
        period=period,
        statements=listed,
        counts=counts,
        totals={
            "parcels": sum(counts.values()),
            **{
                name: sum(getattr(payout, f"{name}_cents") for payout in listed)
                for name in ("goods", "refunds", "commission", "delivery", "adjustments", "amount")
            },
        },
        held=held_in_return_window(period.start, period.end),
        hold_days=hold_days(),
        bank_included=[payout for payout, _iban in included],
        bank_total=sum(payout.amount_cents for payout, _iban in included),
        bank_skipped=[(s.payout, _(s.reason)) for s in skipped],
        operator_iban_valid=operator is not None and is_valid_iban(operator.iban),
        iban_valid={payout.id: is_valid_iban(payout.community.iban) for payout in listed},
        bank_form=bank_form,
        paid_forms=forms,
        action_form=ActionForm(),
        status_labels=PAYOUT_STATUS_LABELS,
        method_labels=PAYOUT_METHOD_LABELS,
    ), status


@backoffice.post("/payouts/generate")
@staff_required
def generate_payouts() -> ResponseReturnValue:
    form = PeriodActionForm()
    if not form.validate():
        flash(_("The period could not be read; nothing was generated."), "error")
        return _list_page(form.period(), form, status=400)
    period = form.period()
    run = run_payouts(period.start, period.end, by=current_actor())
    if run.new_lines:
        flash(
            " ".join(
                (
                    ngettext("%(num)d parcel was added.", "%(num)d parcels were added.", run.new_lines),
                    ngettext(
                        "%(num)d new statement was made.",
                        "%(num)d new statements were made.",
                        run.new_statements,
                    ),
                )
            ),
            "success",
        )
    else:
        flash(_("Nothing new was due: the statements stay as they were."), "info")
    return redirect(url_for("orders_backoffice.payout_list", **period.args))


@backoffice.post("/payouts/commission-invoices")
@staff_required
def issue_commission_invoices() -> ResponseReturnValue:
    """The VVG's commission invoices for the month the shown period ends in."""
    form = PeriodActionForm()
    if not form.validate():
        flash(_("The period could not be read; no invoice was issued."), "error")
        return _list_page(form.period(), form, status=400)
    period = form.period()
    month = period.last.replace(day=1)
    try:
        run = issuing.issue_commission_invoices(month, by=current_actor())
    except CommissionMonthNotOver:
        flash(
            _(
                "%(month)s is not over yet: its commission invoices can be issued from the first day of "
                "the next month.",
                month=period_name(month, month_after(month)),
            ),
            "error",
        )
    else:
        if run.issued:
            flash(
                ngettext(
                    "%(num)d commission invoice was issued.",
                    "%(num)d commission invoices were issued.",
                    run.issued,
                ),
                "success",
            )
        else:
            flash(_("No approved statement of this month is left to invoice: nothing was issued."), "info")
    return redirect(url_for("orders_backoffice.payout_list", **period.args))


@backoffice.get("/invoices/<int(max=2147483647):invoice_id>.pdf")
@staff_required
def invoice_pdf(invoice_id: int) -> ResponseReturnValue:
    """Any invoice, credit note or commission invoice, for staff."""
    invoice = issuing.get_invoice(invoice_id)
    if invoice is None:
        abort(404)
    return pdf_response(invoice)


# ---------------------------------------------------------------------------------------------- one statement


def _payout_or_404(payout_id: int) -> Payout:
    try:
        return statements.get_payout(payout_id)
    except PayoutNotFound:
        abort(404)


def _back_to(payout: Payout) -> ResponseReturnValue:
    return redirect(url_for("orders_backoffice.payout_list", **Period.of(payout).args))


@backoffice.get("/payouts/<int(max=2147483647):payout_id>")
@staff_required
def payout_statement(payout_id: int) -> ResponseReturnValue:
    try:
        payout = payout_with_lines(payout_id)
    except PayoutNotFound:
        abort(404)
    return render_statement("orders/backoffice/payout_statement.html", payout, PAYOUT_STATUS_LABELS)


@backoffice.post("/payouts/<int(max=2147483647):payout_id>/approve")
@staff_required
def approve_payout(payout_id: int) -> ResponseReturnValue:
    payout = _payout_or_404(payout_id)
    try:
        paying.approve_payout(payout_id, by=current_actor())
    except PayoutProblem as problem:
        flash(_words(problem), "error")
    else:
        flash(_("The payout to %(community)s is approved.", community=payout.community.name), "success")
    return _back_to(payout)


@backoffice.post("/payouts/<int(max=2147483647):payout_id>/paid")
@staff_required
def mark_payout_paid(payout_id: int) -> ResponseReturnValue:
    payout = _payout_or_404(payout_id)
    form = MarkPaidForm(prefix=f"p{payout_id}")
    if payout.status is PayoutStatus.PAID:
        flash(_("This payout is already marked paid."), "info")
        return _back_to(payout)
    if payout.status is not PayoutStatus.APPROVED or payout.method is not PayoutMethod.BANK:
        problem = PayoutNotApproved if payout.status is PayoutStatus.DRAFT else WrongPayoutMethod
        flash(_words(problem), "error")
        return _back_to(payout)
    if form.validate():
        try:
            paying.mark_payout_paid(payout_id, bank_reference=form.reference.data or "", by=current_actor())
        except BankReferenceMissing as problem:  # only spaces: the form let it through
            form.reference.errors = [_words(problem)]
        except PayoutProblem as problem:
            flash(_words(problem), "error")
            return _back_to(payout)
        else:
            flash(
                _("The payout to %(community)s is marked paid.", community=payout.community.name), "success"
            )
            return _back_to(payout)
    period = Period.of(payout)
    return _list_page(period, _shown(period), paid_forms={payout_id: form}, status=400)


@backoffice.post("/payouts/<int(max=2147483647):payout_id>/stripe")
@staff_required
def pay_by_stripe(payout_id: int) -> ResponseReturnValue:
    payout = _payout_or_404(payout_id)
    name = payout.community.name
    if payout.method is PayoutMethod.STRIPE and not gateway.is_enabled():
        flash(_("Stripe is not set up in this shop (STRIPE_SECRET_KEY): nothing was sent."), "error")
        return _back_to(payout)
    try:
        paid = paying.pay_by_stripe(payout_id, by=current_actor())
    except PayoutProblem as problem:
        flash(_words(problem), "error")
    except NotPayableByStripe:
        flash(
            _(
                "%(community)s has no Stripe account, or an order's card payment is missing: "
                "nothing more was sent. Check the community's payout details.",
                community=name,
            ),
            "error",
        )
    else:
        if paid.status is PayoutStatus.PAID:
            flash(_("The payout to %(community)s was sent through Stripe.", community=name), "success")
        elif refused := refused_transfers(payout_id):
            flash(
                _(
                    "Stripe refused a transfer to %(community)s (%(reason)s). The payout stays approved: "
                    "check the community's connected account in Stripe.",
                    community=name,
                    reason=refused[0].last_error or "?",
                ),
                "error",
            )
        else:
            flash(
                _(
                    "Stripe did not answer, so the payout to %(community)s stays approved. Try again in a "
                    "minute: nothing is ever sent twice.",
                    community=name,
                ),
                "error",
            )
    return _back_to(payout)


# ---------------------------------------------------------------------------------------------- downloads


@backoffice.get("/payouts/payouts.csv")
@staff_required
def payouts_csv() -> ResponseReturnValue:
    _form, period = _period_form(request.args)
    text = exports.payouts_csv(statements.list_payouts(period.start, period.end))
    return csv_download(text, f"kaimo-muge-payouts-{period.slug}.csv")


@backoffice.post("/payouts/bank-file")
@staff_required
def bank_file() -> ResponseReturnValue:
    form = BankFileForm()
    period = form.period()
    if not form.validate() or form.execution_date.data is None:
        return _list_page(period, _shown(period), bank_form=form, status=400)
    try:
        sepa = export_bank_file(
            period.start,
            period.end,
            operator=get_operator(),
            execution_date=form.execution_date.data,
            by=current_actor(),
        )
    except OperatorIbanNotValid:
        flash(
            _(
                "The VVG's own IBAN is missing or not valid, so no bank file can be made: "
                "fix the shop's details first."
            ),
            "error",
        )
    except NothingToPayByBank:
        flash(
            _(
                "There is nothing to pay by bank in this period: approve a bank payout first "
                "(the list below says why each one is left out)."
            ),
            "error",
        )
    else:
        stamp = f"{utcnow():%Y%m%d%H%M%S}"
        return Response(
            sepa.xml,
            mimetype="application/xml",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="kaimo-muge-payouts-{period.slug}-{stamp}.xml"'
                )
            },
        )
    return redirect(url_for("orders_backoffice.payout_list", **period.args))
