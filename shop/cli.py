"""`flask …` commands of the shell; each one calls a service."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from shop import backup, outbox, sign_ins
from shop.db import db
from shop.media import FolderStorage, MediaStorage, MediaUnavailable, copy_media


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing if the shop already has communities.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo VVG, six communities, their products with drawn photos and demo accounts."""
    from shop.demo import seeding  # the demo data and the drawing code load only when asked for

    report = seeding.seed_demo(
        MediaStorage.from_app(),
        if_empty=if_empty,
        progress=click.echo,
        photo_size=current_app.config["DEMO_PHOTO_SIZE"],
    )
    click.echo(report.summary())
    click.echo("")
    click.echo("Demo accounts (password: demo-password):")
    for email, role in report.accounts:
        click.echo(f"  {email:<32} {role}")


outbox_cli = AppGroup("outbox", help="The mail outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="At most this many messages in one run.")
def outbox_send_command(limit: int) -> None:
    """Send the mail that is due, retrying failed messages with backoff (safe to run from cron)."""
    sent = outbox.send_due(limit=limit)
    counts = outbox.count_by_status()
    waiting = ", ".join(f"{count} {status.value}" for status, count in sorted(counts.items()))
    click.echo(f"Sent {sent} message(s). Outbox: {waiting or 'empty'}.")


accounts_cli = AppGroup("accounts", help="Accounts and their sign-ins.")


@accounts_cli.command("clean-sign-ins")
def clean_sign_ins_command() -> None:
    """Delete the sign-ins past their lifetime (safe to run from cron; a sign-in also cleans its own)."""
    click.echo(f"Deleted {sign_ins.clean_sign_ins()} expired sign-in(s).")


media_cli = AppGroup("media", help="Photos and evidence files: the folder or the S3 bucket.")


@media_cli.command("check")
def media_check_command() -> None:
    """Say where media are kept and whether that storage answers now (exit status 1 if not)."""
    storage = MediaStorage.from_app()
    where = current_app.config["MEDIA_S3_BUCKET"] or current_app.config["MEDIA_ROOT"]
    try:
        storage.ping()
    except MediaUnavailable as error:
        raise click.ClickException(f"Media storage {where} does not answer: {error}") from None
    click.echo(f"Media storage {where}: answers.")


@media_cli.command("copy-from")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
def media_copy_command(folder: str) -> None:
    """Copy a media folder (an old MEDIA_ROOT) into the configured storage, skipping what is there."""
    copied = copy_media(FolderStorage(folder), MediaStorage.from_app())
    click.echo(f"Copied {copied} file(s).")


@click.command("backup")
@click.argument("destination", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace DESTINATION if it exists.")
def backup_command(destination: Path, force: bool) -> None:
    """Copy the SQLite database to DESTINATION while the shop runs (PostgreSQL: use pg_dump)."""
    url = db.engine.url  # Flask-SQLAlchemy's, with a relative SQLite path made absolute
    try:
        size = backup.backup_database(url.render_as_string(hide_password=False), destination, force=force)
    except backup.BackupRefused as refused:
        raise click.ClickException(refused.reason) from None  # exit code 1, the reason on stderr
    click.echo(f"Backed up {url.database} to {destination} ({size:,} bytes).")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(media_cli)
