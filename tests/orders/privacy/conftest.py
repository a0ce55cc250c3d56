"""Fixtures of the privacy tests: the clock every test runs on (START), the VVG and a member of its staff."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from flask import Flask

from shop.models import User
from tests.factories.shop import make_operator, make_user
from tests.orders.privacy.customers import START


@pytest.fixture
def clock(app: Flask) -> Iterator[time_machine.Traveller]:
    """The test runs from START: every row it makes, every link it signs is of that day (move it on with
    `clock.move_to`)."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(clock: time_machine.Traveller) -> User:
    make_operator()
    return make_user(email="vida@vvg.example.org", name="Vida Vadovė", is_staff=True)


@pytest.fixture(autouse=True)
def own_mail_folder(app: Flask, tmp_path: Path) -> None:
    """Each test's .eml copies in a folder of its own: message ids start again in every test, so another
    test's copy of a mail with the same id (to the same demo customer) must not be read as this one's."""
    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")
