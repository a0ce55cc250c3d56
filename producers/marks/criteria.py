"""The VVG's criteria for the mark, versioned: staff edit one draft and publish it as the next version.

A published version never changes; an application keeps answering the version published when it began,
and shows that version's texts to the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from producers.marks.errors import DraftEmpty
from producers.marks.models import CriteriaVersion, Criterion
from shop import audit
from shop.db import db, transaction, utcnow
from shop.models import User


@dataclass(frozen=True)
class CriterionText:
    """One criterion as staff typed it."""

    text_lt: str
    text_en: str
    evidence_lt: str
    evidence_en: str


def published_version() -> CriteriaVersion | None:
    """The version in force: the newest published one."""
    return db.session.scalars(
        select(CriteriaVersion)
        .where(CriteriaVersion.published_at.is_not(None))
        .order_by(CriteriaVersion.number.desc())
        .limit(1)
    ).first()


def draft_version() -> CriteriaVersion | None:
    return db.session.scalars(
        select(CriteriaVersion).where(CriteriaVersion.published_at.is_(None)).order_by(CriteriaVersion.id)
    ).first()


def list_published() -> Sequence[CriteriaVersion]:
    return db.session.scalars(
        select(CriteriaVersion)
        .where(CriteriaVersion.published_at.is_not(None))
        .order_by(CriteriaVersion.number.desc())
    ).all()


def save_draft(texts: Sequence[CriterionText], *, by: User | None) -> CriteriaVersion:
    """Keep `texts` (in order) as the draft's criteria, making the draft when there is none."""
    with transaction():
        draft = draft_version()
        if draft is None:
            draft = CriteriaVersion()
            db.session.add(draft)
        before = len(draft.criteria)
        draft.criteria.clear()
        db.session.flush()
        for position, text in enumerate(texts):
            draft.criteria.append(
                Criterion(
                    position=position,
                    text_lt=text.text_lt.strip(),
                    text_en=text.text_en.strip(),
                    evidence_lt=text.evidence_lt.strip(),
                    evidence_en=text.evidence_en.strip(),
                )
            )
        db.session.flush()
        audit.record(
            "mark.criteria_draft",
            "mark_criteria_version",
            draft.id,
            by=by,
            before={"criteria": before},
            after={"criteria": len(texts)},
        )
    return draft


def publish_draft(*, by: User | None) -> CriteriaVersion:
    """The draft becomes the next version, in force at once for applications begun from now on."""
    with transaction():
        draft = db.session.scalars(
            select(CriteriaVersion).where(CriteriaVersion.published_at.is_(None)).with_for_update()
        ).first()
        if draft is None or not draft.criteria:
            raise DraftEmpty()
        latest = db.session.scalar(select(func.max(CriteriaVersion.number))) or 0
        draft.number = latest + 1
        draft.published_at = utcnow()
        audit.record(
            "mark.criteria_publish",
            "mark_criteria_version",
            draft.id,
            by=by,
            after={"number": draft.number, "criteria": len(draft.criteria)},
        )
    return draft


def draft_texts() -> list[CriterionText]:
    """What the draft page starts from: the draft's criteria, or else a copy of the version in force."""
    version = draft_version() or published_version()
    if version is None:
        return []
    return [CriterionText(c.text_lt, c.text_en, c.evidence_lt, c.evidence_en) for c in version.criteria]
