"""How long the storefront's pages take with a full catalogue: `make bench`.

Seeds BENCH_PRODUCTS products (500 unless set) into a throw-away database (SQLite, or DATABASE_URL),
named and described like the demo catalogue's, renders each page many times through the WSGI app (no
network) and compares the median with its target. Search pages are held to a ratio instead: their median
within 1.5× the plain catalogue page's, rendered in alternate rounds with it (so that both meet the same
load), and the same number of SQL statements whatever the query. A search page is timed as served (its
ranked page kept a minute: catalogue.search_cache, so every rendering after the first is served from it)
and cold (that cache emptied before each rendering: what the first visitor of a query waits), the target
held by the page as served. Exits 1
when a target is missed, so it can run in a scheduled job; it is not part of `make test` (timings are not
test results). The numbers of a run are in bench/README.md.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import flask_migrate
from sqlalchemy import event, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from catalogue.models import Category
from producers.models import Community
from shop.caching import cache
from shop.db import db
from shop.demo import data as demo_data
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.producers import make_community

TARGETS_MS = {
    "/": 40,
    "/katalogas": 10,  # #19
    "/katalogas?q=atvirukas&sort=price_asc": 60,
    "/produktai/product-bench": 3,  # #19
}
#: Pages also held to SCALE_RATIO × their median at SMALL products (#19: no more than 1.2×).
SCALED = ["/katalogas", "/produktai/product-bench"]
SMALL = 500
SCALE_RATIO = 1.2
#: The plain catalogue page the search pages are compared with.
PLAIN = "/katalogas"
#: Search pages, each held to SEARCH_RATIO × the median of PLAIN, timed in alternate rounds with it.
SEARCHES = [
    "/katalogas?q=atvirukai",
    "/katalogas?q=kal%C4%97diniai+atvirukai",
    "/katalogas?q=angelu",
    "/katalogas?q=siaudine+zvaig",
    "/katalogas?q=cards",
    "/katalogas?q=angleas",  # a typo, corrected
]
#: Search pages that find nothing (held to the same ratio): their own fixed number of statements.
NOTHING_FOUND = [
    "/katalogas?q=nieko+panasaus",
    "/katalogas?q=zvaigzdziu",  # with close words to offer
]
SEARCH_RATIO = 1.5
ROUNDS = 60


def main() -> int:
    products = int(os.environ.get("BENCH_PRODUCTS") or 500)
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
        # uncached, as the targets are set: the fragments (`shop.caching`) would hide what a page costs
        settings = {"SQLALCHEMY_DATABASE_URI": url, "MEDIA_ROOT": folder, "SECRET_KEY": "bench"}
        app = create_app({**settings, "CACHE_TYPE": "NullCache"})
        client = app.test_client()
        missed = 0
        with app.app_context():
            flask_migrate.upgrade()
            communities, categories = seed_shop(int(os.environ.get("BENCH_COMMUNITIES") or 150))
            add_products(0, min(products, SMALL), communities, categories)
            analyse()
        small = {path: timed(client, path) for path in SCALED} if products > SMALL else {}
        with app.app_context():
            add_products(SMALL, products, communities, categories)
            analyse()
        print(f"{products} products over {len(communities)} communities on {url.split(':')[0]}")
        for path, target in TARGETS_MS.items():
            median, p90, cpu = timed(client, path)
            slow = median > target
            verdict = "ok" if not slow else "SLOW"
            if path in small:
                ratio = median / small[path][0]
                slow |= ratio > SCALE_RATIO
                verdict += f"  {ratio:4.2f}× its {SMALL}-product {small[path][0]:5.1f} ms"
            missed += slow
            print(f"{path:45} median {median:6.1f} ms  p90 {p90:6.1f} ms  CPU {cpu:6.1f} ms"
                  f"  target {target:5.1f} ms  {verdict}"
                  f"  {count_statements(app, client, path)} SQL")  # fmt: skip

        # The search pages as served (shop.caching as in production: fragments and searches' ranked pages
        # kept), and cold: the cache emptied before each rendering of the search page.
        app = create_app(settings)
        client = app.test_client()

        def forget() -> None:
            with app.app_context():
                cache.clear()

        for path in SEARCHES + NOTHING_FOUND:
            median, plain = paired(client, path, PLAIN)
            cold, cold_plain = paired(client, path, PLAIN, before=forget)
            ratio = median / plain
            verdict = "ok" if ratio <= SEARCH_RATIO else "SLOW"
            missed += ratio > SEARCH_RATIO
            print(f"{path:45} median {median:6.1f} ms  {PLAIN} {plain:6.1f} ms  {ratio:4.2f}×"
                  f"  {verdict}  {count_statements(app, client, path)} SQL"
                  f"  | cold {cold:6.1f} ms  {cold / cold_plain:4.2f}×")  # fmt: skip
        for paths in (SEARCHES, NOTHING_FOUND):
            for kind in ("cold", "served"):  # the cache emptied first, or the same page just rendered
                statements = set()
                for path in paths:
                    forget() if kind == "cold" else client.get(path)
                    statements.add(count_statements(app, client, path))
                print(f"{kind} search pages{' finding nothing' if paths is NOTHING_FOUND else ''}: "
                      f"{', '.join(map(str, sorted(statements)))} SQL")  # fmt: skip
                if len(statements) != 1:
                    print("  SLOW: search pages run different numbers of SQL statements")
                    missed += 1
        if os.environ.get("BENCH_PROFILE"):
            profile(client, os.environ["BENCH_PROFILE"])
        with app.app_context():
            db.engine.dispose()
    return 1 if missed else 0


def seed_shop(communities: int) -> tuple[list[Community], list[Category]]:
    """`communities` communities (the demo's six first) and the demo's categories."""
    made = [make_community(name=demo.name, city=demo.city) for demo in demo_data.COMMUNITIES[:communities]]
    made += [make_community() for _ in range(communities - len(made))]
    categories = [make_category(name_lt=c.name_lt, name_en=c.name_en) for c in demo_data.CATEGORIES]
    make_product(made[0], categories[0], slug="product-bench", images=2)
    return made, categories


def add_products(start: int, stop: int, communities: list[Community], categories: list[Category]) -> None:
    """Products `start` to `stop`, named and described like the demo's, two variants and two photos each,
    spread over the communities and three categories."""
    for n in range(start, stop):
        demo = demo_data.PRODUCTS[n % len(demo_data.PRODUCTS)]
        texts = {"name_lt": f"{demo.name_lt} {n}", "name_en": demo.name_en,
                 "description_lt": demo.description_lt,
                 "description_en": demo.description_en}  # fmt: skip
        make_product(communities[n % len(communities)], categories[n % 3],
                     variants=[make_variant(), make_variant()], images=2, commit=False, **texts)  # fmt: skip
        if n % 500 == 499:
            db.session.commit()
    db.session.commit()


def analyse() -> None:
    """On PostgreSQL, what autovacuum does on a real server (see README)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))  # not allowed inside a transaction


def timed(client: Any, path: str) -> tuple[float, float, float]:
    """The median and 90th percentile of rendering `path`, and the median CPU time of this process (less
    swayed by others' work on a shared machine), in milliseconds."""
    client.get(path)  # warm the template cache
    timings, cpu = [], []
    for _ in range(ROUNDS):
        start, start_cpu = time.perf_counter(), time.process_time()
        assert client.get(path).status_code == 200
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(timings), statistics.quantiles(timings, n=10)[-1], statistics.median(cpu)


def profile(client: Any, path: str) -> None:
    """Where the time of rendering `path` goes (pyinstrument, 30 renderings)."""
    from pyinstrument import Profiler  # a test dependency, needed only here

    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(30):
            client.get(path)
    print(profiler.output_text(unicode=True, color=False))


def paired(
    client: Any, path: str, base: str, before: Callable[[], None] | None = None
) -> tuple[float, float]:
    """The medians of rendering `path` and `base` in alternate rounds, in milliseconds: both share whatever
    else the machine is doing at the time, so their ratio holds on a busy machine too. `before` runs before
    each rendering of `path`, untimed."""
    client.get(path)
    client.get(base)
    timings: dict[str, list[float]] = {path: [], base: []}
    for _ in range(ROUNDS):
        for each in (path, base):
            if before is not None and each == path:
                before()
            start = time.perf_counter()
            assert client.get(each).status_code == 200
            timings[each].append((time.perf_counter() - start) * 1000)
    return statistics.median(timings[path]), statistics.median(timings[base])


def count_statements(app: Any, client: Any, path: str) -> int:
    """How many SQL statements one rendering of `path` sends."""
    statements = []
    with app.app_context():
        engine = db.engine

    def record(*_args: Any) -> None:
        statements.append(1)

    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


if __name__ == "__main__":
    raise SystemExit(main())
