from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from shop.db import db


def test_migrations_build_exactly_the_models_schema(app: Flask) -> None:
    """Autogenerate finds nothing to do after `flask db upgrade`: models and migrations agree."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_money_columns_are_integer_cents(app: Flask) -> None:
    from sqlalchemy import Integer

    money = [c for t in db.metadata.sorted_tables for c in t.columns if c.name.endswith("_cents")]
    assert money, "no money columns found"
    assert all(isinstance(c.type, Integer) for c in money), [str(c) for c in money]
