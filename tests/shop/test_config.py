from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from shop.config import ConfigError, check_order_limits, database_url, from_environ
from shop.db import db

ROOT = Path(__file__).resolve().parents[2]


def start_shop(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run `flask --app app routes` as an operator would, with the given environment."""
    env = {**os.environ, "SECRET_KEY": "x", "MEDIA_ROOT": str(tmp_path), **environment}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "routes"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    "url", ["not a url", "postgresql://user@host:notaport/db", "mysql://root@localhost/shop"]
)
def test_a_malformed_database_url_stops_the_shop_with_one_clear_line(tmp_path: Path, url: str) -> None:
    result = start_shop(tmp_path, DATABASE_URL=url)
    assert result.returncode == 1
    assert "Kaimo mugė cannot start: DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_stops_the_shop_with_one_clear_line(tmp_path: Path) -> None:
    result = start_shop(tmp_path, DATABASE_URL="postgresql://nobody@127.0.0.1:1/nothing")
    assert result.returncode == 1
    assert (
        "Kaimo mugė cannot start: Cannot reach the database postgresql+psycopg://nobody@127.0.0.1:1/nothing"
        in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_a_good_database_url_starts_the_shop(tmp_path: Path) -> None:
    result = start_shop(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'shop.db'}")
    assert result.returncode == 0, result.stderr
    assert "catalogue_storefront.product_list" in result.stdout


def test_postgres_urls_use_psycopg_3_and_fail_fast() -> None:
    assert (
        database_url("postgres://u:p@db:5432/shop")
        == "postgresql+psycopg://u:p@db:5432/shop?connect_timeout=10"
    )
    assert (
        database_url("postgresql://u@db/shop?connect_timeout=3")
        == "postgresql+psycopg://u@db/shop?connect_timeout=3"
    )
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
    with pytest.raises(ConfigError):
        database_url("postgresql+psycopg2://u@db/shop")


def test_the_default_database_is_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    config = from_environ(str(tmp_path), environ={})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'kaimo-muge.db'}"
    assert config["MEDIA_ROOT"] == str(tmp_path / "media")


def test_a_secret_key_is_generated_once_into_the_instance_folder_when_none_is_given(tmp_path: Path) -> None:
    first = from_environ(str(tmp_path), environ={})["SECRET_KEY"]
    second = from_environ(str(tmp_path), environ={})["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert from_environ(str(tmp_path), environ={"SECRET_KEY": "from-env"})["SECRET_KEY"] == "from-env"


def test_gunicorn_finds_the_factory(tmp_path: Path) -> None:
    env = {**os.environ, "SECRET_KEY": "x", "MEDIA_ROOT": str(tmp_path)}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'g.db'}"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "--check-config", "app:create_app()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_behind_one_proxy_the_visitors_own_address_is_used(test_config: dict[str, Any]) -> None:
    from app import create_app

    shop = create_app({**test_config, "PROXY_COUNT": 1})

    @shop.get("/_whoami")
    def whoami() -> str:
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    answer = shop.test_client().get(
        "/_whoami", headers={"X-Forwarded-For": "84.15.1.2", "X-Forwarded-Proto": "https"}
    )
    assert answer.get_data(as_text=True) == "84.15.1.2 https"
    with shop.app_context():
        db.engine.dispose()


def test_another_name_of_the_shop_is_served_when_the_operator_lists_it(
    tmp_path: Path, test_config: dict[str, Any]
) -> None:
    """EXTRA_HOSTS adds names the shop answers to (a `www.` alias); links still name SITE_URL."""
    from app import create_app

    settings = from_environ(
        str(tmp_path), environ={"SITE_URL": "https://kaimomuge.lt", "EXTRA_HOSTS": " www.kaimomuge.lt, "}
    )
    assert settings["EXTRA_HOSTS"] == ["www.kaimomuge.lt"]
    shop = create_app(
        {**test_config, "SITE_URL": settings["SITE_URL"], "EXTRA_HOSTS": settings["EXTRA_HOSTS"]}
    )
    client = shop.test_client()
    robots = client.get("/robots.txt", headers={"Host": "www.kaimomuge.lt"})
    assert robots.status_code == 200
    assert "Sitemap: https://kaimomuge.lt/sitemap.xml" in robots.get_data(as_text=True)
    assert client.get("/robots.txt", headers={"Host": "kaimomuge.lt.evil.example"}).status_code == 400
    with shop.app_context():
        db.engine.dispose()


def served_commands(*assignments: str) -> list[str]:
    """What `make run` would run (make -n prints it without running it): the seeding and serving lines."""
    printed = subprocess.run(
        ["make", "-n", "run", *assignments], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return [line for line in printed if " seed-demo " in line or " run --host " in line]


def test_make_run_on_another_port_mails_links_to_that_port() -> None:
    seeding, serving = served_commands("PORT=5077")
    assert seeding.startswith("SITE_URL=http://127.0.0.1:5077 ")
    assert serving.startswith("SITE_URL=http://127.0.0.1:5077 ") and serving.endswith("--port 5077")
    assert all(
        line.startswith("SITE_URL=https://shop.example ")
        for line in served_commands("SITE_URL=https://shop.example")
    )


def test_the_bank_file_is_in_sepa_basic_latin_unless_the_operator_says_otherwise(tmp_path: Path) -> None:
    assert from_environ(str(tmp_path), {})["SEPA_BASIC_LATIN"] is True
    assert from_environ(str(tmp_path), {"SEPA_BASIC_LATIN": "0"})["SEPA_BASIC_LATIN"] is False


def test_the_checkout_limits_and_caps_on_unpaid_orders_have_safe_defaults(tmp_path: Path) -> None:
    settings = from_environ(str(tmp_path), {})
    check_order_limits(settings)
    assert settings["CHECKOUT_ORDERS_PER_IP"] == "6 per hour;15 per day"
    assert settings["CHECKOUT_ORDERS_PER_EMAIL"] == "4 per hour;10 per day"
    assert (settings["UNPAID_ORDERS_PER_EMAIL"], settings["UNPAID_ORDERS_PER_IP"]) == (2, 2)
    assert (settings["UNPAID_STOCK_SHARE"], settings["MAX_LINE_QUANTITY"]) == (0.5, 20)
    changed = from_environ(str(tmp_path), {"CHECKOUT_ORDERS_PER_IP": "3/hour", "MAX_LINE_QUANTITY": "50"})
    assert (changed["CHECKOUT_ORDERS_PER_IP"], changed["MAX_LINE_QUANTITY"]) == ("3/hour", 50)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CHECKOUT_ORDERS_PER_IP", "many per hour"),
        ("CHECKOUT_ORDERS_PER_EMAIL", "5 per fortnight"),
        ("UNPAID_ORDERS_PER_EMAIL", "0"),
        ("UNPAID_STOCK_SHARE", "1.5"),
        ("MAX_LINE_QUANTITY", "-3"),
    ],
)
def test_a_checkout_limit_that_cannot_work_stops_the_shop_with_one_clear_line(
    tmp_path: Path, name: str, value: str
) -> None:
    with pytest.raises(ConfigError, match=name):
        check_order_limits(from_environ(str(tmp_path), {name: value}))
