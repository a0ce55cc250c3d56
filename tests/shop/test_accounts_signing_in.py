"""Signing in and out, and sessions that end: after LOGIN_HOURS, or when remembered, after 14 days."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shop import accounts
from shop.config import from_environ
from shop.db import db
from tests.conftest import csrf_token, login_as
from tests.factories.producers import make_community
from tests.factories.shop import make_user
from tests.shop.accounts import START, in_english, sign_in, signed_in_user_id

# Signing in and out ---------------------------------------------------------------------------------


def test_staff_sign_in_to_the_back_office_and_members_to_their_workspace(client: FlaskClient) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    member = make_user(make_community(), email="ona@example.org")

    staff = sign_in(client, "VVG@example.org ")
    assert staff.status_code == 302
    assert urlsplit(staff.headers["Location"]).path == "/backoffice/"

    other = client.application.test_client()
    response = sign_in(other, "ona@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/workspace/"
    assert signed_in_user_id(other) == str(member.id)


def test_signing_out_ends_the_session(client: FlaskClient) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    in_english(client)
    login_as(client, "vvg@example.org")
    assert client.get("/backoffice/mail").status_code == 200

    token = csrf_token(client, "/backoffice/mail")
    page = client.post("/atsijungti", data={"csrf_token": token}, follow_redirects=True)

    assert "You have signed out." in page.get_data(as_text=True)
    assert signed_in_user_id(client) is None
    assert client.get("/backoffice/mail").headers["Location"].startswith("/prisijungti")


def test_signing_out_needs_the_form_token(client: FlaskClient) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    login_as(client, "vvg@example.org")
    assert client.post("/atsijungti").status_code == 400
    assert client.get("/backoffice/mail").status_code == 200


def test_a_wrong_password_or_an_unknown_address_get_one_generic_message(client: FlaskClient) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    in_english(client)
    for email, password in (("vvg@example.org", "wrong-password"), ("nobody@example.org", "demo-password")):
        response = sign_in(client, email, password)
        assert response.status_code == 200
        assert "Wrong e-mail or password." in response.get_data(as_text=True)
        assert signed_in_user_id(client) is None


def test_an_account_without_a_password_never_signs_in(client: FlaskClient) -> None:
    make_user(email="invited@example.org", password_hash="")
    assert accounts.is_acceptable_password("", "invited@example.org") is False
    for password in ("", " ", "demo-password"):
        assert sign_in(client, "invited@example.org", password).status_code == 200
        assert signed_in_user_id(client) is None


def test_a_switched_off_account_does_not_sign_in(client: FlaskClient) -> None:
    make_user(email="gone@example.org", is_active=False)
    assert sign_in(client, "gone@example.org").status_code == 200
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/backoffice/mail", "/backoffice/mail"),
        ("https://evil.example/", "/backoffice/"),
        ("//evil.example/", "/backoffice/"),
        ("/\\evil.example", "/backoffice/"),
    ],
)
def test_next_leads_only_to_our_own_pages(client: FlaskClient, next_url: str, lands_on: str) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    token = csrf_token(client, "/prisijungti")
    response = client.post(
        "/prisijungti",
        query_string={"next": next_url},
        data={"csrf_token": token, "email": "vvg@example.org", "password": "demo-password"},
    )
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == lands_on
    assert not urlsplit(response.headers["Location"]).netloc


def test_a_user_id_beyond_postgresqls_integer_names_no_one_without_asking_the_database(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL refuses an id over 2**31 - 1 with an error: such a session is no one, asked of no one."""
    from shop.access import load_user
    from shop.forms import MAX_ID

    asked: list[object] = []
    real_get = db.session.get

    def get(model: Any, ident: Any, **kwargs: Any) -> Any:
        asked.append(ident)
        return real_get(model, ident, **kwargs)

    monkeypatch.setattr(db.session, "get", get)
    for user_id in (f"{MAX_ID + 1}:x", "9999999999:x", "99999999999:x", "-1:x", "²:x", ":x"):
        assert load_user(user_id) is None, user_id
    assert asked == []
    user = make_user(email="ona@example.org")
    assert load_user(f"{user.id}:not-the-fingerprint") is None
    assert asked == [user.id]


def test_signing_in_starts_a_new_session_and_keeps_the_language(client: FlaskClient) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    in_english(client)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    login_as(client, "vvg@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "en"


# Remember me and the session's lifetime -------------------------------------------------------------


def test_the_remember_cookie_is_set_only_when_asked(client: FlaskClient, clock: Any) -> None:
    make_user(email="vvg@example.org", is_staff=True)

    plain = sign_in(client, "vvg@example.org")
    assert not any("remember_token" in cookie for cookie in plain.headers.getlist("Set-Cookie"))
    assert client.get_cookie("remember_token") is None

    other = client.application.test_client()
    remembered = sign_in(other, "vvg@example.org", remember="y")
    [cookie] = [c for c in remembered.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # SESSION_COOKIE_SECURE is off in the tests
    stored = other.get_cookie("remember_token")
    assert stored is not None and stored.expires is not None
    assert stored.expires.replace(tzinfo=UTC) == START + timedelta(days=14)


def test_the_remember_cookie_is_secure_when_the_session_cookie_is(tmp_path: Path) -> None:
    settings = from_environ(str(tmp_path), {"SECRET_KEY": "x", "SESSION_COOKIE_SECURE": "true"})
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)
    assert settings["LOGIN_HOURS"] == 12
    assert from_environ(str(tmp_path), {"SECRET_KEY": "x"})["REMEMBER_COOKIE_SECURE"] is False


def test_a_sign_in_ends_after_login_hours(client: FlaskClient, clock: Any) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    in_english(client)
    login_as(client, "vvg@example.org")
    clock.move_to(START + timedelta(hours=11, minutes=59))
    assert client.get("/backoffice/mail").status_code == 200

    clock.move_to(START + timedelta(hours=12, minutes=1))
    response = client.get("/backoffice/mail")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/prisijungti")
    assert signed_in_user_id(client) is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "For your safety you have been signed out. Please sign in again." in page


def test_login_hours_come_from_the_configuration(app: Flask, client: FlaskClient, clock: Any) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    app.config["LOGIN_HOURS"] = 1
    try:
        login_as(client, "vvg@example.org")
        clock.move_to(START + timedelta(minutes=61))
        assert client.get("/backoffice/mail").status_code == 302
    finally:
        app.config["LOGIN_HOURS"] = 12


def test_a_remembered_sign_in_outlasts_login_hours_and_a_closed_browser(
    client: FlaskClient, clock: Any
) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    assert sign_in(client, "vvg@example.org", remember="y").status_code == 302
    clock.move_to(START + timedelta(hours=13))
    assert client.get("/backoffice/mail").status_code == 200

    client.delete_cookie("session")  # the browser was closed: only the remember cookie is left
    clock.move_to(START + timedelta(days=3))
    assert client.get("/backoffice/mail").status_code == 200
    assert signed_in_user_id(client) is not None

    clock.move_to(START + timedelta(days=3, hours=13))  # still within the 14 days
    assert client.get("/backoffice/mail").status_code == 200


def test_a_session_of_unknown_age_is_ended(client: FlaskClient) -> None:
    """Sessions signed before sign-ins had an age (or tampered with) start again."""
    make_user(email="vvg@example.org", is_staff=True)
    login_as(client, "vvg@example.org")
    with client.session_transaction() as session:
        del session["signed_in_at"]
    assert client.get("/backoffice/mail").status_code == 302
