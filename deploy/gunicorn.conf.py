"""Gunicorn in production: `gunicorn -c deploy/gunicorn.conf.py 'app:create_app()'`.

Every value can be changed from the environment, so one file serves every node (`deploy/README.md`).
Sync workers: each request holds one worker and one database connection, and nginx in front buffers slow
clients, so a worker never waits on a visitor's network.
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "app:create_app()"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Gunicorn's own advice: (2 × cores) + 1; WEB_CONCURRENCY is the name platforms set.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
timeout = int(
    os.environ.get("GUNICORN_TIMEOUT") or 30
)  # a request that takes longer is killed, its worker replaced
graceful_timeout = 30  # on reload, requests under way get this long to finish
keepalive = 5  # (sync workers close each connection after their answer; this is for other worker classes)
# A worker is replaced after this many requests (spread, so the workers do not restart together): a slow
# leak in a library can never grow without end.
max_requests = 5000
max_requests_jitter = 500
# Not preloaded: each worker opens its own database pool after the fork.
preload_app = False
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The remote address as nginx passed it, the request, status, size, time in microseconds, referrer and agent.
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(B)s %(D)sus "%(f)s" "%(a)s"'
proc_name = "kaimo-muge"
# Gunicorn 25 and later open a control socket, by default one per user (~/.gunicorn/gunicorn.ctl): two app
# servers on one machine (kaimo-muge@8000 and @8001) would fight over it. systemd's signals do its work here.
control_socket_disable = True
