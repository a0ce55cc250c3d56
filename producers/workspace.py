"""The community workspace's ground floor: who may enter, which community they act for, switching.

Every workspace view is wrapped in `member_required`; the community it acts for is `current_community()`,
chosen from the signed-in user's memberships (kept in the session, checked against the database on every
request). Services take that community and scope every query to it: an id of another community's row is
simply not found (404), never shown or changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from producers.models import Community, Membership
from shop.auth import safe_next
from shop.db import db
from shop.extensions import login_manager

workspace = Blueprint("producers_workspace", __name__, url_prefix="/workspace")

F = TypeVar("F", bound=Callable[..., Any])
CURRENT_COMMUNITY = "community_id"


def communities_of(user_id: int) -> Sequence[Community]:
    """The communities a person acts for, by name."""
    return db.session.scalars(
        select(Community)
        .join(Membership)
        .where(Membership.user_id == user_id, Community.is_active.is_(True))
        .order_by(Community.name)
    ).all()


def current_community() -> Community:
    """The community the signed-in member acts for now (only inside `member_required` views)."""
    community: Community = g.community
    return community


def member_required(view: F) -> F:
    """Signed in (else to the login page) and a member of at least one active community (else 403)."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        communities = communities_of(current_user.id)
        if not communities:
            abort(403)
        chosen = session.get(CURRENT_COMMUNITY)
        g.communities = communities
        g.community = next((c for c in communities if c.id == chosen), communities[0])
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


@workspace.post("/community")
@member_required
def switch_community() -> ResponseReturnValue:
    """Act for another of one's communities from now on."""
    wanted = request.form.get("community_id", type=int)
    community = next((c for c in g.communities if c.id == wanted), None)
    if community is None:
        abort(404)
    session[CURRENT_COMMUNITY] = community.id
    flash(_("You are now working for %(name)s.", name=community.name), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("orders_workspace.dashboard"))
