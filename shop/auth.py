"""Signing in and out (Flask-Login), the staff-only guard, and the pages that set a password.

A sign-in ends `LOGIN_HOURS` after it began (checked on every request), or, with "keep me signed in",
when the 14-day remember cookie does. Sign-in attempts are limited per IP address and per e-mail address
(Flask-Limiter, one limiter per app). Forgotten passwords and invitations are mailed links to the same
set-password page (`shop.accounts`).
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from datetime import timedelta
from functools import cache, wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from shop import accounts, outbox
from shop.db import db
from shop.extensions import limiter_of, login_manager
from shop.forms import at_most, whole_number
from shop.i18n import current_language
from shop.models import User
from shop.passwords import hash_password, password_fingerprint, verify_password

auth = Blueprint("auth", __name__)

F = TypeVar("F", bound=Callable[..., Any])

SIGNED_IN_AT = "signed_in_at"  #: session: when this sign-in began (seconds since the epoch)
REMEMBERED = "remembered"  #: session: "keep me signed in" was ticked (or the remember cookie brought it back)

#: Sign-in limits: every POST per IP address, and failed sign-ins per e-mail address (so that trying
#: many passwords for one person from many machines stops too). Reset mails are limited per address.
POSTS_PER_IP = "10 per minute"
FAILED_SIGN_INS_PER_EMAIL = "20 per hour"
RESET_MAILS_PER_EMAIL = "5 per hour"


def current_actor() -> User | None:
    """The signed-in person as a plain `User`, for the `by=` of the services (who did it), or None."""
    user: User | None = current_user._get_current_object() if current_user.is_authenticated else None
    return user


def load_user(user_id: str) -> User | None:
    """The signed-in user from the session (or remember cookie), if the account is still active and its
    password is still the one it signed in with."""
    number, _, fingerprint = user_id.partition(":")
    user_number = whole_number(number)  # beyond MAX_ID PostgreSQL would refuse the query, not miss the row
    if user_number is None:
        return None
    user = db.session.get(User, user_number)
    if user is None or not user.is_active:
        return None
    return user if hmac.compare_digest(password_fingerprint(user.password_hash), fingerprint) else None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (the caller never learns which was wrong).

    An account with no password yet (invited, link not used) never signs in. An unknown address costs the
    same hashing time as a known one, so the answer's timing tells nothing either.
    """
    user = db.session.scalars(select(User).where(func.lower(User.email) == email.strip().lower())).first()
    if user is None or not user.password_hash:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    return user


@cache
def _dummy_hash() -> str:
    return hash_password("no account has this password")


def sign_in(user: User, *, remember: bool) -> None:
    """Start a new session for this person (never the visitor's old one), keeping the language."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    accounts.note_sign_in(user.id)
    login_user(user, remember=remember)
    session[SIGNED_IN_AT] = int(time.time())
    session[REMEMBERED] = remember


def sign_out() -> None:
    logout_user()  # also clears the remember cookie
    session.pop(SIGNED_IN_AT, None)
    session.pop(REMEMBERED, None)


def sign_in_lifetime(remembered: bool) -> timedelta:
    """How long a sign-in lasts: LOGIN_HOURS, or as long as the remember cookie when remembered."""
    if remembered:
        duration: timedelta = current_app.config["REMEMBER_COOKIE_DURATION"]
        return duration
    return timedelta(hours=int(current_app.config["LOGIN_HOURS"]))


def _end_expired_sign_in() -> None:
    """Before every request: a sign-in older than its lifetime (or of unknown age) ends here."""
    if "_user_id" not in session:
        return  # a visitor, or one the remember cookie will bring back (`_remembered`)
    started = session.get(SIGNED_IN_AT)
    if (
        isinstance(started, int)
        and time.time() - started < sign_in_lifetime(bool(session.get(REMEMBERED))).total_seconds()
    ):
        return
    sign_out()
    flash(_("For your safety you have been signed out. Please sign in again."), "info")


def _remembered(_app: Flask, **_extra: Any) -> None:
    """The remember cookie brought a person back in a new browser session: a new sign-in begins."""
    session[SIGNED_IN_AT] = int(time.time())
    session[REMEMBERED] = True


def landing_url(user: User) -> str:
    """Where a person goes after signing in: staff to the back office, members to their workspace."""
    return url_for("dashboard.home") if user.is_staff else url_for("orders_workspace.dashboard")


def staff_required(view: F) -> F:
    """Only VVG staff: others are sent to sign in, or refused if signed in as someone else."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_staff:
            abort(403)
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


def safe_next(target: str | None) -> str | None:
    """`next=` only to a local path: never `//evil`, `https://evil`, `/\\evil` or `javascript:`."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


class LoginForm(FlaskForm):  # type: ignore[misc]
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(_l("Enter your e-mail address.")), at_most(254)]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), at_most(256)]
    )
    remember = BooleanField(_l("Keep me signed in on this device"))


class ForgotPasswordForm(FlaskForm):  # type: ignore[misc]
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(_l("Enter your e-mail address.")), at_most(254)]
    )


class NewPasswordForm(FlaskForm):  # type: ignore[misc]
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Enter a new password.")),
            Length(
                min=accounts.MIN_PASSWORD_LENGTH,
                message=_l("Use at least %(min)d characters.", min=accounts.MIN_PASSWORD_LENGTH),
            ),
            at_most(accounts.MAX_PASSWORD_LENGTH),
        ],
    )
    confirm = PasswordField(
        _l("The same password again"),
        validators=[
            DataRequired(_l("Enter the password a second time.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )

    account_email = ""  #: whose password this is (it must not be the password)

    def validate_password(self, field: PasswordField) -> None:
        if (field.data or "").strip().casefold() == self.account_email.casefold():
            raise ValidationError(_l("Your password must not be your e-mail address."))


@auth.route("/prisijungti", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("Wrong e-mail or password."))
        else:
            sign_in(user, remember=bool(form.remember.data))
            return redirect(safe_next(request.args.get("next")) or landing_url(user))
    return render_template("shop/login.html", form=form)


@auth.post("/atsijungti")
def logout() -> ResponseReturnValue:
    sign_out()
    flash(_("You have signed out."), "info")
    return redirect(url_for("storefront.home"))


@auth.route("/slaptazodis", methods=["GET", "POST"])
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
        response = redirect(url_for("auth.login"))
        if mail_ids:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            response.call_on_close(lambda: _send_in(app, mail_ids))
        return response
    return render_template("shop/forgot_password.html", form=form)


@auth.route("/slaptazodis/<token>", methods=["GET", "POST"])
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
            return redirect(landing_url(user))
    response = make_response(
        render_template(
            "shop/set_password.html",
            form=form,
            account=link.user,
            invitation=link.purpose == accounts.INVITATION,
            min_length=accounts.MIN_PASSWORD_LENGTH,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _link_not_valid(problem: accounts.LinkProblem) -> ResponseReturnValue:
    status = 404 if problem is accounts.LinkProblem.INVALID else 410
    return render_template("shop/password_link_invalid.html", problem=problem.value), status


def _send_in(app: Flask, mail_ids: list[int]) -> None:
    with app.app_context():
        outbox.send_ids_now(mail_ids)


@auth.errorhandler(RateLimitExceeded)
def _too_many_attempts(_error: RateLimitExceeded) -> ResponseReturnValue:
    """The form again, as typed, with a word of why: not the limiter's own page."""
    message = _("Too many attempts. Please wait a few minutes and try again.")
    if request.endpoint == "auth.forgot_password":
        forgot = ForgotPasswordForm()
        forgot.form_errors.append(message)
        return render_template("shop/forgot_password.html", form=forgot), 429
    form = LoginForm()
    form.form_errors.append(message)
    return render_template("shop/login.html", form=form), 429


def _email_key() -> str:
    return "email:" + (request.form.get("email") or "").strip().lower()[:254]


def _failed(response: Response) -> bool:
    return response.status_code != 302


def _limit_attempts(app: Flask) -> None:
    """Wrap the sign-in and reset views in this app's own limits (a no-op with RATELIMIT_ENABLED off)."""
    limiter = limiter_of(app)
    per_ip = limiter.limit(POSTS_PER_IP, methods=["POST"])
    failed_per_email = limiter.limit(
        FAILED_SIGN_INS_PER_EMAIL, key_func=_email_key, methods=["POST"], deduct_when=_failed
    )
    mails_per_email = limiter.limit(RESET_MAILS_PER_EMAIL, key_func=_email_key, methods=["POST"])
    views: dict[str, Any] = app.view_functions  # replaced by their limited wrappers, in this app only
    views["auth.login"] = per_ip(failed_per_email(views["auth.login"]))
    views["auth.forgot_password"] = per_ip(mails_per_email(views["auth.forgot_password"]))


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "info"
    user_loaded_from_cookie.connect(_remembered)
    app.before_request(_end_expired_sign_in)
    _limit_attempts(app)
