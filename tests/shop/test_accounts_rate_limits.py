"""Attempts that are limited: sign-ins from one address and for one account, and password link mails."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from shop.db import db
from tests.conftest import FreshContextClient, csrf_token
from tests.factories.shop import make_user
from tests.helpers import mails_to
from tests.shop.accounts import ask_for_reset, in_english, sign_in, signed_in_user_id


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
