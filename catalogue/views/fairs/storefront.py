"""A fair's own page: "coming soon" before it opens, its products with the catalogue's filters while it
runs, and its archive once it has closed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from catalogue import browsing
from catalogue.fairs import showing
from catalogue.fairs.models import Fair, FairPhase
from catalogue.forms import CatalogueFilterForm
from producers.models import Community
from shop.db import utcnow
from shop.pagination import page_number

storefront = Blueprint("fairs_storefront", __name__)


def time_left(until: datetime, now: datetime) -> str:
    """What is left until `until`, in days and hours (minutes in the last hour): "2 d. 5 h"."""
    seconds = max(int((until - now).total_seconds()), 0)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    if days:
        return str(_("%(days)d d. %(hours)d h left", days=days, hours=hours))
    if hours:
        return str(_("%(hours)d h %(minutes)d min left", hours=hours, minutes=rest // 60))
    return str(_("%(minutes)d min left", minutes=max(rest // 60, 1)))


@storefront.get("/muges/<slug>")
def fair_page(slug: str) -> ResponseReturnValue:
    fair = showing.get_fair_by_slug(slug[:80])
    if fair is None:
        abort(404)
    now = utcnow()
    phase = fair.phase(now)
    participants = showing.list_participants(fair)
    if phase is FairPhase.RUNNING:
        return _running_page(fair, participants, now)
    template = "coming" if phase is FairPhase.COMING else "ended"
    shown = showing.list_shown_products(fair) if phase is FairPhase.ENDED else []
    return render_template(
        f"catalogue/fairs/storefront/{template}.html", fair=fair, participants=participants, shown=shown
    )


def _running_page(fair: Fair, participants: Sequence[Community], now: datetime) -> ResponseReturnValue:
    categories = browsing.list_categories()
    form = CatalogueFilterForm(request.args, categories=categories, communities=participants)
    page = browsing.list_products(
        replace(form.filters(), fair_id=fair.id),
        page=page_number(request.args.get("page")),
        per_page=current_app.config["CATALOGUE_PAGE_SIZE"],
    )
    return render_template(
        "catalogue/fairs/storefront/running.html",
        fair=fair,
        participants=participants,
        form=form,
        page=page,
        left=time_left(fair.closes_at, now),
    )
