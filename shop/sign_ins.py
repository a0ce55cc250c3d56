"""Sign-ins kept on the server (`SignIn`): started when a person signs in, ended when they sign out (or
sign out everywhere, choose a new password, or are removed from a community), cleaned when they expire.

The session cookie and the remember cookie carry the sign-in's random token (through `User.get_id`); the
table keeps only its SHA-256, so a copy of the table signs no one in. A cookie whose sign-in is gone opens
nothing, however long the cookie itself would still be valid.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

import ua_parser
from flask import current_app
from sqlalchemy import ColumnElement, and_, delete, or_, select, update

from shop.db import db, transaction, utcnow
from shop.models import SignIn, User

#: the last-seen time of a sign-in is written at most this often, not on every request
SEEN_EVERY = timedelta(minutes=5)


def lifetime(remembered: bool) -> timedelta:
    """How long a sign-in lasts: LOGIN_HOURS, or as long as the remember cookie when remembered."""
    if remembered:
        duration: timedelta = current_app.config["REMEMBER_COOKIE_DURATION"]
        return duration
    return timedelta(hours=int(current_app.config["LOGIN_HOURS"]))


def start_sign_in(user_id: int, *, remembered: bool, user_agent: str) -> tuple[str, SignIn]:
    """A new sign-in of this person: its token (for the cookies) and its row. Their expired sign-ins go."""
    token = secrets.token_urlsafe(32)
    with transaction():
        now = utcnow()
        db.session.execute(update(User).where(User.id == user_id).values(last_signed_in_at=now))
        db.session.execute(delete(SignIn).where(SignIn.user_id == user_id, _expired(now)))
        sign_in = SignIn(
            token_hash=_hash(token),
            user_id=user_id,
            remembered=remembered,
            user_agent=summarise_user_agent(user_agent),
            created_at=now,
            last_seen_at=now,
        )
        db.session.add(sign_in)
    return token, sign_in


def find_sign_in(user_id: int, token: str) -> SignIn | None:
    """This person's live sign-in with this token, or None (ended, expired, or not theirs)."""
    if not token:
        return None
    sign_in = db.session.scalars(
        select(SignIn).where(SignIn.token_hash == _hash(token), SignIn.user_id == user_id)
    ).first()
    if sign_in is None or sign_in.created_at + lifetime(sign_in.remembered) <= utcnow():
        return None
    return sign_in


def note_seen(sign_in: SignIn) -> None:
    """Write that the sign-in is in use now, if the last note is older than SEEN_EVERY."""
    now = utcnow()
    if now - sign_in.last_seen_at < SEEN_EVERY:
        return
    with transaction():
        db.session.execute(update(SignIn).where(SignIn.id == sign_in.id).values(last_seen_at=now))


def list_sign_ins(user_id: int) -> list[SignIn]:
    """This person's live sign-ins, the one used most recently first."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(SignIn)
            .where(SignIn.user_id == user_id, ~_expired(now))
            .order_by(SignIn.last_seen_at.desc(), SignIn.id.desc())
        )
    )


def end_sign_in(sign_in_id: int) -> None:
    """Sign out: this sign-in ends for every copy of its cookies (ending it twice changes nothing)."""
    with transaction():
        db.session.execute(delete(SignIn).where(SignIn.id == sign_in_id))


def sign_out_everywhere(user_id: int, *, keep: int | None = None) -> int:
    """End every sign-in of this person but `keep` (the one asking); how many were ended."""
    with transaction():
        return end_all(user_id, keep=keep)


def end_all(user_id: int, *, keep: int | None = None) -> int:
    """Inside a transaction: end every sign-in of this person but `keep`; how many were ended."""
    statement = delete(SignIn).where(SignIn.user_id == user_id)
    if keep is not None:
        statement = statement.where(SignIn.id != keep)
    ended = db.session.execute(statement.returning(SignIn.id)).all()
    return len(ended)


def clean_sign_ins() -> int:
    """Delete every expired sign-in (for `flask accounts clean-sign-ins`); how many went."""
    with transaction():
        return len(db.session.execute(delete(SignIn).where(_expired(utcnow())).returning(SignIn.id)).all())


def _expired(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(SignIn.remembered.is_(True), SignIn.created_at <= now - lifetime(True)),
        and_(SignIn.remembered.is_(False), SignIn.created_at <= now - lifetime(False)),
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def summarise_user_agent(user_agent: str) -> str:
    """A short, recognisable summary of a browser's User-Agent ("Firefox, Windows"), never all of it:
    its browser and system families as ua-parser (the uap-core rules) reads them."""
    parsed = ua_parser.parse(user_agent[:1000])
    families = (part.family for part in (parsed.user_agent, parsed.os) if part and part.family != "Other")
    return re.sub(r"[^\w ,.-]", "", ", ".join(families))[:80]
