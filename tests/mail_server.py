"""A real SMTP server on loopback (aiosmtpd) and a shop that sends to it: for the tests that read the mail
the shop really sends (the outbox's, the invoices' attachments)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask

from app import create_app


class Inbox:
    """What the SMTP server accepted: one aiosmtpd envelope per delivered message."""

    def __init__(self, delay: float = 0.0) -> None:
        self.envelopes: list[Any] = []
        self.delay = delay  # a slow server keeps two senders busy at the same time

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.envelopes.append(envelope)
        return "250 OK"

    @property
    def mails(self) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]  # type: ignore[misc]

    def to(self, address: str) -> list[EmailMessage]:
        return [
            message_from_bytes(e.content, policy=policy.default)  # type: ignore[misc]
            for e in self.envelopes
            if e.rcpt_tos == [address]
        ]


def free_port() -> int:
    """A loopback port nothing listens on (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(port: int, inbox: Inbox | None = None) -> Iterator[Inbox]:
    inbox = inbox or Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def shop_sending_to(test_config: dict[str, Any], port: int, **overrides: Any) -> Flask:
    return create_app(
        {
            **test_config,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_SUPPRESS_SEND": False,
            **overrides,
        }
    )
