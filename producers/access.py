"""Who may enter the community workspace, and which community they act for.

Every workspace view is wrapped in `member_required`; the community it acts for is `current_community()`,
chosen from the signed-in user's memberships (kept in the session, checked against the database on every
request). Services take that community and scope every query to it: an id of another community's row is
simply not found (404), never shown or changed.

A community the VVG has switched off keeps its workspace so that its members can finish the orders
already placed: they see every page, move and cancel parcels and follow their payouts, but a change to
listings, stock, photos or shop settings is refused with a word of why (nothing of it would be sold).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from flask import abort, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from producers.models import Community, Membership
from shop.db import db
from shop.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


CURRENT_COMMUNITY = "community_id"


ACTING_FOR = "acting_for"  #: in a workspace form: the community the page was made for


#: What the members of a switched-off community may still post: their parcels, and switching community.
WHILE_SWITCHED_OFF = ("orders_workspace.", "producers_workspace.switch_community")


def communities_of(user_id: int) -> Sequence[Community]:
    """The communities a person acts for, switched-on ones first, by name."""
    return db.session.scalars(
        select(Community)
        .join(Membership)
        .where(Membership.user_id == user_id)
        .order_by(Community.is_active.desc(), Community.name)
    ).all()


def current_community() -> Community:
    """The community the signed-in member acts for now (only inside `member_required` views)."""
    community: Community = g.community
    return community


def member_required(view: F) -> F:
    """Signed in (else to the login page) and a member of at least one community (else 403)."""

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
        acting_for = request.form.get(ACTING_FOR) if request.method == "POST" else None
        if acting_for is not None and acting_for != str(g.community.id):
            # A page opened before switching community in another tab: never save it into the other one.
            flash(_("You switched to %(name)s in another window, so nothing was saved. Check and try again.",
                    name=g.community.name), "error")  # fmt: skip
            rule = request.url_rule
            back = request.path if rule is not None and "GET" in (rule.methods or ()) else None
            return redirect(back or url_for("orders_workspace.dashboard"))
        if (
            request.method == "POST"
            and not g.community.is_active
            and not (request.endpoint or "").startswith(WHILE_SWITCHED_OFF)
        ):
            flash(_("The VVG has switched off %(name)s's shop, so nothing was changed. You can still finish "
                    "your orders.", name=g.community.name), "error")  # fmt: skip
            return redirect(url_for("orders_workspace.dashboard"))
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]
