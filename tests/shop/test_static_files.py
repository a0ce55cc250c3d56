"""The shop's CSS, JS and icon under content-hashed names, cached a year; plain names still work, briefly
cached. Each test compiles a copy of `static/` of its own with `flask digest compile`, as a deploy does."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from shop import static
from shop.db import db
from tests.conftest import FreshContextClient

STATIC = Path(__file__).resolve().parents[2] / "static"
YEAR = "public, max-age=31536000, immutable"
HOUR = "public, max-age=3600"


@pytest.fixture
def static_copy(tmp_path: Path) -> Path:
    """The static files as a fresh clone has them: no hashed copies, no manifest."""
    folder = tmp_path / "static"
    shutil.copytree(STATIC, folder, ignore=shutil.ignore_patterns("*.gz", "cache_manifest.json"))
    for hashed in folder.rglob("*"):
        if static.HASHED_NAME.fullmatch(hashed.name):
            hashed.unlink()
    return folder


@pytest.fixture
def serve(app: Flask, test_config: dict[str, Any], static_copy: Path) -> Iterator[Callable[[], Flask]]:
    """Start a shop serving `static_copy`, as a (re)started app server does: it reads the manifest once.
    (The session's `app` has migrated the database.)"""
    started: list[Flask] = []

    def start() -> Flask:
        shop = create_app(test_config)
        shop.static_folder = str(static_copy)
        shop.test_client_class = FreshContextClient
        static.load_manifest(shop)
        started.append(shop)
        return shop

    yield start
    for shop in started:
        with shop.app_context():
            db.engine.dispose()


def compile_static(serve: Callable[[], Flask]) -> Flask:
    """`flask digest compile`, then a restart: the shop that serves the new names."""
    shop = serve()
    with shop.app_context():  # this shop's, not the session's (`flask digest` uses the current app)
        result = shop.test_cli_runner().invoke(args=["digest", "compile"])
    assert result.exit_code == 0, result.output
    return serve()


def linked_style_sheet(client: FlaskClient) -> str:
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'<link rel="stylesheet" href="(/static/css/[^"]+)"', html)
    assert match, html[:2000]
    return match.group(1)


def test_pages_link_the_hashed_names_which_are_cached_for_a_year(
    serve: Callable[[], Flask], static_copy: Path
) -> None:
    client = compile_static(serve).test_client()
    href = linked_style_sheet(client)
    assert re.fullmatch(r"/static/css/shop-[0-9a-f]{32}\.css", href)
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'src="/static/js/shop-[0-9a-f]{32}\.js"', html)
    assert re.search(r'href="/static/favicon-[0-9a-f]{32}\.svg"', html)

    with client.get(href) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == YEAR
        assert "Expires" not in response.headers
        assert response.data == (static_copy / "css/shop.css").read_bytes()
        etag = response.headers["ETag"]
    with client.get(href, headers={"If-None-Match": etag}) as again:  # a revalidation keeps the year too
        assert again.status_code == 304
        assert again.headers["Cache-Control"] == YEAR


def test_a_changed_file_gets_a_new_name_and_the_old_one_still_answers(
    serve: Callable[[], Flask], static_copy: Path
) -> None:
    before = linked_style_sheet(compile_static(serve).test_client())
    with (static_copy / "css/shop.css").open("a") as css:
        css.write("\n.new-rule { color: #000; }\n")
    client = compile_static(serve).test_client()
    after = linked_style_sheet(client)
    assert after != before
    with client.get(after) as response:
        assert response.data.endswith(b".new-rule { color: #000; }\n")
        assert response.headers["Cache-Control"] == YEAR
    with client.get(before) as old:  # a page a proxy still holds keeps its style sheet through a deploy
        assert old.status_code == 200
        assert b".new-rule" not in old.data


def test_before_any_compile_pages_link_the_plain_names_briefly_cached(serve: Callable[[], Flask]) -> None:
    client = serve().test_client()
    assert linked_style_sheet(client) == "/static/css/shop.css"
    with client.get("/static/css/shop.css") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == HOUR


def test_a_plain_name_stays_briefly_cached_after_a_compile(serve: Callable[[], Flask]) -> None:
    with compile_static(serve).test_client().get("/static/js/shop.js") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == HOUR


def test_a_missing_static_file_is_a_plain_404_not_cached_for_a_year(serve: Callable[[], Flask]) -> None:
    response = serve().test_client().get("/static/css/shop-0123456789abcdef0123456789abcdef.css")
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")
