"""Fixtures of the producers tests: VVG staff signed in, reading English."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shop.models import User
from tests.conftest import login_as
from tests.factories.shop import make_user


@pytest.fixture
def staff(client: FlaskClient, app: Flask) -> User:
    user = make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    client.get("/?lang=en")  # the assertions below read the English words
    login_as(client, "vida@vvg.example.org")
    return user
