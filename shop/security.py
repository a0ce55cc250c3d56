"""Response headers every page carries (ASVS 3.4)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request

#: Pages with personal data (a buyer's address, a member's orders, a session's forms) that no browser or
#: proxy may keep (`Cache-Control: no-store`, ASVS 14.3.2): the workspace's and back office's blueprints
#: by their suffix, the storefront's order pages (cart, checkout, tracking and all under it, the
#: customer's privacy pages) by blueprint, and the sign-in and password pages by endpoint. Named here as
#: strings, so the ground floor imports no domain package.
PRIVATE_BLUEPRINT_SUFFIXES = ("_workspace", "_backoffice")
PRIVATE_BLUEPRINTS = frozenset({"orders_storefront"})
PRIVATE_ENDPOINTS = frozenset(
    {
        "producers_storefront.login",
        "producers_storefront.logout",
        "producers_storefront.forgot_password",
        "producers_storefront.set_password",
        "producers_storefront.account",
        "producers_storefront.sign_out_everywhere",
    }
)

#: Where a form may lead: our own pages and, after "pay by card", Stripe's hosted payment page.
CHECKOUT_ORIGIN = "https://checkout.stripe.com"


@lru_cache(maxsize=8)
def content_security_policy(stripe_api_base: str = "", media_public_url: str = "") -> str:
    """The page policy; a Stripe-compatible server (STRIPE_API_BASE) hosts its payment page itself, and
    photos may come straight from the media storage (MEDIA_S3_PUBLIC_URL)."""
    form_action = ["'self'", CHECKOUT_ORIGIN]
    if stripe_api_base:
        form_action.append(_origin(stripe_api_base))
    images = ["'self'", "data:", *([_origin(media_public_url)] if media_public_url else [])]
    return "; ".join(
        (
            "default-src 'self'",
            f"img-src {' '.join(images)}",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            f"form-action {' '.join(form_action)}",
        )
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _refuse_nul_bytes() -> None:
    """A NUL byte is never meant: PostgreSQL cannot even compare it, so stop it at the door."""
    fields = [*request.args.items(multi=True)]
    if request.method == "POST":
        fields += request.form.items(multi=True)
    if "\x00" in request.path or any("\x00" in name + value for name, value in fields):
        abort(400)


def is_private_page() -> bool:
    """Whether this request's page is one of the PRIVATE_* above."""
    blueprint = request.blueprint or ""
    return (
        blueprint.endswith(PRIVATE_BLUEPRINT_SUFFIXES)
        or blueprint in PRIVATE_BLUEPRINTS
        or request.endpoint in PRIVATE_ENDPOINTS
    )


def trusted_hosts(site_url: str, extra: Sequence[str] = ()) -> list[str]:
    """The host names the shop answers to: SITE_URL's, this machine's own (`make run`, health checks, the
    tests' client) and the `extra` ones (EXTRA_HOSTS: another name of the same shop). Any other `Host:`
    header is refused with 400 before a view runs."""
    own = urlsplit(site_url).hostname
    return [*([own] if own else []), "localhost", "127.0.0.1", *extra]


def init_app(app: Flask) -> None:
    if app.config.get("TRUSTED_HOSTS") is None and app.config.get("SITE_URL"):
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config["SITE_URL"], app.config.get("EXTRA_HOSTS", ()))
    app.before_request(_refuse_nul_bytes)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        policy = content_security_policy(
            app.config.get("STRIPE_API_BASE") or "", app.config.get("MEDIA_S3_PUBLIC_URL") or ""
        )
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if is_private_page():
            headers["Cache-Control"] = "no-store"  # replaces what send_file set for an invoice PDF
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
