"""The shop's operator (the VVG), read once per request for the footer and the legal notices."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from shop.db import db
from shop.models import Operator


def get_operator() -> Operator | None:
    """The operator's details, or None before the shop is set up."""
    if "operator" not in g:
        g.operator = db.session.scalars(select(Operator).order_by(Operator.id).limit(1)).first()
    operator: Operator | None = g.operator
    return operator
