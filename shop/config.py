"""Configuration from environment variables, with safe defaults for `make run`."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from limits import parse_many
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

#: The locales the shop speaks, the first being the default.
LANGUAGES = ("lt", "en")


class ConfigError(Exception):
    """The configuration cannot work; the message tells the operator what to fix."""


def from_environ(instance_path: str, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Read the shop's settings from the environment; `instance_path` holds what is generated."""
    instance = Path(instance_path)
    secure_cookies = environ.get("SESSION_COOKIE_SECURE", "").lower() in {"1", "true", "yes"}
    return {
        "SECRET_KEY": environ.get("SECRET_KEY") or _instance_secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": environ.get("DATABASE_URL") or f"sqlite:///{instance / 'kaimo-muge.db'}",
        "MEDIA_ROOT": environ.get("MEDIA_ROOT") or str(instance / "media"),
        # Photos and evidence in S3-compatible object storage instead of MEDIA_ROOT, used iff a bucket is
        # named (shop.media; see the README's "Media storage"). Keys and endpoint empty: boto3's own
        # defaults (AWS, its environment variables or the machine's role).
        "MEDIA_S3_BUCKET": environ.get("MEDIA_S3_BUCKET", ""),
        "MEDIA_S3_ENDPOINT_URL": environ.get("MEDIA_S3_ENDPOINT_URL", ""),
        "MEDIA_S3_REGION": environ.get("MEDIA_S3_REGION") or "us-east-1",
        "MEDIA_S3_ACCESS_KEY_ID": environ.get("MEDIA_S3_ACCESS_KEY_ID", ""),
        "MEDIA_S3_SECRET_ACCESS_KEY": environ.get("MEDIA_S3_SECRET_ACCESS_KEY", ""),
        #: where browsers fetch renditions straight from the storage (…/renditions/<name>); empty: /media/
        "MEDIA_S3_PUBLIC_URL": environ.get("MEDIA_S3_PUBLIC_URL", "").rstrip("/"),
        "MEDIA_S3_TIMEOUT_SECONDS": float(environ.get("MEDIA_S3_TIMEOUT_SECONDS") or 3),  #: connect, read
        "MEDIA_S3_ATTEMPTS": int(
            environ.get("MEDIA_S3_ATTEMPTS") or 2
        ),  #: tries of one request, retries included
        "SITE_NAME": "Kaimo mugė",
        "BABEL_DEFAULT_LOCALE": LANGUAGES[0],
        "BABEL_DEFAULT_TIMEZONE": "Europe/Vilnius",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
        "LANGUAGES": LANGUAGES,
        "CATALOGUE_PAGE_SIZE": int(environ.get("CATALOGUE_PAGE_SIZE") or 24),
        "DEMO_PHOTO_SIZE": 1280,  #: pixels: `flask seed-demo` draws its photos this big (the tests: smaller)
        # Several phone photos in one upload; each is checked (≤ 10 MB) by the image pipeline, and form
        # fields without files stay bounded by Werkzeug's MAX_FORM_MEMORY_SIZE (500 kB).
        "MAX_CONTENT_LENGTH": 60 * 1024 * 1024,
        #: the community-business mark: the largest evidence file (bytes), and files per application
        "MARK_EVIDENCE_MAX_BYTES": int(environ.get("MARK_EVIDENCE_MAX_BYTES") or 10 * 1024 * 1024),
        "MARK_EVIDENCE_FILES": int(environ.get("MARK_EVIDENCE_FILES") or 40),
        #: how long a granted mark is valid unless staff choose otherwise (months)
        "MARK_VALIDITY_MONTHS": int(environ.get("MARK_VALIDITY_MONTHS") or 24),
        "MAIL_SERVER": environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(environ.get("MAIL_PORT") or 25),
        "MAIL_USE_TLS": environ.get("MAIL_USE_TLS", "").lower() in {"1", "true", "yes"},
        "MAIL_USERNAME": environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": environ.get("MAIL_DEFAULT_SENDER", "Kaimo mugė <parduotuve@example.org>"),
        "MAIL_FOLDER": environ.get("MAIL_FOLDER") or str(instance / "mail"),  # used when MAIL_SERVER is empty
        "BANK_TRANSFER_DAYS": int(environ.get("BANK_TRANSFER_DAYS") or 7),  #: unpaid transfers expire after
        #: an unpaid transfer holds its stock this long, unless the customer says they have paid ("Sumokėjau")
        "TRANSFER_HOLD_HOURS": int(environ.get("TRANSFER_HOLD_HOURS") or 24),
        "SITE_URL": environ.get("SITE_URL", "http://127.0.0.1:5000"),  #: for links in mails
        #: other host names the shop answers to besides SITE_URL's and this machine's (comma-separated)
        "EXTRA_HOSTS": [name.strip() for name in environ.get("EXTRA_HOSTS", "").split(",") if name.strip()],
        # Card payments through Stripe: offered only when STRIPE_SECRET_KEY is set (see the README).
        "STRIPE_SECRET_KEY": environ.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": environ.get("STRIPE_API_BASE", ""),  #: a Stripe-compatible server (tests)
        "STRIPE_TIMEOUT_SECONDS": float(environ.get("STRIPE_TIMEOUT_SECONDS") or 20),
        "STRIPE_MAX_NETWORK_RETRIES": int(environ.get("STRIPE_MAX_NETWORK_RETRIES") or 2),
        "CARD_CHECKOUT_MINUTES": int(environ.get("CARD_CHECKOUT_MINUTES") or 35),  #: Stripe: 30 min – 24 h
        "CARD_RETRY_HOURS": int(environ.get("CARD_RETRY_HOURS") or 24),  #: after a failed card payment
        #: days after delivery before a parcel is paid out (the 14-day right of withdrawal); 0: at once
        "PAYOUT_HOLD_DAYS": int(environ.get("PAYOUT_HOLD_DAYS") or 14),
        #: the bank file's names and texts in the SEPA basic Latin set (Š→S, „“→'); 0 keeps them as typed
        "SEPA_BASIC_LATIN": environ.get("SEPA_BASIC_LATIN", "1").lower() not in {"0", "false", "no"},
        #: how many reverse proxies (nginx, a load balancer) stand in front: their X-Forwarded-* are trusted
        "PROXY_COUNT": int(environ.get("PROXY_COUNT") or 0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        # Accounts: a sign-in ends LOGIN_HOURS after it began, unless "keep me signed in" was ticked.
        "LOGIN_HOURS": int(environ.get("LOGIN_HOURS") or 12),
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "PASSWORD_RESET_HOURS": int(
            environ.get("PASSWORD_RESET_HOURS") or 2
        ),  #: a reset link works this long
        "INVITATION_DAYS": int(environ.get("INVITATION_DAYS") or 7),  #: an invitation link works this long
        # Customers' personal data (orders.privacy): the mailed link to a customer's data works this long;
        # a closed order's customer details are anonymised this many days after it was placed; its
        # accounting records (number, amounts, dates, payments, refunds) stay this many years after the
        # end of the year it was placed in (Lithuanian accounting law: 10).
        "PRIVACY_LINK_HOURS": int(environ.get("PRIVACY_LINK_HOURS") or 24),
        "CUSTOMER_DATA_RETENTION_DAYS": int(environ.get("CUSTOMER_DATA_RETENTION_DAYS") or 1095),
        "ACCOUNTING_RETENTION_YEARS": int(environ.get("ACCOUNTING_RETENTION_YEARS") or 10),
        # What people look for (catalogue.search_log): searches are counted per folded query per day, at
        # most this many different queries a day (a bot cannot grow the table without bound), and kept
        # this many days (`flask search prune` removes older days).
        "SEARCH_LOG_DAILY_QUERIES": int(environ.get("SEARCH_LOG_DAILY_QUERIES") or 1000),
        "SEARCH_LOG_DAYS": int(environ.get("SEARCH_LOG_DAYS") or 371),
        # One visitor (IP address) counts a query at most once a day, and at most this many different
        # queries (Flask-Limiter's notation): kept in the limiter's storage, never in the database.
        "SEARCH_LOG_PER_VISITOR": environ.get("SEARCH_LOG_PER_VISITOR") or "30 per day",
        #: type-ahead answers per IP address (the box asks at most once per 150 ms pause in typing)
        "SEARCH_SUGGESTIONS_PER_IP": environ.get("SEARCH_SUGGESTIONS_PER_IP") or "120 per minute",
        # Each carrier's published locker list (producers.lockers), read by `flask lockers refresh`: a URL
        # (http or https) or a file; empty: the carrier is skipped. Omniva's public list by default.
        "OMNIVA_LOCKERS_URL": environ.get("OMNIVA_LOCKERS_URL", "https://www.omniva.ee/locations.json"),
        "LP_EXPRESS_LOCKERS_URL": environ.get("LP_EXPRESS_LOCKERS_URL", ""),
        "DPD_LOCKERS_URL": environ.get("DPD_LOCKERS_URL", ""),
        "LOCKERS_TIMEOUT_SECONDS": float(environ.get("LOCKERS_TIMEOUT_SECONDS") or 60),  #: per download
        # What one visitor may place and hold (orders.caps): orders placed per client IP address and per
        # e-mail address (Flask-Limiter's notation, limits separated by ";"), unpaid orders at a time per
        # address and per IP, the share of a variant's stock one order may take, and the most of one line.
        "CHECKOUT_ORDERS_PER_IP": environ.get("CHECKOUT_ORDERS_PER_IP") or "6 per hour;15 per day",
        "CHECKOUT_ORDERS_PER_EMAIL": environ.get("CHECKOUT_ORDERS_PER_EMAIL") or "4 per hour;10 per day",
        "UNPAID_ORDERS_PER_EMAIL": int(environ.get("UNPAID_ORDERS_PER_EMAIL") or 2),
        "UNPAID_ORDERS_PER_IP": int(environ.get("UNPAID_ORDERS_PER_IP") or 2),
        "UNPAID_STOCK_SHARE": float(environ.get("UNPAID_STOCK_SHARE") or 0.5),
        "MAX_LINE_QUANTITY": int(environ.get("MAX_LINE_QUANTITY") or 20),
        #: where sign-in attempts are counted: redis://… when several workers or servers run
        "RATELIMIT_STORAGE_URI": environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        #: put before every counter's key in that storage: two shops (or a test run) sharing one Redis
        #: database never count each other's requests
        "RATELIMIT_KEY_PREFIX": environ.get("RATELIMIT_KEY_PREFIX", ""),
        # Every limit of a request is checked, not only up to the first one passed: the sign-in page tells
        # how long to wait from the latest of them.
        "RATELIMIT_FAIL_ON_FIRST_BREACH": False,
        # Sign-in limits (Flask-Limiter's notation, e.g. "20 per hour"; see the README): every sign-in sent
        # from one IP address; failed ones from one IP address; failed ones for one address from one
        # browser (or IP address, for a browser that has not signed in to it before); failed ones for one
        # address from all browsers that have not signed in to it before; reset mails per address.
        "SIGN_IN_POSTS_PER_IP": environ.get("SIGN_IN_POSTS_PER_IP") or "10 per minute",
        "SIGN_IN_FAILURES_PER_IP": environ.get("SIGN_IN_FAILURES_PER_IP") or "30 per hour",
        "SIGN_IN_FAILURES_PER_CLIENT": environ.get("SIGN_IN_FAILURES_PER_CLIENT") or "10 per hour",
        "SIGN_IN_FAILURES_PER_ADDRESS": environ.get("SIGN_IN_FAILURES_PER_ADDRESS") or "20 per hour",
        "PASSWORD_RESET_MAILS_PER_ADDRESS": environ.get("PASSWORD_RESET_MAILS_PER_ADDRESS") or "5 per hour",
        #: days a browser stays trusted for the accounts signed in from it (`shop.devices`)
        "DEVICE_COOKIE_DAYS": int(environ.get("DEVICE_COOKIE_DAYS") or 365),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # What many visitors ask alike, kept briefly (`shop.extensions.cache`): each worker's own memory, or
        # one Redis shared by every worker and node when CACHE_REDIS_URL is set.
        "CACHE_TYPE": "RedisCache" if environ.get("CACHE_REDIS_URL") else "SimpleCache",
        "CACHE_REDIS_URL": environ.get("CACHE_REDIS_URL") or None,
        "CACHE_KEY_PREFIX": "kaimo:",
        "CACHE_DEFAULT_TIMEOUT": 60,
        "CACHE_THRESHOLD": 2000,  #: entries one worker's memory keeps (the oldest go first)
        #: seconds a search's ranked page is kept for the next visitor asking it (catalogue.search_cache)
        "SEARCH_CACHE_SECONDS": int(environ.get("SEARCH_CACHE_SECONDS") or 60),
        # Compress pages, and the shop's own CSS and JS (read whole: `shop.extensions`); other files sent
        # as streams (photos, PDFs, downloads) are left to the web server in front.
        "COMPRESS_STREAMS": False,
    }


def database_url(raw: str) -> str:
    """Check a database URL and point PostgreSQL URLs at psycopg 3, the driver we ship."""
    try:
        url: URL = make_url(raw)
    except (ArgumentError, ValueError):
        raise ConfigError(
            f"DATABASE_URL is not a database URL: {raw!r}. "
            "Use e.g. postgresql://user:password@host:5432/name or sqlite:///path/to/file.db"
        ) from None
    if url.drivername in {"postgres", "postgresql"}:
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigError(
            f"DATABASE_URL names {url.get_backend_name()!r}; Kaimo mugė runs on SQLite or PostgreSQL."
        )
    if url.get_backend_name() == "postgresql":
        if url.get_driver_name() != "psycopg":
            raise ConfigError("DATABASE_URL must use the psycopg driver (postgresql+psycopg://…).")
        if "connect_timeout" not in url.query:  # an unreachable host must fail in seconds, not minutes
            url = url.update_query_dict({"connect_timeout": "10"})
    return url.render_as_string(hide_password=False)


def check_stripe(settings: Mapping[str, Any]) -> None:
    """Cards need both keys, of the right kinds; without a secret key the shop takes transfers only."""
    secret = settings.get("STRIPE_SECRET_KEY") or ""
    if not secret:
        return
    if not secret.startswith(("sk_", "rk_")):
        raise ConfigError("STRIPE_SECRET_KEY must be a Stripe secret key (sk_live_… or sk_test_…).")
    if not str(settings.get("STRIPE_WEBHOOK_SECRET") or "").startswith("whsec_"):
        raise ConfigError(
            "STRIPE_WEBHOOK_SECRET must be set (whsec_…) when STRIPE_SECRET_KEY is: without it no card "
            "payment could ever be confirmed. Copy it from the webhook endpoint in the Stripe Dashboard."
        )
    # Stripe wants 30 min to 24 h from its receipt of the request; a repeat a minute later must fit too.
    if not 32 <= int(settings.get("CARD_CHECKOUT_MINUTES") or 0) <= 1380:
        raise ConfigError(
            "CARD_CHECKOUT_MINUTES must be between 32 and 1380 (within Stripe's 30 min – 24 h)."
        )


def check_media(settings: Mapping[str, Any]) -> None:
    """The bucket's settings fit together: a public URL is an http(s) address, and only with a bucket."""
    public = str(settings.get("MEDIA_S3_PUBLIC_URL") or "")
    if public and not settings.get("MEDIA_S3_BUCKET"):
        raise ConfigError("MEDIA_S3_PUBLIC_URL is set but MEDIA_S3_BUCKET is not: name the bucket too.")
    if public and urlsplit(public).scheme not in {"http", "https"}:
        raise ConfigError(f"MEDIA_S3_PUBLIC_URL must start with https:// (not {public!r}).")
    endpoint = str(settings.get("MEDIA_S3_ENDPOINT_URL") or "")
    if endpoint and urlsplit(endpoint).scheme not in {"http", "https"}:
        raise ConfigError(f"MEDIA_S3_ENDPOINT_URL must start with https:// (not {endpoint!r}).")
    if (
        int(settings.get("MEDIA_S3_ATTEMPTS") or 0) < 1
        or float(settings.get("MEDIA_S3_TIMEOUT_SECONDS") or 0) <= 0
    ):
        raise ConfigError("MEDIA_S3_ATTEMPTS must be 1 or more and MEDIA_S3_TIMEOUT_SECONDS more than 0.")


def check_payouts(settings: Mapping[str, Any]) -> None:
    """The return window before a payout is a number of whole days, 0 or more."""
    if int(settings.get("PAYOUT_HOLD_DAYS", 14)) < 0:
        raise ConfigError("PAYOUT_HOLD_DAYS must be 0 or more (days after delivery before a payout).")


def check_transfers(settings: Mapping[str, Any]) -> None:
    """An unpaid transfer's hold and its deadline are whole, positive numbers; the hold ends first."""
    hours = int(settings.get("TRANSFER_HOLD_HOURS", 24))
    days = int(settings.get("BANK_TRANSFER_DAYS", 7))
    if days < 1:
        raise ConfigError("BANK_TRANSFER_DAYS must be 1 or more (days for a transfer to arrive).")
    if not 1 <= hours <= days * 24:
        raise ConfigError(
            "TRANSFER_HOLD_HOURS must be from 1 to BANK_TRANSFER_DAYS × 24 (how long an unpaid transfer "
            "holds its stock before the customer says they have paid)."
        )


def check_privacy(settings: Mapping[str, Any]) -> None:
    """The privacy periods are whole, positive numbers; the customer data go before the accounting records."""
    hours = int(settings.get("PRIVACY_LINK_HOURS", 24))
    days = int(settings.get("CUSTOMER_DATA_RETENTION_DAYS", 1095))
    years = int(settings.get("ACCOUNTING_RETENTION_YEARS", 10))
    if not 1 <= hours <= 168:
        raise ConfigError("PRIVACY_LINK_HOURS must be from 1 to 168 (how long a link to one's data works).")
    if days < 30:
        raise ConfigError(
            "CUSTOMER_DATA_RETENTION_DAYS must be 30 or more (days after an order before its customer's "
            "details are anonymised): the return window and refunds need them first."
        )
    if years < 1:
        raise ConfigError("ACCOUNTING_RETENTION_YEARS must be 1 or more (Lithuanian accounting law: 10).")


#: The settings in Flask-Limiter's notation, checked at start-up.
SIGN_IN_LIMITS = (
    "SIGN_IN_POSTS_PER_IP",
    "SIGN_IN_FAILURES_PER_IP",
    "SIGN_IN_FAILURES_PER_CLIENT",
    "SIGN_IN_FAILURES_PER_ADDRESS",
    "PASSWORD_RESET_MAILS_PER_ADDRESS",
)


def check_sign_in_limits(settings: Mapping[str, Any]) -> None:
    """Each sign-in limit is one Flask-Limiter can read ("20 per hour", or several: "5 per minute;20 per
    hour"), and the device cookie lasts at least a day."""
    _check_limits(settings, SIGN_IN_LIMITS)
    if int(settings.get("DEVICE_COOKIE_DAYS", 365)) < 1:
        raise ConfigError("DEVICE_COOKIE_DAYS must be 1 or more (days a browser stays trusted).")


def check_order_limits(settings: Mapping[str, Any]) -> None:
    """The checkout's limits are limits Flask-Limiter reads, and the caps on unpaid orders whole numbers."""
    _check_limits(settings, ("CHECKOUT_ORDERS_PER_IP", "CHECKOUT_ORDERS_PER_EMAIL"))
    for name in ("UNPAID_ORDERS_PER_EMAIL", "UNPAID_ORDERS_PER_IP", "MAX_LINE_QUANTITY"):
        if int(settings.get(name) or 0) < 1:
            raise ConfigError(f"{name} must be 1 or more.")
    if not 0 < float(settings.get("UNPAID_STOCK_SHARE") or 0) <= 1:
        raise ConfigError(
            "UNPAID_STOCK_SHARE must be more than 0 and at most 1 (the share of a variant's stock one order "
            "may take, e.g. 0.5)."
        )


def check_search_limits(settings: Mapping[str, Any]) -> None:
    """The search's limits (searches counted per visitor, type-ahead answers per IP) are limits
    Flask-Limiter reads."""
    _check_limits(settings, ("SEARCH_LOG_PER_VISITOR", "SEARCH_SUGGESTIONS_PER_IP"))


def _check_limits(settings: Mapping[str, Any], names: Sequence[str]) -> None:
    """Each of `names` is a limit Flask-Limiter reads: "20 per hour", or several, "6 per hour;15 per day"."""
    for name in names:
        try:
            parse_many(str(settings.get(name) or ""))
        except ValueError:
            raise ConfigError(
                f"{name} must be limits such as '20 per hour' or '6 per hour;15 per day' "
                f"(not {settings.get(name)!r})."
            ) from None


def _instance_secret_key(instance: Path) -> str:
    """The secret key kept in the instance folder, generated on first run (never committed)."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(key)
    return key
