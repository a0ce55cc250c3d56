"""Who is signed in (Flask-Login), for how long, and the guards: staff only, and a safe `next=`.

A sign-in ends `LOGIN_HOURS` after it began (checked on every request), or, with "keep me signed in",
when the 14-day remember cookie does; and whenever its record on the server (`shop.sign_ins`) ends:
signing out, "sign out everywhere", a new password, removal from a community. The sign-in pages
themselves are `producers.views.storefront`.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from datetime import timedelta
from functools import cache, wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie
from sqlalchemy import func, select

from shop import sign_ins
from shop.db import db
from shop.extensions import login_manager
from shop.forms import whole_number
from shop.models import User
from shop.passwords import hash_password, password_fingerprint, verify_password

F = TypeVar("F", bound=Callable[..., Any])

SIGNED_IN_AT = "signed_in_at"  #: session: when this sign-in began (seconds since the epoch)
REMEMBERED = "remembered"  #: session: "keep me signed in" was ticked (or the remember cookie brought it back)


def current_actor() -> User | None:
    """The signed-in person as a plain `User`, for the `by=` of the services (who did it), or None."""
    user: User | None = current_user._get_current_object() if current_user.is_authenticated else None
    return user


def load_user(user_id: str) -> User | None:
    """The signed-in user from the session (or remember cookie), if the account is still active, its
    password is still the one it signed in with, and its sign-in has not ended on the server."""
    number, _, rest = user_id.partition(":")
    fingerprint, _, token = rest.partition(":")
    user_number = whole_number(number)  # beyond MAX_ID PostgreSQL would refuse the query, not miss the row
    if user_number is None:
        return None
    user = db.session.get(User, user_number)
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(password_fingerprint(user.password_hash), fingerprint):
        return None
    sign_in = sign_ins.find_sign_in(user.id, token)
    if sign_in is None:
        return None
    user.signed_in_with(token, sign_in)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (the caller never learns which was wrong).

    An account with no password yet (invited, link not used) never signs in. An unknown address costs the
    same hashing time as a known one, so the answer's timing tells nothing either.
    """
    user = db.session.scalars(select(User).where(func.lower(User.email) == email.strip().lower())).first()
    if user is None or not user.password_hash:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    return user


@cache
def _dummy_hash() -> str:
    return hash_password("no account has this password")


def sign_in(user: User, *, remember: bool) -> None:
    """Start a new session for this person (never the visitor's old one), keeping the language; a sign-in
    this browser still had ends on the server too."""
    previous = current_user.sign_in if current_user.is_authenticated else None
    if previous is not None:
        sign_ins.end_sign_in(previous.id)
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    token, record = sign_ins.start_sign_in(
        user.id, remembered=remember, user_agent=request.headers.get("User-Agent", "")
    )
    user.signed_in_with(token, record)
    login_user(user, remember=remember)
    session[SIGNED_IN_AT] = int(time.time())
    session[REMEMBERED] = remember


def sign_out() -> None:
    """End this sign-in: on the server (every copy of its cookies stops working) and in this browser."""
    record = current_user.sign_in if current_user.is_authenticated else None
    if record is not None:
        sign_ins.end_sign_in(record.id)
    _forget_sign_in()


def _forget_sign_in() -> None:
    logout_user()  # also clears the remember cookie
    session.pop(SIGNED_IN_AT, None)
    session.pop(REMEMBERED, None)


def sign_in_lifetime(remembered: bool) -> timedelta:
    """How long a sign-in lasts: LOGIN_HOURS, or as long as the remember cookie when remembered."""
    return sign_ins.lifetime(remembered)


def _end_expired_sign_in() -> None:
    """Before every request: a sign-in older than its lifetime (or of unknown age), or one ended on the
    server, ends here (the remember cookie with it); a live one notes that it was seen."""
    if request.endpoint == "static":
        return
    cookie = str(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    remembered = cookie in request.cookies and session.get("_remember") != "clear"
    if "_user_id" not in session and not remembered:
        return  # a visitor
    # Load the person here, before any view opens a transaction (the remember cookie may bring them back).
    record = current_user.sign_in if current_user.is_authenticated else None
    started = session.get(SIGNED_IN_AT)
    if (
        record is not None
        and isinstance(started, int)
        and time.time() - started < sign_in_lifetime(bool(session.get(REMEMBERED))).total_seconds()
    ):
        sign_ins.note_seen(record)
        return
    if record is not None:
        sign_ins.end_sign_in(record.id)
    _forget_sign_in()
    flash(_("For your safety you have been signed out. Please sign in again."), "info")


def _remembered(_app: Flask, **_extra: Any) -> None:
    """The remember cookie brought a person back in a new browser session: a new sign-in begins."""
    session[SIGNED_IN_AT] = int(time.time())
    session[REMEMBERED] = True


def landing_url(user: User) -> str:
    """Where a person goes after signing in: staff to the back office, members to their workspace."""
    return url_for("orders_backoffice.dashboard") if user.is_staff else url_for("orders_workspace.dashboard")


def sign_in_required(view: F) -> F:
    """Anyone signed in (staff or member): others are sent to sign in."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


def staff_required(view: F) -> F:
    """Only VVG staff: others are sent to sign in, or refused if signed in as someone else."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_staff:
            abort(403)
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


def safe_next(target: str | None) -> str | None:
    """`next=` only to a local path: never `//evil`, `https://evil`, `/\\evil` or `javascript:`.

    Any control character or whitespace makes it none at all: browsers drop tabs and line breaks from a
    URL (`/<tab>/evil` becomes `//evil`), and CR/LF in a `Location` header would be a 500 (or worse).
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(character.isspace() or not character.isprintable() for character in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "producers_storefront.login"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "info"
    user_loaded_from_cookie.connect(_remembered)
    app.before_request(_end_expired_sign_in)
