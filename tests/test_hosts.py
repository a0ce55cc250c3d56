"""Absolute URLs come from SITE_URL, never from the request's `Host:`; a request for another host is
refused with 400 (Flask's TRUSTED_HOSTS, derived from SITE_URL), while this machine's own names keep
working for `make run` and the tests' client.
"""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from shop.security import trusted_hosts
from tests.conftest import csrf_token
from tests.factories.catalogue import make_product, make_variant
from tests.factories.producers import make_community

FORGED = "evil.example"


def test_the_trusted_hosts_are_site_urls_and_this_machines() -> None:
    assert trusted_hosts("https://kaimomuge.lt") == ["kaimomuge.lt", "localhost", "127.0.0.1"]
    assert trusted_hosts("http://127.0.0.1:5000") == ["127.0.0.1", "localhost", "127.0.0.1"]


@pytest.mark.parametrize(
    "path", ["/", "/katalogas", "/robots.txt", "/sitemap.xml", "/prisijungti", "/krepselis", "/nera-tokio"]
)
@pytest.mark.parametrize("host", [FORGED, f"{FORGED}:80", "shop.test.evil.example", "localhost.evil.example"])
def test_a_forged_host_is_refused_and_not_echoed(client: FlaskClient, path: str, host: str) -> None:
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert FORGED not in body and FORGED not in str(response.headers)
    assert response.headers["X-Frame-Options"] == "DENY"  # the error page still carries the headers


def test_a_forged_host_cannot_post_either(client: FlaskClient) -> None:
    form = {"csrf_token": csrf_token(client, "/prisijungti"), "email": "a@b.lt", "password": "x"}
    assert client.post("/prisijungti", data=form).status_code == 200  # the true host: a wrong password
    response = client.post("/prisijungti", headers={"Host": FORGED}, data=form)
    assert response.status_code == 400 and FORGED not in response.get_data(as_text=True)


@pytest.mark.parametrize("host", ["shop.test", "localhost", "127.0.0.1:5000", "localhost:8000"])
def test_our_own_names_are_served_and_links_name_site_url(client: FlaskClient, host: str) -> None:
    community = make_community(slug="slapaberze", name="Šlapaberžė")
    make_product(community, slug="sakotis", variants=[make_variant(stock=3)], images=1)

    page = client.get("/produktai/sakotis?lang=en", headers={"Host": host})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<link rel="canonical" href="http://shop.test/produktai/sakotis?lang=en">' in html
    assert '<meta property="og:url" content="http://shop.test/produktai/sakotis?lang=en">' in html
    assert re.search(r'<meta property="og:image" content="http://shop\.test/media/[^"]+-1280\.jpg">', html)
    hreflangs = re.findall(r'hreflang="[^"]+" href="([^"]+)"', html)
    assert hreflangs and all(href.startswith("http://shop.test/produktai/sakotis") for href in hreflangs)

    robots = client.get("/robots.txt", headers={"Host": host}).get_data(as_text=True)
    assert "Sitemap: http://shop.test/sitemap.xml" in robots
    locations = re.findall(r"<loc>([^<]+)</loc>", client.get("/sitemap.xml", headers={"Host": host}).text)
    assert "http://shop.test/produktai/sakotis" in locations
    assert all(location.startswith("http://shop.test/") for location in locations)

    missing = client.get("/nera-tokio", headers={"Host": host}).get_data(as_text=True)
    assert '<link rel="canonical" href="http://shop.test/nera-tokio">' in missing
    for text in (html, robots, missing):
        assert host.split(":")[0] == "shop.test" or f"//{host}" not in text
