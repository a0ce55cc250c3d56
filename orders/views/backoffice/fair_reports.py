"""A fair's report for staff and the VVG's LEADER reporting, as a page and a CSV."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue

from catalogue.fairs.errors import FairNotFound
from catalogue.fairs.running import get_fair
from orders.fair_reports import build_fair_report, fair_report_csv
from orders.views.backoffice.blueprint import backoffice
from shop.access import staff_required
from shop.spreadsheet import csv_download

ID = "int(max=2147483647)"


@backoffice.get(f"/muges/<{ID}:fair_id>/ataskaita")
@staff_required
def fair_report(fair_id: int) -> ResponseReturnValue:
    try:
        fair = get_fair(fair_id)
    except FairNotFound:
        abort(404)
    return render_template("orders/backoffice/fair_report.html", report=build_fair_report(fair))


@backoffice.get(f"/muges/<{ID}:fair_id>/ataskaita.csv")
@staff_required
def fair_report_download(fair_id: int) -> ResponseReturnValue:
    try:
        fair = get_fair(fair_id)
    except FairNotFound:
        abort(404)
    return csv_download(fair_report_csv(build_fair_report(fair)), f"kaimo-muge-fair-{fair.slug}.csv")
