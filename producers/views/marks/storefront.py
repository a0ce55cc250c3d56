"""The public register of the mark's holders (`/zenklas`) and the guide to it (`/zenklas/apie`)."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from producers.marks.criteria import published_version
from producers.marks.models import GRANT_LABELS
from producers.marks.register import read_register
from producers.views.storefront import storefront


@storefront.get("/zenklas")
def mark_register() -> ResponseReturnValue:
    return render_template(
        "producers/storefront/mark_register.html", register=read_register(), grant_labels=GRANT_LABELS
    )


@storefront.get("/zenklas/apie")
def mark_guide() -> ResponseReturnValue:
    return render_template("producers/storefront/mark_guide.html", version=published_version())
