"""`flask orders …`: jobs for cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from orders.payments import settle_stale_card_orders
from orders.refunds import submit_pending_refunds
from orders.services import expire_unpaid_orders

orders_cli = AppGroup("orders", help="Orders: jobs to run from cron.")


@orders_cli.command("expire")
def expire_command() -> None:
    """Cancel orders left unpaid past their deadline and return their stock (idempotent; every 5 minutes).

    Card orders are first checked with Stripe, so a payment whose webhook was lost is found, not cancelled.
    """
    count = expire_unpaid_orders() + settle_stale_card_orders()
    click.echo(f"Expired {count} unpaid order(s).")


@orders_cli.command("refunds")
def refunds_command() -> None:
    """Send Stripe the card refunds it could not take when they were made (idempotent; every 5 minutes)."""
    count = submit_pending_refunds()
    click.echo(f"Sent {count} pending refund(s) to Stripe.")
