"""The mail outbox: messages are stored with the change that causes them and sent after it commits.

`enqueue` renders a message in the recipient's language and adds it to the current transaction (a
duplicate `dedup_key` is ignored, so a replayed event never mails twice). `send_due` claims each
message with a conditional UPDATE (two senders never send the same one), sends it with a timeout and
backs off on failure: attempt k waits min(60·2^k s, 6 h); after 12 attempts (about a day) the message is
`dead`; a message that can never be sent (a bad header) is `dead` at once. Nothing escapes to the caller.
Without an SMTP server (`make run`) messages are written as .eml files under `instance/mail/`.

A message may carry files (`Attachment`): each is stored as what makes it (a kind and a reference, e.g.
invoice 12) and made when the message is sent, by the renderer the application registered for its kind
(`init_app`), from rows that never change. A file that cannot be made is a message that can never be
sent: it is `dead` at once, shown to staff, who can send it again once the cause is mended.
"""

from __future__ import annotations

import enum
import smtplib
import socket
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_mail import Message
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import load_only, selectinload

from shop import audit
from shop.db import db, transaction, utcnow
from shop.extensions import mail
from shop.models import OutboxAttachment, OutboxMessage, OutboxStatus, User
from shop.pagination import Page

STATUS_LABELS = {
    OutboxStatus.PENDING: _l("waiting"),
    OutboxStatus.SENDING: _l("being sent"),
    OutboxStatus.SENT: _l("sent"),
    OutboxStatus.DEAD: _l("given up"),
}

MAX_ATTEMPTS = 12  # with the backoff below: about a day of mail-server outage before staff must step in
SMTP_TIMEOUT_SECONDS = 20  # for `flask outbox send`
AFTER_COMMIT_TIMEOUT_SECONDS = 5  # for the try inside a customer's or staff member's request
STALE_CLAIM = timedelta(minutes=10)
MAIL_ROOM_PAGE_SIZE = 100  #: messages on one page of the back office's mail room
_smtp_timeout_lock = threading.Lock()


#: Makes an attachment's bytes from its reference (e.g. an invoice's PDF from the invoice's id).
Renderer = Callable[[str], bytes]
_RENDERERS = "outbox_renderers"


@dataclass(frozen=True)
class Attachment:
    """A file for a message, made when it is sent: `kind` names the renderer, `reference` what it renders."""

    kind: str
    reference: str
    filename: str
    content_type: str = "application/pdf"


class AttachmentKindUnknown(LookupError):
    """No renderer is registered for an attachment's kind."""


def init_app(app: Flask, *, renderers: Mapping[str, Renderer]) -> None:
    """The renderers of attachments, by kind (the application factory passes the domain packages')."""
    app.extensions[_RENDERERS] = dict(renderers)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the given number of failed attempts."""
    return timedelta(seconds=min(60 * 2**attempts, 6 * 3600))


def enqueue(
    *,
    dedup_key: str,
    recipient: str,
    template: str,
    language: str,
    context: Mapping[str, Any],
    order_id: int | None = None,
    attachments: Sequence[Attachment] = (),
) -> OutboxMessage | None:
    """Render `mail/<template>.{txt,html}` in `language` and add it to the current transaction, with
    `attachments` to be made when it is sent.

    Returns None when a message with this key was already written (the event was seen before).
    """
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key)) is not None:
        return None
    with force_locale(language):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text_body = render_template(f"mail/{template}.txt", **context)
        html_body = render_template(f"mail/{template}.html", **context)
    message = OutboxMessage(
        dedup_key=dedup_key,
        recipient=recipient,
        subject=" ".join(subject.split()),  # never a header injection, whatever a product is called
        text_body=text_body,
        html_body=html_body,
        order_id=order_id,
        attachments=[
            OutboxAttachment(
                kind=attachment.kind,
                reference=attachment.reference,
                filename=attachment.filename,
                content_type=attachment.content_type,
            )
            for attachment in attachments
        ],
    )
    db.session.add(message)
    return message


def send_due(
    *,
    now: datetime | None = None,
    limit: int = 100,
    only: Sequence[int] | None = None,
    timeout: float = SMTP_TIMEOUT_SECONDS,
    stop_on_failure: bool = False,
) -> int:
    """Send the messages that are due (or just `only` these ids); returns how many were sent."""
    now = now or utcnow()
    _release_stale_claims(now)
    statement = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if only is not None:
        statement = statement.where(OutboxMessage.id.in_(only))
    ids = list(db.session.scalars(statement))
    db.session.rollback()  # end the read; each message is claimed in its own short transaction
    sent = 0
    for message_id in ids:
        outcome = _send_one(message_id, now, timeout)
        sent += outcome is _Outcome.SENT
        if outcome is _Outcome.SERVER_AWAY and stop_on_failure:
            break  # the mail server is away: leave the rest to `flask outbox send`
    return sent


def send_now(messages: Sequence[OutboxMessage | None]) -> None:
    """Try the just-committed messages at once; whatever fails stays queued for `flask outbox send`."""
    send_ids_now([message.id for message in messages if message is not None])


def send_ids_now(ids: Sequence[int]) -> None:
    """`send_now` for messages known by id (e.g. after a response has gone out)."""
    if not current_app.config.get("OUTBOX_SEND_AFTER_COMMIT", True):
        return
    if ids:  # a silent mail server costs the request one short timeout, not one per message
        send_due(only=ids, timeout=AFTER_COMMIT_TIMEOUT_SECONDS, stop_on_failure=True)


def retry(message_id: int, *, by: User | None = None) -> None:
    """Send a message again: a dead or waiting one gets a fresh start, a sent one goes once more (the customer
    lost it); one being sent right now is left alone."""
    with transaction():
        restarted = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status.in_([OutboxStatus.DEAD, OutboxStatus.PENDING, OutboxStatus.SENT]),
            )
            .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow(), last_error="")
            .returning(OutboxMessage.dedup_key)
        ).first()
        if restarted is not None:
            audit.record("mail.send_again", "mail", message_id, by=by, after={"message": restarted.dedup_key})


def list_messages(page: int = 1) -> Page[OutboxMessage]:
    """Every message the shop wrote, newest first, a page at a time (a page out of range gives the nearest
    real one), with its attachments; the bodies are left in the database."""
    total = db.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    number = min(max(page, 1), max(1, -(-total // MAIL_ROOM_PAGE_SIZE)))
    messages = db.session.scalars(
        select(OutboxMessage)
        .options(
            load_only(
                OutboxMessage.created_at,
                OutboxMessage.recipient,
                OutboxMessage.subject,
                OutboxMessage.status,
                OutboxMessage.attempts,
            )
        )
        .options(selectinload(OutboxMessage.attachments))
        .order_by(OutboxMessage.id.desc())
        .limit(MAIL_ROOM_PAGE_SIZE)
        .offset((number - 1) * MAIL_ROOM_PAGE_SIZE)
    ).all()
    return Page(items=messages, number=number, size=MAIL_ROOM_PAGE_SIZE, total=total)


def count_by_status() -> dict[OutboxStatus, int]:
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return {status: count for status, count in rows}


def _release_stale_claims(now: datetime) -> None:
    """A sender that died mid-way leaves `sending` rows; after a while they are due again."""
    with transaction():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < now - STALE_CLAIM)
            .values(status=OutboxStatus.PENDING)
        )


class _Outcome(enum.Enum):
    SENT = "sent"
    SERVER_AWAY = "server_away"  # worth trying again later, and no use trying the next one now
    GIVEN_UP = "given_up"  # this message can never be sent; the next one may well be
    TAKEN = "taken"  # another sender has it


def _send_one(message_id: int, now: datetime, timeout: float) -> _Outcome:
    with transaction():
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.SENDING, claimed_at=now)
            .returning(OutboxMessage.id)
        ).first()
    if claimed is None:
        return _Outcome.TAKEN
    message = db.session.get_one(OutboxMessage, message_id)
    try:
        sizes = _deliver(message, timeout)
    except Exception as error:
        db.session.rollback()  # whatever an attachment's renderer read is over
        # A bad header, or an attachment that cannot be made, will never send; the network or the
        # database being away is worth another try.
        permanent = not isinstance(error, OSError | smtplib.SMTPException | DBAPIError)
        current_app.logger.warning("Mail %s to %s not sent: %s", message.dedup_key, message.recipient, error)
        with transaction():
            message = db.session.get_one(OutboxMessage, message_id)
            message.attempts += 1
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if permanent or message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.DEAD
            else:
                message.status = OutboxStatus.PENDING
                message.next_attempt_at = now + backoff(message.attempts)
        return _Outcome.GIVEN_UP if permanent else _Outcome.SERVER_AWAY
    with transaction():
        message = db.session.get_one(OutboxMessage, message_id)
        message.status = OutboxStatus.SENT
        message.sent_at = utcnow()
        message.attempts += 1
        message.last_error = ""
        for attachment in message.attachments:
            attachment.size_bytes = sizes.get(attachment.id, attachment.size_bytes)
    return _Outcome.SENT


def _deliver(message: OutboxMessage, timeout: float) -> dict[int, int]:
    """Send the message; returns the size of each attachment it carried, by id."""
    domain = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN", "kaimo-muge.example.org")
    mail_message = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.text_body,
        html=message.html_body,
    )
    # The key names the event, so a copy sent twice after a crash is recognisable as the same message.
    mail_message.msgId = f"<{message.dedup_key.replace(':', '.')}.{message.id}@{domain}>"
    sizes = {}
    for attachment in message.attachments:
        data = render_attachment(attachment)
        sizes[attachment.id] = len(data)
        mail_message.attach(attachment.filename, attachment.content_type, data)
    if not current_app.config.get("MAIL_SERVER"):
        _write_to_folder(message, mail_message)
        return sizes
    # Flask-Mail opens SMTP without a timeout of its own: lend it the process default, one sender at a time.
    with _smtp_timeout_lock:
        previous = socket.getdefaulttimeout()
        socket.setdefaulttimeout(timeout)
        try:
            mail.send(mail_message)
        finally:
            socket.setdefaulttimeout(previous)
    return sizes


def get_attachment(message_id: int, attachment_id: int) -> OutboxAttachment | None:
    """One attachment of one message (None when the message has no such attachment)."""
    return db.session.scalars(
        select(OutboxAttachment).where(
            OutboxAttachment.id == attachment_id, OutboxAttachment.message_id == message_id
        )
    ).first()


def render_attachment(attachment: OutboxAttachment) -> bytes:
    """The bytes of an attachment, made now by the renderer registered for its kind."""
    renderer = current_app.extensions.get(_RENDERERS, {}).get(attachment.kind)
    if renderer is None:
        raise AttachmentKindUnknown(attachment.kind)
    data: bytes = renderer(attachment.reference)
    return data


def mail_folder() -> Path:
    return Path(current_app.config.get("MAIL_FOLDER") or Path(current_app.instance_path) / "mail")


def forget_written_copies(message_ids: Iterable[int]) -> None:
    """Delete the .eml copies the developer's mail server (below) kept of these messages, whose text has
    been erased: nothing of an erased customer lingers on disk. A real SMTP server keeps no copy here."""
    folder = mail_folder()
    for message_id in message_ids:
        (folder / f"{message_id:06d}.eml").unlink(missing_ok=True)


def _write_to_folder(message: OutboxMessage, mail_message: Message) -> None:
    """The developer's mail server: one .eml file per message, readable by staff in the back office."""
    folder = mail_folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{message.id:06d}.eml").write_bytes(mail_message.as_bytes())
