"""A community's side of the mark: start an application, answer the criteria, attach evidence, submit.

Every service takes the community the member acts for and finds the application among that community's
own (another community's id is simply not found). Answers and evidence change only while the application
is a draft or the VVG has asked for more; after that every change is refused and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from producers.marks import evidence as files
from producers.marks import notices
from producers.marks.criteria import published_version
from producers.marks.errors import (
    AnswersMissing,
    ApplicationClosed,
    ApplicationNotFound,
    ApplicationOpen,
    EvidenceNotFound,
    EvidenceRejected,
    NoCriteriaPublished,
)
from producers.marks.models import (
    EDITABLE,
    ApplicationStatus,
    MarkAnswer,
    MarkApplication,
    MarkEvidence,
)
from producers.models import Community
from shop import outbox
from shop.db import db, transaction, utcnow
from shop.models import OutboxMessage, User

#: An answer is at most this long (characters); longer is cut by the form's own check first.
MAX_ANSWER = 5000
OPEN = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.MORE_INFO_REQUESTED)


@dataclass(frozen=True)
class Upload:
    """A file a member sent for one criterion."""

    criterion_id: int
    filename: str
    data: bytes


def list_applications(community: Community) -> Sequence[MarkApplication]:
    """The community's applications, newest first."""
    return db.session.scalars(
        select(MarkApplication)
        .where(MarkApplication.community_id == community.id)
        .order_by(MarkApplication.id.desc())
    ).all()


def get_own_application(community: Community, application_id: int) -> MarkApplication:
    application = db.session.scalars(
        select(MarkApplication).where(
            MarkApplication.id == application_id, MarkApplication.community_id == community.id
        )
    ).first()
    if application is None:
        raise ApplicationNotFound(application_id)
    return application


def start_application(community: Community, *, by: User) -> MarkApplication:
    """A draft answering the criteria in force, or ApplicationOpen when one is already under way."""
    with transaction():
        locked = db.session.scalars(
            select(Community).where(Community.id == community.id).with_for_update()
        ).one()
        open_one = db.session.scalar(
            select(MarkApplication.id).where(
                MarkApplication.community_id == locked.id, MarkApplication.status.in_(OPEN)
            )
        )
        if open_one is not None:
            raise ApplicationOpen(open_one)
        version = published_version()
        if version is None:
            raise NoCriteriaPublished()
        application = MarkApplication(community_id=locked.id, version_id=version.id)
        db.session.add(application)
    return application


def _locked_own(community: Community, application_id: int) -> MarkApplication:
    application = db.session.scalars(
        select(MarkApplication)
        .where(MarkApplication.id == application_id, MarkApplication.community_id == community.id)
        .with_for_update()
    ).first()
    if application is None:
        raise ApplicationNotFound(application_id)
    if application.status not in EDITABLE:
        raise ApplicationClosed(application.status)
    return application


def save_application(
    community: Community,
    application_id: int,
    answers: Mapping[int, str],
    uploads: Sequence[Upload],
    *,
    submit: bool,
    by: User,
) -> MarkApplication:
    """Keep the answers and the evidence files (all of them or, if one is refused, none), and submit when
    asked: when an answer is missing, what was given is kept and AnswersMissing says which. Answers to
    criteria the application's version does not have are ignored."""
    messages: list[OutboxMessage | None] = []
    written: list[str] = []
    missing: list[int] = []
    try:
        with transaction():
            application = _locked_own(community, application_id)
            criteria = {criterion.id for criterion in application.version.criteria}
            kept_uploads = [upload for upload in uploads if upload.criterion_id in criteria]
            held = (
                db.session.scalar(
                    select(func.count())
                    .select_from(MarkEvidence)
                    .where(MarkEvidence.application_id == application.id)
                )
                or 0
            )
            # counted before any file is opened: a flood of files costs no decoding
            if kept_uploads and held + len(kept_uploads) > current_app.config["MARK_EVIDENCE_FILES"]:
                first = kept_uploads[0]
                raise EvidenceRejected(first.criterion_id, files.sanitised_name(first.filename), "too_many")
            checked = []
            for upload in kept_uploads:
                result = files.check(upload.filename, upload.data, max_bytes=files.max_bytes())
                if isinstance(result, str):
                    raise EvidenceRejected(upload.criterion_id, files.sanitised_name(upload.filename), result)
                checked.append((upload.criterion_id, result))
            existing = {answer.criterion_id: answer for answer in application.answers}
            for criterion_id, text in answers.items():
                if criterion_id not in criteria:
                    continue
                text = text.strip()[:MAX_ANSWER]
                if criterion_id in existing:
                    existing[criterion_id].text = text
                else:
                    application.answers.append(MarkAnswer(criterion_id=criterion_id, text=text))
            for criterion_id, checked_file in checked:
                stored = files.new_stored_name(checked_file.extension)
                application.evidence.append(
                    MarkEvidence(
                        criterion_id=criterion_id,
                        stored_name=stored,
                        original_name=checked_file.original_name,
                        content_type=checked_file.content_type,
                        size_bytes=len(checked_file.data),
                    )
                )
                files.save(stored, checked_file.data)
                written.append(stored)
            if submit:
                db.session.flush()
                missing = [c.id for c in application.version.criteria if not application.answer_to(c.id)]
            if submit and not missing:
                again = application.status is ApplicationStatus.MORE_INFO_REQUESTED
                application.move_to(ApplicationStatus.SUBMITTED, by_name=_name(by))
                application.submitted_at = utcnow()
                messages.append(
                    notices.to_community("submitted", community.email, application=application, again=again)
                )
                messages.append(notices.to_vvg(application=application, again=again))
    except BaseException:
        for stored in written:  # the rows were rolled back: their files go too
            files.remove(stored)
        raise
    outbox.send_now(messages)
    if missing:  # what was typed and attached is kept; submitting waits for every answer
        raise AnswersMissing(missing)
    return application


def delete_evidence(community: Community, evidence_id: int, *, by: User) -> None:
    """Take a file off an application the community may still change."""
    with transaction():
        item = db.session.scalars(
            select(MarkEvidence)
            .join(MarkEvidence.application)
            .where(MarkEvidence.id == evidence_id, MarkApplication.community_id == community.id)
        ).first()
        if item is None:
            raise EvidenceNotFound(evidence_id)
        _locked_own(community, item.application_id)
        stored = item.stored_name
        db.session.delete(item)
    files.remove(stored)


def get_evidence_for_community(community_ids: Sequence[int], evidence_id: int) -> MarkEvidence:
    """An evidence file of an application of one of these communities (the viewer's), else not found."""
    item = db.session.scalars(
        select(MarkEvidence)
        .join(MarkEvidence.application)
        .where(MarkEvidence.id == evidence_id, MarkApplication.community_id.in_(community_ids))
    ).first()
    if item is None:
        raise EvidenceNotFound(evidence_id)
    return item


def _name(user: User) -> str:
    return f"{user.name} <{user.email}>"[:300]
