"""Finding orders for VVG staff: by number, customer, community, status, payment method and dates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from orders.models import Fulfilment, FulfilmentEvent, Order, OrderStatus, PaymentMethod
from shop.db import db
from shop.i18n import vilnius_midnight
from shop.models import OutboxMessage
from shop.pagination import Page

PAGE_SIZE = 50


@dataclass(frozen=True)
class OrderFilter:
    text: str = ""  #: part of the number, the customer's name, e-mail or phone
    community_id: int | None = None
    status: OrderStatus | None = None
    payment_method: PaymentMethod | None = None
    placed_from: date | None = None  #: Vilnius days, inclusive
    placed_to: date | None = None


def search_orders(wanted: OrderFilter, *, page: int = 1) -> Page[Order]:
    """The orders that match, newest first, a page at a time (with their parcels and communities)."""
    statement = _filtered(wanted)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    number = min(max(page, 1), max(1, -(-total // PAGE_SIZE)))
    orders = db.session.scalars(
        statement.options(selectinload(Order.fulfilments).joinedload(Fulfilment.community))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(PAGE_SIZE)
        .offset((number - 1) * PAGE_SIZE)
    ).all()
    return Page(items=orders, number=number, size=PAGE_SIZE, total=total)


def get_order_for_staff(order_id: int) -> Order | None:
    """An order with everything its back-office page shows."""
    return db.session.scalars(
        select(Order)
        .where(Order.id == order_id)
        .options(
            selectinload(Order.fulfilments).selectinload(Fulfilment.lines),
            selectinload(Order.fulfilments).selectinload(Fulfilment.events).joinedload(FulfilmentEvent.actor),
            selectinload(Order.fulfilments).joinedload(Fulfilment.community),
            selectinload(Order.payments),
            selectinload(Order.refunds),
            selectinload(Order.payment_alerts),
        )
    ).first()


def list_order_mails(order_id: int) -> Sequence[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.order_id == order_id).order_by(OutboxMessage.id)
    ).all()


def _filtered(wanted: OrderFilter) -> Select[Order]:
    statement = select(Order)
    text = wanted.text.strip()
    if text:  # what was typed, "%" and "_" too, anywhere in one of them, in any case
        statement = statement.where(
            or_(
                *(
                    column.icontains(text, autoescape=True)
                    for column in (Order.number, Order.customer_name, Order.email, Order.phone)
                )
            )
        )
    if wanted.community_id is not None:
        statement = statement.where(
            select(Fulfilment.id)
            .where(Fulfilment.order_id == Order.id, Fulfilment.community_id == wanted.community_id)
            .exists()
        )
    if wanted.status is not None:
        statement = statement.where(Order.status == wanted.status)
    if wanted.payment_method is not None:
        statement = statement.where(Order.payment_method == wanted.payment_method)
    if wanted.placed_from is not None:
        statement = statement.where(Order.created_at >= vilnius_midnight(wanted.placed_from))
    if wanted.placed_to is not None:
        statement = statement.where(Order.created_at < vilnius_midnight(wanted.placed_to + timedelta(days=1)))
    return statement
