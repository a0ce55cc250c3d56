"""The one door to Stripe: a client built from the configuration, answers as plain dicts, errors as ours.

Services call these functions outside any database transaction (no lock is held while Stripe thinks)
and pass a deterministic idempotency key with every call that creates something, so a call repeated
after a crash returns Stripe's first answer instead of doing the thing twice.
"""

from __future__ import annotations

import json
from typing import Any

import stripe
from flask import current_app

#: The currency of every amount we send Stripe, as Stripe writes it (lower case).
CURRENCY = "eur"

#: How old a webhook's signature may be, in seconds (Stripe's own default): older ones may be replays.
WEBHOOK_TOLERANCE_SECONDS = 300


class StripeUnavailable(Exception):
    """Stripe did not answer, or answered with its own failure: try again later; nothing is lost."""


class StripeRefused(Exception):
    """Stripe understood the request and said no (e.g. a session that is no longer open)."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class InvalidWebhook(Exception):
    """A webhook request whose signature, age or body does not hold: answered 400, nothing done."""


def is_enabled() -> bool:
    """Whether the shop takes cards: only when the operator configured a Stripe secret key."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def client() -> stripe.StripeClient:
    """The app's Stripe client (one per app, thread-safe), pointed at STRIPE_API_BASE when that is set."""
    app = current_app
    existing = app.extensions.get("stripe_client")
    if existing is not None:
        return existing  # type: ignore[no-any-return]
    base = app.config.get("STRIPE_API_BASE")
    made = stripe.StripeClient(
        app.config["STRIPE_SECRET_KEY"],
        base_addresses={"api": base} if base else None,
        max_network_retries=app.config["STRIPE_MAX_NETWORK_RETRIES"],
        http_client=stripe.RequestsClient(timeout=app.config["STRIPE_TIMEOUT_SECONDS"]),
    )
    app.extensions["stripe_client"] = made
    return made


def create_checkout_session(params: Any, *, idempotency_key: str) -> dict[str, Any]:
    return _call(lambda: client().v1.checkout.sessions.create(params, {"idempotency_key": idempotency_key}))


def retrieve_checkout_session(session_id: str) -> dict[str, Any]:
    return _call(lambda: client().v1.checkout.sessions.retrieve(session_id))


def expire_checkout_session(session_id: str) -> dict[str, Any]:
    return _call(lambda: client().v1.checkout.sessions.expire(session_id))


def create_refund(params: Any, *, idempotency_key: str) -> dict[str, Any]:
    return _call(lambda: client().v1.refunds.create(params, {"idempotency_key": idempotency_key}))


def retrieve_payment_intent(payment_intent_id: str) -> dict[str, Any]:
    return _call(lambda: client().v1.payment_intents.retrieve(payment_intent_id))


def create_transfer(params: Any, *, idempotency_key: str) -> dict[str, Any]:
    return _call(lambda: client().v1.transfers.create(params, {"idempotency_key": idempotency_key}))


def verify_webhook(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event in a webhook request, if Stripe signed exactly these bytes within the tolerance."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET") or ""
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, WEBHOOK_TOLERANCE_SECONDS)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise InvalidWebhook(str(error).splitlines()[0] if str(error) else type(error).__name__) from None
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
    ):
        raise InvalidWebhook("not a Stripe event")
    return event


def _call(request: Any) -> dict[str, Any]:
    try:
        answer = request()
    except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as error:
        current_app.logger.warning("Stripe unavailable: %s", error)
        raise StripeUnavailable(str(error)) from None
    except stripe.AuthenticationError as error:  # the operator's key is wrong: customers see "unavailable"
        current_app.logger.error("Stripe refused the API key: %s", error)
        raise StripeUnavailable(str(error)) from None
    except stripe.StripeError as error:
        raise StripeRefused(error.user_message or str(error), getattr(error, "code", "") or "") from None
    return answer.to_dict()  # type: ignore[no-any-return]
