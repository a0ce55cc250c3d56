"""The shop as customers see it: home, the catalogue with filters, product and community pages, media
files, robots.txt and sitemap.xml (the legal pages are `legal.views.storefront`'s)."""

from __future__ import annotations

import logging
import math
import time
from typing import Any, cast

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import parse_many
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wsgi import wrap_file

from catalogue import browsing, search_cache, search_log
from catalogue.fairs import showing
from catalogue.fairs.models import FairPhase
from catalogue.forms import CatalogueFilterForm
from catalogue.images import RENDITION_NAME
from catalogue.views.fairs.storefront import time_left
from producers import communities, delivery
from shop import caching
from shop.db import utcnow
from shop.extensions import limiter_of
from shop.i18n import VILNIUS, localized, vilnius_today
from shop.media import RENDITIONS, MediaNotFound, MediaStorage, MediaUnavailable, content_type
from shop.pagination import page_number
from shop.templating import site_url

storefront = Blueprint("catalogue_storefront", __name__)

FILTER_COMMUNITIES = 12  #: communities in the catalogue filter's list (those showing the most products)
SUGGESTIONS = 8  #: products in the type-ahead list
SUGGESTIONS_MAX_AGE = 300  #: seconds a browser or proxy may keep a type-ahead answer (public data)

log = logging.getLogger(__name__)


@storefront.get("/katalogas")
def product_list() -> ResponseReturnValue:
    categories = browsing.list_categories()
    chosen = request.args.get("community") or None
    choices = (
        browsing.list_filter_communities(FILTER_COMMUNITIES, chosen=chosen)
        if chosen  # rarer, and its key would be whatever the address says: never kept
        else caching.fragment(  # the same for every visitor, until a product or community changes
            "catalogue",
            "filter-communities",
            lambda: browsing.list_filter_communities(FILTER_COMMUNITIES),
        )
    )
    form = CatalogueFilterForm(request.args, categories=categories, communities=choices)
    filters = form.filters()
    number, per_page = page_number(request.args.get("page")), current_app.config["CATALOGUE_PAGE_SIZE"]
    correction = None
    if filters.query:  # a mistyped word is searched as the nearest real one, with a link (`?exact=1`) to it
        exact = bool(request.args.get("exact"))
        page, correction = search_cache.search_page(filters, page=number, per_page=per_page, exact=exact)
    else:
        page = browsing.list_products(filters, page=number, per_page=per_page)
    category = next((c for c in categories if c.slug == filters.category_slug), None)
    # Never a dead end: nothing found offers the indexed words closest to what was typed.
    close_words = browsing.list_close_words(filters.query) if filters.query and not page.total else []
    body = render_template(
        "catalogue/storefront/list.html",
        form=form,
        page=page,
        category=category,
        categories=categories,
        correction=correction,
        close_words=close_words,
    )
    # counted once the page is drawn: the count's commit would otherwise expire the products it shows
    if _is_plain_search(filters) and page.number == 1 and not request.args.get("page"):
        _count_search(filters.query, found=page.total)
    return body


def _is_plain_search(filters: browsing.CatalogueFilter) -> bool:
    """A search box's query with nothing else narrowing it: what "found nothing" can be trusted for."""
    return bool(filters.query) and filters == browsing.CatalogueFilter(query=filters.query, sort=filters.sort)


def _count_search(query: str, *, found: int) -> None:
    """Count the search for the VVG's report, once per visitor and query a day and within the visitor's
    share (`SEARCH_LOG_PER_VISITOR`); a busy database or limiter storage loses the count, never the page."""
    day = vilnius_today()
    limiter = limiter_of(current_app._get_current_object())  # type: ignore[attr-defined]
    if limiter.enabled:  # with the limits off (RATELIMIT_ENABLED, as in most tests) each search counts
        try:
            first = search_log.is_visitors_first(
                query,
                visitor=get_remote_address(),
                day=day,
                per_visitor=parse_many(current_app.config["SEARCH_LOG_PER_VISITOR"]),
                limiter=limiter.limiter,
            )
        except Exception:  # the limiter's storage (Redis) unreachable: no mark, so no count
            log.warning("A search was not counted: the rate limiter's storage failed", exc_info=True)
            return
        if not first:
            return
    try:
        search_log.record_search(
            query,
            found=found,
            day=day,
            daily_queries=current_app.config["SEARCH_LOG_DAILY_QUERIES"],
        )
    except SQLAlchemyError:
        log.warning("A search was not counted", exc_info=True)


@storefront.get("/paieska/pasiulymai")
def search_suggestions() -> ResponseReturnValue:
    """Up to `SUGGESTIONS` products for the type-ahead list under the search box, as JSON.

    The answer depends on the address alone (`q`, and `language` for the names: not the visitor's session,
    which would make it private), so it is public and may be cached.
    """
    query = request.args.get("q", "")[:100]
    languages = current_app.config["LANGUAGES"]
    language = request.args.get("language", "")
    language = language if language in languages else languages[0]
    products = browsing.list_suggestions(query, limit=SUGGESTIONS) if search_log.logged_query(query) else []
    response = jsonify(
        {
            "query": query,
            "suggestions": [
                {
                    "name": localized(product, "name", language),
                    "url": url_for("catalogue_storefront.product_page", slug=product.slug),
                }
                for product in products
            ],
        }
    )
    response.cache_control.public = True
    response.cache_control.max_age = SUGGESTIONS_MAX_AGE
    return response


@storefront.errorhandler(RateLimitExceeded)
def _too_many_suggestions(_error: RateLimitExceeded) -> ResponseReturnValue:
    """Over `SEARCH_SUGGESTIONS_PER_IP`: an empty list (the box shows nothing), never kept by a cache, with
    when to ask again. The search form itself is not limited."""
    limit = limiter_of(current_app._get_current_object()).current_limit  # type: ignore[attr-defined]
    wait = math.ceil(limit.reset_at - time.time()) if limit else 60
    response = jsonify({"query": request.args.get("q", "")[:100], "suggestions": [], "error": "too_many"})
    response.status_code = 429
    response.cache_control.no_store = True
    response.headers["Retry-After"] = str(max(wait, 1))
    return response


@storefront.record_once
def _limit_suggestions(state: BlueprintSetupState) -> None:
    """Wrap the type-ahead answer in this app's own limit per IP address (a no-op with RATELIMIT_ENABLED
    off). Only answers the shop gives count: one a cache in front serves never reaches it."""
    app = cast(Flask, state.app)
    per_ip = limiter_of(app).limit(
        lambda: str(app.config["SEARCH_SUGGESTIONS_PER_IP"]), key_func=get_remote_address
    )
    views: dict[str, Any] = app.view_functions  # replaced by its limited wrapper, in this app only
    views["catalogue_storefront.search_suggestions"] = per_ip(
        views["catalogue_storefront.search_suggestions"]
    )


@storefront.get("/produktai/<slug>")
def product_page(slug: str) -> ResponseReturnValue:
    product = browsing.get_product(slug)
    if product is None:
        abort(404)
    community, now = product.community, utcnow()
    today = now.astimezone(VILNIUS).date()
    made_to_order = any(variant.is_made_to_order for variant in product.variants)
    # asked once, for the page's note and the made-to-order variants' promises; None: no week has room
    start = delivery.made_to_order_start(community, 1, now) if made_to_order else None
    on_vacation = community.is_on_vacation(today)
    promises = []
    if product.is_available and not on_vacation:
        promises = delivery.list_variant_promises(
            community, product.variants, production_starts=start, now=now
        )
    return render_template(
        "catalogue/storefront/product.html",
        product=product,
        community=community,
        on_vacation=on_vacation,
        promise_groups=promises,
        made_from=start if start is not None and start > today else None,  # this week is full
        made_to_order_full=made_to_order and start is None,
    )


@storefront.get("/bendruomenes")
def community_list() -> ResponseReturnValue:
    return render_template(
        "catalogue/storefront/communities.html", communities=communities.list_active_communities()
    )


@storefront.get("/bendruomenes/<slug>")
def community_page(slug: str) -> ResponseReturnValue:
    community = communities.get_active_community(slug)
    if community is None:
        abort(404)
    page = browsing.list_products(
        browsing.CatalogueFilter(community_slug=community.slug),
        page=page_number(request.args.get("page")),
        per_page=current_app.config["CATALOGUE_PAGE_SIZE"],
    )
    return render_template("catalogue/storefront/community.html", community=community, page=page)


@storefront.get("/")
def home() -> ResponseReturnValue:
    now = utcnow()
    fair = showing.current_fair(now)  # the running fair's place, or a teaser of the coming one
    running = fair is not None and fair.phase(now) is FairPhase.RUNNING
    return render_template(
        "catalogue/storefront/home.html",
        fair=fair if running else None,
        fair_left=time_left(fair.closes_at, now) if fair and running else "",
        coming_fair=None if running else fair,
        categories=browsing.list_categories(),
        category_counts=browsing.count_products_by_category(),
        featured=browsing.list_featured_products(),
        communities=communities.list_active_communities(),
    )


@storefront.get("/media/<name>")
def media(name: str) -> ResponseReturnValue:
    """A photo rendition, from the media storage: its name is a content hash, so it may be cached for ever
    (the name is its ETag, so a browser that has it gets a 304 without the storage being asked)."""
    if not RENDITION_NAME.match(name):
        abort(404)
    if request.if_none_match.contains(name):
        response = current_app.response_class(status=304)
    else:
        try:
            stored = MediaStorage.from_app().open(RENDITIONS, name)
        except MediaNotFound:
            abort(404)
        except MediaUnavailable:
            abort(503)
        response = current_app.response_class(
            wrap_file(request.environ, stored.stream), mimetype=content_type(name), direct_passthrough=True
        )
        response.content_length = stored.size
        response.last_modified = stored.modified_at
    response.set_etag(name)
    response.headers["Cache-Control"] = caching.IMMUTABLE  # named by its content
    return response.make_conditional(request)


@storefront.get("/robots.txt")
def robots() -> ResponseReturnValue:
    lines = [
        "User-agent: *",
        "Disallow: /workspace/",
        "Disallow: /backoffice/",
        f"Sitemap: {site_url('catalogue_storefront.sitemap')}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@storefront.get("/sitemap.xml")
def sitemap() -> ResponseReturnValue:
    body = render_template(
        "catalogue/storefront/sitemap.xml",
        products=browsing.list_sitemap_entries(),
        communities=communities.list_active_communities(),
        categories=browsing.list_categories(),
        fairs=showing.list_fair_slugs(),
    )
    return Response(body, mimetype="application/xml")
