"""Browsers that have signed in to an account before: OWASP's "device cookie" against lock-out.

After a successful sign-in (or a new password through a mailed link) the browser gets a signed,
long-lived cookie naming it (a random id) and the accounts signed in from it (a short hash of each
address, never the address itself). On the sign-in page such a browser is *trusted* for those addresses:
its failures are counted for it alone, and the per-address limit, which stops strangers trying passwords
from many machines, does not apply to it. So a stranger's failures can lock out strangers, never the owner
at a browser they have used before. The cookie signs no one in: it only decides which counter a failure
goes to (`producers.views.storefront`). It is sent only to the sign-in page.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.wrappers import Response

COOKIE = "kaimo_device"
COOKIE_PATH = "/prisijungti"
MAX_ACCOUNTS = 10  #: the most recent addresses a browser is trusted for
_SALT = "device-cookie"


def trusted_device(email: str) -> str | None:
    """This browser's id if it has signed in to the account with this address before, else None."""
    device = _read()
    if device is None:
        return None
    device_id, tags = device
    return device_id if _tag(email) in tags else None


def remember_device(response: Response, email: str) -> None:
    """Mark this browser trusted for the address (the most recent first), for DEVICE_COOKIE_DAYS more."""
    device_id, tags = _read() or (secrets.token_urlsafe(16), [])
    tag = _tag(email)
    tags = [tag, *(other for other in tags if other != tag)][:MAX_ACCOUNTS]
    response.set_cookie(
        COOKIE,
        _serializer().dumps({"id": device_id, "accounts": tags}),
        max_age=int(_lifetime().total_seconds()),
        path=COOKIE_PATH,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )


def _read() -> tuple[str, list[str]] | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        payload = _serializer().loads(raw, max_age=int(_lifetime().total_seconds()))
    except BadData:
        return None
    if not isinstance(payload, dict):
        return None
    device_id, tags = payload.get("id"), payload.get("accounts")
    if not isinstance(device_id, str) or not isinstance(tags, list):
        return None
    return device_id, [tag for tag in tags if isinstance(tag, str)]


def _tag(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def _lifetime() -> timedelta:
    return timedelta(days=int(current_app.config["DEVICE_COOKIE_DAYS"]))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt=_SALT)
