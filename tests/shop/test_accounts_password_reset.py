"""Forgotten passwords: a mailed link sets a new one, once, before it expires; a new password ends every
other sign-in.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from shop import accounts
from shop.db import db
from shop.models import OutboxStatus, User
from shop.passwords import verify_password
from tests.conftest import csrf_token
from tests.factories.producers import make_community
from tests.factories.shop import make_user
from tests.helpers import mails_to
from tests.shop.accounts import (
    NEW_PASSWORD,
    START,
    ask_for_reset,
    choose_password,
    in_english,
    link_in,
    sign_in,
    signed_in_user_id,
)


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
    # Named, not shown: a signed token holds the moment it was made, and pytest-xdist's workers must
    # collect the same test ids.
    ids=["not-a-token", "another-secret", "another-salt", "not-a-mapping", "wrong-types"],
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
