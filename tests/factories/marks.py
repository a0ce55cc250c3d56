"""The community-business mark: criteria versions, applications with evidence, grants."""

from __future__ import annotations

from datetime import datetime, timedelta

from producers.marks import applying, criteria, reviewing
from producers.marks.criteria import CriterionText
from producers.marks.models import CriteriaVersion, MarkApplication, MarkGrant
from producers.models import Community
from shop.db import db, utcnow
from shop.demo.evidence import tiny_pdf, tiny_png
from shop.models import User

CRITERIA = [
    CriterionText(
        "Gaminius kuria bendruomenės nariai savo rankomis.",
        "The products are made by hand by the community's members.",
        "Gamybos nuotraukos.",
        "Photos of the making.",
    ),
    CriterionText(
        "Pajamos naudojamos bendruomenės veiklai.",
        "The income serves the community's activities.",
        "Visuotinio susirinkimo sprendimas (PDF).",
        "The general meeting's decision (PDF).",
    ),
]


def make_criteria(texts: list[CriterionText] | None = None, *, staff: User | None = None) -> CriteriaVersion:
    """A published version of the criteria (two by default), by `staff` (or the VVG itself)."""
    criteria.save_draft(texts or CRITERIA, by=staff)
    return criteria.publish_draft(by=staff)


def pdf(text: str = "Susirinkimo protokolas") -> bytes:
    return tiny_pdf(text)


def png(label: str = "") -> bytes:
    return tiny_png(label)


def make_application(
    community: Community, member: User, *, submit: bool = True, files: bool = True
) -> MarkApplication:
    """An application answering every criterion in force, with a photo and a PDF, submitted by default."""
    application = applying.start_application(community, by=member)
    version = db.session.get_one(CriteriaVersion, application.version_id)
    answers = {c.id: f"Atsakymas į {c.position + 1}" for c in version.criteria}
    uploads = []
    if files:
        first, second = version.criteria[0], version.criteria[-1]
        uploads = [
            applying.Upload(first.id, "gamyba.png", png("gamyba")),
            applying.Upload(second.id, "protokolas.pdf", pdf()),
        ]
    return applying.save_application(community, application.id, answers, uploads, submit=submit, by=member)


def make_grant(
    community: Community,
    member: User,
    staff: User | None = None,
    *,
    valid_from: datetime | None = None,
    days: int = 730,
) -> MarkGrant:
    """A submitted application granted for `days` from `valid_from` (now by default)."""
    application = make_application(community, member, files=False)
    start = valid_from or utcnow()
    return reviewing.grant(
        application.id, valid_from=start, valid_until=start + timedelta(days=days), by=staff
    )
