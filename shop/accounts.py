"""Accounts: the password rules, and the signed links that set a password (reset and invitation).

A link carries the person's id and a fingerprint of the password hash it was made for, signed and
timestamped by itsdangerous with a salt per purpose. It stops working when it expires, and as soon as the
password changes: every link works once, and one used link kills all the older ones with it.
"""

from __future__ import annotations

import enum
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from shop import outbox, sign_ins
from shop.db import db, transaction, utcnow
from shop.models import OutboxMessage, User
from shop.passwords import hash_password, password_fingerprint

RESET = "password-reset"  #: the salt of "forgot your password?" links
INVITATION = "invitation"  #: the salt of the links in the VVG's invitations
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


class LinkProblem(enum.Enum):
    EXPIRED = "expired"
    USED = "used"  # the password changed since (or the account is gone or switched off)
    INVALID = "invalid"  # not one of ours


class LinkNotValid(Exception):
    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class WeakPassword(ValueError):
    """The new password breaks a rule (the form says which before this is ever raised)."""


@dataclass(frozen=True)
class PasswordLink:
    """A valid link: whose password it sets, what for, and the password hash it was made for."""

    user: User
    purpose: str
    fingerprint: str


def link_lifetime(purpose: str) -> timedelta:
    """How long a link made now works."""
    if purpose == INVITATION:
        return timedelta(days=int(current_app.config["INVITATION_DAYS"]))
    return timedelta(hours=int(current_app.config["PASSWORD_RESET_HOURS"]))


def make_link_token(user: User, purpose: str) -> str:
    """The token of a link that sets this person's password (for `/slaptazodis/<token>`)."""
    payload = {"user": user.id, "password": password_fingerprint(user.password_hash)}
    return _serializer(purpose).dumps(payload)


def read_link_token(token: str) -> PasswordLink:
    """The link behind a token, if it is ours, in time and unused; otherwise LinkNotValid says why."""
    for purpose in (RESET, INVITATION):
        try:
            payload = _serializer(purpose).loads(token, max_age=int(link_lifetime(purpose).total_seconds()))
        except SignatureExpired:
            raise LinkNotValid(LinkProblem.EXPIRED) from None
        except BadData:
            continue
        break
    else:
        raise LinkNotValid(LinkProblem.INVALID)
    if not isinstance(payload, dict):
        raise LinkNotValid(LinkProblem.INVALID)
    user_id, fingerprint = payload.get("user"), payload.get("password")
    if not isinstance(user_id, int) or not isinstance(fingerprint, str):
        raise LinkNotValid(LinkProblem.INVALID)
    user = db.session.get(User, user_id)
    if (
        user is None
        or not user.is_active
        or not hmac.compare_digest(password_fingerprint(user.password_hash), fingerprint)
    ):
        raise LinkNotValid(LinkProblem.USED)
    return PasswordLink(user=user, purpose=purpose, fingerprint=fingerprint)


def is_acceptable_password(password: str, email: str) -> bool:
    """At least ten characters, at most 256, and not the person's own e-mail address."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        return False
    return password.strip().casefold() != email.strip().casefold()


def request_password_reset(email: str, *, language: str) -> list[int]:
    """Write a reset link to the active account with this address, if there is one.

    Returns the ids of the mail written (none for an unknown address): the caller answers the same either
    way and sends the mail after its answer, so neither the words nor the time tell who has an account.
    """
    wanted = email.strip().lower()
    with transaction():
        user = db.session.scalars(
            select(User).where(func.lower(User.email) == wanted, User.is_active.is_(True))
        ).first()
        if user is None:
            return []
        message = mail_password_link(user, RESET, template="auth/password_reset", language=language)
        db.session.flush()
        return [message.id] if message is not None else []


def mail_password_link(
    user: User, purpose: str, *, template: str, language: str, with_link: bool = True, **context: object
) -> OutboxMessage | None:
    """Inside a transaction: a mail with a fresh link to set the password (every call, a new mail).

    The template gets `user`, `token` (None without a link) and `expires_at`, besides `context`.
    """
    return outbox.enqueue(
        dedup_key=f"{purpose}:{user.id}:{utcnow():%Y%m%d%H%M%S}:{secrets.token_hex(6)}",
        recipient=user.email,
        template=template,
        language=language,
        context={
            "user": user,
            "token": make_link_token(user, purpose) if with_link else None,
            "expires_at": link_expiry(purpose),
            **context,
        },
    )


def link_expiry(purpose: str) -> datetime:
    return utcnow() + link_lifetime(purpose)


def set_password(link: PasswordLink, password: str) -> User:
    """Set the password the link was made for; the link (and every older one) stops working.

    Raises WeakPassword for a password that breaks the rules, LinkNotValid if the password changed
    meanwhile (the same link used twice at once: only the first one wins).
    """
    if not is_acceptable_password(password, link.user.email):
        raise WeakPassword()
    new_hash = hash_password(password)  # slow on purpose: outside the transaction
    with transaction():
        user = db.session.get(User, link.user.id)
        if user is None or not user.is_active:
            raise LinkNotValid(LinkProblem.USED)
        old_hash = user.password_hash
        if not hmac.compare_digest(password_fingerprint(old_hash), link.fingerprint):
            raise LinkNotValid(LinkProblem.USED)
        changed = db.session.execute(
            update(User)
            .where(User.id == user.id, User.password_hash == old_hash)
            .values(password_hash=new_hash)
            .returning(User.id)
            .execution_options(synchronize_session=False)
        ).first()
        if changed is None:
            raise LinkNotValid(LinkProblem.USED)
        sign_ins.end_all(user.id)  # a new password ends every sign-in (the link's page starts a new one)
    return user


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt=purpose)
