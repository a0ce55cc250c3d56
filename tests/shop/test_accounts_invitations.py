"""The VVG's invitations: staff invite a person to work for a community; the mailed link lets them choose
a password, and expires after INVITATION_DAYS.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from producers.members import invite_member
from producers.models import Membership
from shop.db import db
from shop.models import User
from tests.conftest import csrf_token, login_as
from tests.factories.producers import make_community
from tests.factories.shop import make_user
from tests.helpers import mails_to
from tests.shop.accounts import (
    NEW_PASSWORD,
    START,
    choose_password,
    in_english,
    link_in,
    sign_in,
    signed_in_user_id,
)


def invite(client: FlaskClient, **fields: Any) -> Any:
    data = {"csrf_token": csrf_token(client, "/backoffice/people/invite"), **fields}
    return client.post("/backoffice/people/invite", data=data)


def test_staff_invite_a_member_who_chooses_a_password_and_lands_in_the_workspace(
    client: FlaskClient, app: Flask
) -> None:
    make_user(email="vvg@example.org", name="Rūta", is_staff=True)
    krakes = make_community(name="Krakių bendruomenės centras")
    in_english(client)
    login_as(client, "vvg@example.org")
    form = client.get("/backoffice/people/invite")
    assert form.status_code == 200
    assert "Krakių bendruomenės centras" in form.get_data(as_text=True)

    response = invite(client, name="Jonas Jonaitis", email="Jonas@Example.org", community=str(krakes.id))

    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "jonas@example.org is invited to work for Krakių bendruomenės centras" in page
    db.session.rollback()  # see what the request committed
    jonas = db.session.scalars(select(User).where(User.email == "jonas@example.org")).one()
    assert jonas.name == "Jonas Jonaitis" and jonas.password_hash == "" and not jonas.is_staff
    assert [m.community_id for m in jonas.memberships] == [krakes.id]
    assert sign_in(app.test_client(), "jonas@example.org", "").status_code == 200  # no password yet

    [mail] = mails_to("jonas@example.org")
    assert "Krakių bendruomenės centras" in mail.subject
    assert "Rūta" in mail.text_body
    path = link_in(mail)
    newcomer = in_english(app.test_client())
    assert "Choose your password" in newcomer.get(path).get_data(as_text=True)

    done = choose_password(newcomer, path, NEW_PASSWORD)

    assert done.status_code == 302
    assert done.headers["Location"] == "/workspace/"
    assert signed_in_user_id(newcomer) == str(jonas.id)
    assert newcomer.get("/workspace/").status_code == 200
    assert newcomer.get(path).status_code == 410  # the invitation is used up


def test_inviting_twice_sends_again_but_never_doubles_the_membership(client: FlaskClient) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    krakes = make_community(name="Krakių bendruomenės centras")
    in_english(client)
    login_as(client, "vvg@example.org")

    assert (
        invite(client, name="Jonas", email="jonas@example.org", community=str(krakes.id)).status_code == 302
    )
    second = invite(client, name="Jonas", email="JONAS@example.org", community=str(krakes.id))

    assert second.status_code == 302
    assert "the invitation was sent again" in client.get("/backoffice/people/invite").get_data(as_text=True)
    db.session.rollback()
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.email == "jonas@example.org"))
        == 1
    )
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 1
    first_mail, second_mail = mails_to("jonas@example.org")
    assert first_mail.dedup_key != second_mail.dedup_key
    assert link_in(first_mail) and link_in(second_mail)  # no password yet: both carry a link


def test_invitations_at_the_same_moment_make_one_account_and_one_membership(app: Flask) -> None:
    staff_id = make_user(is_staff=True).id
    community_id = make_community().id
    start = threading.Barrier(8)

    def invite_once(_number: int) -> bool:
        with app.app_context():
            start.wait()
            staff = db.session.get_one(User, staff_id)
            return invite_member("Jonas", "jonas@example.org", community_id, by=staff).new_member

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(invite_once, range(8)))

    assert outcomes.count(True) == 1
    db.session.rollback()
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.email == "jonas@example.org"))
        == 1
    )
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 1
    assert len(mails_to("jonas@example.org")) == 8


def test_a_person_may_be_invited_to_several_communities(app: Flask) -> None:
    staff = make_user(is_staff=True)
    krakes, pagiriai = make_community(), make_community()
    member = make_user(krakes, email="ona@example.org")  # already works for Krakės, with a password

    invitation = invite_member("Ona", " Ona@Example.org ", pagiriai.id, by=staff)

    assert invitation.new_member and invitation.user_id == member.id
    db.session.rollback()
    assert sorted(m.community_id for m in db.session.get_one(User, member.id).memberships) == sorted(
        [krakes.id, pagiriai.id]
    )
    [mail] = mails_to("ona@example.org")
    assert "/slaptazodis/" not in mail.text_body  # she has a password: she signs in as usual
    assert "http://shop.test/prisijungti" in mail.text_body
    assert db.session.get_one(User, member.id).password_hash != ""


def test_an_invalid_address_is_shown_again_with_a_message(client: FlaskClient) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    krakes = make_community()
    in_english(client)
    login_as(client, "vvg@example.org")

    response = invite(client, name="Jonas", email="jonas at example", community=str(krakes.id))

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter an e-mail address like vardas@example.lt." in page
    assert 'value="jonas at example"' in page and 'value="Jonas"' in page
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert mails_to("jonas at example") == []


@pytest.mark.parametrize("community", ["", "999999", "abc", "closed"])
def test_the_community_must_be_one_of_the_active_ones(client: FlaskClient, community: str) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    closed = make_community(is_active=False)
    in_english(client)
    login_as(client, "vvg@example.org")
    assert f'value="{closed.id}"' not in client.get("/backoffice/people/invite").get_data(as_text=True)

    chosen = str(closed.id) if community == "closed" else community  # switched off: not offered, not taken
    response = invite(client, name="Jonas", email="jonas@example.org", community=chosen)

    assert response.status_code == 400
    assert "Choose a community." in response.get_data(as_text=True)
    assert mails_to("jonas@example.org") == []


def test_the_invitation_page_is_for_staff_only(client: FlaskClient) -> None:
    krakes = make_community()
    anonymous = client.get("/backoffice/people/invite")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/prisijungti?next=")

    make_user(krakes, email="ona@example.org")
    login_as(client, "ona@example.org")
    assert client.get("/backoffice/people/invite").status_code == 403
    token = csrf_token(client, "/prisijungti")
    attempt = client.post(
        "/backoffice/people/invite",
        data={"csrf_token": token, "name": "Eve", "email": "eve@example.org", "community": str(krakes.id)},
    )
    assert attempt.status_code == 403
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.email == "eve@example.org")) == 0
    )


def test_the_invitation_form_needs_its_token(client: FlaskClient) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    krakes = make_community()
    login_as(client, "vvg@example.org")
    response = client.post(
        "/backoffice/people/invite",
        data={"name": "Jonas", "email": "jonas@example.org", "community": krakes.id},
    )
    assert response.status_code == 400
    assert mails_to("jonas@example.org") == []


def test_an_invitation_link_expires_after_invitation_days(client: FlaskClient, clock: Any) -> None:
    staff = make_user(is_staff=True)
    krakes = make_community()
    invite_member("Jonas", "jonas@example.org", krakes.id, by=staff)
    path = link_in(mails_to("jonas@example.org")[0])
    clock.move_to(START + timedelta(days=6, hours=23))
    assert client.get(path).status_code == 200
    clock.move_to(START + timedelta(days=7, minutes=1))
    assert client.get(path).status_code == 410
