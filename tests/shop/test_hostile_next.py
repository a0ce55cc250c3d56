"""A `next=` that is not plainly one of our own paths is ignored (the usual landing page), never a 500:
line breaks, tabs, NUL, backslashes, other hosts and schemes, wherever `next` is read.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from producers.models import Membership
from shop.access import safe_next
from shop.db import db
from tests.conftest import csrf_token, login_as
from tests.factories.producers import make_community
from tests.factories.shop import make_user

HOSTILE = [
    "/\r\nSet-Cookie: a=b",
    "/%0d%0aSet-Cookie: a=b",  # decoded once already by the query string; its space is refused
    "/\r",
    "/\n/evil.example",
    "/\t/evil.example",
    "/ /evil.example",
    "/\x0b",
    "/\x7f",
    "/\u2028evil",
    "/\\evil.example",
    "\\\\evil.example",
    "//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", HOSTILE, ids=repr)
def test_safe_next_refuses_anything_but_a_plain_local_path(target: str) -> None:
    assert safe_next(target) is None


def test_safe_next_keeps_our_own_paths_with_their_query() -> None:
    assert safe_next("/backoffice/mail?page=2") == "/backoffice/mail?page=2"
    assert safe_next("/produktai/šakotis") == "/produktai/šakotis"


@pytest.mark.parametrize("target", [*HOSTILE, "/\x00"], ids=repr)
def test_signing_in_with_a_hostile_next_lands_on_the_usual_page(client: FlaskClient, target: str) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    page = client.get("/prisijungti", query_string={"next": target})
    if "\x00" in target:
        assert page.status_code == 400  # a NUL is refused at the door, on every page
        return
    assert page.status_code == 200
    token = csrf_token(client, "/prisijungti")
    response = client.post(
        "/prisijungti",
        query_string={"next": target},
        data={"csrf_token": token, "email": "vvg@example.org", "password": "demo-password"},
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert not location.netloc and not location.scheme
    assert location.path == "/backoffice/"
    assert "Set-Cookie" not in response.headers.get("Location", "")


def test_signing_in_with_a_raw_crlf_in_the_query_string_is_no_error(client: FlaskClient) -> None:
    """The probe's own request: `POST /prisijungti?next=/%0d%0a…` (once a 500, the person signed in)."""
    make_user(email="vvg@example.org", is_staff=True)
    token = csrf_token(client, "/prisijungti")
    response = client.post(
        "/prisijungti?next=/%0d%0aLocation:%20https://evil.example",
        data={"csrf_token": token, "email": "vvg@example.org", "password": "demo-password"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/backoffice/"


@pytest.mark.parametrize("target", [*HOSTILE, "/\x00"], ids=repr)
def test_switching_community_with_a_hostile_next_goes_to_the_dashboard(
    client: FlaskClient, target: str
) -> None:
    krakes = make_community(name="Krakės")
    pagiriai = make_community(name="Pagiriai")
    member = make_user(krakes, email="ona@example.org")
    db.session.add(Membership(user_id=member.id, community_id=pagiriai.id))
    db.session.commit()
    login_as(client, "ona@example.org")
    token = csrf_token(client, "/workspace/")
    response = client.post(
        "/workspace/community", data={"csrf_token": token, "community_id": pagiriai.id, "next": target}
    )
    if "\x00" in target:
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/workspace/"
