"""`pytest --clock-ahead DAYS`: the whole session runs with the clock that many days ahead of today.

Proof that no test depends on today's date. Inside the shifted session the clock keeps ticking, and the
tests' own `time_machine.travel(...)` calls nest inside it as they do on a normal day. A test that signs a
cookie or stamps a row at the (shifted) real time and then travels to a fixed date fails here, as it
would fail for real once the calendar passes that date. `make test` runs the suite this way too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

_KEY = pytest.StashKey[time_machine.travel]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-ahead",
        type=int,
        default=0,
        metavar="DAYS",
        help="run the whole session with the clock DAYS days ahead of today (it keeps ticking)",
    )


def pytest_configure(config: pytest.Config) -> None:
    days: int = config.getoption("clock_ahead")
    if days:
        traveller = time_machine.travel(datetime.now(UTC) + timedelta(days=days), tick=True)
        traveller.start()
        config.stash[_KEY] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_KEY, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    days: int = config.getoption("clock_ahead")
    if days:
        return f"clock: {days} days ahead, it is now {datetime.now(UTC):%Y-%m-%d %H:%M} UTC for every test"
    return None
