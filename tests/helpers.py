"""Helpers the test modules share: reading what the requests and services committed, in their own sessions,
and running a second app of the shop (made with other settings) beside the session's one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from catalogue.models import Variant
from orders.models import Fulfilment, Order
from producers.models import Community
from shop.db import db
from shop.models import OutboxMessage


def fresh(model: type, id_: Any) -> Any:
    """The row as the database has it now (the requests committed in other sessions)."""
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(model, id_)


def count(model: type, *where: Any) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def stock(variant: Variant | int) -> int:
    """The variant's stock now (a variant, or its id)."""
    variant_id = variant if isinstance(variant, int) else variant.id
    db.session.rollback()
    return db.session.scalars(select(Variant.stock).where(Variant.id == variant_id)).one()


def mails_to(address: str) -> list[OutboxMessage]:
    """The mails queued for `address`, oldest first."""
    db.session.rollback()  # see what the requests committed
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == address).order_by(OutboxMessage.id)
        )
    )


def parcel_of(order: Order, community: Community) -> Fulfilment:
    """The order's parcel from `community`."""
    return next(f for f in order.fulfilments if f.community_id == community.id)


def wipe() -> None:
    """Empty every table, as the `empty_tables` fixture does between tests (hypothesis: between examples)."""
    db.session.rollback()
    db.session.expunge_all()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@contextmanager
def running(shop: Flask) -> Iterator[Flask]:
    """The shop's app context for the test's body; its own engine is closed afterwards."""
    with shop.app_context():
        yield shop
        db.session.remove()
    with shop.app_context():
        db.engine.dispose()
