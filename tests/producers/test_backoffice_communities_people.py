"""VVG staff manage who works for a community (its people, invited and removed), the community pages are
for staff only, and the small rules of a community's details.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from producers import communities
from producers.forms import legal_entity_code_ok
from producers.models import Community, Membership
from shop.db import db
from shop.models import OutboxMessage, User
from tests.conftest import csrf_token, login_as
from tests.factories.producers import make_community
from tests.factories.shop import make_user
from tests.helpers import fresh
from tests.producers.backoffice import audit_entries, page_text, post_form

# --- People ---------------------------------------------------------------------------------------------


def test_a_community_page_lists_its_people_with_their_state_and_last_sign_in(
    client: FlaskClient, staff: User
) -> None:
    krakes = make_community(name="Krakės")
    make_user(krakes, name="Ona Onaitė", email="ona@example.org")
    make_user(krakes, name="Petras Naujas", email="petras@example.org", password_hash="")  # invited
    make_user(krakes, name="Jonas Buvęs", email="jonas@example.org", is_active=False)
    make_user(make_community(), name="Kita Bendruomenė", email="kita@example.org")
    other = client.application.test_client()
    login_as(other, "ona@example.org")

    page = page_text(client.get(f"/backoffice/communities/{krakes.id}"))

    people = page[page.index('id="people-title"') :]
    assert people.index("Jonas Buvęs") < people.index("Ona Onaitė") < people.index("Petras Naujas")  # by name
    assert "Kita Bendruomenė" not in page

    def row(name: str) -> str:
        return people[people.index(name) : people.index("</tr>", people.index(name))]

    assert ">active<" in row("Ona Onaitė") and "not known" not in row("Ona Onaitė")
    assert "invited, no password yet" in row("Petras Naujas") and "not known" in row("Petras Naujas")
    assert "account switched off" in row("Jonas Buvęs")
    db.session.rollback()
    assert db.session.scalars(select(User.last_signed_in_at).where(User.email == "ona@example.org")).one()


def test_staff_invite_a_person_from_the_community_page_with_the_shared_invitation(
    client: FlaskClient, staff: User
) -> None:
    krakes = make_community(name="Krakės")
    url = f"/backoffice/communities/{krakes.id}/members"
    token = csrf_token(client, f"/backoffice/communities/{krakes.id}")

    bad = client.post(url, data={"csrf_token": token, "name": "Ona", "email": "ona at example"})
    assert bad.status_code == 400
    assert "Enter an e-mail address like vardas@example.lt." in page_text(bad)
    assert 'value="Ona"' in page_text(bad) and 'value="ona at example"' in page_text(bad)

    done = client.post(url, data={"csrf_token": token, "name": "Ona", "email": "Ona@Example.org"})
    assert done.status_code == 302
    assert "ona@example.org is invited to work for Krakės" in page_text(client.get(done.headers["Location"]))
    db.session.rollback()
    assert db.session.scalars(select(OutboxMessage.recipient)).all() == ["ona@example.org"]
    user = db.session.scalars(select(User).where(User.email == "ona@example.org")).one()
    assert [m.community_id for m in user.memberships] == [krakes.id]
    assert [e.after["community"] for e in audit_entries("member.invite")] == [krakes.slug]

    communities.set_community_active(krakes.id, False, by=None)
    closed = client.post(url, data={"csrf_token": token, "name": "Jonas", "email": "jonas@example.org"})
    assert closed.status_code == 400
    assert "This community is switched off: switch it on before inviting people." in page_text(closed)


def test_removing_a_member_asks_first_then_closes_the_workspace_to_them(
    client: FlaskClient, staff: User
) -> None:
    krakes = make_community(name="Krakės")
    pagiriai = make_community(name="Pagiriai")
    ona = make_user(krakes, email="ona@example.org", name="Ona")
    db.session.add(Membership(user_id=ona.id, community_id=pagiriai.id))
    db.session.commit()
    membership_id = next(m.id for m in ona.memberships if m.community_id == krakes.id)
    other_membership = next(m.id for m in ona.memberships if m.community_id == pagiriai.id)
    member = client.application.test_client()
    login_as(member, "ona@example.org")
    url = f"/backoffice/communities/{krakes.id}/members/{membership_id}/remove"

    ask = page_text(client.get(url))
    assert "Remove Ona from Krakės?" in ask
    db.session.rollback()
    assert db.session.get(Membership, membership_id) is not None  # asking changes nothing
    assert (
        client.get(f"/backoffice/communities/{krakes.id}/members/{other_membership}/remove").status_code
        == 404
    )

    done = post_form(client, url)

    assert done.status_code == 302
    assert "Ona no longer works for Krakės." in page_text(client.get(done.headers["Location"]))
    db.session.rollback()
    assert db.session.get(Membership, membership_id) is None
    assert db.session.get(Membership, other_membership) is not None
    assert db.session.get(User, ona.id) is not None  # the account stays
    (entry,) = audit_entries("member.remove")
    assert (entry.subject_id, entry.before) == (
        str(ona.id),
        {"email": "ona@example.org", "community": krakes.slug},
    )
    assert entry.after == {"sign_ins_ended": 1}
    ended = member.get("/workspace/")  # her browser, signed in before, is signed out: every sign-in ended
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/prisijungti")
    login_as(member, "ona@example.org")  # she still works for Pagiriai, so she signs in again
    switched = member.post(
        "/workspace/community",
        data={"csrf_token": csrf_token(member, "/workspace/"), "community_id": str(krakes.id)},
    )
    assert switched.status_code == 404  # no longer one of hers
    assert post_form(client, url).status_code == 404  # removing twice: nothing left to remove


# --- Access and small rules -----------------------------------------------------------------------------


def community_rules(app: Flask) -> list[Any]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("producers_backoffice.")]


def test_the_community_pages_are_for_staff_only(client: FlaskClient, app: Flask) -> None:
    krakes = make_community()
    member = make_user(krakes, email="ona@example.org")
    ids = {"community_id": krakes.id, "membership_id": member.memberships[0].id}
    ids |= {"application_id": 1, "evidence_id": 1, "grant_id": 1}  # the mark's pages: refused before any row
    rules = community_rules(app)
    assert len(rules) >= 8
    from tests.walk import url_for_rule

    token = csrf_token(client, "/prisijungti")
    for rule in rules:
        url = url_for_rule(rule, ids)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(
                url, method=method, data={"csrf_token": token} if method == "POST" else None
            )
            assert response.status_code == 302 and "/prisijungti" in response.headers["Location"], url
    login_as(client, "ona@example.org")
    token = csrf_token(client, "/workspace/")
    for rule in rules:
        url = url_for_rule(rule, ids)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(
                url, method=method, data={"csrf_token": token} if method == "POST" else None
            )
            assert response.status_code == 403, (method, url)
    assert fresh(Community, krakes.id).is_active
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 1


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("302173840", True),  # the demo's Šlapaberžė
        ("123033512", True),
        ("300000053", True),  # the check digit from the second weights
        ("300001280", True),  # both weights leave 10: the check digit is 0
        ("302173841", False),
        ("30217384", False),
        ("3021738400", False),
        ("３０２１７３８４０", False),  # full-width digits
    ],
)
def test_a_legal_entity_code_has_nine_digits_and_a_check_digit(code: str, valid: bool) -> None:
    assert legal_entity_code_ok(code) is valid


def test_mask_iban_keeps_country_check_digits_and_last_four(app: Flask) -> None:
    assert communities.mask_iban("LT121000011101001000") == "LT12…1000"
    assert communities.mask_iban("") == ""
