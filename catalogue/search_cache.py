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
from collections.abc import Callable
from dataclasses import astuple, replace
from typing import TypeVar

from flask import current_app

from catalogue import browsing
from catalogue.browsing import CatalogueFilter, ProductCard
from shop import caching
from shop.pagination import Page

T = TypeVar("T")

#: A correction's entry when there is none to show (a kept None would read as nothing kept).
_NO_CORRECTION = ""


def search_page(
    filters: CatalogueFilter, *, page: int, per_page: int, exact: bool = False
) -> tuple[Page[ProductCard], str | None]:
    """The catalogue's page for a search (`filters.query` not empty), and the corrected query it shows
    instead of a mistyped one ("Rodoma: …"; None when nothing was corrected, or `exact` asks for what was
    typed): `browsing.correct_query` and `browsing.list_products`, kept a short while."""
    correction = None
    if not exact:
        correction = _kept(("correction", _folded(filters.query)), lambda: _correct(filters.query)) or None
    searched = replace(filters, query=correction) if correction else filters
    key = ("page", *astuple(replace(searched, query=_folded(searched.query))), page, per_page)
    searched_now: list[Page[ProductCard]] = []

    def search() -> tuple[tuple[int, ...], int, int]:
        found = browsing.list_products(searched, page=page, per_page=per_page)
        searched_now.append(found)
        return tuple(product.id for product in found.items), found.number, found.total

    ids, number, total = _kept(key, search)
    if searched_now:  # searched just now: its products are at hand
        return searched_now[0], correction
    items = browsing.list_visible_products(ids)
    return Page(items=items, number=number, size=per_page, total=total), correction


def _correct(query: str) -> str:
    return browsing.correct_query(query) or _NO_CORRECTION


def _folded(query: str) -> str:
    return " ".join(query.casefold().split())


def _kept(parts: tuple[object, ...], make: Callable[[], T]) -> T:
    """`make()`'s value, kept under the catalogue's token up to SEARCH_CACHE_SECONDS (`shop.caching`)."""
    seconds = current_app.config["SEARCH_CACHE_SECONDS"]
    if seconds <= 0:  # switched off
        return make()
    key = "search:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return caching.fragment("catalogue", key, make, timeout=seconds)
