"""The doors for the people who work here: how a community comes to sell here, signing in and out, the
account page (where one is signed in, "sign out everywhere"), and the pages that set a password.

Sign-in attempts are limited (Flask-Limiter, wrapped around these views when the blueprint is registered)
so that guessing stops without locking the owner out (OWASP's device cookies, `shop.devices`): every
sign-in sent and every failure per IP address; failures per address *and* client, the client being the
browser when it has signed in to that account before, else the IP address; and failures per address from
the browsers that have not. A stranger's failures from elsewhere never stop the owner's own browser, and a
locked address still gets in through a password-reset link (a page of its own, not limited by sign-ins).
Forgotten passwords and invitations are mailed links to the same set-password page (`shop.accounts`).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any, cast

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
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
from flask_limiter.util import get_remote_address
from flask_login import current_user

from producers import lockers
from producers.forms import ForgotPasswordForm, LoginForm, NewPasswordForm
from producers.models import Locker
from shop import accounts, outbox
from shop.access import (
    authenticate,
    landing_url,
    safe_next,
    sign_in,
    sign_in_required,
    sign_out,
)
from shop.devices import remember_device, trusted_device
from shop.extensions import limiter_of
from shop.i18n import current_language
from shop.sign_ins import list_sign_ins
from shop.sign_ins import sign_out_everywhere as end_other_sign_ins

storefront = Blueprint("producers_storefront", __name__)

#: how long a browser or proxy may keep a carrier's locker list (it changes at most daily)
LOCKERS_MAX_AGE = 3600


@storefront.get("/bendruomenems")
def for_communities() -> ResponseReturnValue:
    """How a community of the district comes to sell here (the footer's way in), and the sign-in for those
    who already do."""
    return render_template("producers/storefront/for_communities.html")


@storefront.get("/lockeriai/<carrier>.json")
def locker_list(carrier: str) -> ResponseReturnValue:
    """Every active locker of a carrier (`omniva`, `lp_express`, `dpd`), compactly, for the checkout's
    type-ahead to filter in the browser: about 40 KB for Omniva's 348, cached publicly for an hour."""
    method = next((m for m in lockers.LOCKER_CARRIERS if m.value == carrier), None)
    if method is None:
        abort(404)
    listed = lockers.get_locker_list(method)
    body = {
        "carrier": method.value,
        "listed_on": listed.listed_on.isoformat() if listed is not None else None,
        "is_sample": listed.is_sample if listed is not None else False,
        "lockers": [_locker_json(locker) for locker in lockers.active_lockers(method)],
    }
    # Lithuanian letters as they are (not \u0117): a sixth smaller before compression
    response = Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")), mimetype="application/json"
    )
    response.cache_control.public = True
    response.cache_control.max_age = LOCKERS_MAX_AGE
    response.add_etag()
    return response.make_conditional(request)


def _locker_json(locker: Locker) -> dict[str, object]:
    return {
        "id": locker.id,  #: what the checkout sends
        "code": locker.carrier_locker_id,
        "name": locker.name,
        "address": locker.address,
        "town": locker.town,
        "postal_code": locker.postal_code,
        "lat": locker.latitude,
        "lon": locker.longitude,
    }


@storefront.route("/prisijungti", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("Wrong e-mail or password."))
        else:
            sign_in(user, remember=bool(form.remember.data))
            response = redirect(safe_next(request.args.get("next")) or landing_url(user))
            remember_device(response, user.email)
            return response
    return render_template("producers/storefront/login.html", form=form)


@storefront.post("/atsijungti")
def logout() -> ResponseReturnValue:
    sign_out()
    flash(_("You have signed out."), "info")
    return redirect(url_for("catalogue_storefront.home"))


@storefront.get("/paskyra")
@sign_in_required
def account() -> ResponseReturnValue:
    """The signed-in person's account: where they are signed in, and a way to end it everywhere else."""
    user = current_user._get_current_object()
    return render_template(
        "producers/storefront/account.html",
        sign_ins=list_sign_ins(user.id),
        current=user.sign_in,
    )


@storefront.post("/paskyra/atsijungti-visur")
@sign_in_required
def sign_out_everywhere() -> ResponseReturnValue:
    """End every other sign-in of this person (other browsers, copied cookies); this one stays."""
    user = current_user._get_current_object()
    current = user.sign_in
    ended = end_other_sign_ins(user.id, keep=current.id if current is not None else None)
    flash(
        ngettext(
            "%(num)d other sign-in was ended. You stay signed in here.",
            "%(num)d other sign-ins were ended. You stay signed in here.",
            ended,
        ),
        "success",
    )
    return redirect(url_for("producers_storefront.account"))


@storefront.route("/slaptazodis", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        mail_ids = accounts.request_password_reset(form.email.data, language=current_language())
        # The same words whether or not the address has an account; the mail leaves after the answer.
        flash(
            _(
                "If an account uses this address, we have sent it a link to choose a new password. "
                "Please look in your mailbox (and in the spam folder)."
            ),
            "info",
        )
        response = redirect(url_for("producers_storefront.login"))
        if mail_ids:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            response.call_on_close(lambda: _send_in(app, mail_ids))
        return response
    return render_template("producers/storefront/forgot_password.html", form=form)


@storefront.route("/slaptazodis/<token>", methods=["GET", "POST"])
def set_password(token: str) -> ResponseReturnValue:
    """The page of a mailed link (reset or invitation): choose a password, and be signed in."""
    try:
        link = accounts.read_link_token(token)
    except accounts.LinkNotValid as error:
        return _link_not_valid(error.problem)
    form = NewPasswordForm()
    form.account_email = link.user.email
    if form.validate_on_submit():
        try:
            user = accounts.set_password(link, form.password.data)
        except accounts.LinkNotValid as error:
            return _link_not_valid(error.problem)
        except accounts.WeakPassword:
            form.password.errors.append(_("Choose another password."))
        else:
            sign_in(user, remember=False)
            flash(_("Your password is saved and you are signed in."), "success")
            response = redirect(landing_url(user))
            remember_device(response, user.email)  # the mailbox's owner: this browser is theirs
            return response
    return render_template(
        "producers/storefront/set_password.html",
        form=form,
        account=link.user,
        invitation=link.purpose == accounts.INVITATION,
        min_length=accounts.MIN_PASSWORD_LENGTH,
    )


def _link_not_valid(problem: accounts.LinkProblem) -> ResponseReturnValue:
    status = 404 if problem is accounts.LinkProblem.INVALID else 410
    return render_template("producers/storefront/password_link_invalid.html", problem=problem.value), status


def _send_in(app: Flask, mail_ids: list[int]) -> None:
    with app.app_context():
        outbox.send_ids_now(mail_ids)


@storefront.errorhandler(RateLimitExceeded)
def _too_many_attempts(_error: RateLimitExceeded) -> ResponseReturnValue:
    """The form again, as typed, with a word of why and how long to wait: not the limiter's own page."""
    limiter = limiter_of(current_app._get_current_object())  # type: ignore[attr-defined]
    breached = [limit for limit in limiter.current_limits if limit.breached]
    # The latest window of those passed (every limit is checked: RATELIMIT_FAIL_ON_FIRST_BREACH is off).
    reset_at = max((limit.window.reset_time for limit in breached), default=time.time() + 60)
    message = _("Too many attempts. %(wait)s", wait=wait_words(reset_at - time.time()))
    if request.endpoint == "producers_storefront.forgot_password":
        forgot = ForgotPasswordForm()
        forgot.form_errors.append(message)
        return render_template("producers/storefront/forgot_password.html", form=forgot), 429
    form = LoginForm()
    form.form_errors.append(message)
    if any(limit.request_args[-2] == _address_key() for limit in breached):  # locked for unknown browsers
        form.form_errors.append(
            _(
                "If this is your account, you can still get in now: choose a new password through "
                "“Forgot your password?”."
            )
        )
    return render_template("producers/storefront/login.html", form=form), 429


def wait_words(seconds: float) -> str:
    """The wait in words ("Please try again in 37 minutes."), rounded up to whole minutes, or to whole
    hours past two hours: never shorter than the truth."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes <= 120:
        words: str = ngettext(
            "Please try again in %(num)d minute.", "Please try again in %(num)d minutes.", minutes
        )
        return words
    hours = math.ceil(minutes / 60)
    words = ngettext("Please try again in %(num)d hour.", "Please try again in %(num)d hours.", hours)
    return words


def _typed_email() -> str:
    return (request.form.get("email") or "").strip().lower()[:254]


def _ip_key() -> str:
    return "ip:" + get_remote_address()


def _failed_ip_key() -> str:
    return "failed-ip:" + get_remote_address()


def _client_key() -> str:
    """The address with the client: the browser if it signed in to the account before, else the IP."""
    email = _typed_email()
    device = trusted_device(email)
    return f"email:{email}|" + (f"device:{device}" if device else f"ip:{get_remote_address()}")


def _address_key() -> str:
    return "email:" + _typed_email()


def _trusted_browser() -> bool:
    return trusted_device(_typed_email()) is not None


def _failed(response: Response) -> bool:
    return response.status_code != 302


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


@storefront.record_once
def _limit_attempts(state: BlueprintSetupState) -> None:
    """Wrap the sign-in and reset views in this app's own limits (a no-op with RATELIMIT_ENABLED off)."""
    app = cast(Flask, state.app)
    limiter = limiter_of(app)
    posts_per_ip = limiter.limit(_setting("SIGN_IN_POSTS_PER_IP"), key_func=_ip_key, methods=["POST"])

    def failures(setting: str, key: Callable[[], str], **extra: Any) -> Any:
        """A limit on failed sign-ins only (checked before, counted after the answer)."""
        return limiter.limit(_setting(setting), key_func=key, methods=["POST"], deduct_when=_failed, **extra)

    failed_per_ip = failures("SIGN_IN_FAILURES_PER_IP", _failed_ip_key)
    failed_per_client = failures("SIGN_IN_FAILURES_PER_CLIENT", _client_key)
    failed_per_address = failures("SIGN_IN_FAILURES_PER_ADDRESS", _address_key, exempt_when=_trusted_browser)
    mails_per_address = limiter.limit(
        _setting("PASSWORD_RESET_MAILS_PER_ADDRESS"), key_func=_address_key, methods=["POST"]
    )
    views: dict[str, Any] = app.view_functions  # replaced by their limited wrappers, in this app only
    views["producers_storefront.login"] = posts_per_ip(
        failed_per_ip(failed_per_client(failed_per_address(views["producers_storefront.login"])))
    )
    views["producers_storefront.forgot_password"] = posts_per_ip(
        mails_per_address(views["producers_storefront.forgot_password"])
    )
