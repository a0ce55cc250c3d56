"""How long the storefront's pages take with a full catalogue: `make bench`.

Seeds 500 products into a throw-away database (SQLite, or DATABASE_URL), renders each page many times
through the WSGI app (no network) and compares the median with its target. Exits 1 when a target is
missed, so it can run in a scheduled job; it is not part of `make test` (timings are not test results).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import flask_migrate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from shop.db import db
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.producers import make_community

TARGETS_MS = {
    "/": 40,
    "/katalogas": 60,
    "/katalogas?q=atvirukas&sort=price_asc": 60,
    "/produktai/product-bench": 30,
}
ROUNDS = 60


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MEDIA_ROOT": folder, "SECRET_KEY": "bench"})
        with app.app_context():
            flask_migrate.upgrade()
            communities = [make_community() for _ in range(6)]
            categories = [make_category() for _ in range(3)]
            for n in range(500):
                make_product(communities[n % 6], categories[n % 3], variants=[make_variant(), make_variant()],
                             images=2, commit=False, name_lt=f"Atvirukas {n}")  # fmt: skip
            make_product(communities[0], categories[0], slug="product-bench", images=2)
            db.session.commit()
        client = app.test_client()
        missed = 0
        for path, target in TARGETS_MS.items():
            client.get(path)  # warm the template cache
            timings = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                assert client.get(path).status_code == 200
                timings.append((time.perf_counter() - start) * 1000)
            median = statistics.median(timings)
            verdict = "ok" if median <= target else "SLOW"
            missed += median > target
            print(f"{path:45} median {median:6.1f} ms  p90 {statistics.quantiles(timings, n=10)[-1]:6.1f} ms"
                  f"  target {target} ms  {verdict}")  # fmt: skip
        with app.app_context():
            db.engine.dispose()
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
