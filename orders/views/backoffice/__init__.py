"""The VVG's back office (`/backoffice`): one blueprint, its pages in a module per family — the dashboard
and sales reports, orders and payments, payouts, the mail room and the audit log, privacy requests."""

from __future__ import annotations

# Each module adds its routes to the blueprint it imports from `blueprint`; the factory registers it.
from orders.views.backoffice import dashboard, fair_reports, mail, orders, payouts, privacy, unpaid  # noqa: F401
from orders.views.backoffice.blueprint import backoffice

__all__ = ["backoffice"]
