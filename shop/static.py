"""The shop's CSS, JS and icons under content-hashed names (Flask-Static-Digest), cached for a year.

`flask digest compile` (run by `make run`, `make test` and each deploy) copies every file of `static/` to a
name carrying its MD5 (`css/shop-<32 hex>.css`, with a gzipped twin) and writes
`static/cache_manifest.json`; pages then link the hashed names, which never change content and so are
cached for a year, `immutable`. Without a manifest (a fresh clone before the first compile) pages link the
plain names, which always work and are cached only briefly. Compiling again adds the new names and leaves
the old ones, so a page a browser or proxy still holds keeps its style sheet through a deploy.
"""

from __future__ import annotations

import re

from flask import Flask, Response, current_app, request
from flask_static_digest import FlaskStaticDigest
from flask_static_digest.cli import digest as digest_cli

from shop.caching import IMMUTABLE

EXTENSION = "kaimo_static_digest"
#: A name Flask-Static-Digest gave: the file's MD5 before its extension. Its content can never change.
HASHED_NAME = re.compile(r"[^/]+-[0-9a-f]{32}(\.[^/.]+)+")
#: A plain name (`css/shop.css`) may change with the next deploy: kept an hour, then revalidated (ETag).
PLAIN_CACHE = "public, max-age=3600"


def load_manifest(app: Flask) -> None:
    """Read `static/cache_manifest.json` (again): which hashed name each static file has now."""
    app.extensions[EXTENSION] = FlaskStaticDigest(app)


def static_url(filename: str) -> str:
    """A static file's URL: its hashed name when compiled, else its plain name."""
    digest: FlaskStaticDigest = current_app.extensions[EXTENSION]
    return str(digest.static_url_for("static", filename=filename))


def _cache_static(response: Response) -> Response:
    """A year for hashed names, an hour for plain ones (Flask would give every file one `max-age`)."""
    if request.endpoint != "static" or response.status_code not in {200, 206, 304}:
        return response
    filename = (request.view_args or {}).get("filename", "")
    hashed = HASHED_NAME.fullmatch(filename.rsplit("/", 1)[-1])
    response.headers["Cache-Control"] = IMMUTABLE if hashed else PLAIN_CACHE
    return response


def init_app(app: Flask) -> None:
    load_manifest(app)
    app.after_request(_cache_static)
    app.cli.add_command(digest_cli)  # `flask digest compile` / `clean` (also found as the library's plugin)
