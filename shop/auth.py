"""Signing in and out (Flask-Login), and the staff-only guard. Password reset and invitations: issue #5."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired

from shop.db import db
from shop.extensions import login_manager
from shop.forms import at_most
from shop.models import User
from shop.passwords import verify_password

auth = Blueprint("auth", __name__)

F = TypeVar("F", bound=Callable[..., Any])


def load_user(user_id: str) -> User | None:
    """The signed-in user from the session, if the account still exists and is active."""
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (the caller never learns which was wrong)."""
    user = db.session.scalars(select(User).where(func.lower(User.email) == email.strip().lower())).first()
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        return None
    return user


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


@auth.route("/prisijungti", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("Wrong e-mail or password."))
        else:
            language = session.get("lang")
            session.clear()  # a new session on sign-in
            if language:
                session["lang"] = language
            login_user(user, remember=form.remember.data)
            default = (
                url_for("orders_backoffice.awaiting_transfers")
                if user.is_staff
                else url_for("storefront.home")
            )
            return redirect(safe_next(request.args.get("next")) or default)
    return render_template("shop/login.html", form=form)


@auth.post("/atsijungti")
def logout() -> ResponseReturnValue:
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("storefront.home"))


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "info"
