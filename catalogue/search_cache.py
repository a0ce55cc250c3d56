"""A search's ranked page, kept a short while for the next visitor who searches the same.

A broad query ("atvirukai", "cards") matches thousands of products, and each must be scored, checked for
sale and sorted before the first 24 are known (bench/README.md): the one storefront page whose cost grows
with the catalogue. Many visitors type the same few broad words, so the page's product ids, the count and
the page number are kept `SEARCH_CACHE_SECONDS` (a minute) in the shared cache (`shop.extensions.cache`),
together with the query's typo correction. A visitor served from it gets the products themselves read
afresh, and only those still on sale: a listing archived or hidden a moment ago is never shown from the
cache (the page shows one fewer), and a new name, price or stock shows at once; only the order and the
count may be up to a minute old, and a new listing joins searches within the minute.

The key is the query as typed (case and spacing folded) with every filter, the sort, the page and its
size, hashed: each distinct search is one small entry, and a flood of distinct queries only pushes the
oldest out (CACHE_THRESHOLD). A cache that fails (Redis away) costs the visitor nothing but the speed.
`SEARCH_CACHE_SECONDS=0` keeps nothing.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import astuple, replace
from typing import Any

from flask import current_app

from catalogue import browsing
from catalogue.browsing import CatalogueFilter
from catalogue.models import Product
from shop.extensions import cache
from shop.pagination import Page

log = logging.getLogger(__name__)

#: A correction's entry when there is none to show (the cache cannot tell None from a miss).
_NO_CORRECTION = ""


def search_page(
    filters: CatalogueFilter, *, page: int, per_page: int, exact: bool = False
) -> tuple[Page[Product], str | None]:
    """The catalogue's page for a search (`filters.query` not empty), and the corrected query it shows
    instead of a mistyped one ("Rodoma: …"; None when nothing was corrected, or `exact` asks for what was
    typed): `browsing.correct_query` and `browsing.list_products`, kept a short while."""
    correction = None if exact else _corrected(filters.query)
    searched = replace(filters, query=correction) if correction else filters
    key = _key("page", *astuple(replace(searched, query=_folded(searched.query))), page, per_page)
    kept = _get(key)
    if kept is not None:
        ids, number, total = kept
        items = browsing.list_visible_products(ids)
        return Page(items=items, number=number, size=per_page, total=total), correction
    found = browsing.list_products(searched, page=page, per_page=per_page)
    _set(key, (tuple(product.id for product in found.items), found.number, found.total))
    return found, correction


def _corrected(query: str) -> str | None:
    key = _key("correction", _folded(query))
    kept = _get(key)
    if kept is not None:
        return kept or None
    correction = browsing.correct_query(query)
    _set(key, correction or _NO_CORRECTION)
    return correction


def _folded(query: str) -> str:
    return " ".join(query.casefold().split())


def _key(kind: str, *parts: object) -> str:
    return f"search-{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _get(key: str) -> Any:
    if current_app.config["SEARCH_CACHE_SECONDS"] <= 0:  # switched off
        return None
    try:
        return cache.get(key)
    except Exception:  # the cache's storage away: search afresh
        log.warning("The search cache could not be read", exc_info=True)
        return None


def _set(key: str, value: object) -> None:
    if current_app.config["SEARCH_CACHE_SECONDS"] <= 0:
        return
    try:
        cache.set(key, value, timeout=current_app.config["SEARCH_CACHE_SECONDS"])
    except Exception:
        log.warning("The search cache could not be written", exc_info=True)
