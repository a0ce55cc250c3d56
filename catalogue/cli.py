"""`flask search …`: the catalogue's job for cron."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from catalogue.search_log import prune_search_log
from shop.i18n import vilnius_today

search_cli = AppGroup("search", help="Search: jobs to run from cron.")


@search_cli.command("prune")
def prune_command() -> None:
    """Remove the search counts older than SEARCH_LOG_DAYS days (idempotent; daily)."""
    before = vilnius_today() - timedelta(days=current_app.config["SEARCH_LOG_DAYS"])
    count = prune_search_log(before=before)
    click.echo(f"Removed {count} search count(s) from before {before.isoformat()}.")
