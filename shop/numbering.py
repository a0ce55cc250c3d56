"""Gap-free number series: SLAP-2026-000001, 000002… — no number skipped, none given twice.

`take_number` runs inside the caller's transaction, the one that records what gets the number: the series'
row is made if missing (`INSERT … ON CONFLICT DO NOTHING`), then locked (`SELECT … FOR UPDATE`) until the
caller commits, so transactions taking numbers of one series queue up one behind the other; one that rolls
back gives its number back with everything else. On SQLite the transaction already holds the database's
write lock (`BEGIN IMMEDIATE`, see `shop.db.transaction`), so there is nothing to race.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shop.db import db, utcnow
from shop.models import NumberSeries


def series_name(prefix: str, year: int) -> str:
    """The series of a prefix in a year: numbering starts again at 1 each year (`SLAP-2026`)."""
    return f"{prefix}-{year}"


def take_number(prefix: str, year: int) -> int:
    """Inside a transaction: the next number of `prefix`'s series for `year` (1 for the first)."""
    series = series_name(prefix, year)
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(NumberSeries)
        .values(series=series, prefix=prefix, last_number=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["series"])
    )
    row = db.session.scalars(
        select(NumberSeries)
        .where(NumberSeries.series == series)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    row.last_number += 1
    row.updated_at = utcnow()
    db.session.flush()
    return row.last_number


def prefix_in_use(prefix: str) -> bool:
    """Whether a number was ever taken with this prefix: it then belongs to its series for good."""
    return (
        db.session.scalar(
            select(NumberSeries.series)
            .where(NumberSeries.prefix == prefix, NumberSeries.last_number > 0)
            .limit(1)
        )
        is not None
    )
