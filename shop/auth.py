"""Who is signed in (Flask-Login). Sign-in pages and roles come with the workspace (issue #5)."""

from __future__ import annotations

from flask import Flask

from shop.db import db
from shop.extensions import login_manager
from shop.models import User


def load_user(user_id: str) -> User | None:
    """The signed-in user from the session, if the account still exists and is active."""
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
