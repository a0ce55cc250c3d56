"""The shop served as in production, under load: the second half of `make bench`.

Seeds a big shop (`bench/seed.py`: BENCH_COMMUNITIES communities, BENCH_PRODUCTS products with photos,
BENCH_ORDERS orders over three years) into a throw-away SQLite database, or the empty one DATABASE_URL
names; serves it with gunicorn in its production configuration (`deploy/gunicorn.conf.py`) on 127.0.0.1;
and drives Debian's wrk at BENCH_CONNECTIONS connections for BENCH_DURATION seconds per page kind, each
kind from a file of paths over the whole catalogue (`bench/paths.lua`: no page is asked twice before the
file has been gone through). Add-to-cart and checkout are driven from Python (`_journeys`): each buyer is a
sequence of dependent requests with their own session cookie and form tokens, which wrk's Lua hooks (one
state per thread, not per connection) cannot keep apart. Payouts are generated from Python too, one
month after the other, as staff would: a second generation at the same time would wait on the first.

In the same run, the ceiling: a bare Flask route (`bench/ceiling.py`) returning a page of the storefront
pages' mean size, under the same gunicorn configuration. Prints per page kind the requests per second,
the median and 99th percentile latency, the SQL statements of one request (counted in-process over a
sample of the kind's paths) and the ratio to the ceiling; writes the same to BENCH_RESULTS
(bench/results.json). Timings are not test results: this is not part of `make test`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol

import flask_migrate
import requests
from flask import Flask
from sqlalchemy import create_engine, event, func, make_url, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from app import create_app  # noqa: E402
from bench import seed  # noqa: E402
from catalogue.models import Product  # noqa: E402
from shop.db import db, utcnow  # noqa: E402
from shop.demo import data as demo_data  # noqa: E402

#: what the issue asks of the storefront's mixed pages: this share of the ceiling's requests per second
STOREFRONT_TARGET = 0.10
#: the issue's targets for checkout (p99, at concurrency 8, PostgreSQL) and for the back office (median)
CHECKOUT_P99_MS = 150
BACK_OFFICE_MS = 300
#: paths whose SQL statements are counted in-process, per kind
SQL_SAMPLE = 12
BACK_OFFICE_SAMPLE = 3
SORTS = ("", "newest", "price_asc", "price_desc")


@dataclass
class Result:
    """One page kind's figures."""

    kind: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    sql: float | None = None  #: statements per request (the mean over the sampled paths)
    sql_range: tuple[int, int] | None = None
    mean_bytes: int | None = None
    paths: int = 0  #: different paths in the kind's file
    ratio: float | None = None  #: requests per second over the ceiling's
    alone_ms: float | None = None  #: the median time of one request in-process, without load
    note: str = ""

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Settings:
    communities: int = int(os.environ.get("BENCH_COMMUNITIES") or 150)
    products: int = int(os.environ.get("BENCH_PRODUCTS") or 10_000)
    orders: int = int(os.environ.get("BENCH_ORDERS") or 50_000)
    duration: int = int(os.environ.get("BENCH_DURATION") or 10)  #: seconds of load per page kind
    warm_up: int = int(os.environ.get("BENCH_WARM_UP") or 10)  #: seconds of load before the first kind
    connections: int = int(os.environ.get("BENCH_CONNECTIONS") or 8)
    threads: int = int(os.environ.get("BENCH_THREADS") or 2)  #: wrk's threads
    port: int = int(os.environ.get("BENCH_PORT") or 0)  #: 0: a free one
    results: str = os.environ.get("BENCH_RESULTS") or str(ROOT / "bench" / "results.json")
    database: str = os.environ.get("DATABASE_URL") or ""
    workers: str = os.environ.get("WEB_CONCURRENCY") or ""  #: gunicorn's, else its config's (from cores)
    #: exit 1 when a target is missed (for a scheduled job); by default the verdicts are only printed
    strict: bool = os.environ.get("BENCH_STRICT", "") not in {"", "0"}


def main() -> int:
    settings = Settings()
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is missing: `make bench` installs Debian's (apt-get install wrk) when it may.")
        return 1
    with (
        tempfile.TemporaryDirectory(prefix="kaimo-bench-") as folder,
        _database(settings, Path(folder)) as url,
    ):
        work = Path(folder)
        environment = _server_environment(work, url)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "MEDIA_ROOT": environment["MEDIA_ROOT"],
                "SECRET_KEY": environment["SECRET_KEY"],
                "MAIL_FOLDER": environment["MAIL_FOLDER"],
                "PROXY_COUNT": 1,
            }
        )
        started = time.perf_counter()
        with app.app_context():
            with contextlib.redirect_stderr(io.StringIO()):  # Alembic's log of each migration
                flask_migrate.upgrade()
            if db.session.scalar(select(func.count()).select_from(Product)):
                print(f"{url.split('@')[-1]} already holds products: give the bench an empty database.")
                return 1
            shop = seed.seed(
                communities=settings.communities,
                products=settings.products,
                orders=settings.orders,
                now=utcnow(),
            )
        seeding = time.perf_counter() - started
        print(
            f"Seeded {settings.communities} communities, {settings.products} products and "
            f"{settings.orders} orders ({_orders_line(shop)}) on {url.split(':')[0]} in {seeding:.0f} s"
        )
        kinds = _path_files(shop, random.Random(7))
        months = list(seed.months_between(shop.first_order_at or utcnow(), utcnow()))
        print("Counting and timing single requests in-process…", flush=True)
        measured = _count_in_process(app, kinds, shop, months[0])
        results = _serve_and_load(settings, wrk, work, environment, kinds, shop, months[1:], measured)
        with app.app_context():
            db.engine.dispose()
    missed = _report(settings, results, seeding, url)
    return 1 if missed and settings.strict else 0


@contextlib.contextmanager
def _database(settings: Settings, folder: Path) -> Iterator[str]:
    """The bench's own database: a SQLite file in `folder`, or on DATABASE_URL's PostgreSQL server a new
    database named after DATABASE_URL's with `_load` added (made afresh, dropped at the end), so that what
    the in-process benchmarks left in DATABASE_URL's is never counted, nor anything of it touched."""
    if not settings.database:
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    given = make_url(settings.database)
    if given.get_backend_name() != "postgresql":
        yield settings.database  # another SQLite file: used as it is, refused unless empty
        return
    name = f"{given.database}_load"
    server = create_engine(given, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield given.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def _orders_line(shop: seed.Seeded) -> str:
    return ", ".join(f"{count} {status}" for status, count in sorted(shop.orders.items()))


def _server_environment(work: Path, url: str) -> dict[str, str]:
    """The app servers' environment: production's, with the bench's database, media and logs."""
    environment = dict(os.environ)
    environment.update(
        {
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(work / "media"),
            "MAIL_FOLDER": str(work / "mail"),
            "SECRET_KEY": "bench-" + os.urandom(16).hex(),
            "GUNICORN_ACCESS_LOG": str(work / "access.log"),
            "GUNICORN_LOG_LEVEL": "warning",
            "PROXY_COUNT": "1",  # as behind nginx: each simulated visitor has their own address
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
        }
    )
    return environment


# ------------------------------------------------------------------------------------------- paths per kind

STOREFRONT = ("product", "catalogue", "category", "search", "community")
SIGNED_IN = ("workspace parcels", "dashboard", "sales report")


def _path_files(shop: seed.Seeded, rng: random.Random) -> dict[str, list[str]]:
    """Each kind's paths over the whole shop, shuffled; `mixed` is all storefront kinds together."""
    pages = -(-len(shop.products) // 24)
    words = sorted(
        {
            word.strip(",.").lower()
            for demo in demo_data.PRODUCTS
            for word in demo.name_lt.split()
            if len(word) > 3
        }
    )
    kinds = {
        "product": [f"/produktai/{slug}" for slug in shop.products],
        "catalogue": [_query("/katalogas", page=p, sort=s) for p in range(1, pages + 1) for s in SORTS],
        "category": [
            _query("/katalogas", category=c, page=p, sort=s)
            for c in shop.categories
            for p in range(1, -(-pages // len(shop.categories)) + 1)
            for s in SORTS
        ],
        "search": [_query("/katalogas", q=w, page=p, sort=s) for w in words for p in (1, 2) for s in SORTS],
        "community": [
            _query(f"/bendruomenes/{c}", page=p)
            for c in shop.communities
            for p in range(1, -(-len(shop.products) // len(shop.communities) // 24) + 2)
        ],
    }
    kinds["mixed"] = [path for kind in STOREFRONT for path in kinds[kind]]
    years = sorted({month.year for month in seed.months_between(shop.first_order_at or utcnow(), utcnow())})
    periods = [("", "")] + [(f"{y}-01-01", f"{y}-12-31") for y in years]
    periods += [(f"{years[0]}-01-01", f"{years[-1]}-12-31")]
    periods += [(f"{y}-{m:02d}-01", _month_end(y, m)) for y in years for m in (1, 4, 7, 10)]
    kinds["dashboard"] = [_query("/backoffice/", from_day=a, to_day=b) for a, b in periods]
    kinds["sales report"] = [_query("/backoffice/reports", from_day=a, to_day=b) for a, b in periods]
    statuses = ("", "new", "accepted", "shipped", "delivered", "cancelled", "returns")
    kinds["workspace parcels"] = [
        _query("/workspace/orders", status=s, page=p) for s in statuses for p in (1, 2, 3)
    ]
    for paths in kinds.values():
        rng.shuffle(paths)
    return kinds


def _query(path: str, **args: Any) -> str:
    wanted = {name: value for name, value in args.items() if value not in ("", None, 1)}
    return f"{path}?{urllib.parse.urlencode(wanted)}" if wanted else path


def _month_end(year: int, month: int) -> str:
    following = date(year + (month + 2) // 12, (month + 2) % 12 + 1, 1)
    return (following - timedelta(days=1)).isoformat()


# ------------------------------------------------------------------------------------ forms and journeys


class _Forms(HTMLParser):
    """The forms of a page: each one's action and the fields a browser would send as the page stands
    (hidden and text values, checked boxes and radios, each select's chosen or first option)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}, "radios": {}})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            fields, kind = self.forms[-1]["fields"], a.get("type", "text")
            if kind == "radio":
                self.forms[-1]["radios"].setdefault(a["name"], []).append(a.get("value", ""))
                if "checked" in a:
                    fields[a["name"]] = a.get("value", "")
            elif kind == "checkbox":
                if "checked" in a:
                    fields[a["name"]] = a.get("value", "y")
            elif kind not in {"submit", "button", "file"}:
                fields[a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select:
            fields = self.forms[-1]["fields"]
            if self._select not in fields or "selected" in a:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def form_of(html: str, action_end: str) -> dict[str, Any]:
    """The fields of the page's first form whose action ends with `action_end` (a form without an action
    posts to its own page: give that page's path)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if urllib.parse.urlsplit(form["action"] or action_end).path.endswith(action_end):
            return form
    raise LookupError(f"no form posting to …{action_end}")


class Browser(Protocol):
    def get(self, path: str) -> tuple[int, str]: ...
    def post(self, path: str, data: dict[str, str], referer: str) -> tuple[int, str]: ...


class HttpBrowser:
    """A visitor over HTTP, with their own cookies and address."""

    def __init__(self, base: str, address: str) -> None:
        self.base, self.session = base, requests.Session()
        self.session.headers["X-Forwarded-For"] = address

    def get(self, path: str) -> tuple[int, str]:
        response = self.session.get(self.base + path, allow_redirects=False, timeout=60)
        return response.status_code, response.text

    def post(self, path: str, data: dict[str, str], referer: str) -> tuple[int, str]:
        response = self.session.post(
            self.base + path,
            data=data,
            headers={"Referer": self.base + referer},
            allow_redirects=False,
            timeout=60,
        )
        return response.status_code, response.headers.get("Location", "")


class ClientBrowser:
    """A visitor through the WSGI app in-process (Flask's test client), to count SQL statements."""

    def __init__(self, app: Flask, address: str) -> None:
        self.client = app.test_client()
        self.headers = {"X-Forwarded-For": address}

    def get(self, path: str) -> tuple[int, str]:
        response = self.client.get(path, headers=self.headers)
        return response.status_code, response.get_data(as_text=True)

    def post(self, path: str, data: dict[str, str], referer: str) -> tuple[int, str]:
        headers = {**self.headers, "Referer": f"http://localhost{referer}"}
        response = self.client.post(path, data=data, headers=headers)
        return response.status_code, response.headers.get("Location", "")


def sign_in(browser: Browser, email: str) -> None:
    status, page = browser.get("/prisijungti")
    form = form_of(page, "/prisijungti")["fields"]
    form.update(email=email, password=seed.PASSWORD)
    status, _location = browser.post("/prisijungti", form, "/prisijungti")
    if status != 302:
        raise RuntimeError(f"signing in as {email} answered {status}")


def add_to_cart(browser: Browser, product: str) -> Callable[[], tuple[int, str]]:
    """Open the product's page and return the add-to-cart POST, ready to be timed."""
    path = f"/produktai/{product}"
    _status, page = browser.get(path)
    fields = form_of(page, "/krepselis/prideti")["fields"]
    return lambda: browser.post("/krepselis/prideti", fields, path)


def checkout(browser: Browser, buyer: int) -> Callable[[], tuple[int, str]]:
    """Open the checkout page and return its POST (pick-up, bank transfer), ready to be timed."""
    status, page = browser.get("/uzsakymas")
    if status != 200:
        raise RuntimeError(f"the checkout page answered {status}")
    form = form_of(page, "/uzsakymas")
    fields = dict(form["fields"])
    for name, values in form["radios"].items():
        if name not in fields:
            fields[name] = "pickup" if "pickup" in values else values[0]
        if "pickup" in values:
            fields[name] = "pickup"
        if "bank_transfer" in values:
            fields[name] = "bank_transfer"
    fields.update(
        name=f"Pirkėjas {buyer}",
        email=f"bench-buyer-{buyer}@bench.example",
        phone="+37061234567",
        address_line="Liepų g. 3-4",
        city="Kėdainiai",
        postal_code="LT-57101",
        accept_terms="y",
        accept_privacy="y",
    )
    return lambda: browser.post("/uzsakymas", fields, "/uzsakymas")


# ------------------------------------------------------------------------------------ SQL counted in-process


@contextlib.contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app sends meanwhile."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@dataclass
class InProcess:
    """What one request of each kind costs on its own, through the WSGI app in this process (no server,
    no load): its SQL statements and its time, over a sample of the kind's paths; and the storefront
    pages' sizes, which the ceiling's page copies."""

    statements: dict[str, list[int]] = field(default_factory=dict)
    seconds: dict[str, list[float]] = field(default_factory=dict)
    page_bytes: list[int] = field(default_factory=list)

    def measure(self, kind: str, request: Callable[[], tuple[int, str]], app: Flask) -> tuple[int, str]:
        with counting(app) as statements:
            started = time.perf_counter()
            answer = request()
            elapsed = time.perf_counter() - started
        self.statements.setdefault(kind, []).append(len(statements))
        self.seconds.setdefault(kind, []).append(elapsed)
        return answer


def _count_in_process(app: Flask, kinds: dict[str, list[str]], shop: seed.Seeded, month: date) -> InProcess:
    measured = InProcess()
    visitor = ClientBrowser(app, "10.250.0.1")
    for kind in STOREFRONT:
        visitor.get(kinds[kind][-1])  # the first rendering compiles the templates
        for path in kinds[kind][:SQL_SAMPLE]:
            status, body = measured.measure(kind, partial(visitor.get, path), app)
            _expect(status == 200, f"{path} answered {status}")
            measured.page_bytes.append(len(body.encode()))
    for each in ("statements", "seconds"):
        numbers = getattr(measured, each)
        numbers["mixed"] = [n for kind in STOREFRONT for n in numbers[kind]]
    member = ClientBrowser(app, "10.250.0.2")
    sign_in(member, shop.member_emails[0])
    staff = ClientBrowser(app, "10.250.0.3")
    sign_in(staff, seed.STAFF_EMAIL)
    for kind, browser in (("workspace parcels", member), ("dashboard", staff), ("sales report", staff)):
        browser.get(kinds[kind][-1])
        for path in kinds[kind][:BACK_OFFICE_SAMPLE]:  # over all the orders, each takes a while
            status, _body = measured.measure(kind, partial(browser.get, path), app)
            _expect(status == 200, f"{path} answered {status}")
    buyer = ClientBrowser(app, "10.250.0.4")
    status, _location = measured.measure("add to cart", add_to_cart(buyer, shop.products[0]), app)
    _expect(status == 302, f"adding to the cart answered {status}")
    status, location = measured.measure("checkout", checkout(buyer, 0), app)
    _expect(status == 302 and "/uzsakymai/" in location, f"the checkout answered {status} {location}")
    status, _location = measured.measure("payouts generation", _generate_payouts(staff, month), app)
    _expect(status == 302, f"generating payouts answered {status}")
    return measured


def _generate_payouts(staff: Browser, month: date) -> Callable[[], tuple[int, str]]:
    path = f"/backoffice/payouts/?month={month:%Y-%m}"
    _status, page = staff.get(path)
    fields = form_of(page, "/payouts/generate")["fields"]
    return lambda: staff.post("/backoffice/payouts/generate", fields, path)


def _expect(condition: bool, problem: str) -> None:
    if not condition:
        raise RuntimeError(problem)


# ------------------------------------------------------------------------------------------- under load


@contextlib.contextmanager
def gunicorn(environment: dict[str, str], port: int, app: str | None = None) -> Iterator[str]:
    """Gunicorn with the production configuration on 127.0.0.1:`port` (the shop, or `app`); its base URL."""
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    environment = {**environment, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    process = subprocess.Popen([*command, *([app] if app else [])], cwd=ROOT, env=environment)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(base + "/robots.txt", timeout=5).status_code < 500:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_wrk(
    wrk: str, settings: Settings, base: str, paths: Sequence[str], folder: Path, kind: str, cookie: str = ""
) -> Result:
    """Load `base` with `paths` for the settings' duration; the figures wrk's script reports. Returns once
    the server has also finished the requests still under way when the time was up (`_drained`), so that
    they do not slow the next kind down."""
    listing = folder / f"{kind.replace(' ', '-')}.txt"
    listing.write_text("\n".join(paths) + "\n")
    threads = min(settings.threads, settings.connections)
    command = [
        wrk, f"-t{threads}", f"-c{settings.connections}", f"-d{settings.duration}s", "--timeout", "30s",
        "-s", str(ROOT / "bench" / "paths.lua"), base, "--", str(listing), str(threads), cookie,
    ]  # fmt: skip
    answered = _access_lines(folder)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    _drained(folder, answered + figures["sent"], settings.connections)
    return Result(
        kind=kind,
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=sum(figures["errors"].values()),
        paths=len(set(paths)),
    )


def _access_lines(folder: Path) -> int:
    """The requests gunicorn has finished so far: the lines of its access log."""
    log = folder / "access.log"
    return log.read_bytes().count(b"\n") if log.exists() else 0


def _drained(folder: Path, expected: int, connections: int) -> None:
    """Wait until gunicorn has logged `expected` requests (give or take one a connection: wrk may have
    made a request it never wrote when the time was up), or logged none for longer than its timeout (a
    worker killed for taking too long logs nothing)."""
    quiet_for = int(os.environ.get("GUNICORN_TIMEOUT") or 30) + 5
    seen, since = _access_lines(folder), time.monotonic()
    while seen < expected and time.monotonic() - since < quiet_for:
        if seen >= expected - connections and time.monotonic() - since > 2:
            return
        time.sleep(0.2)
        now = _access_lines(folder)
        if now != seen:
            seen, since = now, time.monotonic()
    if seen < expected:
        print(f"    {expected - seen} requests were never answered (a worker killed by its timeout?)")


def _journeys(settings: Settings, base: str, products: Sequence[str]) -> list[Result]:
    """Buyers at `connections` at a time for the duration, each adding one product and checking out."""
    timings: dict[str, list[float]] = {"add to cart": [], "checkout": []}
    failures = {"add to cart": 0, "checkout": 0}
    counter = iter(range(10**9))
    lock = threading.Lock()
    stop = time.monotonic() + settings.duration

    def buyer_loop() -> None:
        while time.monotonic() < stop:
            with lock:
                n = next(counter)
            browser = HttpBrowser(base, f"10.{200 + n // 62500 % 50}.{n // 250 % 250}.{n % 250 + 1}")
            for kind in ("add to cart", "checkout"):
                if kind == "add to cart":
                    post = add_to_cart(browser, random.choice(products))
                else:
                    post = checkout(browser, n)
                started = time.perf_counter()
                status, location = post()
                elapsed = time.perf_counter() - started
                with lock:
                    timings[kind].append(elapsed)
                    if status != 302 or (kind == "checkout" and "/uzsakymai/" not in location):
                        failures[kind] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=buyer_loop) for _ in range(settings.connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    return [
        _from_timings(
            kind, timings[kind], seconds, failures[kind], note="Python driver; rate: completed journeys"
        )
        for kind in timings
    ]


def _from_timings(kind: str, timings: list[float], seconds: float, errors: int, note: str = "") -> Result:
    ordered = sorted(timings)
    return Result(
        kind=kind,
        requests=len(ordered),
        seconds=seconds,
        p50_ms=statistics.median(ordered) * 1000 if ordered else 0.0,
        p99_ms=ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000 if ordered else 0.0,
        errors=errors,
        note=note,
    )


def _payouts(base: str, staff_email: str, months: Sequence[date]) -> Result:
    """Generate each past month's payouts in turn (its first generation: every delivered parcel in it)."""
    staff = HttpBrowser(base, "10.250.1.1")
    sign_in(staff, staff_email)
    timings, errors = [], 0
    started = time.perf_counter()
    for month in months:
        post = _generate_payouts(staff, month)
        began = time.perf_counter()
        status, _location = post()
        timings.append(time.perf_counter() - began)
        errors += status != 302
    return _from_timings(
        "payouts generation",
        timings,
        time.perf_counter() - started,
        errors,
        note=f"one month at a time, {len(months)} months",
    )


def _signed_in(
    wrk: str, settings: Settings, base: str, paths: Sequence[str], work: Path, kind: str, cookie: str
) -> Result:
    print(f"  {kind}…", flush=True)
    # each worker's first of these pages loads and compiles what only they use
    run_wrk(wrk, replace(settings, duration=2), base, paths[::-1], work, "warm-up", cookie)
    return run_wrk(wrk, settings, base, paths, work, kind, cookie)


def _session_cookie(base: str, email: str, address: str) -> str:
    browser = HttpBrowser(base, address)
    sign_in(browser, email)
    return "; ".join(f"{name}={value}" for name, value in browser.session.cookies.items())


def _serve_and_load(
    settings: Settings,
    wrk: str,
    work: Path,
    environment: dict[str, str],
    kinds: dict[str, list[str]],
    shop: seed.Seeded,
    months: Sequence[date],
    measured: InProcess,
) -> list[Result]:
    if settings.workers:
        environment = {**environment, "WEB_CONCURRENCY": settings.workers}
    port = settings.port or _free_port()
    results = []
    with gunicorn(environment, port) as base:
        # every worker booted and rendered every kind of page before the clock runs, as on a server up for a
        # while (gunicorn answers as soon as its first worker is up; the others still load the app)
        run_wrk(
            wrk, replace(settings, duration=settings.warm_up), base, kinds["mixed"][::-1], work, "warm-up"
        )
        for kind in ("mixed", *STOREFRONT):
            print(f"  {kind}…", flush=True)
            results.append(run_wrk(wrk, settings, base, kinds[kind], work, kind))
        member = _session_cookie(base, shop.member_emails[0], "10.250.1.2")
        staff = _session_cookie(base, seed.STAFF_EMAIL, "10.250.1.3")
        for kind, cookie in (("workspace parcels", member), ("sales report", staff)):
            results.append(_signed_in(wrk, settings, base, kinds[kind], work, kind, cookie))
        print("  add to cart and checkout…", flush=True)
        results += _journeys(settings, base, shop.products)
        print("  payouts generation…", flush=True)
        results.append(_payouts(base, seed.STAFF_EMAIL, months))
        # last: over all the orders a dashboard under load can outlast gunicorn's timeout, and the workers
        # it kills would start cold under whatever came next
        results.append(_signed_in(wrk, settings, base, kinds["dashboard"], work, "dashboard", staff))
    mean_size = round(statistics.fmean(measured.page_bytes))
    with gunicorn({**environment, "BENCH_CEILING_BYTES": str(mean_size)}, port, "ceiling:app") as base:
        print("  ceiling…", flush=True)
        ceiling = run_wrk(wrk, settings, base, kinds["mixed"], work, "ceiling")
    ceiling.mean_bytes = mean_size
    for result in results:
        sample = measured.statements.get(result.kind)
        if sample:
            result.sql = statistics.fmean(sample)
            result.sql_range = (min(sample), max(sample))
            result.alone_ms = statistics.median(measured.seconds[result.kind]) * 1000
        result.ratio = result.per_second / ceiling.per_second if ceiling.per_second else None
    results[0].mean_bytes = mean_size
    return [*results, ceiling]


# ------------------------------------------------------------------------------------------------- report


def _report(settings: Settings, results: list[Result], seeding: float, url: str) -> bool:
    """Print the table and the verdicts, write them as JSON; whether a target was missed."""
    print()
    print(
        f"{settings.connections} connections, {settings.duration} s per kind, gunicorn workers: "
        f"{settings.workers or 'from cores (deploy/gunicorn.conf.py)'}, {url.split(':')[0]}"
    )
    print(
        f"{'kind':20} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'SQL':>9} {'alone ms':>9} {'ceiling':>8} "
        f"{'errors':>7} paths"
    )
    for r in results:
        sql = _statements(r)
        alone = "" if r.alone_ms is None else f"{r.alone_ms:.1f}"
        ratio = "" if r.ratio is None or r.kind == "ceiling" else f"{r.ratio:.3f}×"
        print(
            f"{r.kind:20} {r.per_second:8.1f} {r.p50_ms:8.1f} {r.p99_ms:8.1f} {sql:>9} {alone:>9} {ratio:>8} "
            f"{r.errors:7d} {r.paths or ''}"
        )
    verdicts = _verdicts(results, url)
    for line in verdicts:
        print(line)
    document = {
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average": os.getloadavg(),
        },
        "settings": {**asdict(settings), "database": url.split(":")[0]},  # never a password
        "database": url.split(":")[0],
        "seeding_seconds": round(seeding, 1),
        "results": [{**asdict(r), "requests_per_second": round(r.per_second, 1)} for r in results],
        "targets": verdicts,
    }
    Path(settings.results).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {settings.results}")
    return any("MISSED" in line for line in verdicts)


def _statements(result: Result) -> str:
    """The SQL statements per request: one number, or the fewest and most over the sampled paths."""
    if result.sql_range is None:
        return ""
    fewest, most = result.sql_range
    return str(fewest) if fewest == most else f"{fewest}–{most}"


def _verdicts(results: list[Result], url: str) -> list[str]:
    """The issue's targets that this run measures, each met or missed."""
    by_kind = {r.kind: r for r in results}
    lines = []
    mixed = by_kind["mixed"]
    if mixed.ratio is not None:
        verdict = "met" if mixed.ratio >= STOREFRONT_TARGET else "MISSED"
        lines.append(
            f"mixed storefront at {mixed.ratio:.3f}× the ceiling (target ≥ {STOREFRONT_TARGET}×): {verdict}"
        )
    checkout_run = by_kind["checkout"]
    on = "" if url.startswith("postgresql") else " (the target is for PostgreSQL)"
    verdict = "met" if checkout_run.p99_ms < CHECKOUT_P99_MS else "MISSED"
    lines.append(f"checkout p99 {checkout_run.p99_ms:.0f} ms (target < {CHECKOUT_P99_MS} ms{on}): {verdict}")
    for kind in ("dashboard", "payouts generation", "sales report"):
        run = by_kind[kind]
        if not run.requests:
            lines.append(f"{kind}: no request finished within the run (target < {BACK_OFFICE_MS} ms): MISSED")
            continue
        verdict = "met" if run.p50_ms < BACK_OFFICE_MS else "MISSED"
        lines.append(f"{kind} median {run.p50_ms:.0f} ms (target < {BACK_OFFICE_MS} ms): {verdict}")
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
