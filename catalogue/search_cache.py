"""A search's ranked page, kept a short while for the next visitor who searches the same.

A broad query ("atvirukai", "cards") matches thousands of products, and each must be scored, checked for
sale and sorted before the first 24 are known (bench/README.md): the one storefront page whose cost grows
with the catalogue. Many visitors type the same few broad words, so the page's product ids, the count and
the page number are kept up to `SEARCH_CACHE_SECONDS` (a minute) in the shop's cache (`shop.caching`),
together with the query's typo correction, under the catalogue's token: a product, variant, photo,
category or community changed through the shop renews it at its commit, so a new listing or a changed
text joins the searches at once. What the token does not see (the stock a checkout takes, in one bulk
update; a sale or a fair's window opening as time passes) may leave the order and the count up to a minute
old. A visitor served from the cache gets the products themselves read afresh, and only those still on
sale: a listing hidden since (a community's holidays starting) is never shown from it.

The key is the query as typed (case and spacing folded) with every filter, the sort, the page and its
size, hashed: each distinct search is one small entry, and a flood of distinct queries only pushes the
oldest out (CACHE_THRESHOLD). A cache that fails (Redis away) costs the visitor nothing but the speed.
`SEARCH_CACHE_SECONDS=0` keeps nothing."""

from __future__ import annotations

import hashlib
from dataclasses import astuple, replace
from typing import Any

from flask import current_app

from catalogue import browsing
from catalogue.browsing import CatalogueFilter
from catalogue.models import Product
from shop import caching
from shop.pagination import Page

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


def _key(kind: str, *parts: object) -> str | None:
    """The entry's key under the catalogue's token, or None: nothing is kept (switched off, or no token)."""
    token = caching.version("catalogue") if current_app.config["SEARCH_CACHE_SECONDS"] > 0 else None
    if token is None:
        return None
    return f"search-{kind}:{token}:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _get(key: str | None) -> Any:
    return None if key is None else caching.kept(key)


def _set(key: str | None, value: object) -> None:
    if key is not None:
        caching.keep(key, value, timeout=current_app.config["SEARCH_CACHE_SECONDS"])
