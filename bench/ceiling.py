"""The ceiling of the server benchmark: a bare Flask route returning a page as large as the shop's mean
storefront page (BENCH_CEILING_BYTES), served by the same gunicorn configuration. What the shop's pages
reach of its rate says how much of the time is the shop's own, not the server's or the network's.

    GUNICORN_BIND=127.0.0.1:8001 BENCH_CEILING_BYTES=31000 gunicorn -c deploy/gunicorn.conf.py \
        --pythonpath bench ceiling:app
"""

from __future__ import annotations

import os

from flask import Flask, Response

app = Flask(__name__)
_SIZE = int(os.environ.get("BENCH_CEILING_BYTES") or 31_000)
_PAGE = b"<!doctype html><title>ceiling</title>".ljust(_SIZE, b"x")


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def page(path: str) -> Response:
    """The same page for every path, so that wrk's path files can be reused unchanged."""
    return Response(_PAGE, content_type="text/html; charset=utf-8")
