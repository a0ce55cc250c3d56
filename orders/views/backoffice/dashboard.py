"""The back office's home (sales charts and what needs attention) and its sales reports (page and CSV)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from orders import attention, reports
from orders.errors import AlreadyReminded, FulfilmentNotFound, NotLate, OperatorMissing
from orders.forms.backoffice import RemindForm, SalesFilterForm, ThresholdsForm
from orders.labels import FULFILMENT_STATUS_LABELS
from orders.privacy import asking
from orders.views.backoffice.blueprint import backoffice
from orders.withdrawals import withdrawing
from shop import charts
from shop.access import current_actor, staff_required
from shop.db import utcnow
from shop.i18n import ago, current_language, format_date
from shop.money import format_whole_euros
from shop.spreadsheet import csv_download
from shop.templating import money

# ---------------------------------------------------------------------------------------------- the dashboard


@backoffice.get("/")
@staff_required
def dashboard() -> ResponseReturnValue:
    return _home_page()


def _home_page(thresholds_form: ThresholdsForm | None = None, status: int = 200) -> ResponseReturnValue:
    """The dashboard; `thresholds_form` as it was posted (else filled with the thresholds in use)."""
    now = utcnow()
    waiting = attention.list_attention(now)
    if thresholds_form is None:
        thresholds_form = ThresholdsForm(data=waiting.thresholds.as_dict())
    form, wanted = _asked_filter()
    summary = reports.sales_summary(wanted, current_language(), months=reports.CHART_MONTHS)
    months = [
        reports.Group(group.key, format_date(_month(group), "LLLL y"), group.totals)
        for group in summary.by_month
    ]
    if form.errors and status == 200:
        status = 400
    return render_template(
        "orders/backoffice/dashboard.html",
        form=form,
        summary=summary,
        months=months,
        charts=_charts(summary, months),
        descriptions=_descriptions(summary, months),
        attention=waiting,
        thresholds_form=thresholds_form,
        remind_form=RemindForm(),
        privacy_in_progress=asking.count_in_progress(),
        open_withdrawals=withdrawing.count_open_withdrawals(),
        report_args=_filter_args(),
        now=now,
        age=ago,
        fulfilment_labels=FULFILMENT_STATUS_LABELS,
    ), status


def _month(group: reports.Group) -> date:
    """The first day of a month's group (`reports.sales_by_month` keys its groups so)."""
    assert isinstance(group.key, date)
    return group.key


def _charts(summary: reports.SalesSummary, months: list[reports.Group]) -> dict[str, charts.Chart]:
    """The three charts of the dashboard: months (columns), communities and categories (bars)."""
    language = current_language()
    return {
        "months": charts.columns(
            [
                (
                    format_date(_month(group), "LLL"),
                    group.totals.net_cents,
                    format_date(_month(group), "y") if index == 0 or _month(group).month == 1 else "",
                )
                for index, group in enumerate(months)
            ],
            value_text=money,
            scale_text=lambda cents: format_whole_euros(cents, language),
            smallest_step=100,  # whole euros on the scale
        ),
        "communities": charts.bars(
            [(group.label, group.totals.net_cents) for group in summary.by_community], value_text=money
        ),
        "categories": charts.bars(
            [(group.label, group.totals.net_cents) for group in summary.by_category], value_text=money
        ),
    }


def _descriptions(summary: reports.SalesSummary, months: list[reports.Group]) -> dict[str, str]:
    """What each chart shows, in words (its SVG description, read by screen readers)."""
    first, last = months[0].label, months[-1].label
    period = (
        _(
            "Paid from %(first)s to %(last)s",
            first=format_date(summary.filter.first_day, "long"),
            last=format_date(summary.filter.last_day, "long"),
        )
        + "."
    )
    texts = {"months": _("Net sales in each month from %(first)s to %(last)s.", first=first, last=last)}
    texts |= {"communities": period, "categories": period}
    groups = {"months": months, "communities": summary.by_community, "categories": summary.by_category}
    for key, shown in groups.items():
        top = max(shown, key=lambda group: group.totals.net_cents, default=None)
        if top is None or top.totals.net_cents <= 0:
            texts[key] += " " + _("No sales.")
        else:
            texts[key] += " " + _(
                "Highest: %(label)s, %(amount)s.", label=top.label, amount=money(top.totals.net_cents)
            )
    return texts


def _filter_args() -> dict[str, Any]:
    """The filter as asked for (for links between the dashboard, the report and its CSV)."""
    return {
        name: value
        for name, value in request.args.items()
        if name in {"from_day", "to_day", "community", "category"} and value
    }


@backoffice.post("/attention-days")
@staff_required
def save_thresholds() -> ResponseReturnValue:
    form = ThresholdsForm()
    if form.validate():
        try:
            attention.set_thresholds(form.thresholds(), by=current_actor())
        except OperatorMissing:
            form.form_errors.append(
                _("The shop's operator is not set up yet, so there is nowhere to keep these.")
            )
        else:
            flash(_("The attention lists now use these limits."), "success")
            return redirect(url_for("orders_backoffice.dashboard", _anchor="attention", **_filter_args()))
    return _home_page(form, 400)


@backoffice.post("/parcels/<int(max=2147483647):fulfilment_id>/remind")
@staff_required
def remind(fulfilment_id: int) -> ResponseReturnValue:
    form = RemindForm()
    if not form.validate():
        flash(_("The page was out of date; please try again."), "error")
        return redirect(url_for("orders_backoffice.dashboard", _anchor="attention", **_filter_args()))
    try:
        fulfilment = attention.remind_community(
            fulfilment_id, seen_reminded_at=_moment(form.seen.data), by=current_actor()
        )
    except FulfilmentNotFound:
        abort(404)
    except NotLate as late:
        flash(
            _(
                "This parcel has moved on (%(status)s): there is nothing to remind.",
                status=FULFILMENT_STATUS_LABELS[late.status],
            ),
            "info",
        )
    except AlreadyReminded as already:
        flash(
            _(
                "A reminder was already sent %(ago)s, so no other was sent now.",
                ago=ago(already.reminded_at, utcnow()),
            ),
            "info",
        )
    else:
        flash(
            _(
                "%(community)s has been reminded of order %(number)s by e-mail.",
                community=fulfilment.community.name,
                number=fulfilment.order.number,
            ),
            "success",
        )
    return redirect(url_for("orders_backoffice.dashboard", _anchor="attention", **_filter_args()))


def _moment(text: str | None) -> datetime | None:
    """A moment the page wrote into a form (ISO 8601, aware), or None for anything else."""
    try:
        moment = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


# ---------------------------------------------------------------------------------------------- reports


def _asked_filter() -> tuple[SalesFilterForm, reports.SalesFilter]:
    """The filter form of the query, and the filter it gives (its defaults where a field is wrong)."""
    form = SalesFilterForm(request.args)
    form.fill_choices()
    return form, form.sales_filter()


def _report_page(form: SalesFilterForm, wanted: reports.SalesFilter) -> ResponseReturnValue:
    return render_template(
        "orders/backoffice/reports.html",
        form=form,
        summary=reports.sales_summary(wanted, current_language()),
        report_args=_filter_args(),
    ), 400 if form.errors else 200


@backoffice.get("/reports")
@staff_required
def sales_report() -> ResponseReturnValue:
    return _report_page(*_asked_filter())


@backoffice.get("/reports.csv")
@staff_required
def sales_report_csv() -> ResponseReturnValue:
    form, wanted = _asked_filter()
    if form.errors:  # never a file of something else than what was asked for: the page says what is wrong
        return _report_page(form, wanted)
    text = reports.sales_csv(reports.list_sales_lines(wanted), current_language())
    filename = f"kaimo-muge-sales-{wanted.first_day.isoformat()}-{wanted.last_day.isoformat()}.csv"
    return csv_download(text, filename)
