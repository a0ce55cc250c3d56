"""`flask backup DEST`: a consistent copy of a SQLite shop taken while it runs, which opens as the shop; it
never overwrites without --force, and on PostgreSQL it points at pg_dump instead."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import func, select

from app import create_app
from producers.models import Community
from shop.backup import BackupRefused, backup_database
from shop.db import db
from tests.factories.producers import make_community


@pytest.fixture
def sqlite_shop(test_config: dict[str, Any], tmp_path: Path) -> Iterator[Flask]:
    """A shop of its own on a SQLite file, migrated, whichever database the suite runs on."""
    shop = create_app({**test_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shop.db'}"})
    with shop.app_context():
        flask_migrate.upgrade()
        yield shop
        db.session.remove()
        db.engine.dispose()


def run_backup(shop: Flask, *args: str) -> Any:
    with shop.app_context():
        return shop.test_cli_runner().invoke(args=["backup", *args])


def test_a_backup_taken_while_another_connection_writes_is_one_moment_of_the_shop(
    sqlite_shop: Flask, tmp_path: Path
) -> None:
    names = sorted(make_community().name for _ in range(3))
    database = Path(db.engine.url.database or "")
    written: list[int] = []
    started, stop = threading.Event(), threading.Event()

    def write_events() -> None:  # another process's connection: one committed row after another
        with closing(sqlite3.connect(database, timeout=30)) as writer:
            n = 0
            while not stop.is_set():
                writer.execute(
                    "INSERT INTO stripe_events (id, type, received_at) VALUES (?, 'test', '2026-01-01')",
                    (f"evt_{n:06d}",),
                )
                writer.commit()
                written.append(n)
                n += 1
                if n == 50:
                    started.set()

    thread = threading.Thread(target=write_events)
    thread.start()
    try:
        assert started.wait(30)
        result = run_backup(sqlite_shop, str(tmp_path / "copy.db"))
        assert result.exit_code == 0, result.output
        assert "Backed up" in result.output
        with closing(sqlite3.connect(tmp_path / "copy.db")) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            events = [row[0] for row in copy.execute("SELECT id FROM stripe_events ORDER BY id")]
        while len(written) <= len(events) and thread.is_alive():  # the writer goes on past the copy
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join()
    assert len(events) >= 50
    assert len(written) > len(events)
    assert events == [f"evt_{n:06d}" for n in range(len(events))]  # no gap, nothing after: one moment

    restored = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'copy.db'}", "SECRET_KEY": "x"})
    with restored.app_context():  # the copy is a shop: it opens, migrated, with its communities
        assert sorted(db.session.scalars(select(Community.name))) == names
        assert db.session.scalar(select(func.count()).select_from(Community)) == 3
        assert restored.test_client().get("/healthz").status_code == 200
        db.engine.dispose()


def test_an_existing_file_is_never_overwritten_unless_forced(sqlite_shop: Flask, tmp_path: Path) -> None:
    make_community()
    kept = tmp_path / "yesterday.db"
    kept.write_bytes(b"yesterday's backup")
    refused = run_backup(sqlite_shop, str(kept))
    assert refused.exit_code == 1
    assert "already exists" in refused.output and "--force" in refused.output
    assert kept.read_bytes() == b"yesterday's backup"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []

    forced = run_backup(sqlite_shop, str(kept), "--force")
    assert forced.exit_code == 0, forced.output
    with closing(sqlite3.connect(kept)) as copy:
        assert copy.execute("SELECT count(*) FROM communities").fetchone() == (1,)


def test_a_missing_folder_is_said_plainly(sqlite_shop: Flask, tmp_path: Path) -> None:
    result = run_backup(sqlite_shop, str(tmp_path / "no-such-folder" / "copy.db"))
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_postgresql_is_refused_pointing_at_pg_dump(tmp_path: Path) -> None:
    with pytest.raises(BackupRefused, match="pg_dump"):
        backup_database("postgresql+psycopg://shop@db.example/kaimo", tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()


def test_the_suites_own_database_is_copied_or_pointed_at_pg_dump(app: Flask, tmp_path: Path) -> None:
    """Whichever the suite runs on: SQLite is copied, PostgreSQL refused with the command to use."""
    result = run_backup(app, str(tmp_path / "copy.db"))
    if db.engine.dialect.name == "postgresql":
        assert result.exit_code == 1
        assert "pg_dump" in result.output
        assert not (tmp_path / "copy.db").exists()
    else:
        assert result.exit_code == 0, result.output
        with closing(sqlite3.connect(tmp_path / "copy.db")) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
