"""Switching between one's communities: a member of several works for one at a time, and only for their
own.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from producers.models import Membership
from shop.db import db
from tests.conftest import csrf_token, login_as
from tests.factories.producers import make_community
from tests.factories.shop import make_user
from tests.shop.accounts import in_english


def switch(client: FlaskClient, community_id: object, next_url: str = "/katalogas") -> Any:
    token = csrf_token(client, "/prisijungti")
    return client.post(
        "/workspace/community", data={"csrf_token": token, "community_id": community_id, "next": next_url}
    )


def test_a_member_of_two_communities_switches_between_them(client: FlaskClient) -> None:
    krakes = make_community(name="Krakės")
    pagiriai = make_community(name="Pagiriai", story_lt="Pagirių istorija")
    member = make_user(krakes, email="ona@example.org")
    db.session.add(Membership(user_id=member.id, community_id=pagiriai.id))
    db.session.commit()
    in_english(client)
    login_as(client, "ona@example.org")

    response = switch(client, pagiriai.id)

    assert response.status_code == 302
    assert response.headers["Location"] == "/katalogas"
    with client.session_transaction() as session:
        assert session["community_id"] == pagiriai.id
    assert "You are now working for Pagiriai." in client.get("/katalogas").get_data(as_text=True)
    assert "Pagirių istorija" in client.get("/workspace/settings").get_data(as_text=True)  # its own settings

    assert switch(client, krakes.id).status_code == 302
    with client.session_transaction() as session:
        assert session["community_id"] == krakes.id


@pytest.mark.parametrize("wanted", ["other", "inactive", "nonsense"])
def test_a_member_cannot_switch_to_a_community_they_do_not_belong_to(
    client: FlaskClient, wanted: str
) -> None:
    krakes = make_community()
    others = {
        "other": make_community().id,
        "inactive": make_community(is_active=False).id,  # switched off, and never theirs
        "nonsense": "abc",
    }
    make_user(krakes, email="ona@example.org")
    login_as(client, "ona@example.org")

    assert switch(client, others[wanted]).status_code == 404
    with client.session_transaction() as session:
        assert session.get("community_id") is None


def test_switching_is_for_members_only(client: FlaskClient) -> None:
    krakes = make_community()
    assert switch(client, krakes.id).headers["Location"].startswith("/prisijungti")
    make_user(email="vvg@example.org", is_staff=True)  # staff work for no community
    login_as(client, "vvg@example.org")
    assert switch(client, krakes.id).status_code == 403


def test_switching_needs_the_form_token(client: FlaskClient) -> None:
    krakes, pagiriai = make_community(), make_community()
    member = make_user(krakes, email="ona@example.org")
    db.session.add(Membership(user_id=member.id, community_id=pagiriai.id))
    db.session.commit()
    login_as(client, "ona@example.org")
    response = client.post("/workspace/community", data={"community_id": pagiriai.id, "next": "/katalogas"})
    assert response.status_code == 400
