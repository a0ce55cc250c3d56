"""Every Flask extension, made once here and bound to the app in `init_app`."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from shop import i18n
from shop.db import db, render_migration_item, tune_engine

migrate = Migrate(compare_type=True, render_as_batch=True, render_item=render_migration_item)
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
babel = Babel()
compress = Compress()  # gzip/brotli for pages, CSS and JS; photos are already compressed
LIMITER = "kaimo_limiter"


def init_app(app: Flask) -> None:
    """Bind the extensions to one app."""
    db.init_app(app)
    with app.app_context():
        tune_engine(db.engine)
    migrate.init_app(app, db, directory=str(app.config["MIGRATIONS_DIRECTORY"]))
    login_manager.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    compress.init_app(app)
    app.after_request(_read_static_text_whole)  # registered after Flask-Compress, so it runs before it
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.install_template_gettext(app)
    # The one extension made per app: Flask-Limiter keeps its switch (RATELIMIT_ENABLED) and its storage
    # (RATELIMIT_STORAGE_URI) on the object, so two apps (tests build several) must not share one.
    limiter = Limiter(get_remote_address, in_memory_fallback_enabled=True)  # storage away: count per worker
    limiter.init_app(app)
    app.extensions[LIMITER] = limiter


def limiter_of(app: Flask) -> Limiter:
    """The app's own rate limiter (see `init_app`); its limits are declared in `shop.access`."""
    limiter: Limiter = app.extensions[LIMITER]
    return limiter


#: The static files read whole so that Flask-Compress compresses them like a page.
_COMPRESSED_STATIC = frozenset({"text/css", "application/javascript", "text/javascript"})


def _read_static_text_whole(response: Response) -> Response:
    """The shop's own CSS and JS, read whole (they are tens of kilobytes) rather than streamed, so that they
    go out compressed when nothing in front of the shop compresses them (`make run`): the style sheet is
    the one file a page waits for before it is drawn. Other streams (photos, PDFs, downloads) stay
    streamed and are left to the web server (COMPRESS_STREAMS is off)."""
    is_text = response.mimetype in _COMPRESSED_STATIC
    if request.endpoint == "static" and response.status_code == 200 and is_text:
        response.direct_passthrough = False
        stream = response.response
        response.get_data()  # the file's bytes in memory: no longer a stream
        if hasattr(stream, "close"):
            stream.close()
    return response
