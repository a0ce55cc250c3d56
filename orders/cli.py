"""`flask orders …` and `flask privacy …`: jobs for cron."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import click
from flask.cli import AppGroup

from orders.errors import CommissionMonthNotOver, NotCancellable, OrderProblem
from orders.invoices.issuing import issue_commission_invoices
from orders.lifecycle import expire_unpaid_orders
from orders.models import Refund
from orders.payments.checkout import settle_stale_card_orders
from orders.privacy.retention import apply_retention
from orders.refunds import cancel_fulfilment, cancel_line, submit_pending_refunds
from shop.i18n import vilnius_today

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


@orders_cli.command("commission-invoices")
@click.option("--month", default="", help="YYYY-MM; last month (in Vilnius) by default.")
def commission_invoices_command(month: str) -> None:
    """Issue the VVG's commission invoices for a month that is over (idempotent; e.g. monthly on the 1st).

    Each community's approved statements whose period ends in the month, not invoiced yet, become its
    invoice; drafts wait for a later run.
    """
    if month:
        try:
            first = datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise click.BadParameter("use YYYY-MM, e.g. 2026-11", param_hint="--month") from None
    else:
        first = (vilnius_today().replace(day=1) - timedelta(days=1)).replace(day=1)
    try:
        run = issue_commission_invoices(first, by=None)
    except CommissionMonthNotOver:
        raise click.ClickException(f"{first:%Y-%m} is not over yet.") from None
    click.echo(f"Issued {run.issued} commission invoice(s) for {first:%Y-%m}.")


@orders_cli.command("cancel-parcel")
@click.argument("fulfilment_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--reason", required=True, help="Why, in words the customer may read.")
def cancel_parcel_command(fulfilment_id: int, reason: str) -> None:
    """Cancel a paid parcel that has not left: its goods and delivery fee are refunded, the customer mailed.

    For staff until the back office has its own button.
    """
    _report_refund(lambda: cancel_fulfilment(fulfilment_id, reason=reason, by=None))


@orders_cli.command("cancel-line")
@click.argument("line_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--reason", required=True, help="Why, in words the customer may read.")
def cancel_line_command(line_id: int, reason: str) -> None:
    """Cancel one line of a paid parcel that has not left: its goods are refunded, the customer mailed."""
    _report_refund(lambda: cancel_line(line_id, reason=reason, by=None))


def _report_refund(cancel: Callable[[], Refund | None]) -> None:
    try:
        refund = cancel()
    except NotCancellable as problem:
        raise click.ClickException(f"Not cancellable now (the parcel is {problem.status.value}).") from None
    except OrderProblem:
        raise click.ClickException("No such parcel or line.") from None
    if refund is None:
        click.echo("Cancelled; nothing to refund.")
    else:
        click.echo(f"Cancelled; refund {refund.id} of {refund.amount_cents} cents is {refund.status.value}.")


privacy_cli = AppGroup("privacy", help="Customers' personal data: jobs to run from cron.")


@privacy_cli.command("retention")
def retention_command() -> None:
    """Finish deferred erasures, anonymise the customers of old closed orders, close stale requests, clear
    the words of accounting records past their period (idempotent; daily)."""
    for line in apply_retention().lines():
        click.echo(line)
