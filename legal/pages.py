"""Reading and publishing the legal pages. Publishing never edits a version: it adds the next one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload

from legal import markup
from legal.errors import MarkupNotAllowed, NothingChanged, PageEmpty, VersionNotFound
from legal.models import LegalPage, LegalPageKind, LegalPageVersion
from shop import audit
from shop.db import db, transaction, utcnow
from shop.models import User

_TAG = re.compile(r"<[A-Za-z/!?][^>]{0,40}>?")
_BODIES_UNREAD = (defer(LegalPageVersion.body_lt), defer(LegalPageVersion.body_en))


@dataclass(frozen=True)
class Draft:
    """What staff typed for a new version: the titles and bodies (limited HTML) and a note of what changed."""

    title_lt: str
    title_en: str
    body_lt: str
    body_en: str
    change_note: str = ""

    def normalised(self) -> Draft:
        """Spaces trimmed, line ends as `\\n`: how the texts are compared and stored."""
        values = {f.name: _normal(getattr(self, f.name)) for f in fields(self)}
        return Draft(**values)


def _normal(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def current_version(kind: LegalPageKind) -> LegalPageVersion | None:
    """The version in force (the newest), or None while the page has none."""
    return db.session.scalars(
        select(LegalPageVersion)
        .join(LegalPageVersion.page)
        .where(LegalPage.kind == kind)
        .options(joinedload(LegalPageVersion.page))
        .order_by(LegalPageVersion.number.desc())
        .limit(1)
    ).first()


def get_version(kind: LegalPageKind, number: int) -> LegalPageVersion:
    """Version `number` of the page; `VersionNotFound` when there is none."""
    version = db.session.scalars(
        select(LegalPageVersion)
        .join(LegalPageVersion.page)
        .where(LegalPage.kind == kind, LegalPageVersion.number == number)
        .options(joinedload(LegalPageVersion.page))
    ).first()
    if version is None:
        raise VersionNotFound()
    return version


def list_versions(kind: LegalPageKind) -> Sequence[LegalPageVersion]:
    """Every version of the page, the newest first (the one in force leads), with their bodies left unread
    until asked for: a list shows numbers and dates."""
    return db.session.scalars(
        select(LegalPageVersion)
        .join(LegalPageVersion.page)
        .where(LegalPage.kind == kind)
        .options(
            joinedload(LegalPageVersion.page), joinedload(LegalPageVersion.published_by), *_BODIES_UNREAD
        )
        .order_by(LegalPageVersion.number.desc())
    ).all()


def list_current_versions() -> dict[LegalPageKind, LegalPageVersion | None]:
    """Each kind of page with its version in force (None where it has none), in the kinds' order."""
    newest: dict[LegalPageKind, LegalPageVersion | None] = dict.fromkeys(LegalPageKind)
    rows = db.session.scalars(
        select(LegalPageVersion)
        .options(
            joinedload(LegalPageVersion.page), joinedload(LegalPageVersion.published_by), *_BODIES_UNREAD
        )
        .order_by(LegalPageVersion.number)
    ).all()
    for version in rows:  # a handful of versions per page: reading them all is one small query
        newest[version.kind] = version
    return newest


def check_draft(draft: Draft) -> Draft:
    """The draft, normalised, if it may be published: every title and body has words, and the bodies hold
    only the allowed markup (`legal.markup`). Otherwise `PageEmpty` or `MarkupNotAllowed`."""
    draft = draft.normalised()
    empty = [name for name in ("title_lt", "title_en") if not getattr(draft, name)]
    empty += [name for name in ("body_lt", "body_en") if not markup.visible_text(getattr(draft, name))]
    for name in ("body_lt", "body_en"):
        found = markup.findings(getattr(draft, name))
        if found:
            raise MarkupNotAllowed(name, found)
    for name in ("title_lt", "title_en"):  # a title is plain text: a tag in it is refused too
        tag = _TAG.search(getattr(draft, name))
        if tag:
            raise MarkupNotAllowed(name, [markup.Finding("tag", tag.group(0))])
    if empty:
        raise PageEmpty(empty)
    return draft


def publish(kind: LegalPageKind, draft: Draft, *, by: User | None) -> LegalPageVersion:
    """Publish the draft as the page's next version (1, 2, 3…), in force at once; the change is audited."""
    draft = check_draft(draft)
    with transaction():
        page = db.session.scalars(select(LegalPage).where(LegalPage.kind == kind).with_for_update()).first()
        if page is None:
            page = LegalPage(kind=kind)
            db.session.add(page)
            db.session.flush()
        last = db.session.scalars(
            select(LegalPageVersion)
            .where(LegalPageVersion.page_id == page.id)
            .order_by(LegalPageVersion.number.desc())
            .limit(1)
        ).first()
        body_lt, body_en = markup.clean(draft.body_lt), markup.clean(draft.body_en)
        if last is not None and (last.title_lt, last.title_en, last.body_lt, last.body_en) == (
            draft.title_lt,
            draft.title_en,
            body_lt,
            body_en,
        ):
            raise NothingChanged(last.number)
        version = LegalPageVersion(
            page=page,
            number=last.number + 1 if last else 1,
            title_lt=draft.title_lt,
            title_en=draft.title_en,
            body_lt=body_lt,
            body_en=body_en,
            change_note=draft.change_note,
            published_at=utcnow(),
            published_by=by,
        )
        db.session.add(version)
        audit.record(
            "legal.publish",
            "legal_page",
            kind.value,
            by=by,
            before={"version": last.number} if last else {},
            after={"version": version.number, "title_lt": draft.title_lt, "change_note": draft.change_note},
        )
    return version


def get_version_by_id(version_id: int) -> LegalPageVersion | None:
    """A version by its id (an order's accepted terms), or None."""
    return db.session.get(LegalPageVersion, version_id, options=[joinedload(LegalPageVersion.page)])
