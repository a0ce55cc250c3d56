"""What a phone downloads: pages and the shop's own CSS and JS go out compressed when the browser accepts
it, even with no web server in front (`make run`); a range of a file is sent as it is."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from flask.testing import FlaskClient

STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.mark.parametrize("path", ["css/shop.css", "js/shop.js"])
def test_the_shops_own_css_and_js_go_out_compressed(client: FlaskClient, path: str) -> None:
    response = client.get(f"/static/{path}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.data) == (STATIC / path).read_bytes()
    assert len(response.data) < (STATIC / path).stat().st_size / 2

    plain = client.get(f"/static/{path}")
    assert "Content-Encoding" not in plain.headers and plain.data == (STATIC / path).read_bytes()


def test_a_range_of_a_static_file_is_sent_as_it_is(client: FlaskClient) -> None:
    headers = {"Accept-Encoding": "gzip", "Range": "bytes=0-99"}
    with client.get("/static/css/shop.css", headers=headers) as response:
        assert response.status_code == 206
        assert "Content-Encoding" not in response.headers
        assert response.data == (STATIC / "css/shop.css").read_bytes()[:100]
