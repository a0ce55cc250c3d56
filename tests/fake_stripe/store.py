"""The fake's state: Stripe's objects by id and what it was asked, guarded by one lock."""

from __future__ import annotations

import itertools
import threading
from typing import Any

from tests.fake_stripe.protocol import Call


class Store:
    """What every kind of resource reads and writes. `base` is the server's URL, set once it listens."""

    base: str

    def __init__(self, webhook_url: str | None, webhook_secret: str | None) -> None:
        if webhook_url is not None and not webhook_secret:
            raise ValueError("a webhook_url needs the webhook_secret to sign the events with")
        self.webhook_url, self.webhook_secret = webhook_url, webhook_secret
        self.webhook_deliveries: list[tuple[str, int]] = []  # (event type, HTTP status; 0 = no answer)
        self.calls: list[Call] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self.payment_intents: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.transfers: dict[str, dict[str, Any]] = {}
        self._session_params: dict[str, dict[str, Any]] = {}  # what create sent, e.g. payment_intent_data
        self._declined: set[str] = set()  # sessions whose page shows "Your card was declined."
        self._pending_intents: dict[str, str] = {}  # session → intent of a declined try, reused by pay()
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._counter)}"
