"""Error pages in the visitor's language, never a stack trace."""

from __future__ import annotations

from flask import Flask, Response, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from shop.db import db

MESSAGES = {
    400: (_l("That request was not understood"), _l("Something in the address or the form was not right.")),
    403: (_l("This page is not for you"), _l("You do not have access to this page.")),
    404: (_l("Page not found"), _l("The page may have moved, or the product is no longer sold.")),
    405: (_l("That request was not understood"), _l("This page cannot be used that way.")),
    413: (_l("The file is too large"), _l("Please send less at once: photos of at most 10 MB each.")),
    429: (_l("Too many attempts"), _l("Please wait a minute and try again.")),
    500: (
        _l("Something went wrong on our side"),
        _l("We have been told about it. Please try again in a moment."),
    ),
    503: (_l("The shop is resting for a moment"), _l("Please try again in a few minutes.")),
}


def render_error(code: int, message: str | None = None) -> ResponseReturnValue:
    """The error page for `code`, in the visitor's language; `message` replaces the usual explanation.

    Should the page's frame fail too (a helper of the layout tripping over the same odd request), a plain
    page says the same, so that an error never ends as a bare server error without the shop's headers."""
    title, usual = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    try:
        return render_template("errors/error.html", code=code, title=title, message=message or usual), code
    except Exception:
        current_app.logger.exception("The error page's frame failed; the plain page is sent instead")
        db.session.rollback()
        return render_template("errors/plain.html", code=code, title=title, message=message or usual), code


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> ResponseReturnValue:
        return render_error(error.code or 500)

    @app.errorhandler(SecurityError)
    def _untrusted_host(_error: SecurityError) -> ResponseReturnValue:
        """A `Host:` not ours (TRUSTED_HOSTS): no page can be built for it (no URL is ours to link to),
        so a few plain words, naming nothing of the request."""
        title, usual = MESSAGES[400]
        return Response(f"{title}. {usual}\n", status=400, mimetype="text/plain")

    @app.errorhandler(InternalServerError)
    def _server_error(_error: InternalServerError) -> ResponseReturnValue:
        db.session.rollback()  # a failed transaction must not take the error page down with it
        return render_error(500)
