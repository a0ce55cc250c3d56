"""What the accounts tests share: the day they travel to, a new password, and signing in, asking for a
password link and choosing a password through the real forms.

The pages are read in English (`in_english`: `?lang=en`, remembered by the session), so the tests hold
before and after the Lithuanian catalogue learns the new messages.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient

from shop.models import OutboxMessage
from tests.conftest import csrf_token

LINK = re.compile(r"http://shop\.test(/slaptazodis/[A-Za-z0-9_\-.]+)")
NEW_PASSWORD = "žiemos vakaras prie pečiaus"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  #: 11:00 in Vilnius


def in_english(client: FlaskClient) -> FlaskClient:
    client.get("/?lang=en")
    return client


def sign_in(client: FlaskClient, email: str, password: str = "demo-password", **extra: str) -> Any:
    data = {"csrf_token": csrf_token(client, "/prisijungti"), "email": email, "password": password, **extra}
    return client.post("/prisijungti", data=data)


def signed_in_user_id(client: FlaskClient) -> str | None:
    """The id of the signed-in user (the session holds it with a fingerprint of the password)."""
    with client.session_transaction() as session:
        value = session.get("_user_id")
    return value.partition(":")[0] if value else None


def link_in(message: OutboxMessage) -> str:
    match = LINK.search(message.text_body)
    assert match, message.text_body
    assert match.group(0) in message.html_body
    return match.group(1)


def ask_for_reset(client: FlaskClient, email: str) -> Any:
    token = csrf_token(client, "/slaptazodis")
    response = client.post("/slaptazodis", data={"csrf_token": token, "email": email})
    response.close()  # the mail is tried once the answer has gone out
    return response


def choose_password(client: FlaskClient, path: str, password: str, again: str | None = None) -> Any:
    token = csrf_token(client, path)
    return client.post(
        path,
        data={"csrf_token": token, "password": password, "confirm": password if again is None else again},
    )
