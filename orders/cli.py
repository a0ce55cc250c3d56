"""`flask orders …`: jobs for cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from orders.services import expire_unpaid_orders

orders_cli = AppGroup("orders", help="Orders: jobs to run from cron.")


@orders_cli.command("expire")
def expire_command() -> None:
    """Cancel bank-transfer orders left unpaid past their deadline and return their stock (idempotent)."""
    count = expire_unpaid_orders()
    click.echo(f"Expired {count} unpaid order(s).")
