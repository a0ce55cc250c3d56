"""`/healthz` for nginx, a load balancer or a monitor: 200 when the database (and Redis, when the limiter
counts there) answers, 503 naming the part that does not; never kept, never a cookie, any Host."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from app import create_app
from shop.db import db
from tests.helpers import running
from tests.mail_server import free_port

#: The Redis the machine runs (CI starts it too); the health check only sends it PING.
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/1")


def get_health(shop: Flask, **headers: str) -> TestResponse:
    return shop.test_client().get("/healthz", headers=headers)


def body(response: TestResponse) -> dict[str, Any]:
    assert response.mimetype == "application/json"
    answer: dict[str, Any] = json.loads(response.get_data(as_text=True))
    return answer


def test_a_healthy_shop_answers_200_with_its_database_named(app: Flask) -> None:
    response = get_health(app)
    assert response.status_code == 200
    assert body(response) == {"status": "ok", "database": "ok", "media": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_a_load_balancer_asking_by_the_nodes_own_address_is_answered(app: Flask) -> None:
    assert get_health(app, Host="shop.test").status_code == 200
    page = app.test_client().get("/", headers={"Host": "10.0.0.7:8000"})
    assert page.status_code == 400  # the shop's pages refuse a host they do not know …
    assert get_health(app, Host="10.0.0.7:8000").status_code == 200  # … the health check does not


def test_asking_in_english_changes_nothing_and_sets_no_cookie(app: Flask) -> None:
    response = app.test_client().get("/healthz?lang=en")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_a_head_request_is_answered_and_a_post_is_not_allowed(app: Flask) -> None:
    client = app.test_client()
    assert client.head("/healthz").status_code == 200
    refused = client.post("/healthz")
    assert refused.status_code == 405
    assert refused.headers["Allow"] == "GET, HEAD"


def test_the_redis_of_the_rate_limits_is_checked_when_configured(test_config: dict[str, Any]) -> None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # skipped on a machine without Redis; CI has one, and must run this
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    with running(
        create_app({**test_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS_URL})
    ) as shop:
        response = get_health(shop)
    assert response.status_code == 200
    assert body(response) == {"status": "ok", "database": "ok", "redis": "ok", "media": "ok"}


def test_a_redis_nobody_answers_at_makes_it_503_naming_redis(
    test_config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    nobody = f"redis://127.0.0.1:{free_port()}/1"
    with running(
        create_app({**test_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": nobody})
    ) as shop:
        response = get_health(shop)
    assert response.status_code == 503
    assert body(response) == {"status": "failed", "database": "ok", "redis": "failed", "media": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Health check: redis failed" in caplog.text  # the reason goes to the log, not to the visitor


def test_a_database_gone_away_makes_it_503_naming_the_database(
    test_config: dict[str, Any], tmp_path: Path
) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    shop = create_app({**test_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'shop.db'}"})
    with running(shop):
        assert get_health(shop).status_code == 200
        shutil.rmtree(folder)  # the disk the database was on is gone
        db.engine.dispose()  # the connections still open would hide it
        response = get_health(shop)
    assert response.status_code == 503
    assert body(response) == {"status": "failed", "database": "failed", "media": "ok"}


def test_a_switched_off_limiter_needs_no_redis(test_config: dict[str, Any]) -> None:
    nobody = f"redis://127.0.0.1:{free_port()}/1"
    with running(
        create_app({**test_config, "RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": nobody})
    ) as shop:
        response = get_health(shop)
    assert response.status_code == 200
    assert body(response) == {"status": "ok", "database": "ok", "media": "ok"}


def test_a_media_bucket_nobody_answers_at_makes_it_503_naming_media(app: Flask, silent_s3: str) -> None:
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert body(response)["media"] == "failed"
    assert body(response)["database"] == "ok"
