"""Reminders before a mark expires: mailed to the community 60 and 14 days before `valid_until`.

`flask mark remind` runs daily from cron and may run as often as wanted: each reminder is a row (unique
per grant and stage) written with its mail in one transaction, so it goes once. A run that finds a grant
already inside 14 days without its 60-day reminder sends the 14-day one only (and counts the 60 as done).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from producers.marks import notices
from producers.marks.models import GrantStatus, MarkGrant, MarkReminder
from shop import outbox
from shop.db import db, transaction, utcnow

#: Days before expiry a reminder goes out, the latest stage first.
STAGES = (14, 60)


def send_reminders(now: datetime | None = None) -> int:
    """Queue and send the reminders due at `now`; how many were sent."""
    moment = now or utcnow()
    due = db.session.scalars(
        select(MarkGrant.id).where(
            MarkGrant.status == GrantStatus.ACTIVE,
            MarkGrant.valid_from <= moment,
            MarkGrant.valid_until > moment,
            MarkGrant.valid_until <= moment + timedelta(days=max(STAGES)),
        )
    ).all()
    sent = 0
    for grant_id in due:
        try:
            sent += _remind(grant_id, moment)
        except IntegrityError:  # another run wrote the same reminder at the same moment: it sends it
            db.session.rollback()
    return sent


def _remind(grant_id: int, now: datetime) -> int:
    with transaction():
        grant = db.session.scalars(select(MarkGrant).where(MarkGrant.id == grant_id).with_for_update()).one()
        left = grant.valid_until - now
        stage = next((days for days in STAGES if left <= timedelta(days=days)), None)
        done = set(
            db.session.scalars(select(MarkReminder.days_before).where(MarkReminder.grant_id == grant.id))
        )
        if stage is None or stage in done:
            return 0
        for days in STAGES:
            if days >= stage and days not in done:
                db.session.add(MarkReminder(grant_id=grant.id, days_before=days, sent_at=now))
        message = notices.to_community(
            "reminder",
            grant.community.email,
            dedup=f"mark-reminder:{grant.id}:{stage}",
            grant=grant,
            days=stage,
        )
    outbox.send_now([message])
    return 1
