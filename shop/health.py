"""`GET /healthz`: whether this app server can serve, for nginx, a load balancer or a monitor.

Answered in front of the shop (a WSGI wrapper), not by a view: a health check from a load balancer comes
by the node's own address, which the trusted hosts refuse (`shop.security`), and it needs no session
cookie, language, sign-in, rate limit or CSRF, which all live in the request handling it skips.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import text
from werkzeug.wrappers import Response

from shop.db import db
from shop.extensions import limiter_of
from shop.media import MediaStorage

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

PATH = "/healthz"
OK, FAILED = "ok", "failed"


def check_database() -> None:
    """The database answers a query (through the app's own pool, as a page would)."""
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def limiter_part(storage_uri: str) -> str | None:
    """The name the limiter's shared storage goes by ("redis"), or None for the in-process `memory://`."""
    scheme = urlsplit(storage_uri).scheme.split("+")[0]
    if scheme in {"", "memory"}:
        return None
    return "redis" if scheme.startswith("redis") else scheme


def checks(app: Flask) -> dict[str, Callable[[], object]]:
    """What this server needs, by the name the answer gives it: the database always; the rate limiter's
    storage when it is shared (Redis); the media storage (the bucket answers, or the folder is writable)."""
    parts: dict[str, Callable[[], object]] = {"database": check_database}
    part = limiter_part(str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://"))
    limiter = limiter_of(app)
    if part and limiter.enabled:  # a switched-off limiter (RATELIMIT_ENABLED) counts nowhere
        storage = limiter.storage

        def check_limiter_storage() -> None:
            if not storage.check():  # the limits library's own probe (Redis: PING)
                raise ConnectionError(f"{part} did not answer")

        parts[part] = check_limiter_storage
    parts["media"] = MediaStorage.from_app().ping
    return parts


def health(app: Flask) -> tuple[int, dict[str, str]]:
    """Run every check: 200 when all answer, else 503; the body names each part and how it did."""
    body: dict[str, str] = {}
    with app.app_context():
        for name, check in checks(app).items():
            try:
                check()
            except Exception as error:  # whatever goes wrong in a part, that part is failing
                app.logger.warning("Health check: %s failed: %s", name, error)
                body[name] = FAILED
            else:
                body[name] = OK
    healthy = all(state == OK for state in body.values())
    return (200 if healthy else 503), {"status": OK if healthy else FAILED, **body}


class HealthCheck:
    """WSGI middleware: `GET`/`HEAD /healthz` answered here, everything else passed to the shop."""

    def __init__(self, app: Flask, wsgi_app: WSGIApplication) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH:
            return self.wsgi_app(environ, start_response)
        if environ.get("REQUEST_METHOD") not in {"GET", "HEAD"}:
            response = Response(status=405, headers={"Allow": "GET, HEAD"})
        else:
            status, body = health(self.app)
            response = Response(json.dumps(body), status=status, mimetype="application/json")
        response.headers["Cache-Control"] = "no-store"  # every probe must reach the server
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response(environ, start_response)


def init_app(app: Flask) -> None:
    """Put the health check in front of everything else the app's WSGI callable does."""
    wsgi_app: Any = app.wsgi_app
    app.wsgi_app = HealthCheck(app, wsgi_app)  # type: ignore[method-assign]
