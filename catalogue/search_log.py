"""What people look for: each storefront search counted per folded query per day, with how many products it
found, and the VVG's weekly report of the top queries and of those that found nothing.

Nothing of the visitor is kept in the database (no address, session or account): a row is a query, a day
and two numbers. Who has already counted what today lives in the rate limiter's storage, which forgets it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from limits import RateLimitItem, RateLimitItemPerDay
from limits.strategies import RateLimiter
from sqlalchemy import Insert, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from catalogue.models import SearchCount
from catalogue.search import query_words
from shop.db import db, transaction

QUERY_LENGTH = 100  #: characters of a folded query kept; the rest is cut
_LONG_NUMBER = re.compile(r"\d{6,}")
_ONCE_A_DAY = RateLimitItemPerDay(1)  #: a visitor's query counts once; the key names the day as well


@dataclass(frozen=True)
class QueryCount:
    """One query of a week: how often it was searched, and the most products one of its searches found."""

    query: str
    searches: int
    found: int


def logged_query(query: str) -> str:
    """The form a query is counted under: its folded words, one space apart, cut to `QUERY_LENGTH`."""
    return " ".join(query_words(query, limit=20))[:QUERY_LENGTH].strip()


def looks_personal(query: str) -> bool:
    """Whether a query may hold someone's e-mail address or phone number (an "@", or six digits or more
    once spaces and dashes go): such a query is never stored, even folded."""
    return "@" in query or _LONG_NUMBER.search(re.sub(r"[\s().+-]", "", query)) is not None


def is_visitors_first(
    query: str, *, visitor: str, day: date, per_visitor: Sequence[RateLimitItem], limiter: RateLimiter
) -> bool:
    """Whether `visitor` (an IP address) may count this search of `query` on `day`: the first of that query
    by them that day, and within their share of different queries (`per_visitor`, e.g. 30 a day).

    So one visitor repeating a query counts once, and one script fills at most its share of the day's
    `daily_queries`. The marks go to the rate limiter's storage (memory, or Redis shared by the servers),
    which forgets them within a day; the query's mark is a hash of the address and the query, so the
    storage never holds who searched what in plain words. A visitor over their share leaves no mark.
    """
    folded = logged_query(query)
    if not folded or looks_personal(query):
        return False
    share = ("search-log-visitor", visitor)
    if not all(limiter.test(item, *share) for item in per_visitor):
        return False
    searched = hashlib.blake2b(f"{visitor}\n{folded}".encode(), digest_size=16).hexdigest()
    if not limiter.hit(_ONCE_A_DAY, "search-log-query", day.isoformat(), searched):
        return False
    for item in per_visitor:
        limiter.hit(item, *share)
    return True


def record_search(query: str, *, found: int, day: date, daily_queries: int) -> bool:
    """Count one search of `query` on `day` that found `found` products; False when it was not counted.

    Empty queries are not counted, and a query new on `day` only while the day holds fewer than
    `daily_queries` different ones: a bot typing random words fills at most that many rows a day. One
    upsert, so two searches of the same query at once both count, on SQLite and PostgreSQL alike.
    """
    folded = logged_query(query)
    if not folded or looks_personal(query):
        return False
    with transaction():
        known = db.session.scalar(select(func.count()).select_from(SearchCount).where(SearchCount.day == day))
        if (known or 0) >= daily_queries:
            counted = db.session.execute(
                update(SearchCount)
                .where(SearchCount.query == folded, SearchCount.day == day)
                .values(searches=SearchCount.searches + 1, found=found)
            )
            return bool(getattr(counted, "rowcount", 0))
        db.session.execute(_upsert(folded, day, found))
    return True


def _upsert(folded: str, day: date, found: int) -> Insert:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SearchCount).values(query=folded, day=day, searches=1, found=found)
    return statement.on_conflict_do_update(
        index_elements=[SearchCount.query, SearchCount.day],
        set_={"searches": SearchCount.searches + 1, "found": statement.excluded.found},
    )


def week_of(day: date) -> date:
    """The Monday that starts `day`'s week."""
    return day - timedelta(days=day.weekday())


def list_weeks_searched() -> list[date]:
    """The Mondays of the weeks that have counted searches, latest first."""
    days = db.session.scalars(select(SearchCount.day).distinct()).all()
    return sorted({week_of(day) for day in days}, reverse=True)


def list_top_queries(week: date, *, limit: int = 50) -> Sequence[QueryCount]:
    """The week's most searched queries (from Monday `week`), most searched first."""
    return _week_counts(week, limit=limit, found_nothing=False)


def list_queries_found_nothing(week: date, *, limit: int = 50) -> Sequence[QueryCount]:
    """The week's queries that found no product all week, most searched first: what to ask communities for."""
    return _week_counts(week, limit=limit, found_nothing=True)


def _week_counts(week: date, *, limit: int, found_nothing: bool) -> list[QueryCount]:
    searches = func.sum(SearchCount.searches)
    found = func.max(SearchCount.found)
    statement = (
        select(SearchCount.query, searches, found)
        .where(SearchCount.day >= week, SearchCount.day < week + timedelta(days=7))
        .group_by(SearchCount.query)
        .order_by(searches.desc(), SearchCount.query)
        .limit(limit)
    )
    if found_nothing:
        statement = statement.having(found == 0)
    return [QueryCount(query, int(count), int(most)) for query, count, most in db.session.execute(statement)]


def prune_search_log(*, before: date) -> int:
    """Remove the counts of days before `before`; how many rows went."""
    with transaction():
        result = db.session.execute(delete(SearchCount).where(SearchCount.day < before))
    return int(getattr(result, "rowcount", 0) or 0)
