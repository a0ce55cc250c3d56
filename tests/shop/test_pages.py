"""What every storefront response promises: security headers, friendly errors, no 500 on junk."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from app import create_app
from shop.db import db
from tests.conftest import csrf_token
from tests.factories.catalogue import make_product
from tests.factories.producers import make_community


@pytest.mark.parametrize("path", ["/", "/katalogas", "/nera", "/static/css/shop.css"])
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    response.close()


@pytest.mark.parametrize(
    "path",
    [
        "/produktai/%00",
        "/bendruomenes/a%00b",
        "/katalogas?q=%00",
        "/katalogas?community=%00&category=%00",
        "/produktai/" + "x" * 3000,
        "/bendruomenes/nera?page=abc",
        "/media/..%2f..%2fetc%2fpasswd",
        "/media/%ff",
        "/katalogas/",
        "/sitemap.xml?page=-1",
    ],
)
def test_junk_addresses_get_a_page_not_an_error(client: FlaskClient, path: str) -> None:
    make_product(make_community(slug="krakes"))
    response = client.get(path)
    assert response.status_code in {200, 400, 404}
    if response.status_code == 404:
        assert "Puslapis nerastas" in response.get_data(as_text=True)
    if response.status_code == 400:
        assert "Užklausos nesupratome" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["q=a&q=%00", "%00=x", "q=a&page=1&page=%00"])
def test_a_nul_byte_anywhere_in_the_query_is_refused(client: FlaskClient, query: str) -> None:
    response = client.get("/katalogas?" + query)
    assert response.status_code == 400
    assert "Užklausos nesupratome" in response.get_data(as_text=True)


def test_a_nul_byte_in_a_repeated_form_field_is_refused(client: FlaskClient) -> None:
    token = csrf_token(client, "/prisijungti")  # a valid form otherwise: only the NUL is refused
    form = {"csrf_token": token, "password": "x"}
    assert client.post("/prisijungti", data={**form, "email": ["a@example.org"]}).status_code == 200
    response = client.post("/prisijungti", data={**form, "email": ["a@example.org", "b\x00@example.org"]})
    assert response.status_code == 400


def test_posting_to_a_page_is_refused_politely(client: FlaskClient) -> None:
    response = client.post("/katalogas")
    assert response.status_code in {400, 405}
    assert "Užklausos nesupratome" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_a_localized_page_without_details(test_config: dict[str, Any]) -> None:
    app = create_app({**test_config, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom?lang=en")
    html = response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()  # this second app's pool, closed before it is garbage
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "secret detail" not in html and "Traceback" not in html
