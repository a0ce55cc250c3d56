"""The pages where customers ask for their data, take a copy and have it erased (`orders.privacy`)."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter import RateLimitExceeded

from orders.errors import AlreadyErased, PrivacyLinkNotValid
from orders.forms.storefront import ErasureForm, PrivacyRequestForm
from orders.labels import OPEN_REASON_LABELS, ORDER_STATUS_LABELS
from orders.privacy import asking
from orders.privacy import erasure as privacy_erasure
from orders.privacy import export as privacy_export
from orders.privacy.holdings import holdings_of
from orders.privacy.models import PrivacyRequestStatus
from orders.views.storefront.blueprint import storefront
from orders.views.storefront.cart import too_many_orders
from shop import outbox
from shop.db import utcnow
from shop.extensions import limiter_of
from shop.i18n import current_language, format_date

# ---------------------------------------------------------------------------------------------- one's data

#: Asking for one's data is limited as the password page is: posts per IP address, mails per address.
PRIVACY_POSTS_PER_IP = "10 per minute"
PRIVACY_MAILS_PER_EMAIL = "5 per hour"


@storefront.route("/privatumas/mano-duomenys", methods=["GET", "POST"])
def privacy_request() -> ResponseReturnValue:
    """A customer asks, by e-mail address, for the link to their data: the same answer for any address."""
    form = PrivacyRequestForm()
    if form.validate_on_submit():
        mail_ids = asking.request_link(form.email.normal, language=current_language())
        flash(
            ngettext(
                "If orders were placed with this address, we have sent it a link to your data. Please look "
                "in your mailbox (and in the spam folder): the link works for %(num)d hour.",
                "If orders were placed with this address, we have sent it a link to your data. Please look "
                "in your mailbox (and in the spam folder): the link works for %(num)d hours.",
                int(current_app.config["PRIVACY_LINK_HOURS"]),
            ),
            "info",
        )
        response = redirect(url_for("orders_storefront.privacy_request"))
        if mail_ids:  # the mail leaves after the answer, so the time taken tells nothing either
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            response.call_on_close(lambda: _send_in(app, mail_ids))
        return response
    status = 400 if form.is_submitted() else 200
    return render_template("orders/storefront/privacy_request.html", form=form), status


@storefront.get("/privatumas/<token>")
def privacy_data(token: str) -> ResponseReturnValue:
    """The mailed link's page: what is held, a copy to download, erasure."""
    try:
        asked = asking.read_link_token(token)
    except PrivacyLinkNotValid as error:
        return _privacy_link_not_valid(error.problem)
    holdings = holdings_of(asked.email, utcnow())
    return _private(
        render_template(
            "orders/storefront/privacy_data.html",
            token=token,
            asked=asked,
            holdings=holdings,
            **_privacy_words(),
        )
    )


@storefront.post("/privatumas/<token>/kopija")
def privacy_copy(token: str) -> ResponseReturnValue:
    """The copy of one's data, as a JSON file."""
    try:  # a post (CSRF-checked like every other), so that no link preview ever takes a copy
        asked = asking.read_link_token(token)
        data = privacy_export.export_request(asked.id)
    except (PrivacyLinkNotValid, AlreadyErased) as error:
        return _privacy_link_not_valid(getattr(error, "problem", "used"))
    return _json_copy(data)


@storefront.route("/privatumas/<token>/istrinti", methods=["GET", "POST"])
def privacy_erase(token: str) -> ResponseReturnValue:
    """Erasure, after a confirmation that says what goes now, what waits for open orders, what stays."""
    try:
        asked = asking.read_link_token(token)
    except PrivacyLinkNotValid as error:
        return _privacy_link_not_valid(error.problem)
    if asked.status is not PrivacyRequestStatus.OPEN:  # erasure confirmed before: the page says how far
        return redirect(url_for("orders_storefront.privacy_data", token=token))
    form = ErasureForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                result = privacy_erasure.erase(asked.id)
            except AlreadyErased:
                flash(_("Your erasure was already confirmed."), "info")
                return redirect(url_for("orders_storefront.privacy_data", token=token))
            if result.status is PrivacyRequestStatus.ERASED:
                flash(_erased_words(result.kept_until), "success")
                return redirect(url_for("orders_storefront.privacy_request"))
            flash(
                _("Your closed orders are erased. The others follow on their own as they close."), "success"
            )
            return redirect(url_for("orders_storefront.privacy_data", token=token))
        status = 400
    holdings = holdings_of(asked.email, utcnow())
    page = render_template(
        "orders/storefront/privacy_erase.html", token=token, holdings=holdings, form=form, **_privacy_words()
    )
    return _private(page, status)


def _erased_words(kept_until: date | None) -> str:
    if kept_until is None:
        return str(_("Your data are erased. We hold nothing more under your e-mail address."))
    return str(
        _(
            "Your data are erased. Only the orders' numbers, dates and amounts stay, without your name, "
            "until %(date)s, as the accounting law requires.",
            date=format_date(kept_until, "long"),
        )
    )


def _privacy_words() -> dict[str, Any]:
    """What the privacy pages need to word the states of orders and why an order is still open."""
    return {
        "order_labels": ORDER_STATUS_LABELS,
        "open_reasons": OPEN_REASON_LABELS,
        "closes_on": asking.closes_on,
    }


def _private(page: str, status: int = 200) -> ResponseReturnValue:
    """A page of someone's data: never told to another site (nor stored: `shop.security`)."""
    response = make_response(page, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _json_copy(data: dict[str, Any]) -> ResponseReturnValue:
    response = Response(privacy_export.to_json(data), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{privacy_export.file_name()}"'
    return response


def _privacy_link_not_valid(problem: str) -> ResponseReturnValue:
    status = 404 if problem == "invalid" else 410
    page = render_template("orders/storefront/privacy_link_invalid.html", problem=problem)
    return _private(page, status)


def _send_in(app: Any, mail_ids: list[int]) -> None:
    with app.app_context():
        outbox.send_ids_now(mail_ids)


@storefront.errorhandler(RateLimitExceeded)
def _too_many_requests(_error: RateLimitExceeded) -> ResponseReturnValue:
    """The form again, as typed, with a word of why: not the limiter's own page."""
    if request.endpoint == "orders_storefront.checkout_page":
        return too_many_orders()
    form = PrivacyRequestForm()
    form.form_errors.append(_("Too many attempts. Please wait a few minutes and try again."))
    return render_template("orders/storefront/privacy_request.html", form=form), 429


def _email_key() -> str:
    return "privacy-email:" + (request.form.get("email") or "").strip().lower()[:254]


@storefront.record_once
def _limit_privacy_requests(state: BlueprintSetupState) -> None:
    """Wrap the asking page in this app's own limits (a no-op with RATELIMIT_ENABLED off)."""
    app = cast(Flask, state.app)
    limiter = limiter_of(app)
    per_ip = limiter.limit(PRIVACY_POSTS_PER_IP, methods=["POST"])
    mails_per_email = limiter.limit(PRIVACY_MAILS_PER_EMAIL, key_func=_email_key, methods=["POST"])
    views: dict[str, Any] = app.view_functions  # replaced by their limited wrappers, in this app only
    views["orders_storefront.privacy_request"] = per_ip(
        mails_per_email(views["orders_storefront.privacy_request"])
    )
