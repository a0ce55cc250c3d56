"""The mark's mails: every step of an application and a grant, queued in the outbox in the step's own
transaction (`send_now` them after it commits). Communities read them in Lithuanian, as all their mail."""

from __future__ import annotations

import secrets
from typing import Any

from shop import outbox
from shop.models import OutboxMessage
from shop.operator import get_operator

#: Each mail's kind (`templates/mail/producers/_mark_words.txt` words each one): submitted (to the community),
#: to_review (to the VVG), more_info, granted, refused, suspended, reinstated, revoked, reminder.


def to_community(kind: str, recipient: str, dedup: str | None = None, **context: Any) -> OutboxMessage | None:
    return outbox.enqueue(
        dedup_key=dedup or f"mark-{kind}:{secrets.token_hex(8)}",
        recipient=recipient,
        template="producers/mark_notice",
        language="lt",
        context={"kind": kind, **context},
    )


def to_vvg(**context: Any) -> OutboxMessage | None:
    """A notice to the VVG's own address (none before the shop is set up)."""
    operator = get_operator()
    if operator is None or not operator.email:
        return None
    return outbox.enqueue(
        dedup_key=f"mark-to_review:{secrets.token_hex(8)}",
        recipient=operator.email,
        template="producers/mark_notice",
        language="lt",
        context={"kind": "to_review", **context},
    )
