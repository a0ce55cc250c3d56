"""Kaimo mugė's application factory: `flask --app app …` and `gunicorn 'app:create_app()'` find it."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

import catalogue.cli
import catalogue.fairs.models
import catalogue.views.backoffice
import catalogue.views.fairs.backoffice
import catalogue.views.fairs.storefront
import catalogue.views.fairs.workspace
import catalogue.views.storefront
import catalogue.views.workspace
import legal.markup
import legal.models
import legal.pages
import legal.views.backoffice
import legal.views.storefront
import orders.best_sellers
import orders.cli
import orders.invoices.pdf
import orders.labels
import orders.payouts.period
import orders.views.backoffice
import orders.views.storefront
import orders.views.workspace
import orders.withdrawals.withdrawing
import producers.cli
import producers.communities
import producers.delivery
import producers.iban
import producers.views.backoffice
import producers.views.marks
import producers.views.storefront
import producers.views.workspace
from shop import (
    access,
    caching,
    cli,
    config,
    errors,
    extensions,
    health,
    outbox,
    security,
    static,
    templating,
)
from shop.db import db


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build one configured shop. Tests pass overrides; production passes nothing."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.from_environ(app.instance_path))
    app.config["MIGRATIONS_DIRECTORY"] = str(Path(app.root_path) / "migrations")
    app.config.from_mapping(overrides or {})
    if app.config["PROXY_COUNT"]:  # the visitor's own address (for login limits) and https links
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    try:
        app.config["SQLALCHEMY_DATABASE_URI"] = config.database_url(app.config["SQLALCHEMY_DATABASE_URI"])
        config.check_stripe(app.config)
        config.check_media(app.config)
        config.check_payouts(app.config)
        config.check_transfers(app.config)
        config.check_privacy(app.config)
        config.check_sign_in_limits(app.config)
        config.check_order_limits(app.config)
        config.check_search_limits(app.config)
        extensions.init_app(app)
        _check_database(app)
    except config.ConfigError as error:
        _refuse_to_start(error)
    for blueprint in (
        catalogue.views.storefront.storefront,
        catalogue.views.fairs.storefront.storefront,
        producers.views.storefront.storefront,
        orders.views.storefront.storefront,
        legal.views.storefront.storefront,
        producers.views.workspace.workspace,
        catalogue.views.workspace.workspace,
        catalogue.views.fairs.workspace.workspace,
        orders.views.workspace.workspace,
        producers.views.backoffice.backoffice,
        catalogue.views.backoffice.backoffice,
        catalogue.views.fairs.backoffice.backoffice,
        orders.views.backoffice.backoffice,
        legal.views.backoffice.backoffice,
    ):
        app.register_blueprint(blueprint)
    static.init_app(app)  # hashed names for the static files, and their caching
    templating.init_app(
        app,
        helpers={
            "cart_count": orders.views.storefront.cart.cart_count,
            "best_sellers": orders.best_sellers.list_best_sellers,
            "delivery_label": orders.labels.delivery_label,
            "christmas_notes": producers.delivery.list_christmas_notes,
            "gift_instruction": orders.labels.gift_instruction,
            "carrier_label": orders.labels.carrier_label,
            "exempt_labels": orders.labels.EXEMPT_LABELS,
            "withdrawal_labels": orders.labels.WITHDRAWAL_STATUS_LABELS,
            "period_name": orders.payouts.period.period_name,
            "invoice_title": orders.invoices.pdf.title,
            "legal_version": legal.pages.current_version,
            "legal_kinds": legal.models.LegalPageKind,
        },
        filters={
            "iban": producers.iban.grouped_iban,
            "masked_iban": producers.communities.mask_iban,
            "exempt_lines": orders.withdrawals.withdrawing.exempt_lines,
            "legal_html": legal.markup.as_markup,
        },
    )
    outbox.init_app(app, renderers={"invoice": orders.invoices.pdf.invoice_pdf})  # mails' attachments
    errors.init_app(app)
    security.init_app(app)
    caching.init_app(app)  # runs before security.py's headers: it leaves the private pages to them
    access.init_app(app)
    cli.init_app(app)
    app.cli.add_command(catalogue.cli.search_cli)
    app.cli.add_command(orders.cli.orders_cli)
    app.cli.add_command(orders.cli.privacy_cli)
    app.cli.add_command(producers.cli.lockers_cli)
    app.cli.add_command(producers.cli.mark_cli)
    health.init_app(app)  # /healthz, answered before the trusted hosts, the session and the language
    return app


def _check_database(app: Flask) -> None:
    """Connect once at start-up, so a wrong or unreachable database is said plainly, not on first request."""
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (DBAPIError, SQLAlchemyError) as error:
            reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
            url = db.engine.url.render_as_string(hide_password=True)
            raise config.ConfigError(f"Cannot reach the database {url}: {reason}") from None


def _refuse_to_start(error: config.ConfigError) -> None:
    """Stop with one clear line for the operator instead of a traceback."""
    print(f"Kaimo mugė cannot start: {error}", file=sys.stderr)
    raise SystemExit(1)
