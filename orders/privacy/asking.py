"""Asking for one's data: the request, the mailed link that opens it, and staff's list of every request.

The link carries only the request's id, signed and timestamped by itsdangerous with a salt of its own (a
password link is no use here, nor this one there). It works for PRIVACY_LINK_HOURS, and no longer once
the request's data are erased or the request is closed: erasure happens once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_, select

from orders.errors import AlreadyErased, PrivacyLinkNotValid, PrivacyRequestNotFound
from orders.models import Order
from orders.privacy.holdings import holds_orders, normal_address
from orders.privacy.models import PrivacyRequest, PrivacyRequestStatus, RequestChannel
from shop import audit, outbox
from shop.db import db, transaction, utcnow
from shop.models import OutboxMessage, User

LINK_PURPOSE = "privacy-request"  #: the salt of the links, never used for anything else
#: Mails that carry a link to one's data start their key with this (erasure anonymises them too).
LINK_MAIL_KEY = "privacy-link:"
#: A request left open this long is closed by the daily job (GDPR asks for an answer within a month).
OPEN_DAYS = 30
#: Requests still needing someone: open (the customer or staff have yet to act) or waiting for orders.
IN_PROGRESS = (PrivacyRequestStatus.OPEN, PrivacyRequestStatus.DEFERRED)


def link_lifetime() -> timedelta:
    return timedelta(hours=int(current_app.config.get("PRIVACY_LINK_HOURS", 24)))


def address_digest(email: str) -> str:
    """A keyed hash of the address: lets staff find an erased address's requests, and nobody holding a copy
    of the database confirm that someone was a customer."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{LINK_PURPOSE}:{normal_address(email)}".encode(), hashlib.sha256).hexdigest()


def request_link(email: str, *, language: str) -> list[int]:
    """A customer asks for their data: mail the address a link, if orders were placed with it.

    Returns the ids of the mail written (none for an address with no orders): the caller answers the same
    either way and sends the mail after its answer, so neither the words nor the time tell who is a customer.
    An open request of the address made within the link's lifetime is reused (asking twice makes one request).
    """
    address = normal_address(email)
    now = utcnow()
    with transaction():
        if not holds_orders(address):
            return []
        request = db.session.scalars(
            select(PrivacyRequest)
            .where(
                PrivacyRequest.email == address,
                PrivacyRequest.status == PrivacyRequestStatus.OPEN,
                PrivacyRequest.channel == RequestChannel.WEB,
                PrivacyRequest.created_at > now - link_lifetime(),
            )
            .order_by(PrivacyRequest.id.desc())
            .limit(1)
        ).first()
        if request is None:
            request = _new_request(address, language=language, channel=RequestChannel.WEB, now=now)
        request.language = language
        message = _mail_link(request, now)
        db.session.flush()
        return [message.id] if message is not None else []


def record_request(email: str, *, note: str, by: User | None) -> PrivacyRequest:
    """Staff record a request made by phone, by letter or in person; they handle it on its page."""
    address = normal_address(email)
    now = utcnow()
    with transaction():
        language = db.session.scalar(
            select(Order.language)
            .where(func.lower(Order.email) == address, Order.anonymised_at.is_(None))
            .order_by(Order.created_at.desc())
            .limit(1)
        )
        request = _new_request(address, language=language or "lt", channel=RequestChannel.STAFF, now=now)
        request.note = note.strip()[:500]
        request.created_by_id = by.id if by else None
        db.session.flush()
        audit.record(
            "privacy.record", "privacy_request", request.id, by=by, after={"channel": request.channel}
        )
    return request


def mail_link_again(request_id: int, *, by: User | None) -> list[int]:
    """Staff send the customer the link to their data (e.g. after a phone call); returns the mail's id."""
    now = utcnow()
    with transaction():
        request = _get(request_id)
        if request.status not in IN_PROGRESS:
            raise AlreadyErased(request.status)
        message = _mail_link(request, now)
        db.session.flush()
        audit.record("privacy.mail_link", "privacy_request", request.id, by=by)
        return [message.id] if message is not None else []


def make_link_token(request: PrivacyRequest) -> str:
    """The token of the link to this request's page (`/privatumas/<token>`)."""
    return _serializer().dumps({"request": request.id})


def read_link_token(token: str) -> PrivacyRequest:
    """The request behind a link, if the link is ours, in time and the request not finished; otherwise
    PrivacyLinkNotValid says why ("invalid", "expired", "used")."""
    if not token or len(token) > 200:
        raise PrivacyLinkNotValid("invalid")
    try:
        payload = _serializer().loads(token, max_age=int(link_lifetime().total_seconds()))
    except SignatureExpired:
        raise PrivacyLinkNotValid("expired") from None
    except BadData:
        raise PrivacyLinkNotValid("invalid") from None
    request_id = payload.get("request") if isinstance(payload, dict) else None
    if not isinstance(request_id, int) or isinstance(request_id, bool) or not 0 < request_id < 2**31:
        raise PrivacyLinkNotValid("invalid")
    request = db.session.get(PrivacyRequest, request_id)
    if request is None:
        raise PrivacyLinkNotValid("invalid")
    if request.status not in IN_PROGRESS:
        raise PrivacyLinkNotValid("used")
    return request


def link_expiry(now: datetime | None = None) -> datetime:
    return (now or utcnow()) + link_lifetime()


def get_request(request_id: int) -> PrivacyRequest:
    """One request, or PrivacyRequestNotFound."""
    return _get(request_id)


def list_requests(*, text: str = "", limit: int = 200) -> Sequence[PrivacyRequest]:
    """The newest requests first; `text`: part of the address, or a whole address (found by its hash even
    after it was erased)."""
    statement = select(PrivacyRequest).order_by(PrivacyRequest.id.desc()).limit(limit)
    wanted = normal_address(text)
    if wanted:
        pattern = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(
            or_(
                PrivacyRequest.email.like(pattern, escape="\\"),
                PrivacyRequest.email_digest == address_digest(wanted),
            )
        )
    return db.session.scalars(statement).all()


def count_in_progress() -> int:
    """How many requests are open or waiting for orders to close (the dashboard's count)."""
    return (
        db.session.scalar(
            select(func.count()).select_from(PrivacyRequest).where(PrivacyRequest.status.in_(IN_PROGRESS))
        )
        or 0
    )


def closes_on(request: PrivacyRequest) -> datetime:
    """When an open request is closed by the daily job if nobody takes it further."""
    return request.created_at + timedelta(days=OPEN_DAYS)


def _new_request(address: str, *, language: str, channel: RequestChannel, now: datetime) -> PrivacyRequest:
    request = PrivacyRequest(
        email=address,
        email_digest=address_digest(address),
        language=language,
        channel=channel,
        status=PrivacyRequestStatus.OPEN,
        created_at=now,
    )
    db.session.add(request)
    db.session.flush()
    return request


def _mail_link(request: PrivacyRequest, now: datetime) -> OutboxMessage | None:
    """Inside a transaction: a mail to the request's address with a fresh link (each call, a new mail)."""
    request.link_mailed_at = now
    return outbox.enqueue(
        dedup_key=f"{LINK_MAIL_KEY}{request.id}:{now:%Y%m%d%H%M%S}:{secrets.token_hex(6)}",
        recipient=request.email,
        template="orders/privacy_link",
        language=request.language,
        context={"token": make_link_token(request), "expires_at": link_expiry(now)},
    )


def _get(request_id: int) -> PrivacyRequest:
    request = db.session.get(PrivacyRequest, request_id)
    if request is None:
        raise PrivacyRequestNotFound(request_id)
    return request


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt=LINK_PURPOSE)
