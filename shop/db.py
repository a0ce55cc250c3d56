"""The database: declarative base, engine tuning per dialect, and the one way to commit a change."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Literal

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Enum, MetaData, event, func, select
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, registry
from sqlalchemy.types import TypeDecorator

#: Named constraints let Alembic alter SQLite tables (batch mode) and drop constraints by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


SQLITE_BEGIN = "kaimo_sqlite_begin"  # execution option: how a SQLite transaction starts
_IN_TRANSACTION = "kaimo_in_transaction"
_FLUSHED_OUTSIDE = "kaimo_flushed_outside_transaction"


@event.listens_for(Session, "after_flush")
def _note_flush_outside_transaction(session: Session, _context: Any) -> None:
    """An autoflush outside transaction() hides a change from `session.dirty`; remember that it happened."""
    if not session.info.get(_IN_TRANSACTION):
        session.info[_FLUSHED_OUTSIDE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_flush_outside_transaction(session: Session, *_args: Any) -> None:
    session.info.pop(_FLUSHED_OUTSIDE, None)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC timestamp on every engine (SQLite forgets the zone; we put it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC time")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def enum_column_type(enum_class: type[enum.Enum], name: str) -> Enum:
    """Store a StrEnum by its value in a plain string column with a CHECK, the same on every engine."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(str(member.value)) for member in enum_class),
        values_callable=lambda members: [str(member.value) for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)


def serialise(name: str) -> None:
    """Inside `transaction()`: wait until no other transaction holds `name`, then hold it until this one
    ends, for a rule that spans rows no single row lock covers (one fair at a time). On PostgreSQL a
    transaction-level advisory lock; on SQLite the transaction already holds the only write lock."""
    session = db.session()
    if not session.info.get(_IN_TRANSACTION):
        raise RuntimeError("serialise() holds its lock until the transaction ends: call it inside one")
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtext(name))))


@contextmanager
def transaction() -> Iterator[None]:
    """Run one state change: commit at the end, roll back everything on any exception.

    On SQLite the transaction takes the write lock at once (BEGIN IMMEDIATE): a transaction that reads
    first and writes later could otherwise fail, not wait, when another writer got in between. Whatever
    the session read before is dropped first, so the change starts from fresh rows.
    """
    session = db.session()  # the request's (or command's) own session behind the scoped proxy
    if session.info.get(_IN_TRANSACTION):
        raise RuntimeError("transaction() does not nest: only public services open one")
    if session.new or session.dirty or session.deleted or session.info.get(_FLUSHED_OUTSIDE):
        # A change made before the transaction would be committed with it (or, on SQLite, dropped).
        raise RuntimeError("unsaved changes outside transaction(): make every change inside it")
    if session.get_bind().dialect.name == "sqlite":
        if session.in_transaction():
            session.rollback()
        session.connection(execution_options={SQLITE_BEGIN: "BEGIN IMMEDIATE"})
    session.info[_IN_TRANSACTION] = True
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(_IN_TRANSACTION, None)


def tune_engine(engine: Engine) -> None:
    """Make SQLite behave like a real transactional database; PostgreSQL needs nothing."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (the pysqlite recipe in SQLAlchemy's SQLite docs), so that
        # reads are transactional too; WAL lets readers work while one writer commits.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get(SQLITE_BEGIN, "BEGIN"))


def render_migration_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Write our column types into migrations as plain SQLAlchemy types: migrations never import the app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
