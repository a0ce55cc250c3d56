"""Test harness: a real database (SQLite file, or PostgreSQL when DATABASE_URL says so), migrated once."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, make_url, text

from app import create_app
from shop.config import database_url
from shop.db import db
from tests.helpers import wipe

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = [
    "tests.walk",
    "tests.clock",
    "tests.media_storage",
]  # the URL-map walks' fixture; --clock-ahead


def _test_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:  # a file per session, so per pytest-xdist worker too (tmp_path_factory is the worker's)
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    url = database_url(url)
    if url.startswith("postgresql"):
        url = _worker_database(url)
        engine = create_engine(url)
        with engine.begin() as connection:  # a clean schema: the migrations must build everything
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    return url


def _worker_database(url: str) -> str:
    """Under pytest-xdist (`pytest -n 2`) each worker drops and migrates a database of its own, named after
    DATABASE_URL's with the worker's id: test_gw0, test_gw1… (created when missing). Alone: DATABASE_URL's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    shared = make_url(url)
    own = shared.set(database=f"{shared.database}_{worker}")
    engine = create_engine(shared, isolation_level="AUTOCOMMIT")  # CREATE DATABASE runs outside a transaction
    with engine.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        )
        if not exists:
            quoted = connection.dialect.identifier_preparer.quote(own.database)
            connection.execute(text(f"CREATE DATABASE {quoted}"))
    engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def test_config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": _test_database_url(tmp_path_factory),
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
        "MAIL_FOLDER": str(tmp_path_factory.mktemp("mail")),
        "SITE_URL": "http://shop.test",
        "SERVER_NAME": None,
        "RATELIMIT_ENABLED": False,  # tests sign in often; limits: tests/shop/test_accounts_rate_limits.py
        "SEARCH_CACHE_SECONDS": 0,  # searches run afresh; kept: tests/catalogue/test_search_cache.py
        "DEMO_PHOTO_SIZE": 400,  # `flask seed-demo`'s photos: every motif drawn, at an eighth of the pixels
    }


@pytest.fixture(scope="session")
def app(test_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(test_config)
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def empty_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test that touches the app starts from empty tables (services really commit)."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        wipe()
        yield
        db.session.remove()


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production: a fresh `g`, its own session."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = FreshContextClient
    return app.test_client()


@pytest.fixture
def is_postgres(app: Flask) -> bool:
    return db.engine.dialect.name == "postgresql"


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Any:
    """`with count_queries() as counter:` counts the SQL statements the block sends."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            counter.statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


CSRF_FIELD = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form on `url`, as a browser would have it."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF_FIELD.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login_as(client: FlaskClient, email: str, password: str = "demo-password") -> None:
    """Sign in through the real login form."""
    token = csrf_token(client, "/prisijungti")
    response = client.post("/prisijungti", data={"csrf_token": token, "email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
