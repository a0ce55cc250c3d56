"""Staff's review and a grant's life: refusing with reasons, suspending, reinstating and revoking with a
reason shown in the register's history; each step mailed and audit-logged; moves the state tables do
not allow are refused and change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from producers.marks import applying, reviewing
from producers.marks.criteria import CriterionText, publish_draft, save_draft
from producers.marks.errors import ActionNotAllowed, ApplicationClosed, ApplicationOpen
from producers.marks.models import (
    APPLICATION_NEXT,
    GRANT_NEXT,
    ApplicationStatus,
    GrantStatus,
    MarkApplication,
    MarkGrant,
)
from producers.marks.register import community_holds_mark
from shop.db import db, utcnow
from shop.models import AuditEntry
from shop.states import TransitionNotAllowed
from tests.conftest import csrf_token, login_as
from tests.factories.marks import make_application, make_grant
from tests.helpers import fresh, mails_to
from tests.producers.marks.conftest import Mark


def test_staff_refuse_with_reasons_the_community_reads_them_and_may_apply_again(
    client: FlaskClient, mark: Mark
) -> None:
    application = make_application(mark.community, mark.member)
    login_as(client, "vida@vvg.example.org")
    page = f"/backoffice/zenklas/paraiskos/{application.id}"
    empty = client.post(f"{page}/atmesti", data={"csrf_token": csrf_token(client, page), "reasons": "  "})
    assert empty.status_code == 400 and "Nurodykite priežastis" in empty.get_data(as_text=True)
    assert fresh(MarkApplication, application.id).status is ApplicationStatus.SUBMITTED
    refused = client.post(
        f"{page}/atmesti", data={"csrf_token": csrf_token(client, page), "reasons": "Trūksta sprendimo."}
    )
    assert refused.status_code == 302
    assert fresh(MarkApplication, application.id).status is ApplicationStatus.REFUSED
    (mail,) = [m for m in mails_to("pagiriai-info@example.org") if "atmesta" in m.subject]
    assert "Trūksta sprendimo." in mail.text_body
    assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "mark.refuse")).one()
    client.post("/atsijungti", data={"csrf_token": csrf_token(client, "/backoffice/")})
    login_as(client, "pagiriai@example.org")
    assert "Trūksta sprendimo." in client.get("/workspace/zenklas").get_data(as_text=True)
    again = client.post(
        "/workspace/zenklas/paraiska",
        data={"csrf_token": csrf_token(client, "/workspace/zenklas"), "acting_for": mark.community.id},
    )
    assert again.status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(MarkApplication)) == 2


def test_suspend_reinstate_and_revoke_show_in_the_register_with_their_reasons(
    client: FlaskClient, mark: Mark
) -> None:
    grant = make_grant(mark.community, mark.member, mark.staff)
    assert community_holds_mark(mark.community.id)
    login_as(client, "vida@vvg.example.org")
    page = f"/backoffice/zenklas/paraiskos/{grant.application_id}"
    url = f"/backoffice/zenklas/suteikimai/{grant.id}"

    def act(action: str, reason: str) -> int:
        db.session.rollback()  # the next check reads what this request commits
        return client.post(
            url, data={"csrf_token": csrf_token(client, page), "action": action, "reason": reason}
        ).status_code

    assert act("suspend", "") == 400  # a reason is required
    assert act("explode", "x") == 400
    assert act("suspend", "Gautas skundas dėl pirktų gaminių.") == 302
    assert not community_holds_mark(mark.community.id)
    assert 'class="mark-badge' not in client.get("/bendruomenes/pagiriai").get_data(as_text=True)
    assert act("reinstate", "Skundas nepasitvirtino.") == 302
    assert community_holds_mark(mark.community.id)
    assert 'class="mark-badge' in client.get("/bendruomenes/pagiriai").get_data(as_text=True)
    assert act("revoke", "Gaminiai perkami, ne gaminami.") == 302
    assert act("reinstate", "Bandymas") == 303  # revoked for good: nothing changes
    assert fresh(MarkGrant, grant.id).status is GrantStatus.REVOKED
    register = client.get("/zenklas").get_data(as_text=True)
    for reason in (
        "Gautas skundas dėl pirktų gaminių.",
        "Skundas nepasitvirtino.",
        "Gaminiai perkami, ne gaminami.",
    ):
        assert reason in register
    assert "Šiuo metu ženklo neturi nė viena bendruomenė." in register
    subjects = [m.subject for m in mails_to("pagiriai-info@example.org")]
    moves = ("sustabdytas", "atnaujintas", "panaikintas")
    assert {f"Jūsų bendruomeninio verslo ženklas {move}" for move in moves} <= set(subjects)
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"mark.grant", "mark.suspend", "mark.reinstate", "mark.revoke"} <= actions


def test_an_application_cannot_be_changed_after_it_is_granted_or_refused(mark: Mark) -> None:
    granted = make_grant(mark.community, mark.member, mark.staff).application
    answer = {mark.version.criteria[0].id: "Pakeista"}
    with pytest.raises(ApplicationClosed):
        applying.save_application(mark.community, granted.id, answer, [], submit=False, by=mark.member)
    refused = make_application(mark.other, mark.other_member)
    reviewing.refuse(refused.id, "Ne", by=mark.staff)
    with pytest.raises(ApplicationClosed):
        applying.save_application(mark.other, refused.id, answer, [], submit=True, by=mark.other_member)
    assert fresh(MarkApplication, granted.id).answer_to(mark.version.criteria[0].id) == "Atsakymas į 1"


def test_a_decided_application_takes_no_second_decision(mark: Mark) -> None:
    application = make_application(mark.community, mark.member)
    reviewing.grant(
        application.id, valid_from=utcnow(), valid_until=utcnow() + timedelta(days=30), by=mark.staff
    )
    for step in (
        lambda: reviewing.refuse(application.id, "x", by=mark.staff),
        lambda: reviewing.ask_for_more(application.id, "x", by=mark.staff),
        lambda: reviewing.grant(
            application.id, valid_from=utcnow(), valid_until=utcnow() + timedelta(days=1), by=None
        ),
    ):
        with pytest.raises(ActionNotAllowed):
            step()
    assert db.session.scalar(select(db.func.count()).select_from(MarkGrant)) == 1


def test_one_application_is_under_way_at_a_time(mark: Mark) -> None:
    first = applying.start_application(mark.community, by=mark.member)
    with pytest.raises(ApplicationOpen) as raised:
        applying.start_application(mark.community, by=mark.member)
    assert raised.value.application_id == first.id


def test_an_application_keeps_the_criteria_version_it_began_with(client: FlaskClient, mark: Mark) -> None:
    application = applying.start_application(mark.community, by=mark.member)
    save_draft(
        [CriterionText("Naujas reikalavimas", "New requirement", "Įrodymas", "Evidence")], by=mark.staff
    )
    publish_draft(by=mark.staff)
    login_as(client, "pagiriai@example.org")
    page = client.get(f"/workspace/zenklas/paraiskos/{application.id}").get_data(as_text=True)
    assert "Gaminius kuria bendruomenės nariai" in page and "Naujas reikalavimas" not in page
    guide = client.get("/zenklas/apie").get_data(as_text=True)
    assert "Naujas reikalavimas" in guide and "Versija 2" in guide


def test_the_grant_form_refuses_a_past_or_far_day_and_junk(client: FlaskClient, mark: Mark) -> None:
    application = make_application(mark.community, mark.member)
    login_as(client, "vida@vvg.example.org")
    page = f"/backoffice/zenklas/paraiskos/{application.id}"
    today = utcnow().date()
    for typed, words in (
        ((today - timedelta(days=1)).isoformat(), "Paskutinė diena turi būti vėlesnė"),
        ((today + timedelta(days=6 * 366)).isoformat(), "ne ilgiau kaip 5 metams"),
        ("rytoj", "2026-12-27"),
    ):
        response = client.post(
            f"{page}/suteikti", data={"csrf_token": csrf_token(client, page), "valid_until": typed}
        )
        assert response.status_code == 400 and words in response.get_data(as_text=True), (
            typed,
            response.get_data(as_text=True).split("error-text")[1][:200],
        )
        assert f'value="{typed}"' in response.get_data(as_text=True)
    assert fresh(MarkApplication, application.id).status is ApplicationStatus.SUBMITTED


@pytest.mark.parametrize(
    ("start", "end"),
    [(s, e) for s in ApplicationStatus for e in ApplicationStatus if e not in APPLICATION_NEXT[s]],
)
def test_an_application_refuses_a_move_its_status_does_not_allow(
    start: ApplicationStatus, end: ApplicationStatus
) -> None:
    application = MarkApplication(status=start)
    with pytest.raises(TransitionNotAllowed):
        application.move_to(end, by_name="x")
    assert application.status is start


@pytest.mark.parametrize(
    ("start", "end"), [(s, e) for s in GrantStatus for e in GrantStatus if e not in GRANT_NEXT[s]]
)
def test_a_grant_refuses_a_move_its_status_does_not_allow(start: GrantStatus, end: GrantStatus) -> None:
    grant = MarkGrant(status=start)
    with pytest.raises(TransitionNotAllowed):
        grant.move_to(end, by_name="x", reason="x")
    assert grant.status is start
