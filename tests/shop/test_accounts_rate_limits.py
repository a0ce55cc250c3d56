"""Attempts that are limited: sign-ins from one IP address, for one account from one browser, for one
account from browsers it never used; and password link mails. A stranger's failures never lock the owner
out of a browser they have signed in from, the wait is told truly, and a reset link always gets in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from shop.db import db
from tests.conftest import FreshContextClient, csrf_token
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


@pytest.fixture
def limited_app(app: Flask, test_config: dict[str, Any]) -> Iterator[Flask]:
    """The shop with its sign-in limits on (every other test runs without them)."""
    shop = create_app({**test_config, "RATELIMIT_ENABLED": True})
    shop.test_client_class = FreshContextClient
    yield shop
    with shop.app_context():
        db.engine.dispose()


def test_too_many_sign_ins_from_one_address_are_refused_with_the_form_again(
    limited_app: Flask, clock: Any
) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    client = in_english(limited_app.test_client())
    for _attempt in range(10):
        assert sign_in(client, "vvg@example.org", "wrong-password").status_code == 200

    refused = sign_in(client, "vvg@example.org", "demo-password")  # even the right password waits now

    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    # Ten a minute from one IP address, and ten failures an hour for the account from this browser: the
    # later of the two is the truth.
    assert "Too many attempts. Please try again in 60 minutes." in page
    assert "If this is your account" not in page  # the account is not locked: only this client is
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
    locked = attempt(20, "demo-password")
    assert locked.status_code == 429
    assert "choose a new password through “Forgot your password?”" in locked.get_data(as_text=True)
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


def post_sign_in(client: FlaskClient, ip: str, password: str, email: str = "ona@example.org") -> Any:
    token = csrf_token(client, "/prisijungti")
    return client.post(
        "/prisijungti",
        data={"csrf_token": token, "email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def strangers_fail(limited_app: Flask, times: int, email: str = "ona@example.org") -> None:
    """A stranger tries passwords for the account from `times` machines of their own."""
    stranger = limited_app.test_client()
    for number in range(times):
        assert (
            post_sign_in(stranger, f"10.66.0.{number + 1}", "guess-" + str(number), email).status_code == 200
        )


def test_the_owner_signs_in_from_their_own_browser_after_a_strangers_twenty_failures(
    limited_app: Flask,
) -> None:
    make_user(make_community(), email="ona@example.org")
    owner = in_english(limited_app.test_client())
    signed_in = post_sign_in(owner, "10.1.1.1", "demo-password")  # signed in from this browser before
    assert signed_in.status_code == 302
    [device] = [c for c in signed_in.headers.getlist("Set-Cookie") if c.startswith("kaimo_device=")]
    assert "Path=/prisijungti" in device and "HttpOnly" in device and "SameSite=Lax" in device
    assert "ona" not in device  # a hash of the address, never the address
    owner.post("/atsijungti", data={"csrf_token": csrf_token(owner, "/workspace/")})

    strangers_fail(limited_app, 20)
    assert post_sign_in(limited_app.test_client(), "10.66.1.1", "demo-password").status_code == 429

    assert post_sign_in(owner, "10.1.1.1", "demo-password").status_code == 302  # the owner is not held up
    assert owner.get("/workspace/").status_code == 200


def test_a_browser_the_owner_never_used_is_held_up_but_a_reset_link_still_gets_in(
    limited_app: Flask,
) -> None:
    member = make_user(make_community(), email="ona@example.org")
    strangers_fail(limited_app, 20)
    new_phone = in_english(limited_app.test_client())
    locked = post_sign_in(new_phone, "10.1.1.2", "demo-password")
    assert locked.status_code == 429
    assert "Forgot your password?" in locked.get_data(as_text=True)

    assert ask_for_reset(new_phone, "ona@example.org").status_code == 302  # the reset is not locked
    path = link_in(mails_to("ona@example.org")[-1])
    done = choose_password(new_phone, path, NEW_PASSWORD)

    assert done.status_code == 302
    assert signed_in_user_id(new_phone) == str(member.id)
    assert new_phone.get("/workspace/").status_code == 200
    new_phone.post("/atsijungti", data={"csrf_token": csrf_token(new_phone, "/workspace/")})
    # the link proved the mailbox: this browser is the owner's now, and signs in despite the lock
    assert post_sign_in(new_phone, "10.1.1.2", NEW_PASSWORD).status_code == 302


def test_a_locked_browser_is_told_truly_how_long_to_wait(limited_app: Flask, clock: Any) -> None:
    make_user(make_community(), email="ona@example.org")
    strangers_fail(limited_app, 1)  # the hour's window opens with the first failure
    clock.move_to(START + timedelta(minutes=23))
    strangers_fail(limited_app, 19)
    browser = in_english(limited_app.test_client())

    refused = post_sign_in(browser, "10.1.1.3", "demo-password")

    assert refused.status_code == 429
    assert "Too many attempts. Please try again in 37 minutes." in refused.get_data(as_text=True)
    lithuanian = limited_app.test_client()
    lithuanian.get("/?lang=lt")
    in_lithuanian = post_sign_in(lithuanian, "10.1.1.4", "demo-password").get_data(as_text=True)
    assert "Per daug bandymų. Bandykite vėl po 37 minučių." in in_lithuanian
    clock.move_to(START + timedelta(minutes=59, seconds=30))
    assert "Please try again in 1 minute." in post_sign_in(browser, "10.1.1.3", "x").get_data(as_text=True)
    clock.move_to(START + timedelta(hours=1, seconds=1))
    assert post_sign_in(browser, "10.1.1.3", "demo-password").status_code == 302  # the window has passed


def test_a_trusted_browsers_own_failures_are_limited_for_it_alone(limited_app: Flask) -> None:
    make_user(make_community(), email="ona@example.org")
    owner = limited_app.test_client()
    assert post_sign_in(owner, "10.1.1.5", "demo-password").status_code == 302
    owner.post("/atsijungti", data={"csrf_token": csrf_token(owner, "/workspace/")})
    for number in range(10):  # spread over IP addresses: the browser is what is counted
        assert post_sign_in(owner, f"10.1.2.{number + 1}", "wrong-password").status_code == 200
    assert post_sign_in(owner, "10.1.3.1", "demo-password").status_code == 429
    # the address itself is not locked for others by a trusted browser's failures
    assert post_sign_in(limited_app.test_client(), "10.1.3.2", "demo-password").status_code == 302


def test_sign_in_limits_come_from_the_configuration(test_config: dict[str, Any]) -> None:
    from shop.config import ConfigError, check_sign_in_limits, from_environ

    settings = from_environ("/tmp", {"SECRET_KEY": "x", "SIGN_IN_FAILURES_PER_ADDRESS": "50 per day"})
    assert settings["SIGN_IN_FAILURES_PER_ADDRESS"] == "50 per day"
    assert settings["SIGN_IN_FAILURES_PER_CLIENT"] == "10 per hour"
    assert settings["DEVICE_COOKIE_DAYS"] == 365
    check_sign_in_limits(settings)
    with pytest.raises(ConfigError, match="SIGN_IN_FAILURES_PER_IP"):
        check_sign_in_limits({**settings, "SIGN_IN_FAILURES_PER_IP": "lots"})
