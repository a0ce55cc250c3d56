from __future__ import annotations

from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import text

from app import create_app
from shop.db import db
from tests.factories.catalogue import make_product, make_variant
from tests.factories.producers import make_community
from tests.helpers import running


# SQLite's reflection cannot read an index on an expression (lower(email)); PostgreSQL's compares it too
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
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


def test_the_invoices_migration_runs_in_place_on_sqlite_with_communities_that_products_point_at(
    test_config: dict[str, Any], tmp_path: Path
) -> None:
    """0014 adds the communities' columns in place: a batch copy would drop the communities table, which
    SQLite refuses while products point at it. Each community's prefix is made from its slug, unique and
    never the VVG's; going back to 0012 keeps every row."""
    shop = create_app({**test_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with running(shop):
        flask_migrate.upgrade(revision="0012")
        with db.engine.begin() as connection:
            for id_, slug in enumerate(["slapaberze", "slapa-berze", "vvg"], start=1):
                connection.execute(
                    text(
                        "INSERT INTO communities (id, slug, name, legal_name, registration_code, district,"
                        " address_line, postal_code, city, email, phone, is_vat_payer, commission_bp,"
                        " is_active, story_lt, story_en, created_at)"
                        " VALUES (:id, :slug, :slug, :slug, '302173840', 'Kėdainių r. sav.', 'Parko g. 5',"
                        " 'LT-58250', 'Šlapaberžė', 'info@example.org', '+370 612 34567', 0, 1000, 1, '', '',"
                        " '2026-11-01 10:00:00')"
                    ),
                    {"id": id_, "slug": slug},
                )
            connection.execute(
                text(
                    "INSERT INTO categories (id, slug, name_lt, name_en, description_lt, description_en,"
                    " position) VALUES (1, 'atvirukai', 'Atvirukai', 'Cards', '', '', 1)"
                )
            )
            for id_ in (1, 2, 3):
                connection.execute(
                    text(
                        "INSERT INTO products (id, community_id, category_id, slug, name_lt, name_en,"
                        " description_lt, description_en, safety_notes_lt, status, is_featured, search_text,"
                        " created_at, updated_at)"
                        " VALUES (:id, :id, 1, :slug, 'Atvirukas', '', '', '', '', 'active', 0, 'atvirukas',"
                        " '2026-11-01 10:00:00', '2026-11-01 10:00:00')"
                    ),
                    {"id": id_, "slug": f"atvirukas-{id_}"},
                )

        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            prefixes = connection.execute(
                text("SELECT slug, invoice_prefix FROM communities ORDER BY id")
            ).all()
            orphans = connection.execute(text("PRAGMA foreign_key_check")).all()
        flask_migrate.downgrade(revision="0012")
        with db.engine.connect() as connection:
            kept = connection.execute(
                text("SELECT count(*) FROM products JOIN communities ON communities.id = community_id")
            ).scalar()

    assert prefixes == [("slapaberze", "SLAPABERZE"), ("slapa-berze", "SLAPABERZE2"), ("vvg", "VVG2")]
    assert orphans == []
    assert kept == 3


def test_the_search_migration_indexes_the_products_already_in_the_shop(
    test_config: dict[str, Any], tmp_path: Path
) -> None:
    """0030 fills `search_terms` for every existing product with the words and stems the application
    writes, from before the index existed (0020) or from its older shape (0029), which it goes back to."""
    sqlite = create_app({**test_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'search.db'}"})
    with running(sqlite):
        flask_migrate.upgrade()
        make_product(make_community(city="Josvainiai"), name_lt="Šiaudinis angelas", name_en="Straw angel")

        def terms() -> list[tuple[str, bool, int]]:
            rows = db.session.execute(
                text("SELECT term, is_word, weight FROM search_terms ORDER BY term, is_word")
            )
            return [(term, bool(is_word), weight) for term, is_word, weight in rows]

        written = terms()
        assert ("angel", False, 8) in written and ("angelas", True, 8) in written
        assert ("josv", False, 1) in written
        assert ("angela", False, 8) not in written  # English stemming of a Lithuanian word: not any more
        for before in ("0020", "0029"):
            db.session.remove()
            flask_migrate.downgrade(revision=before)
            if before == "0029":  # a term both a word and a stem is one row again
                merged = db.session.execute(text("SELECT term, weight FROM search_terms ORDER BY term")).all()
                assert [tuple(row) for row in merged] == sorted({(t, w) for t, _, w in written})
            db.session.remove()
            flask_migrate.upgrade()
            assert terms() == written


def test_dropping_the_old_search_column_keeps_products_with_their_variants_and_photos(
    test_config: dict[str, Any], tmp_path: Path
) -> None:
    """0025 drops a products column in place, down and up again, with a listing in the shop."""
    sqlite = create_app({**test_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dropped.db'}"})
    with running(sqlite):
        flask_migrate.upgrade()
        make_product(make_community(), name_lt="Šiaudinis angelas", variants=[make_variant()], images=2)

        def rows() -> list[int]:
            tables = ("products", "variants", "product_images")
            return [db.session.scalar(text(f"SELECT count(*) FROM {table}")) for table in tables]

        kept = rows()
        assert kept == [1, 1, 2]
        db.session.remove()
        flask_migrate.downgrade(revision="0024")
        assert rows() == kept
        db.session.remove()
        flask_migrate.upgrade()
        assert rows() == kept
