"""The shop on several machines, on loopback: Debian's nginx (configured by `deploy/nginx/kaimo-muge.conf`
itself) in front of two gunicorn app servers (`deploy/gunicorn.conf.py`), one PostgreSQL database, Redis for
the rate-limit counters and an S3 server (moto's) for the photos.

Each app server has its own empty MEDIA_ROOT, as two machines would: what one of them keeps on its disk the
other cannot see. Runs where every part is at hand: PostgreSQL (DATABASE_URL), nginx and Redis; skipped
elsewhere with the reason, and failed under CI (`make test` installs nginx as root, like Chromium).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from flask import Flask

from tests.conftest import CSRF_FIELD, ROOT
from tests.mail_server import free_port

DEPLOY_SITE = ROOT / "deploy" / "nginx" / "kaimo-muge.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
#: the app servers the shipped site names, replaced by the test's two (each node's second instance,
#: on :8001, left out)
SHIPPED_NODES = ("10.0.0.11:8000", "10.0.0.12:8000")
SHIPPED_CACHE = "/var/cache/nginx/kaimo-muge"
REDIS = ("127.0.0.1", 6379)
REDIS_DB = 3
BUCKET = "kaimo-muge-media"
SECRET_KEY = "multinode-shared-secret"  # one for every node: any node reads the session another signed
STARTUP_SECONDS = 60


def _skip_or_fail(reason: str) -> None:
    """Where the parts are missing: skipped on a developer's machine, failed in CI (which installs them)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs this for the multi-node test: {reason}")
    pytest.skip(reason)


def _nginx() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(path, os.X_OK)), None
    )


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until `url` answers (any status), or fail with the process's own words."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args!r} ended ({process.returncode}):\n{log.read_text(errors='replace')}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer in {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')}")


def nginx_config(site: str, *, port: int, nodes: tuple[str, str], cache: Path, folder: Path) -> str:
    """The shipped site with this machine's ports and folders, inside the smallest main configuration that
    runs nginx in the foreground as the test's child. Each substitution must find what it replaces, so a
    reshaped site file fails here rather than being tested half."""
    replacements = [
        (re.escape(SHIPPED_NODES[0]), nodes[0]),
        (re.escape(SHIPPED_NODES[1]), nodes[1]),
        *(
            (rf"(?m)^\s*server {re.escape(node.replace(':8000', ':8001'))} .*\n", "")
            for node in SHIPPED_NODES
        ),
        (r"(?m)^(\s*)listen 80;", rf"\g<1>listen 127.0.0.1:{port};"),
        (r"(?m)^\s*listen \[::\]:80;\n", ""),  # IPv6 loopback may be missing on a CI machine
        (rf"{re.escape(SHIPPED_CACHE)}(?=\s)", str(cache)),  # the files'
        (rf"{re.escape(SHIPPED_CACHE)}-pages(?=\s)", f"{cache}-pages"),  # the anonymous pages'
    ]
    for pattern, replacement in replacements:
        site, found = re.subn(pattern, replacement, site)
        assert found == 1, f"{DEPLOY_SITE.name}: expected one {pattern!r}, found {found}"
    temporary = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    mime_types = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    user = "user root;" if os.geteuid() == 0 else ""  # as root, workers would run as nobody: no tmp access
    return f"""daemon off;
{user}
worker_processes 2;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 512; }}
http {{
    {mime_types}
    access_log {folder / "access.log"};
{temporary}
{site}
}}
"""


@dataclass
class Node:
    """One app server: gunicorn on its own port, with its own access log and its own MEDIA_ROOT."""

    name: str
    url: str
    access_log: Path
    media_root: Path

    def requests_for(self, marker: str) -> list[str]:
        """The lines of this node's access log whose request carried `marker` (in its User-Agent)."""
        if not self.access_log.exists():
            return []
        return [line for line in self.access_log.read_text().splitlines() if marker in line]


@dataclass
class Cluster:
    url: str  #: nginx, the only address visitors know
    nodes: tuple[Node, Node]
    redis_prefix: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def visitor(self, address: str = "127.0.0.1", *, marker: str = "", base: str | None = None) -> Visitor:
        """A browser (its own cookie jar) connecting from `address`: any of 127/8, each a different visitor
        to nginx, which passes it on as X-Forwarded-For."""
        return Visitor(
            base_url=base or self.url,
            transport=httpx.HTTPTransport(local_address=address),
            headers={"User-Agent": f"multinode-test {marker or uuid.uuid4().hex}"},
            timeout=30,
        )


class Visitor(httpx.Client):
    """httpx with the forms' CSRF token at hand, counting the requests it sends."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options, event_hooks={"request": [self._count]})
        self.sent = 0

    def _count(self, _request: httpx.Request) -> None:
        self.sent += 1

    def token(self, path: str) -> str:
        response = self.get(path)
        match = CSRF_FIELD.search(response.text)
        assert match, f"no CSRF token on {path} ({response.status_code})"
        return match.group(1)


def _node_environment(
    app: Flask, *, bind: str, media_root: Path, access_log: Path, site_url: str, s3: str, prefix: str
) -> dict[str, str]:
    keep = {name: value for name, value in os.environ.items() if not name.startswith(("PYTEST", "COV_"))}
    return {
        **keep,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": SECRET_KEY,
        "SITE_URL": site_url,
        "MEDIA_ROOT": str(media_root),
        "MAIL_FOLDER": str(media_root.parent / "mail"),
        "GUNICORN_BIND": bind,
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": str(access_log),
        "PROXY_COUNT": "1",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "RATELIMIT_STORAGE_URI": f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
        "RATELIMIT_KEY_PREFIX": prefix,
        # The tables are emptied between tests while the servers run on: a search kept from an earlier
        # test (catalogue.search_cache) would name its products. Nothing is kept; tests/catalogue tests it.
        "SEARCH_CACHE_SECONDS": "0",
        "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_ENDPOINT_URL": s3,
        "MEDIA_S3_REGION": "us-east-1",
        "MEDIA_S3_ACCESS_KEY_ID": "multinode-test",
        "MEDIA_S3_SECRET_ACCESS_KEY": "multinode-test-secret",
    }


def _flush_redis(prefix: str) -> None:
    """Forget the counters an earlier run left under this prefix. Only its own: the test workers of one run
    (pytest-xdist) share the Redis database, each cluster with its own prefix."""
    client = redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB)
    keys = list(client.scan_iter(match=f"LIMITS:LIMITER/{prefix}/*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(scope="session")
def cluster(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the multi-node test needs PostgreSQL (DATABASE_URL=postgresql+psycopg://…)")
    nginx = _nginx()
    if nginx is None:
        _skip_or_fail("no nginx: `make test` installs Debian's with apt-get when run as root")
    if not _redis_answers():
        _skip_or_fail(f"no Redis on {REDIS[0]}:{REDIS[1]}")
    assert nginx is not None
    folder = tmp_path_factory.mktemp("multinode")
    processes: list[subprocess.Popen[bytes]] = []

    def start(command: list[str], log_name: str, env: dict[str, str] | None = None) -> tuple[Any, Path]:
        log = folder / log_name
        with log.open("wb") as output:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        processes.append(process)
        return process, log

    try:
        s3_port = free_port()
        s3_url = f"http://127.0.0.1:{s3_port}"
        moto, moto_log = start(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)], "moto.log"
        )
        _wait_for(s3_url, moto, moto_log)
        _create_bucket(s3_url)

        nginx_port = free_port()
        site_url = f"http://127.0.0.1:{nginx_port}"
        prefix = f"multinode-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        _flush_redis(prefix)
        nodes = []
        for name in ("a", "b"):
            port = free_port()
            media_root = folder / f"node-{name}" / "media"
            media_root.mkdir(parents=True)
            access_log = folder / f"node-{name}.access.log"
            env = _node_environment(
                app,
                bind=f"127.0.0.1:{port}",
                media_root=media_root,
                access_log=access_log,
                site_url=site_url,
                s3=s3_url,
                prefix=prefix,
            )
            gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)]
            process, log = start(gunicorn, f"node-{name}.log", env)
            nodes.append((Node(name, f"http://127.0.0.1:{port}", access_log, media_root), process, log))
        for node, process, log in nodes:
            _wait_for(f"{node.url}/robots.txt", process, log)

        config = folder / "nginx.conf"
        config.write_text(
            nginx_config(
                DEPLOY_SITE.read_text(),
                port=nginx_port,
                nodes=(nodes[0][0].url.removeprefix("http://"), nodes[1][0].url.removeprefix("http://")),
                cache=folder / "nginx-cache",
                folder=folder,
            )
        )
        # Its own prefix, configuration and error log from the first moment: nothing of the machine's nginx.
        options = ["-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")]
        checked = subprocess.run([nginx, "-t", *options], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
        proxy, _output = start([nginx, *options], "nginx.out")
        _wait_for(f"{site_url}/robots.txt", proxy, folder / "error.log")

        yield Cluster(site_url, (nodes[0][0], nodes[1][0]), prefix, processes)
    finally:
        for process in reversed(processes):  # gunicorn's quick shutdown is SIGINT; the others' is SIGTERM
            process.send_signal(signal.SIGINT if "gunicorn" in process.args else signal.SIGTERM)
        for process in reversed(processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _create_bucket(endpoint: str) -> None:
    """The media bucket, as the operator creates it once for the shop."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="multinode-test",
        aws_secret_access_key="multinode-test-secret",
    )
    client.create_bucket(Bucket=BUCKET)
    client.close()
