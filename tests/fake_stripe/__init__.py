"""A small, stateful, Stripe-compatible HTTP server on 127.0.0.1 for tests.

The real `stripe` library talks to it over HTTP::

    fake = FakeStripe()
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": fake.base}, max_network_retries=2)

It knows only the routes the shop uses (Checkout Sessions, payment intents, refunds, transfers, and GET of
each object), answers errors in Stripe's shapes so the library raises the same exception classes, and keeps
Stripe's idempotency rules: the first result for an `Idempotency-Key` is saved (500s included) and replayed.
Like Stripe, parameter errors (400/404) are not saved, so a corrected retry with the same key may run.

It also serves the customer's side, so a real browser can pay: a session's `url` (`/pay/<session id>`) is
a small HTML page with "Pay" and "Decline card" buttons. With a `webhook_url` (and its `webhook_secret`),
those buttons deliver the signed event (`checkout.session.completed`, `payment_intent.payment_failed`) to
the shop before the browser is sent on. By hand, for a developer::

    python -m tests.fake_stripe --port 12111 \\
        --webhook-url http://127.0.0.1:5000/stripe/webhook --webhook-secret whsec_dev
"""

from __future__ import annotations

from tests.fake_stripe.protocol import Call, StripeError, parse_params
from tests.fake_stripe.server import FakeStripe
from tests.fake_stripe.webhooks import NoRedirect, signed

__all__ = ["Call", "FakeStripe", "NoRedirect", "StripeError", "parse_params", "signed"]
