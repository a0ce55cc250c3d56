"""Fixtures of the shop's tests: the clock of the accounts tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from tests.shop.accounts import START


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """The test runs from START: the rows it makes, the cookies and links it signs are all of that day."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
