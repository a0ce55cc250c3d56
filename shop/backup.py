"""A consistent copy of a SQLite shop while it runs (`flask backup DEST`), by SQLite's online backup API.

The copy is taken in one step under a read transaction, so it is the database as of one moment: the
shop's writers go on meanwhile (WAL), and a half-finished order is never in it. It is written beside the
destination under a temporary name, checked (`PRAGMA integrity_check`) and only then given its name, so a
failed or interrupted backup never leaves a file that looks like one. PostgreSQL is backed up with
`pg_dump` (README, "Backups").
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from sqlalchemy import make_url


class BackupRefused(Exception):
    """The copy was not made; `reason` says why in words for the operator."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def backup_database(database_url: str, destination: Path, *, force: bool = False) -> int:
    """Copy the SQLite database at `database_url` to `destination`; returns the copy's size in bytes.
    An existing `destination` is replaced only with `force`."""
    source = _sqlite_file(database_url)
    destination = Path(destination)
    if destination.is_dir():
        raise BackupRefused(f"{destination} is a folder; name the backup's file.")
    if destination.exists() and not force:
        raise BackupRefused(
            f"{destination} already exists; choose another name or add --force to replace it."
        )
    if not destination.parent.is_dir():
        raise BackupRefused(f"The folder {destination.parent} does not exist.")
    # Readable by its owner only (mkstemp's 0600): the copy holds customers' names and addresses.
    fd, temporary_name = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".part"
    )
    os.close(fd)
    temporary = Path(temporary_name)
    try:
        with (
            closing(sqlite3.connect(source)) as shop,
            closing(sqlite3.connect(temporary)) as copy,
        ):
            shop.execute("PRAGMA busy_timeout = 30000")
            shop.backup(copy)  # all pages in one step: one consistent moment
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise BackupRefused(f"The copy did not pass SQLite's integrity check: {verdict}")
        if force:
            os.replace(temporary, destination)
        else:
            os.link(temporary, destination)  # fails, rather than overwrites, if it appeared meanwhile
            temporary.unlink()
    except sqlite3.Error as error:
        raise BackupRefused(f"SQLite could not copy {source}: {error}") from None
    except FileExistsError:
        raise BackupRefused(f"{destination} already exists; choose another name or add --force.") from None
    finally:
        temporary.unlink(missing_ok=True)
    return destination.stat().st_size


def _sqlite_file(database_url: str) -> Path:
    """The database file behind a SQLite URL; any other database is refused with what to use instead."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        raise BackupRefused(
            "flask backup copies a SQLite database; this shop runs on PostgreSQL: back it up with pg_dump "
            "(README, Backups), e.g. pg_dump --format=custom --file=kaimo-muge.dump DATABASE"
        )
    if url.get_backend_name() != "sqlite":
        raise BackupRefused(f"flask backup copies a SQLite database, not {url.get_backend_name()}.")
    if not url.database or url.database == ":memory:":
        raise BackupRefused("An in-memory SQLite database has no file to back up.")
    path = Path(url.database)
    if not path.is_file():
        raise BackupRefused(f"There is no database file at {path}.")
    return path.resolve()
