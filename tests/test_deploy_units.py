"""deploy/systemd/ stays true to the shop: a timer for every cron job the README lists, each starting a
command the shop has, and app servers started with deploy/gunicorn.conf.py."""

from __future__ import annotations

import re
from configparser import ConfigParser
from pathlib import Path

import pytest
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "deploy" / "systemd"
FLASK_COMMAND = re.compile(r"\.venv/bin/flask --app app ([a-z-]+(?: [a-z-]+)?)")


def unit(path: Path) -> ConfigParser:
    parser = ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd's keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def readme_cron_commands() -> set[str]:
    return set(readme_cron_times())


def readme_cron_times() -> dict[str, str]:
    """Each cron line's command with its time, written as the timer writes it: `*:0/5` for "every five
    minutes", `*-*-* 03:30:00 Europe/Vilnius` for "daily at 03:30" (the machine's clock being Vilnius')."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```cron\n(.*?)```", readme, re.DOTALL)
    assert block, "the README's cron lines"
    times = {}
    for line in block.group(1).splitlines():
        command = FLASK_COMMAND.search(line)
        if not command:
            continue
        minute, hour, day, month, weekday = line.split()[:5]
        assert (day, month, weekday) == ("*", "*", "*"), line
        if hour == "*" and minute.startswith("*/"):
            times[command.group(1)] = f"*:0/{minute[2:]}"
        else:
            times[command.group(1)] = f"*-*-* {int(hour):02d}:{int(minute):02d}:00 Europe/Vilnius"
    return times


def test_every_cron_job_of_the_readme_has_a_timer_and_its_service() -> None:
    commands = readme_cron_commands()
    assert len(commands) >= 8
    started = {}
    for timer in UNITS.glob("*.timer"):
        service = timer.with_suffix(".service")
        assert service.is_file(), f"{timer.name} starts {service.name}, which is missing"
        assert unit(timer)["Timer"]["OnCalendar"]
        match = FLASK_COMMAND.search(unit(service)["Service"]["ExecStart"])
        assert match, service.name
        started[match.group(1)] = timer.name
    assert commands <= set(started), f"no timer for {sorted(commands - set(started))}"


def test_each_timer_runs_its_job_when_the_readmes_cron_line_does() -> None:
    for command, when in readme_cron_times().items():
        (service,) = [
            p for p in UNITS.glob("kaimo-muge-*.service") if f"flask --app app {command}" in p.read_text()
        ]
        timer = unit(service.with_suffix(".timer"))
        assert timer["Timer"]["OnCalendar"] == when, f"{service.stem}: cron says {when}"


@pytest.mark.parametrize("service", sorted(p.name for p in UNITS.glob("kaimo-muge-*.service")))
def test_each_job_runs_a_command_the_shop_has(app: Flask, service: str) -> None:
    settings = unit(UNITS / service)["Service"]
    assert settings["Type"] == "oneshot"
    assert settings["WorkingDirectory"] == "/srv/kaimo-muge"
    match = FLASK_COMMAND.search(settings["ExecStart"])
    assert match
    result = app.test_cli_runner().invoke(args=[*match.group(1).split(), "--help"])
    assert result.exit_code == 0, f"{service}: flask {match.group(1)}: {result.output}"


def test_the_app_server_runs_gunicorn_with_the_deploy_configuration_on_its_instances_port() -> None:
    settings = unit(UNITS / "kaimo-muge@.service")["Service"]
    command = settings["ExecStart"]
    assert command.startswith("/srv/kaimo-muge/.venv/bin/gunicorn --config deploy/gunicorn.conf.py ")
    assert command.endswith(":%i")  # one instance per port: kaimo-muge@8000, kaimo-muge@8001
    assert (ROOT / "deploy" / "gunicorn.conf.py").is_file()
    assert settings["Type"] == "notify"  # gunicorn's arbiter tells systemd when it serves
    # Stopping gives gunicorn's graceful_timeout (30 s) to the requests under way, then some.
    assert int(settings["TimeoutStopSec"]) > 30
