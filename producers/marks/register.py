"""Who holds the mark now, and the public register: holders with their dates, and every grant's history.

"Holds the mark now" is never stored: a grant is held while it is active (not suspended or revoked) and
`valid_from ≤ now < valid_until`, worked out in SQL at the moment a page asks. So a mark that expires
leaves the storefront by itself, at its moment, with no job to run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import contains_eager, selectinload, with_expression
from sqlalchemy.orm.interfaces import LoaderOption

from producers.marks.models import GrantStatus, MarkGrant
from producers.models import Community
from shop.db import db, utcnow


def holds_mark_now(now: datetime | ColumnElement[datetime] | None = None) -> ColumnElement[bool]:
    """SQL: the (joined or correlated) `Community` holds the mark at `now` (by default: this moment; or a
    parameter for it)."""
    moment = utcnow() if now is None else now
    return exists().where(
        MarkGrant.community_id == Community.id,
        MarkGrant.status == GrantStatus.ACTIVE,
        MarkGrant.valid_from <= moment,
        MarkGrant.valid_until > moment,
    )


def with_mark() -> LoaderOption:
    """A loader option filling `Community.holds_mark` for the communities a query loads (no extra query)."""
    return with_expression(Community.holds_mark, holds_mark_now())


def community_holds_mark(community_id: int, now: datetime | None = None) -> bool:
    return bool(db.session.scalar(select(holds_mark_now(now)).where(Community.id == community_id)))


def current_grant(community_id: int, now: datetime | None = None) -> MarkGrant | None:
    """The grant by which the community holds the mark now (the one lasting longest), or None."""
    moment = now or utcnow()
    return db.session.scalars(
        select(MarkGrant)
        .where(
            MarkGrant.community_id == community_id,
            MarkGrant.status == GrantStatus.ACTIVE,
            MarkGrant.valid_from <= moment,
            MarkGrant.valid_until > moment,
        )
        .order_by(MarkGrant.valid_until.desc())
        .limit(1)
    ).first()


@dataclass(frozen=True)
class Register:
    """The public register: who holds the mark now, and every grant ever made (newest first) with its
    suspensions, reinstatements and revocations."""

    holders: Sequence[MarkGrant]
    history: Sequence[MarkGrant]
    now: datetime


def read_register(now: datetime | None = None) -> Register:
    moment = now or utcnow()
    grants = db.session.scalars(
        select(MarkGrant)
        .join(MarkGrant.community)
        .options(contains_eager(MarkGrant.community), selectinload(MarkGrant.events))
        .order_by(MarkGrant.valid_from.desc(), MarkGrant.id.desc())
    ).all()
    # a community renewed early holds two grants: listed once, by the later end
    latest: dict[int, MarkGrant] = {}
    for grant in grants:
        if grant.holds_at(moment):
            held = latest.get(grant.community_id)
            if held is None or grant.valid_until > held.valid_until:
                latest[grant.community_id] = grant
    return Register(sorted(latest.values(), key=lambda g: g.community.name), grants, moment)
