"""Sessions that end on the server: a copied cookie opens nothing after signing out, "sign out everywhere"
ends the other browsers, and expired sign-ins are cleaned away."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from shop import sign_ins
from shop.db import db
from shop.models import SignIn
from tests.conftest import csrf_token, login_as
from tests.factories.producers import make_community
from tests.factories.shop import make_user
from tests.helpers import count
from tests.shop.accounts import START, in_english, sign_in, signed_in_user_id

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def sign_out(client: FlaskClient, page: str) -> None:
    response = client.post("/atsijungti", data={"csrf_token": csrf_token(client, page)})
    assert response.status_code == 302


def replay(app: Flask, cookies: dict[str, str]) -> FlaskClient:
    """Another browser holding copies of these cookies (and nothing else)."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def cookie(client: FlaskClient, name: str) -> str:
    stored = client.get_cookie(name)
    assert stored is not None, name
    return stored.value


@pytest.mark.parametrize(
    ("email", "page"),
    [("ona@example.org", "/workspace/orders"), ("vvg@example.org", "/backoffice/orders")],
)
def test_a_session_cookie_copied_before_signing_out_opens_nothing_after(
    app: Flask, client: FlaskClient, email: str, page: str
) -> None:
    make_user(make_community(), email="ona@example.org")
    make_user(email="vvg@example.org", is_staff=True)
    login_as(client, email)
    copied = cookie(client, "session")
    assert replay(app, {"session": copied}).get(page).status_code == 200  # the copy works while signed in

    sign_out(client, page)

    response = replay(app, {"session": copied}).get(page)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/prisijungti")
    assert count(SignIn) == 0


def test_a_remember_cookie_copied_before_signing_out_opens_nothing_after(
    app: Flask, client: FlaskClient
) -> None:
    make_user(make_community(), email="ona@example.org")
    assert sign_in(client, "ona@example.org", remember="y").status_code == 302
    copied = cookie(client, "remember_token")
    assert replay(app, {"remember_token": copied}).get("/workspace/orders").status_code == 200

    sign_out(client, "/workspace/orders")

    thief = replay(app, {"remember_token": copied})
    response = thief.get("/workspace/orders")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/prisijungti")
    assert signed_in_user_id(thief) is None
    assert thief.get_cookie("remember_token") is None  # and the dead cookie is cleared from that browser


def test_signing_out_everywhere_ends_the_other_browsers_but_not_this_one(
    app: Flask, client: FlaskClient
) -> None:
    make_user(make_community(), email="ona@example.org", name="Ona")
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = PHONE
    assert sign_in(phone, "ona@example.org", remember="y").status_code == 302
    laptop = in_english(client)
    laptop.environ_base["HTTP_USER_AGENT"] = FIREFOX
    login_as(laptop, "ona@example.org")

    page = laptop.get("/paskyra")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "Firefox, Windows</strong> — this browser" in text
    assert "Chrome Mobile, Android</strong><br>" in text
    assert "kept signed in" in text
    assert 'href="/paskyra"' in laptop.get("/workspace/").get_data(as_text=True)  # reached from the header

    done = laptop.post("/paskyra/atsijungti-visur", data={"csrf_token": csrf_token(laptop, "/paskyra")})

    assert done.status_code == 302
    after = laptop.get(done.headers["Location"]).get_data(as_text=True)
    assert "1 other sign-in was ended. You stay signed in here." in after
    assert "Chrome Mobile, Android" not in after
    assert laptop.get("/workspace/orders").status_code == 200
    assert phone.get("/workspace/orders").status_code == 302
    assert phone.get_cookie("remember_token") is None


def test_signing_out_everywhere_needs_the_form_token_and_a_sign_in(client: FlaskClient) -> None:
    make_user(make_community(), email="ona@example.org")
    assert client.get("/paskyra").headers["Location"].startswith("/prisijungti")
    login_as(client, "ona@example.org")
    assert client.post("/paskyra/atsijungti-visur").status_code == 400


def test_a_password_reset_ends_the_other_sign_ins_on_the_server(app: Flask, client: FlaskClient) -> None:
    from shop import accounts

    user = make_user(make_community(), email="ona@example.org")
    login_as(client, "ona@example.org")
    assert count(SignIn) == 1
    link = accounts.read_link_token(accounts.make_link_token(user, accounts.RESET))
    accounts.set_password(link, "žiemos vakaras prie pečiaus")
    assert count(SignIn) == 0
    assert client.get("/workspace/orders").status_code == 302


def test_last_seen_is_written_at_most_every_few_minutes(client: FlaskClient, clock: Any) -> None:
    make_user(make_community(), email="ona@example.org")
    login_as(client, "ona@example.org")

    def last_seen() -> Any:
        db.session.rollback()
        return db.session.scalars(select(SignIn.last_seen_at)).one()

    assert last_seen() == START
    clock.move_to(START + timedelta(minutes=4))
    client.get("/workspace/")
    assert last_seen() == START  # not on every request
    clock.move_to(START + timedelta(minutes=6))
    client.get("/workspace/")
    assert last_seen() == START + timedelta(minutes=6)


def test_expired_sign_ins_are_cleaned_by_the_job_and_at_the_next_sign_in(
    app: Flask, client: FlaskClient, clock: Any
) -> None:
    make_user(make_community(), email="ona@example.org")
    login_as(client, "ona@example.org")  # ends after LOGIN_HOURS (12)
    assert sign_in(app.test_client(), "ona@example.org", remember="y").status_code == 302  # after 14 days
    clock.move_to(START + timedelta(hours=13))

    result = app.test_cli_runner().invoke(args=["accounts", "clean-sign-ins"])

    def kept() -> list[bool]:
        db.session.rollback()
        return [row.remembered for row in db.session.scalars(select(SignIn))]

    assert result.exit_code == 0, result.output
    assert "Deleted 1 expired sign-in(s)." in result.output
    assert kept() == [True]
    clock.move_to(START + timedelta(days=14, hours=1))
    login_as(app.test_client(), "ona@example.org")  # a new sign-in takes the person's expired ones away
    assert kept() == [False]
    assert sign_ins.summarise_user_agent(FIREFOX) == "Firefox, Windows"
    assert sign_ins.summarise_user_agent("<script>") == ""
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 "
        "Safari/604.1"
    )
    assert sign_ins.summarise_user_agent(iphone) == "Mobile Safari, iOS"


def test_signing_in_again_in_the_same_browser_ends_its_earlier_sign_in(
    app: Flask, client: FlaskClient
) -> None:
    make_user(make_community(), email="ona@example.org")
    login_as(client, "ona@example.org")
    copied = cookie(client, "session")

    login_as(client, "ona@example.org")

    assert count(SignIn) == 1
    assert replay(app, {"session": copied}).get("/workspace/orders").status_code == 302
    assert client.get("/workspace/orders").status_code == 200
