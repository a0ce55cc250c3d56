"""What a real shop caches, and how browsers and proxies may keep its pages.

Fragments every visitor sees (the catalogue filter's communities, …) are kept in Flask-Caching's store
(a SimpleCache per worker by default, Redis shared by every node with `CACHE_REDIS_URL`: shop.config),
under the token of what they were drawn from (`CacheVersion`). A domain package names the models a
family shows (`watch("catalogue", Product, …)`): any change of one of them, made through the ORM, writes a
new token in the same transaction, so every worker and node stops using the old fragments at its commit
(a change made by a bulk UPDATE, such as the stock a checkout reserves, is not seen: a family holding
such data is kept only `CACHE_DEFAULT_TIMEOUT` seconds). Without a token (an empty database) nothing is
cached.

Pages: `Cache-Control` says who may keep a storefront page. One with nothing personal in it (no session
cookie came, none is set, no form token in it, nobody signed in) is `public` for a proxy for
`PROXY_MAX_AGE` seconds, and carries an `ETag` and `Last-Modified`, so browsers revalidate it for a 304.
Any other storefront page is `private, no-cache`; the private pages stay `no-store` (`shop.security`).
The language lives in the session cookie, so a public page is always the one its address names.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request, session
from flask_caching import Cache
from flask_login import current_user
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from shop.db import db, utcnow
from shop.models import CacheVersion
from shop.security import is_private_page

T = TypeVar("T")

log = logging.getLogger(__name__)
cache = Cache()
#: The models each family of fragments is drawn from (filled by the domain packages, see `watch`).
_WATCHED: dict[type, set[str]] = {}
PROXY_MAX_AGE = 60  #: seconds a reverse proxy may keep an anonymous storefront page
#: A file named by its content (a photo's rendition, a hashed static file): kept a year, never revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"
_FIRST_SEEN = "page-first-seen:"  #: the cache's key prefix of when a page's ETag was first sent


def watch(name: str, *models: type) -> None:
    """Fragments of the family `name` are drawn from `models`: a change to one of them renews its token."""
    for model in models:
        _WATCHED.setdefault(model, set()).add(name)


def _renew_changed(session: Session, _context: Any, _instances: Any) -> None:
    """Before a flush: a new token for each family whose models this flush writes (same transaction)."""
    names = {
        name
        for instance in (*session.new, *session.dirty, *session.deleted)
        for name in _WATCHED.get(type(instance), ())
        if instance not in session.dirty or session.is_modified(instance)
    }
    for name in sorted(names):
        renew(name, session=session)


def renew(name: str, *, session: Session | None = None) -> None:
    """Write a new token for the family `name` (its row made if missing), inside the caller's transaction."""
    session = session or db.session()
    values = {"token": uuid.uuid4().hex, "changed_at": utcnow()}
    done = session.execute(update(CacheVersion).where(CacheVersion.name == name).values(**values))
    if not getattr(done, "rowcount", 0):
        session.execute(insert(CacheVersion).values(name=name, **values))


def version(name: str) -> str | None:
    """The family's token now, read once per request; None when it has none (then nothing is cached)."""
    tokens: dict[str, str | None] = g.setdefault("cache_versions", {})
    if name not in tokens:
        tokens[name] = db.session.scalar(select(CacheVersion.token).where(CacheVersion.name == name))
    return tokens[name]


def fragment(name: str, key: str, make: Callable[[], T], *, timeout: int | None = None) -> T:
    """`make()`'s value, kept under the family's current token (any worker, any node) until it changes."""
    token = version(name)
    if token is None:
        return make()
    full_key = f"fragment:{name}:{token}:{key}"
    value = kept(full_key)
    if value is None:
        value = make()
        keep(full_key, value, timeout=timeout)
    return value  # type: ignore[no-any-return]


def kept(key: str) -> Any:
    """The cache's value for `key`, or None: a store that fails (Redis away) is a miss, never an error."""
    try:
        return cache.get(key)
    except Exception:
        log.warning("The cache could not be read", exc_info=True)
        return None


def keep(key: str, value: object, *, timeout: int | None = None) -> None:
    """Keep `value` under `key` (`timeout` seconds; CACHE_DEFAULT_TIMEOUT when None); a store that fails
    keeps nothing, and the page goes out all the same."""
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:
        log.warning("The cache could not be written", exc_info=True)


def _is_shareable(response: Response) -> bool:
    """Nothing personal in the page: no session came or goes, no form token, nobody signed in."""
    app = current_app
    return not (
        request.cookies.get(app.config.get("SESSION_COOKIE_NAME", "session"))
        or request.cookies.get(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
        or response.headers.get("Set-Cookie")
        or session.modified
        or "csrf_token" in g
        or current_user.is_authenticated
    )


def _storefront_caching(response: Response) -> Response:
    """Cache-Control, ETag and Last-Modified of a storefront page (see the module's notes)."""
    if (
        request.method not in {"GET", "HEAD"}
        or response.status_code != 200
        or response.mimetype != "text/html"
        or response.is_streamed
        or is_private_page()
        or "Cache-Control" in response.headers
    ):
        return response
    response.vary.add("Cookie")  # the language, the cart and who is signed in all come with it
    if not _is_shareable(response):
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    response.cache_control.public = True
    response.cache_control.max_age = 0  # a browser asks again each time, for a 304 while it is the same
    response.cache_control.s_maxage = PROXY_MAX_AGE
    etag = hashlib.sha256(response.get_data()).hexdigest()[:32]
    response.set_etag(etag, weak=True)  # the same for the page compressed or not
    first_seen = kept(_FIRST_SEEN + etag)
    if first_seen is None:
        first_seen = datetime.now(UTC).replace(microsecond=0)
        keep(_FIRST_SEEN + etag, first_seen, timeout=24 * 3600)
    response.last_modified = first_seen
    response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    if app.config["CACHE_TYPE"] == "RedisCache":  # a Redis that stops answering costs a page half a second
        app.config.setdefault("CACHE_OPTIONS", {"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
    cache.init_app(app)  # CACHE_TYPE, CACHE_REDIS_URL, … (shop.config)
    app.after_request(_storefront_caching)
    if not event.contains(Session, "before_flush", _renew_changed):
        event.listen(Session, "before_flush", _renew_changed)
