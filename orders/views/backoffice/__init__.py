"""The VVG's back office (`/backoffice`): one blueprint, its pages in a module per family — the dashboard
and sales reports, orders and payments, payouts, the mail room and the audit log, privacy requests."""

from __future__ import annotations

from flask import Blueprint

backoffice = Blueprint("orders_backoffice", __name__, url_prefix="/backoffice")

# The modules add their routes to the blueprint above.
from orders.views.backoffice import dashboard, mail, orders, payouts, privacy  # noqa: E402, F401
