"""Accounts: signing in and out, sessions that end, attempts that are limited, mailed links that set a
password (forgotten passwords and the VVG's invitations), and switching between one's communities.

The pages are read in English (`?lang=en`, remembered by the session), so the tests hold before and
after the Lithuanian catalogue learns the new messages.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from app import create_app
from producers.members import invite_member
from producers.models import Membership
from shop import accounts
from shop.config import from_environ
from shop.db import db
from shop.models import OutboxMessage, OutboxStatus, User
from shop.passwords import verify_password
from tests.conftest import FreshContextClient, csrf_token, login_as
from tests.factories.producers import make_community
from tests.factories.shop import make_user
from tests.helpers import mails_to

LINK = re.compile(r"http://shop\.test(/slaptazodis/[A-Za-z0-9_\-.]+)")
NEW_PASSWORD = "žiemos vakaras prie pečiaus"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  #: 11:00 in Vilnius


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """The test runs from START: the rows it makes, the cookies and links it signs are all of that day."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


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


# Rate limiting ---------------------------------------------------------------------------------------


@pytest.fixture
def limited_app(app: Flask, test_config: dict[str, Any]) -> Iterator[Flask]:
    """The shop with its sign-in limits on (every other test runs without them)."""
    shop = create_app({**test_config, "RATELIMIT_ENABLED": True})
    shop.test_client_class = FreshContextClient
    yield shop
    with shop.app_context():
        db.engine.dispose()


def test_too_many_sign_ins_from_one_address_are_refused_with_the_form_again(limited_app: Flask) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    client = in_english(limited_app.test_client())
    for _attempt in range(10):
        assert sign_in(client, "vvg@example.org", "wrong-password").status_code == 200

    refused = sign_in(client, "vvg@example.org", "demo-password")  # even the right password waits now

    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Too many attempts. Please wait a few minutes and try again." in page
    assert 'value="vvg@example.org"' in page  # the form again, as typed
    assert 'name="csrf_token"' in page
    assert signed_in_user_id(client) is None

    elsewhere = in_english(limited_app.test_client())  # another machine is not held up
    response = elsewhere.post(
        "/prisijungti",
        data={
            "csrf_token": csrf_token(elsewhere, "/prisijungti"),
            "email": "vvg@example.org",
            "password": "demo-password",
        },
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert response.status_code == 302


def test_too_many_failed_sign_ins_for_one_address_are_refused_from_anywhere(limited_app: Flask) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    client = in_english(limited_app.test_client())
    token = csrf_token(client, "/prisijungti")

    def attempt(number: int, password: str, email: str = "vvg@example.org") -> Any:
        return client.post(
            "/prisijungti",
            data={"csrf_token": token, "email": email, "password": password},
            environ_base={"REMOTE_ADDR": f"10.1.{number // 200}.{number % 200 + 1}"},
        )

    for number in range(20):
        assert attempt(number, "wrong-password").status_code == 200
    assert attempt(20, "demo-password").status_code == 429
    assert attempt(21, "demo-password", "VVG@example.org").status_code == 429  # the same address
    assert attempt(22, "wrong-password", "someone-else@example.org").status_code == 200


def test_successful_sign_ins_do_not_use_up_the_address_limit(limited_app: Flask) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    for number in range(25):
        client = limited_app.test_client()
        response = client.post(
            "/prisijungti",
            data={
                "csrf_token": csrf_token(client, "/prisijungti"),
                "email": "vvg@example.org",
                "password": "demo-password",
            },
            environ_base={"REMOTE_ADDR": f"10.2.0.{number + 1}"},
        )
        assert response.status_code == 302


def test_reset_mails_are_limited_too(limited_app: Flask) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    client = in_english(limited_app.test_client())
    for _attempt in range(5):
        assert ask_for_reset(client, "vvg@example.org").status_code == 302
    refused = ask_for_reset(client, "vvg@example.org")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert len(mails_to("vvg@example.org")) == 5


def test_the_limits_stay_off_in_the_other_tests(client: FlaskClient, limited_app: Flask) -> None:
    """Each app has its own limiter: turning one on leaves the session's app alone."""
    make_user(email="vvg@example.org", is_staff=True)
    for _attempt in range(12):
        assert sign_in(client, "vvg@example.org", "wrong-password").status_code == 200


# Forgotten passwords ---------------------------------------------------------------------------------


def test_a_forgotten_password_is_replaced_through_the_mailed_link(client: FlaskClient, app: Flask) -> None:
    member = make_user(make_community(), email="ona@example.org", name="Ona")
    in_english(client)
    assert "Forgot your password?" in client.get("/prisijungti").get_data(as_text=True)

    response = ask_for_reset(client, "Ona@Example.org")

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/prisijungti"
    assert "we have sent it a link" in client.get("/prisijungti").get_data(as_text=True)
    [mail] = mails_to("ona@example.org")
    assert mail.subject == "Choose a new password for Kaimo mugė"
    assert "Hello Ona," in mail.text_body
    assert mail.status is OutboxStatus.SENT  # sent after the answer went out (here: to the mail folder)
    path = link_in(mail)

    visitor = in_english(app.test_client())  # the link may be opened in another browser
    page = visitor.get(path)
    assert page.status_code == 200
    assert "Choose a new password" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert signed_in_user_id(visitor) is None  # opening the link changes nothing

    done = choose_password(visitor, path, NEW_PASSWORD)

    assert done.status_code == 302
    assert done.headers["Location"] == "/workspace/"
    assert signed_in_user_id(visitor) == str(member.id)
    assert sign_in(app.test_client(), "ona@example.org", "demo-password").status_code == 200
    assert sign_in(app.test_client(), "ona@example.org", NEW_PASSWORD).status_code == 302

    again = in_english(app.test_client()).get(path)  # used once: never again
    assert again.status_code == 410
    text = again.get_data(as_text=True)
    assert "This link no longer works" in text and "already been used" in text
    assert 'href="/slaptazodis"' in text


def test_the_new_password_must_be_long_repeated_and_not_the_address(client: FlaskClient) -> None:
    make_user(email="ona.petraitiene@example.org")
    in_english(client)
    ask_for_reset(client, "ona.petraitiene@example.org")
    path = link_in(mails_to("ona.petraitiene@example.org")[0])

    for password, again, message in (
        ("short", None, "Use at least 10 characters."),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "The two passwords are not the same."),
        ("Ona.Petraitiene@example.org", None, "Your password must not be your e-mail address."),
        ("", None, "Enter a new password."),
    ):
        response = choose_password(client, path, password, again)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None
    assert choose_password(client, path, NEW_PASSWORD).status_code == 302  # the link still works


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client: FlaskClient) -> None:
    make_user(email="ona@example.org")
    in_english(client)
    known = ask_for_reset(client, "ona@example.org")
    known_page = client.get("/prisijungti").get_data(as_text=True)
    unknown = ask_for_reset(client, "nobody@example.org")
    unknown_page = client.get("/prisijungti").get_data(as_text=True)

    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    flash = re.compile(r'<p class="flash[^"]*">(.*?)</p>', re.S)
    assert flash.findall(known_page) == flash.findall(unknown_page) != []
    assert mails_to("nobody@example.org") == []
    assert len(mails_to("ona@example.org")) == 1


def test_a_switched_off_account_gets_no_reset_mail(client: FlaskClient) -> None:
    make_user(email="gone@example.org", is_active=False)
    assert ask_for_reset(client, "gone@example.org").status_code == 302
    assert mails_to("gone@example.org") == []


def test_a_reset_link_expires_after_password_reset_hours(client: FlaskClient, clock: Any) -> None:
    make_user(email="ona@example.org")
    in_english(client)
    ask_for_reset(client, "ona@example.org")
    [mail] = mails_to("ona@example.org")
    assert "works until 01/12/2026, 13:00" in mail.text_body  # two hours on, in Lithuanian time (UTC+2)
    path = link_in(mail)

    clock.move_to(START + timedelta(hours=1, minutes=59))
    assert client.get(path).status_code == 200

    clock.move_to(START + timedelta(hours=2, minutes=1))
    expired = client.get(path)
    assert expired.status_code == 410
    assert "The link has expired" in expired.get_data(as_text=True)
    token = csrf_token(client, "/slaptazodis")  # and the form cannot be sent through it either
    late = client.post(path, data={"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert late.status_code == 410
    assert sign_in(client, "ona@example.org").status_code == 302  # the old password still works


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        URLSafeTimedSerializer("another-secret", salt="password-reset").dumps({"user": 1, "password": "x"}),
        URLSafeTimedSerializer("test-secret-key", salt="something-else").dumps({"user": 1, "password": "x"}),
        URLSafeTimedSerializer("test-secret-key", salt="password-reset").dumps(["not", "a", "link"]),
        URLSafeTimedSerializer("test-secret-key", salt="password-reset").dumps({"user": "1", "password": 5}),
    ],
)
def test_a_forged_link_is_a_clear_page_not_an_error(client: FlaskClient, token: str) -> None:
    make_user(email="ona@example.org")
    in_english(client)
    response = client.get(f"/slaptazodis/{token}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "This link no longer works" in page
    assert "Ask for a new link" in page


def test_a_link_for_another_password_hash_counts_as_used(client: FlaskClient) -> None:
    """A signed link made for an earlier password (here: one that guesses the fingerprint) is dead."""
    user = make_user(email="ona@example.org")
    token = URLSafeTimedSerializer("test-secret-key", salt="password-reset").dumps(
        {"user": user.id, "password": "0" * 24}
    )
    assert client.get(f"/slaptazodis/{token}").status_code == 410


def test_a_newer_password_kills_every_older_link(client: FlaskClient, clock: Any) -> None:
    make_user(email="ona@example.org")
    ask_for_reset(client, "ona@example.org")
    clock.shift(timedelta(minutes=5))
    ask_for_reset(client, "ona@example.org")
    first, second = (link_in(mail) for mail in mails_to("ona@example.org"))

    assert choose_password(client, second, NEW_PASSWORD).status_code == 302

    assert client.get(first).status_code == 410


def test_the_forgot_form_needs_its_token(client: FlaskClient) -> None:
    make_user(email="ona@example.org")
    response = client.post("/slaptazodis", data={"email": "ona@example.org"})
    assert response.status_code == 400
    assert mails_to("ona@example.org") == []


def test_one_link_used_twice_at_once_sets_the_password_once(app: Flask) -> None:
    user = make_user(email="ona@example.org")
    token = accounts.make_link_token(user, accounts.RESET)
    user_id = user.id
    start = threading.Barrier(2)

    def use(password: str) -> str:
        with app.app_context():
            link = accounts.read_link_token(token)
            start.wait()
            try:
                accounts.set_password(link, password)
            except accounts.LinkNotValid:
                return "refused"
            return password

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(use, ["first password", "second password"]))

    assert outcomes.count("refused") == 1
    [winner] = [o for o in outcomes if o != "refused"]
    db.session.rollback()
    assert verify_password(db.session.get_one(User, user_id).password_hash, winner)


# Invitations -----------------------------------------------------------------------------------------


def invite(client: FlaskClient, **fields: Any) -> Any:
    data = {"csrf_token": csrf_token(client, "/backoffice/people/invite"), **fields}
    return client.post("/backoffice/people/invite", data=data)


def test_staff_invite_a_member_who_chooses_a_password_and_lands_in_the_workspace(
    client: FlaskClient, app: Flask
) -> None:
    make_user(email="vvg@example.org", name="Rūta", is_staff=True)
    krakes = make_community(name="Krakių bendruomenės centras")
    in_english(client)
    login_as(client, "vvg@example.org")
    form = client.get("/backoffice/people/invite")
    assert form.status_code == 200
    assert "Krakių bendruomenės centras" in form.get_data(as_text=True)

    response = invite(client, name="Jonas Jonaitis", email="Jonas@Example.org", community=str(krakes.id))

    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "jonas@example.org is invited to work for Krakių bendruomenės centras" in page
    db.session.rollback()  # see what the request committed
    jonas = db.session.scalars(select(User).where(User.email == "jonas@example.org")).one()
    assert jonas.name == "Jonas Jonaitis" and jonas.password_hash == "" and not jonas.is_staff
    assert [m.community_id for m in jonas.memberships] == [krakes.id]
    assert sign_in(app.test_client(), "jonas@example.org", "").status_code == 200  # no password yet

    [mail] = mails_to("jonas@example.org")
    assert "Krakių bendruomenės centras" in mail.subject
    assert "Rūta" in mail.text_body
    path = link_in(mail)
    newcomer = in_english(app.test_client())
    assert "Choose your password" in newcomer.get(path).get_data(as_text=True)

    done = choose_password(newcomer, path, NEW_PASSWORD)

    assert done.status_code == 302
    assert done.headers["Location"] == "/workspace/"
    assert signed_in_user_id(newcomer) == str(jonas.id)
    assert newcomer.get("/workspace/").status_code == 200
    assert newcomer.get(path).status_code == 410  # the invitation is used up


def test_inviting_twice_sends_again_but_never_doubles_the_membership(client: FlaskClient) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    krakes = make_community(name="Krakių bendruomenės centras")
    in_english(client)
    login_as(client, "vvg@example.org")

    assert (
        invite(client, name="Jonas", email="jonas@example.org", community=str(krakes.id)).status_code == 302
    )
    second = invite(client, name="Jonas", email="JONAS@example.org", community=str(krakes.id))

    assert second.status_code == 302
    assert "the invitation was sent again" in client.get("/backoffice/people/invite").get_data(as_text=True)
    db.session.rollback()
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.email == "jonas@example.org"))
        == 1
    )
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 1
    first_mail, second_mail = mails_to("jonas@example.org")
    assert first_mail.dedup_key != second_mail.dedup_key
    assert link_in(first_mail) and link_in(second_mail)  # no password yet: both carry a link


def test_invitations_at_the_same_moment_make_one_account_and_one_membership(app: Flask) -> None:
    staff_id = make_user(is_staff=True).id
    community_id = make_community().id
    start = threading.Barrier(8)

    def invite_once(_number: int) -> bool:
        with app.app_context():
            start.wait()
            staff = db.session.get_one(User, staff_id)
            return invite_member("Jonas", "jonas@example.org", community_id, by=staff).new_member

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(invite_once, range(8)))

    assert outcomes.count(True) == 1
    db.session.rollback()
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.email == "jonas@example.org"))
        == 1
    )
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 1
    assert len(mails_to("jonas@example.org")) == 8


def test_a_person_may_be_invited_to_several_communities(app: Flask) -> None:
    staff = make_user(is_staff=True)
    krakes, pagiriai = make_community(), make_community()
    member = make_user(krakes, email="ona@example.org")  # already works for Krakės, with a password

    invitation = invite_member("Ona", " Ona@Example.org ", pagiriai.id, by=staff)

    assert invitation.new_member and invitation.user_id == member.id
    db.session.rollback()
    assert sorted(m.community_id for m in db.session.get_one(User, member.id).memberships) == sorted(
        [krakes.id, pagiriai.id]
    )
    [mail] = mails_to("ona@example.org")
    assert "/slaptazodis/" not in mail.text_body  # she has a password: she signs in as usual
    assert "http://shop.test/prisijungti" in mail.text_body
    assert db.session.get_one(User, member.id).password_hash != ""


def test_an_invalid_address_is_shown_again_with_a_message(client: FlaskClient) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    krakes = make_community()
    in_english(client)
    login_as(client, "vvg@example.org")

    response = invite(client, name="Jonas", email="jonas at example", community=str(krakes.id))

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter an e-mail address like vardas@example.lt." in page
    assert 'value="jonas at example"' in page and 'value="Jonas"' in page
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert mails_to("jonas at example") == []


@pytest.mark.parametrize("community", ["", "999999", "abc", "closed"])
def test_the_community_must_be_one_of_the_active_ones(client: FlaskClient, community: str) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    closed = make_community(is_active=False)
    in_english(client)
    login_as(client, "vvg@example.org")
    assert f'value="{closed.id}"' not in client.get("/backoffice/people/invite").get_data(as_text=True)

    chosen = str(closed.id) if community == "closed" else community  # switched off: not offered, not taken
    response = invite(client, name="Jonas", email="jonas@example.org", community=chosen)

    assert response.status_code == 400
    assert "Choose a community." in response.get_data(as_text=True)
    assert mails_to("jonas@example.org") == []


def test_the_invitation_page_is_for_staff_only(client: FlaskClient) -> None:
    krakes = make_community()
    anonymous = client.get("/backoffice/people/invite")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/prisijungti?next=")

    make_user(krakes, email="ona@example.org")
    login_as(client, "ona@example.org")
    assert client.get("/backoffice/people/invite").status_code == 403
    token = csrf_token(client, "/prisijungti")
    attempt = client.post(
        "/backoffice/people/invite",
        data={"csrf_token": token, "name": "Eve", "email": "eve@example.org", "community": str(krakes.id)},
    )
    assert attempt.status_code == 403
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.email == "eve@example.org")) == 0
    )


def test_the_invitation_form_needs_its_token(client: FlaskClient) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    krakes = make_community()
    login_as(client, "vvg@example.org")
    response = client.post(
        "/backoffice/people/invite",
        data={"name": "Jonas", "email": "jonas@example.org", "community": krakes.id},
    )
    assert response.status_code == 400
    assert mails_to("jonas@example.org") == []


def test_an_invitation_link_expires_after_invitation_days(client: FlaskClient, clock: Any) -> None:
    staff = make_user(is_staff=True)
    krakes = make_community()
    invite_member("Jonas", "jonas@example.org", krakes.id, by=staff)
    path = link_in(mails_to("jonas@example.org")[0])
    clock.move_to(START + timedelta(days=6, hours=23))
    assert client.get(path).status_code == 200
    clock.move_to(START + timedelta(days=7, minutes=1))
    assert client.get(path).status_code == 410


# Switching between one's communities -----------------------------------------------------------------


def switch(client: FlaskClient, community_id: object, next_url: str = "/katalogas") -> Any:
    token = csrf_token(client, "/prisijungti")
    return client.post(
        "/workspace/community", data={"csrf_token": token, "community_id": community_id, "next": next_url}
    )


def test_a_member_of_two_communities_switches_between_them(client: FlaskClient) -> None:
    krakes = make_community(name="Krakės")
    pagiriai = make_community(name="Pagiriai", story_lt="Pagirių istorija")
    member = make_user(krakes, email="ona@example.org")
    db.session.add(Membership(user_id=member.id, community_id=pagiriai.id))
    db.session.commit()
    in_english(client)
    login_as(client, "ona@example.org")

    response = switch(client, pagiriai.id)

    assert response.status_code == 302
    assert response.headers["Location"] == "/katalogas"
    with client.session_transaction() as session:
        assert session["community_id"] == pagiriai.id
    assert "You are now working for Pagiriai." in client.get("/katalogas").get_data(as_text=True)
    assert "Pagirių istorija" in client.get("/workspace/settings").get_data(as_text=True)  # its own settings

    assert switch(client, krakes.id).status_code == 302
    with client.session_transaction() as session:
        assert session["community_id"] == krakes.id


@pytest.mark.parametrize("wanted", ["other", "inactive", "nonsense"])
def test_a_member_cannot_switch_to_a_community_they_do_not_belong_to(
    client: FlaskClient, wanted: str
) -> None:
    krakes = make_community()
    others = {
        "other": make_community().id,
        "inactive": make_community(is_active=False).id,  # switched off, and never theirs
        "nonsense": "abc",
    }
    make_user(krakes, email="ona@example.org")
    login_as(client, "ona@example.org")

    assert switch(client, others[wanted]).status_code == 404
    with client.session_transaction() as session:
        assert session.get("community_id") is None


def test_switching_is_for_members_only(client: FlaskClient) -> None:
    krakes = make_community()
    assert switch(client, krakes.id).headers["Location"].startswith("/prisijungti")
    make_user(email="vvg@example.org", is_staff=True)  # staff work for no community
    login_as(client, "vvg@example.org")
    assert switch(client, krakes.id).status_code == 403


def test_switching_needs_the_form_token(client: FlaskClient) -> None:
    krakes, pagiriai = make_community(), make_community()
    member = make_user(krakes, email="ona@example.org")
    db.session.add(Membership(user_id=member.id, community_id=pagiriai.id))
    db.session.commit()
    login_as(client, "ona@example.org")
    response = client.post("/workspace/community", data={"community_id": pagiriai.id, "next": "/katalogas"})
    assert response.status_code == 400


def test_a_password_reset_ends_every_other_sign_in_remembered_ones_too(
    app: Flask, client: FlaskClient
) -> None:
    member = make_user(make_community(), email="aldona@example.org")
    other = app.test_client()
    token = csrf_token(other, "/prisijungti")
    other.post("/prisijungti", data={"csrf_token": token, "email": "aldona@example.org",
                                     "password": "demo-password", "remember": "y"})  # fmt: skip
    assert other.get("/workspace/listings").status_code == 200
    with app.test_request_context():
        link = accounts.make_link_token(db.session.get_one(User, member.id), accounts.RESET)
    page = f"/slaptazodis/{link}"
    form = {
        "csrf_token": csrf_token(client, page),
        "password": "naujas-slaptazodis-1",
        "confirm": "naujas-slaptazodis-1",
    }
    client.post(page, data=form)
    assert signed_in_user_id(client) == str(member.id)  # the person who reset it is signed in
    assert other.get("/workspace/listings").status_code == 302  # the other browser's sign-in has ended
    other.delete_cookie("session")
    assert other.get("/workspace/listings").status_code == 302  # and its remember cookie brings nothing back
