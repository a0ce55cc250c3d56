"""Events, and their delivery to the shop's webhook signed as Stripe signs them."""

from __future__ import annotations

import copy
import http.client
import json
import time
import urllib.error
import urllib.request
from typing import Any

import stripe

from tests.fake_stripe.store import Store

WEBHOOK_TIMEOUT_S = 10


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Like Stripe, a webhook answered with a redirect is not followed: its 3xx status is the result."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# Straight to the URL (no proxy from the environment), no redirects followed.
_WEBHOOK_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())


def signed(event: dict[str, Any], secret: str, *, age_s: int = 0) -> tuple[str, str]:
    """(payload, Stripe-Signature header) exactly as Stripe signs a webhook, `age_s` seconds ago."""
    payload = json.dumps(event)
    timestamp = int(time.time()) - age_s
    return payload, stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


class Webhooks(Store):
    """Events, and their delivery to `webhook_url`."""

    def event(
        self, type: str, obj: dict[str, Any], *, id: str | None = None, created: int | None = None
    ) -> dict[str, Any]:
        """A Stripe event envelope around a copy of `obj`, as a webhook would deliver it."""
        return {
            "id": id or self._new_id("evt_test"), "object": "event", "api_version": stripe.api_version,
            "created": int(time.time()) if created is None else created, "livemode": False,
            "pending_webhooks": 1, "type": type, "data": {"object": copy.deepcopy(obj)},
        }  # fmt: skip

    def deliver(self, event: dict[str, Any]) -> int | None:
        """POST `event`, signed, to `webhook_url` as Stripe does; the status is added to `webhook_deliveries`.

        0 = no HTTP answer (refused, timed out). Returns None, delivering nothing, without a `webhook_url`.
        Never call it holding the lock: the shop may call back while it handles the event.
        """
        if self.webhook_url is None or self.webhook_secret is None:
            return None
        payload, header = signed(event, self.webhook_secret)
        request = urllib.request.Request(
            self.webhook_url,
            data=payload.encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": header,
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )
        try:
            with _WEBHOOK_OPENER.open(request, timeout=WEBHOOK_TIMEOUT_S) as response:
                status = int(response.status)
        except urllib.error.HTTPError as err:  # 3xx/4xx/5xx: an answer all the same
            status = err.code
            err.close()
        except (OSError, http.client.HTTPException):
            status = 0
        with self._lock:
            self.webhook_deliveries.append((event["type"], status))
        return status
