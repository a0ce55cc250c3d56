"""How fast the Stripe webhook answers: `make bench` (W7: Stripe wants a 2xx quickly).

Places card orders in a throw-away database (SQLite, or DATABASE_URL), has the project's fake Stripe
make and pay their pages, then posts each signed `checkout.session.completed` (the heaviest event: the
order is paid, its parcels routed, four mails written) and a replay of it through the WSGI app.
Exits 1 when a median misses its target; not part of `make test` (timings are not test results).
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import flask_migrate

from orders.payments.checkout import start_card_payment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from orders import placing
from orders.models import PaymentMethod
from producers.models import DeliveryMethod
from shop.db import db
from tests.factories.catalogue import make_product, make_variant
from tests.factories.producers import make_community
from tests.factories.shop import make_operator
from tests.fake_stripe import FakeStripe, signed

TARGETS_MS = {"applied": 150, "duplicate": 30}
ORDERS = 40
SECRET = "whsec_bench"
BUYER = placing.Buyer(name="Bench", email="bench@example.org", phone="+37061234567", language="lt")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder, FakeStripe() as fake:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "MEDIA_ROOT": folder,
                "MAIL_FOLDER": folder,
                "SECRET_KEY": "bench",
                "STRIPE_SECRET_KEY": "sk_test_bench",
                "STRIPE_WEBHOOK_SECRET": SECRET,
                "STRIPE_API_BASE": fake.base,
            }
        )
        events = []
        with app.app_context(), app.test_request_context():
            flask_migrate.upgrade()
            make_operator()
            products = [make_product(make_community(), variants=[make_variant(stock=1000)]) for _ in range(3)]
            for n in range(ORDERS):
                order = placing.place_order(
                    [placing.LineRequest(product.variants[0].id, 1) for product in products],
                    {p.community_id: placing.DeliveryChoice(DeliveryMethod.PICKUP) for p in products},
                    # a buyer each: one address may hold only a few unpaid orders (orders.caps)
                    dataclasses.replace(BUYER, email=f"bench-{n}@example.org"),
                    payment_method=PaymentMethod.CARD,
                    idempotency_key=f"bench-{n}",
                )
                page = start_card_payment(order.id, success_url="http://x/ok", cancel_url="http://x/no")
                session = fake.pay(page.rsplit("/", 1)[-1])
                events.append(fake.event("checkout.session.completed", session))
            db.session.remove()
        client = app.test_client()
        timings: dict[str, list[float]] = {"applied": [], "duplicate": []}
        for event in events * 2:  # each event, then each replay
            payload, signature = signed(event, SECRET)
            start = time.perf_counter()
            response = client.post("/stripe/webhook", data=payload, headers={"Stripe-Signature": signature})
            timings[response.get_data(as_text=True).strip()].append((time.perf_counter() - start) * 1000)
            response.close()  # mail goes out after the answer, outside the timing
        missed = 0
        for outcome, target in TARGETS_MS.items():
            median = statistics.median(timings[outcome])
            missed += median > target
            print(f"webhook {outcome:10} median {median:6.1f} ms  max {max(timings[outcome]):6.1f} ms  "
                  f"target {target} ms  {'ok' if median <= target else 'SLOW'}")  # fmt: skip
        return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
