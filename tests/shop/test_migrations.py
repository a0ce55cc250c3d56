from __future__ import annotations

from pathlib import Path
from typing import Any

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import text

from app import create_app
from shop.db import db
from tests.factories.catalogue import make_product, make_variant
from tests.factories.producers import make_community
from tests.helpers import running


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


def test_product_safety_changes_products_in_place_and_keeps_their_variants_and_photos(
    test_config: dict[str, Any], tmp_path: Path
) -> None:
    """0013 adds and drops its columns with ALTER TABLE: a batch copy of products on SQLite would drop the
    table and, by their cascading keys, every variant and photo with it. Down to 0012 and up again, on a
    database of its own with a listing in it."""
    sqlite = create_app({**test_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.db'}"})
    with running(sqlite):
        flask_migrate.upgrade()
        make_product(make_community(), variants=[make_variant(), make_variant()], images=2, ready=True)

        def rows() -> list[int]:
            tables = ("products", "variants", "product_images", "price_changes")
            return [db.session.scalar(text(f"SELECT count(*) FROM {table}")) for table in tables]

        assert rows() == [1, 2, 2, 2]
        db.session.remove()
        flask_migrate.downgrade(revision="0012")
        assert rows() == [1, 2, 2, 2]
        db.session.remove()
        flask_migrate.upgrade()
        assert rows() == [1, 2, 2, 2]
        assert db.session.scalar(text("SELECT count(*) FROM product_types")) == 8  # the starting list again
