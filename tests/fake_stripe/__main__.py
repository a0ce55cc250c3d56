"""`python -m tests.fake_stripe`: a fake Stripe, with its payment page, for a developer's browser."""

from __future__ import annotations

import argparse
import sys
import time

from tests.fake_stripe.server import FakeStripe


def main(argv: list[str] | None = None) -> None:
    """Serve a fake Stripe on 127.0.0.1 for a developer's browser, until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.fake_stripe", description="A fake Stripe, with a payment page, for development."
    )
    parser.add_argument("--port", type=int, default=12111, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument(
        "--webhook-url", help="where to POST the events, e.g. http://127.0.0.1:5000/stripe/webhook"
    )
    parser.add_argument("--webhook-secret", help="the whsec_… secret the shop verifies the events with")
    args = parser.parse_args(argv)
    if args.webhook_url and not args.webhook_secret:
        parser.error("--webhook-url needs --webhook-secret")
    with FakeStripe(args.webhook_url, args.webhook_secret, port=args.port) as fake:
        try:  # a Ctrl-C as soon as the address is printed still ends it cleanly
            print(fake.base, flush=True)
            print(
                f"Run the shop with STRIPE_API_BASE={fake.base} STRIPE_SECRET_KEY=sk_test_<anything>"
                + (f" STRIPE_WEBHOOK_SECRET={args.webhook_secret}" if args.webhook_secret else "")
                + ". Ctrl-C stops.",
                file=sys.stderr,
                flush=True,
            )
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
