"""CSV that Lithuanian Excel opens as it is: `;` between fields, a byte order mark for the letters.

Every CSV the shop writes goes through `excel_csv`, which also keeps a cell typed by someone else (a
product's name, a community's, a customer's) from becoming a live formula in the reader's spreadsheet:
text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's rule).
Numbers stay numbers: ints, and amounts written as plain decimals (`-3,00`, `12.50`) are left as they are.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from flask import Response

#: What a spreadsheet may read as the start of a formula (or, for tab and CR, hide one behind).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: A plain number as the shop writes it (`decimal_text`, a quantity): left alone, so Excel still sums it.
_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def safe_cell(value: object) -> object:
    """`value` as a spreadsheet may show it: text that could start a formula gets a leading `'`."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def excel_csv(rows: Iterable[Sequence[object]]) -> str:
    """The rows (the first being the headers) as CSV text for Excel set to Lithuanian, every text cell
    kept from starting a formula (`safe_cell`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


def csv_download(text: str, filename: str) -> Response:
    """A CSV file the browser saves under `filename`."""
    return Response(
        text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
