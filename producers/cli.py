"""`flask lockers …`: loading the carriers' parcel-locker lists (by hand, and daily from cron)."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from producers import lockers
from producers.errors import LockerListError, LockerListShrinks, LockerListUnavailable
from producers.models import DeliveryMethod
from shop.i18n import vilnius_today

lockers_cli = AppGroup("lockers", help="Parcel lockers: the carriers' lists.")

_CARRIERS = {carrier.value: carrier for carrier in lockers.LOCKER_CARRIERS}


def _carrier(_context: click.Context, _parameter: click.Parameter, value: str) -> DeliveryMethod:
    return _CARRIERS[value.lower().replace("-", "_")]


@lockers_cli.command("import")
@click.argument(
    "carrier", type=click.Choice([*_CARRIERS, "lp-express"], case_sensitive=False), callback=_carrier
)
@click.argument("source")
@click.option(
    "--listed-on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The list's date (YYYY-MM-DD), shown beside the locker picker. Default: today.",
)
@click.option(
    "--allow-shrink", is_flag=True, help="Accept a list that deactivates more than half the lockers."
)
@click.option(
    "--sample", is_flag=True, help="The list is made-up sample data (the demo's), not the carrier's."
)
def import_command(
    carrier: DeliveryMethod, source: str, listed_on: object, allow_shrink: bool, sample: bool
) -> None:
    """Load CARRIER's locker list from SOURCE, a file or an http(s) URL: add new lockers, update and
    reactivate listed ones, deactivate the carrier's lockers the list no longer has."""
    day = listed_on.date() if hasattr(listed_on, "date") else vilnius_today()
    _import(carrier, source, listed_on=day, allow_shrink=allow_shrink, is_sample=sample)


@lockers_cli.command("refresh")
@click.option("--allow-shrink", is_flag=True, help="Accept lists that deactivate more than half the lockers.")
def refresh_command(allow_shrink: bool) -> None:
    """Load every carrier's list from its configured source (OMNIVA_LOCKERS_URL, LP_EXPRESS_LOCKERS_URL,
    DPD_LOCKERS_URL); a carrier without one is skipped. Safe to run daily from cron: a failing carrier
    changes nothing of its lockers, the others go on, and the command ends with an error status."""
    failed = []
    for carrier, source in lockers.configured_sources(current_app.config).items():
        if not source:
            click.echo(f"{carrier.value}: no list configured ({carrier.name}_LOCKERS_URL), skipped.")
            continue
        try:
            _import(carrier, source, listed_on=vilnius_today(), allow_shrink=allow_shrink, is_sample=False)
        except click.ClickException as error:
            click.echo(f"Error: {error.format_message()}", err=True)
            failed.append(carrier.value)
    if failed:
        raise click.ClickException(f"not refreshed: {', '.join(failed)}")


def _import(
    carrier: DeliveryMethod, source: str, *, listed_on: date, allow_shrink: bool, is_sample: bool
) -> None:
    try:
        counts = lockers.import_from_source(
            carrier,
            source,
            listed_on=listed_on,
            timeout=current_app.config["LOCKERS_TIMEOUT_SECONDS"],
            allow_shrink=allow_shrink,
            is_sample=is_sample,
        )
    except LockerListUnavailable as error:
        raise click.ClickException(f"{carrier.value}: {error}; nothing changed.") from None
    except LockerListError as error:
        raise click.ClickException(
            f"{carrier.value}: {source}: {error}; nothing was imported, the lockers stay as they were."
        ) from None
    except LockerListShrinks as error:
        raise click.ClickException(
            f"{carrier.value}: the list would deactivate {error.missing} of the {error.active} active "
            "lockers (a truncated download?); nothing changed. If it is right, run again with --allow-shrink."
        ) from None
    click.echo(f"{carrier.value}: {counts.summary()} (list of {listed_on.isoformat()}, {source}).")


mark_cli = AppGroup("mark", help="The community-business mark.")


@mark_cli.command("remind")
def remind() -> None:
    """Mail the communities whose mark expires in 60 or 14 days (each reminder once; run it daily)."""
    from producers.marks.reminders import send_reminders

    click.echo(f"Mark reminders sent: {send_reminders()}.")
