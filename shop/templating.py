"""What templates can use: money and time formatting by locale, translated fields, language links."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from babel.numbers import format_decimal, format_percent
from babel.units import format_unit
from flask import Flask, current_app, g, request, url_for
from werkzeug.urls import iri_to_uri

from shop import outbox
from shop.i18n import (
    current_language,
    format_date,
    format_datetime,
    format_day,
    format_days,
    localized,
    vilnius_today,
)
from shop.media import RENDITIONS, MediaStorage
from shop.money import format_cents
from shop.operator import get_operator
from shop.static import static_url


def money(cents: int | None) -> str:
    """`{{ 1250|money }}` → "12,50 €" (lt) or "€12.50" (en)."""
    return "" if cents is None else format_cents(cents, current_language())


def percent(basis_points: int | None) -> str:
    """`{{ 1250|percent }}` → "12,5 %" (lt) or "12.5%" (en): a rate kept in basis points."""
    if basis_points is None:
        return ""
    return format_percent(
        Decimal(basis_points) / 10_000, locale=current_language(), decimal_quantization=False
    )


def file_size(size: int | None) -> str:
    """`{{ 48213|file_size }}` → "47,1 kB" (lt) or "47.1 kB" (en); "" for a size not known."""
    if size is None:
        return ""
    language = current_language()
    for unit, scale in (("digital-megabyte", 1024**2), ("digital-kilobyte", 1024)):
        if size >= scale:
            return format_unit(size / scale, unit, length="short", format="#,##0.#", locale=language)
    return f"{format_decimal(size, locale=language)} B"  # CLDR's English short form is "812 byte"


def local_time(moment: datetime | None, format: str = "medium") -> str:
    """A stored UTC time shown in Lithuanian time, in the visitor's language."""
    return "" if moment is None else format_datetime(moment, format)


#: A query argument a page may carry on in its links: a plain lower-case name (never `url_for`'s own
#: `_external`, `_scheme`, `_method`, `_anchor`, `_host` …, which start with `_`).
_QUERY_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


def query_args(*dropped: str) -> dict[str, str]:
    """This page's query arguments, safe to hand to `url_for` for a link to the same page (pagination,
    filters, the language switch): only plain names (`_QUERY_NAME`), the first value of each, never one
    naming a part of the path (`?slug=…` would point the link elsewhere, `?product_id=x` break it), and
    none of `dropped`."""
    if not request:
        return {}
    rule = request.url_rule
    path_names = set(rule.arguments) if rule is not None else set()
    return {
        name: value
        for name, value in request.args.items()
        if _QUERY_NAME.fullmatch(name) and name not in path_names and name not in dropped
    }


def _this_page(**values: Any) -> dict[str, Any]:
    """The arguments rebuilding this page's URL: its path's own, then its safe query arguments."""
    return {**(request.view_args or {}), **query_args("lang"), **values}


def url_in_language(language: str, *, external: bool = False) -> str:
    """This page's URL in another language (used by the switcher and, absolute on SITE_URL, by the
    hreflang links)."""
    endpoint = request.endpoint or "catalogue_storefront.home"
    arguments: dict[str, Any] = {"lang": language}
    if request.endpoint is not None:
        arguments = _this_page(lang=language)
    return site_url(endpoint, **arguments) if external else url_for(endpoint, **arguments)


def canonical_url() -> str:
    """This page's absolute URL on SITE_URL (never the request's Host) without tracking noise; the
    language is kept when it is not the default."""
    if request.endpoint is None:  # an error page: its path as asked, on our own site
        site: str = current_app.config["SITE_URL"]
        return site.rstrip("/") + iri_to_uri(request.path)
    arguments = _this_page()
    if current_language() != current_app.config["LANGUAGES"][0]:
        arguments["lang"] = current_language()
    return site_url(request.endpoint, **arguments)


def site_url(endpoint: str, **values: Any) -> str:
    """An absolute URL on the public site (SITE_URL), also outside a request: for links in mails, and for
    every absolute URL on a page (canonical, `og:`, sitemap), which must never echo a request's Host."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(
        site.netloc, script_name=site.path or "/", url_scheme=site.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def media_url(key: str, width: int, extension: str, *, external: bool = False) -> str:
    """The public URL of one rendition of a photo: straight at the media storage when it serves them
    (MEDIA_S3_PUBLIC_URL), else the shop's /media/ (absolute on SITE_URL when `external`).

    The media route's address is built once per request and the names added to it: a product card shows
    seven renditions, and `url_for` for each was a sixth of the catalogue page's time."""
    name = f"{key}-{width}.{extension}"
    direct = MediaStorage.from_app().public_url(RENDITIONS, name)
    if direct is not None:
        return direct
    if external:
        return site_url("catalogue_storefront.media", name=name)
    prefix: str | None = g.get("media_prefix")
    if prefix is None:
        prefix = g.media_prefix = url_for("catalogue_storefront.media", name="_")[:-1]
    return prefix + name


def media_srcset(key: str, extension: str, widths: Sequence[int]) -> str:
    """A photo's `srcset` of its renditions in `widths` ("… 320w, … 640w, …"), in one call: a product card
    writes two, and a Jinja loop over `media_url` for each was most of a card's photo. Every rendition's
    URL ends with its name (`media_url`), so one is built and the others differ only in the width."""
    tail = f"{widths[0]}.{extension}"
    stem = media_url(key, widths[0], extension).removesuffix(tail)
    return ", ".join(f"{stem}{width}.{extension} {width}w" for width in widths)


def init_app(
    app: Flask, *, helpers: Mapping[str, Any] | None = None, filters: Mapping[str, Any] | None = None
) -> None:
    """Every app-wide template helper: the ground floor's own, and the domain packages' that the
    application factory passes in (`helpers` as globals, `filters` as filters)."""
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["file_size"] = file_size
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["format_date"] = format_date
    app.jinja_env.filters["day_month"] = format_day
    app.jinja_env.globals.update(
        tr=localized,
        days=format_days,
        vilnius_today=vilnius_today,
        current_language=current_language,
        url_in_language=url_in_language,
        query_args=query_args,
        canonical_url=canonical_url,
        media_url=media_url,
        media_srcset=media_srcset,
        static_url=static_url,
        site_url=site_url,
        operator=get_operator,
        outbox_labels=outbox.STATUS_LABELS,
        **(helpers or {}),
    )
    app.jinja_env.filters.update(filters or {})
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
