"""Staff's side of the mark: the applications to review, asking for more, granting with a validity period,
refusing with reasons; and a grant's suspension, reinstatement and revocation, each with a reason.

Each step is one transaction on the locked row: the move its state table allows, the history row, the
audit entry and the community's mail all together, or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from producers.marks import notices
from producers.marks.errors import ActionNotAllowed, ApplicationNotFound, EvidenceNotFound, GrantNotFound
from producers.marks.models import (
    APPLICATION_NEXT,
    GRANT_NEXT,
    ApplicationStatus,
    GrantStatus,
    MarkApplication,
    MarkEvidence,
    MarkGrant,
)
from shop import audit, outbox
from shop.db import db, transaction, utcnow
from shop.i18n import vilnius_midnight
from shop.models import OutboxMessage, User

A = ApplicationStatus
#: The most a reason or a request may hold (characters).
MAX_NOTE = 4000


def list_for_review() -> Sequence[MarkApplication]:
    """Every application but drafts: those waiting for the VVG first, then the newest."""
    waiting = case((MarkApplication.status == A.SUBMITTED, 0), else_=1)
    return db.session.scalars(
        select(MarkApplication)
        .where(MarkApplication.status != A.DRAFT)
        .options(selectinload(MarkApplication.community))
        .order_by(waiting, MarkApplication.submitted_at.desc(), MarkApplication.id.desc())
    ).all()


def list_grants() -> Sequence[MarkGrant]:
    return db.session.scalars(
        select(MarkGrant).options(selectinload(MarkGrant.community)).order_by(MarkGrant.valid_until.desc())
    ).all()


def get_application(application_id: int) -> MarkApplication:
    """Any submitted (or later) application; a community's draft is its own until submitted."""
    application = db.session.get(MarkApplication, application_id)
    if application is None or application.status is A.DRAFT:
        raise ApplicationNotFound(application_id)
    return application


def get_evidence(evidence_id: int) -> MarkEvidence:
    item = db.session.get(MarkEvidence, evidence_id)
    if item is None:
        raise EvidenceNotFound(evidence_id)
    return item


def get_grant(grant_id: int) -> MarkGrant:
    found = db.session.get(MarkGrant, grant_id)
    if found is None:
        raise GrantNotFound(grant_id)
    return found


def grant_of(application: MarkApplication) -> MarkGrant | None:
    return db.session.scalars(select(MarkGrant).where(MarkGrant.application_id == application.id)).first()


def _locked(application_id: int, to: ApplicationStatus) -> MarkApplication:
    application = db.session.scalars(
        select(MarkApplication).where(MarkApplication.id == application_id).with_for_update()
    ).first()
    if application is None or application.status is A.DRAFT:
        raise ApplicationNotFound(application_id)
    if to not in APPLICATION_NEXT[application.status]:
        raise ActionNotAllowed(application.status)
    return application


def _staff(by: User | None) -> str:
    """Who acted, as the histories show it (None: the VVG itself, as the demo seed and scripts act)."""
    return "VVG" if by is None else f"VVG: {by.name} <{by.email}>"[:300]


def ask_for_more(application_id: int, request: str, *, by: User | None) -> MarkApplication:
    """Back to the community with what more the VVG needs; it answers and submits again."""
    with transaction():
        application = _locked(application_id, A.MORE_INFO_REQUESTED)
        note = request.strip()[:MAX_NOTE]
        application.move_to(A.MORE_INFO_REQUESTED, by_name=_staff(by), note=note)
        application.staff_note = note
        audit.record(
            "mark.ask_more",
            "mark_application",
            application.id,
            by=by,
            before={"status": A.SUBMITTED},
            after={"status": application.status, "request": note},
        )
        message = notices.to_community(
            "more_info", application.community.email, application=application, note=note
        )
    outbox.send_now([message])
    return application


def valid_through(last_day: date) -> datetime:
    """When a mark granted until `last_day` stops being held: it holds through the whole of that day in
    Vilnius, until the midnight after it."""
    return vilnius_midnight(last_day + timedelta(days=1))


def grant(application_id: int, *, valid_from: datetime, valid_until: datetime, by: User | None) -> MarkGrant:
    """The mark, from `valid_from` until `valid_until` (both aware UTC)."""
    if valid_until <= valid_from:
        raise ValueError("valid_until must be after valid_from")
    with transaction():
        application = _locked(application_id, A.GRANTED)
        application.move_to(A.GRANTED, by_name=_staff(by))
        application.decided_at = utcnow()
        application.staff_note = ""
        made = MarkGrant(
            community_id=application.community_id,
            application_id=application.id,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        db.session.add(made)
        db.session.flush()
        audit.record(
            "mark.grant",
            "mark_application",
            application.id,
            by=by,
            before={"status": A.SUBMITTED},
            after={
                "status": A.GRANTED,
                "grant": made.id,
                "valid_from": valid_from,
                "valid_until": valid_until,
            },
        )
        message = notices.to_community(
            "granted", application.community.email, application=application, grant=made
        )
    outbox.send_now([message])
    return made


def refuse(application_id: int, reasons: str, *, by: User | None) -> MarkApplication:
    with transaction():
        application = _locked(application_id, A.REFUSED)
        note = reasons.strip()[:MAX_NOTE]
        application.move_to(A.REFUSED, by_name=_staff(by), note=note)
        application.decided_at = utcnow()
        application.staff_note = note
        audit.record(
            "mark.refuse",
            "mark_application",
            application.id,
            by=by,
            before={"status": A.SUBMITTED},
            after={"status": A.REFUSED, "reasons": note},
        )
        message = notices.to_community(
            "refused", application.community.email, application=application, note=note
        )
    outbox.send_now([message])
    return application


#: A grant's moves: the status each leads to, its audit action and its mail.
GRANT_ACTIONS = {
    "suspend": (GrantStatus.SUSPENDED, "mark.suspend", "suspended"),
    "reinstate": (GrantStatus.ACTIVE, "mark.reinstate", "reinstated"),
    "revoke": (GrantStatus.REVOKED, "mark.revoke", "revoked"),
}


def change_grant(grant_id: int, action: str, reason: str, *, by: User | None) -> MarkGrant:
    """Suspend, reinstate or revoke a grant with a reason shown in the register's history."""
    to, audit_action, kind = GRANT_ACTIONS[action]
    messages: list[OutboxMessage | None] = []
    with transaction():
        found = db.session.scalars(
            select(MarkGrant).where(MarkGrant.id == grant_id).with_for_update()
        ).first()
        if found is None:
            raise GrantNotFound(grant_id)
        if to not in GRANT_NEXT[found.status]:
            raise ActionNotAllowed(found.status)
        before = found.status
        note = reason.strip()[:MAX_NOTE]
        found.move_to(to, by_name=_staff(by), reason=note)
        audit.record(
            audit_action,
            "mark_grant",
            found.id,
            by=by,
            before={"status": before},
            after={"status": to, "reason": note},
        )
        messages.append(notices.to_community(kind, found.community.email, grant=found, note=note))
    outbox.send_now(messages)
    return found
