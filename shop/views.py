"""The storefront's shell: home, community pages, media files, robots.txt and sitemap.xml."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue

from catalogue import services as catalogue
from catalogue.forms import page_number
from catalogue.images import RENDITION_NAME
from producers import services as producers
from shop.media import MediaStorage

storefront = Blueprint("storefront", __name__)

ONE_YEAR = 365 * 24 * 3600


@storefront.get("/")
def home() -> ResponseReturnValue:
    return render_template(
        "shop/home.html",
        categories=catalogue.list_categories(),
        category_counts=catalogue.count_products_by_category(),
        featured=catalogue.list_featured_products(),
        communities=producers.list_active_communities(),
    )


@storefront.get("/bendruomenes")
def community_list() -> ResponseReturnValue:
    return render_template("shop/communities.html", communities=producers.list_active_communities())


@storefront.get("/bendruomenes/<slug>")
def community_page(slug: str) -> ResponseReturnValue:
    community = producers.get_active_community(slug)
    if community is None:
        abort(404)
    page = catalogue.list_products(
        catalogue.CatalogueFilter(community_slug=community.slug),
        page=page_number(request.args.get("page")),
        per_page=current_app.config["CATALOGUE_PAGE_SIZE"],
    )
    return render_template("shop/community.html", community=community, page=page)


@storefront.get("/salygos")
def terms() -> ResponseReturnValue:
    return render_template("shop/terms.html")


@storefront.get("/privatumas")
def privacy() -> ResponseReturnValue:
    return render_template("shop/privacy.html")


@storefront.get("/media/<name>")
def media(name: str) -> ResponseReturnValue:
    """A photo rendition: its name is a content hash, so it may be cached for ever."""
    if not RENDITION_NAME.match(name):
        abort(404)
    mimetype = "image/webp" if name.endswith(".webp") else "image/jpeg"
    response = send_from_directory(
        MediaStorage.from_app().rendition_folder(), name, mimetype=mimetype, max_age=ONE_YEAR
    )
    response.cache_control.immutable = True
    response.cache_control.public = True
    return response


@storefront.get("/robots.txt")
def robots() -> ResponseReturnValue:
    lines = [
        "User-agent: *",
        "Disallow: /workspace/",
        "Disallow: /backoffice/",
        f"Sitemap: {url_for('storefront.sitemap', _external=True)}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@storefront.get("/sitemap.xml")
def sitemap() -> ResponseReturnValue:
    body = render_template(
        "shop/sitemap.xml",
        products=catalogue.list_sitemap_entries(),
        communities=producers.list_active_communities(),
        categories=catalogue.list_categories(),
    )
    return Response(body, mimetype="application/xml")
