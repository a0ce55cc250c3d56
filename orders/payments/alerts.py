"""Payment alerts: money that does not add up (a wrong amount, a dispute, a refund Stripe refused), raised
for staff, mailed once, resolved by them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from orders.models import Order
from orders.payments.models import AlertKind, PaymentAlert
from shop import audit, outbox
from shop.db import db, transaction, utcnow
from shop.models import Operator, OutboxMessage, User

Mails = list[OutboxMessage | None]


def list_open_alerts() -> Sequence[PaymentAlert]:
    """Payments staff must look at, oldest first, with their orders."""
    return db.session.scalars(
        select(PaymentAlert)
        .where(PaymentAlert.resolved_at.is_(None))
        .options(joinedload(PaymentAlert.order))  # type: ignore[attr-defined]  # Order.payment_alerts' backref
        .order_by(PaymentAlert.id)
    ).all()


def resolve_alert(alert_id: int, *, by: User | None) -> None:
    """Staff have settled it; closing it twice changes nothing."""
    with transaction():
        closed = db.session.execute(
            update(PaymentAlert)
            .where(PaymentAlert.id == alert_id, PaymentAlert.resolved_at.is_(None))
            .values(resolved_at=utcnow(), resolved_by_id=by.id if by else None)
            .returning(PaymentAlert.kind)
        ).first()
        if closed is not None:
            audit.record(
                "payment_alert.settle", "payment_alert", alert_id, by=by, after={"kind": closed.kind}
            )


def raise_alert(order: Order, kind: AlertKind, amount_cents: int, reference: str) -> Mails:
    """Put the order in front of staff, with what happened; the VVG is mailed about it once."""
    alert = PaymentAlert(kind=kind, amount_cents=amount_cents, reference=reference[:255])
    order.payment_alerts.append(alert)
    db.session.flush()
    operator = db.session.scalar(select(Operator).limit(1))
    if operator is None:
        return []
    return [
        outbox.enqueue(
            dedup_key=f"payment-alert:{alert.id}",
            recipient=operator.email,
            template="orders/payment_alert",
            language="lt",  # the VVG's staff work in Lithuanian
            context={"order": order, "alert": alert},
            order_id=order.id,
        )
    ]
