"""An order's life after it is placed: paid (`mark_paid`, for a bank transfer confirmed by staff and a card
payment alike), cancelled or expired while unpaid (its stock given back), completed when its parcels are.

A change to an order or to one of its parcels takes its lock here first (`lock_order`, `lock_fulfilment`),
whoever makes it: payments, parcels, refunds, reminders.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from catalogue.models import Variant
from orders.errors import FulfilmentNotFound, OrderNotAwaitingPayment, OrderNotFound, PaymentAmountMismatch
from orders.invoices.issuing import invoice_attachment, issue_parcel_invoice
from orders.models import (
    CancelReason,
    Fulfilment,
    FulfilmentStatus,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
)
from producers import capacity
from shop import audit, outbox
from shop.db import db, transaction, utcnow
from shop.models import OutboxMessage, User


def get_order_by_token(token: str) -> Order | None:
    """The order behind a private tracking link, with everything its page shows, or None."""
    if not token or len(token) > 64:
        return None
    return db.session.scalars(
        select(Order)
        .where(Order.public_token == token)
        .options(
            selectinload(Order.fulfilments).selectinload(Fulfilment.lines).joinedload(OrderLine.category),
            selectinload(Order.fulfilments).selectinload(Fulfilment.events),  # when delivered: withdrawals
            selectinload(Order.fulfilments).joinedload(Fulfilment.community),
            selectinload(Order.card_checkouts),
            selectinload(Order.refunds),
        )
    ).first()


def list_orders_awaiting_transfer() -> Sequence[Order]:
    """Unpaid bank-transfer orders, oldest first, for staff to match against the bank statement."""
    return db.session.scalars(
        select(Order)
        .where(
            Order.status == OrderStatus.PENDING_PAYMENT, Order.payment_method == PaymentMethod.BANK_TRANSFER
        )
        .order_by(Order.created_at)
    ).all()


def mark_paid(
    order_id: int,
    *,
    amount_cents: int,
    method: PaymentMethod,
    reference: str = "",
    by: User | None,
) -> Order:
    """Record the order's payment: its parcels turn `new` and each community is told about its part.

    Confirming an already paid order changes nothing; a wrong amount pays nothing.
    """
    order = db.session.get(Order, order_id)
    if order is None:
        raise OrderNotFound(order_id)
    if order.status is OrderStatus.PAID:
        return order
    if amount_cents != order.total_cents:
        raise PaymentAmountMismatch(order.total_cents, amount_cents)
    with transaction():
        messages = record_payment(order, amount_cents=amount_cents, method=method, reference=reference, by=by)
        audit.record(
            "order.confirm_payment",
            "order",
            order.number,
            by=by,
            before={"status": OrderStatus.PENDING_PAYMENT},
            after={"status": OrderStatus.PAID, "amount_cents": amount_cents, "reference": reference},
        )
    outbox.send_now(messages)
    return order


def record_payment(
    order: Order,
    *,
    amount_cents: int,
    method: PaymentMethod,
    reference: str = "",
    stripe_payment_intent: str | None = None,
    by: User | None,
) -> list[OutboxMessage | None]:
    """Inside a transaction: the order is paid, its parcels turn `new` and are invoiced (each in its
    community's name), the customer is mailed the invoices and the communities are told.

    Returns the mails to send after the commit; none when the order was already paid (by a racing call).
    """
    if not order.move_to(OrderStatus.PAID, if_still=OrderStatus.PENDING_PAYMENT):
        status = db.session.scalars(select(Order.status).where(Order.id == order.id)).one()
        if status is OrderStatus.PAID:
            return []  # confirmed twice at once: the other one did it
        raise OrderNotAwaitingPayment(status)
    db.session.refresh(order)
    order.paid_at = utcnow()
    order.payment_method = method
    order.payments.append(
        Payment(
            method=method,
            amount_cents=amount_cents,
            reference=reference.strip()[:120],
            stripe_payment_intent=stripe_payment_intent,
            confirmed_by=by,
        )
    )
    invoices = []
    for fulfilment in order.fulfilments:
        fulfilment.move_to(FulfilmentStatus.NEW, by=by)
        invoices.append(issue_parcel_invoice(fulfilment))  # each community's, numbered in its series
    messages = [
        mail_customer(
            order,
            event="order-paid",
            template="order_paid",
            attachments=[invoice_attachment(invoice) for invoice in invoices],
        )
    ]
    for fulfilment in order.fulfilments:
        messages.append(
            outbox.enqueue(
                dedup_key=f"fulfilment-new:{fulfilment.id}",
                recipient=fulfilment.community.email,
                template="orders/fulfilment_new",
                language="lt",  # communities work in Lithuanian
                context={"order": order, "fulfilment": fulfilment},
                order_id=order.id,
            )
        )
    return messages


def cancel_unpaid_order(
    order_id: int, *, reason: CancelReason, note: str = "", by: User | None = None
) -> bool:
    """Cancel an order that was never paid and put its stock back, exactly once. False if not cancellable.

    `note` is why, in words (staff say it): it goes on the parcels' history, the audit log and the mail.
    """
    with transaction():
        messages = cancel_unpaid(order_id, reason=reason, note=note, by=by)
        if messages is None:
            return False
    outbox.send_now(messages)
    return True


def cancel_unpaid(
    order_id: int, *, reason: CancelReason, note: str = "", by: User | None
) -> list[OutboxMessage | None] | None:
    """Inside a transaction: cancel an unpaid order, stock back; the mails to send, or None if not unpaid."""
    order = db.session.get(Order, order_id)
    if order is None or not order.move_to(OrderStatus.CANCELLED, if_still=OrderStatus.PENDING_PAYMENT):
        return None
    note = note.strip()[:1000]
    db.session.refresh(order)
    order.cancelled_at = utcnow()
    order.cancel_reason = reason
    audit.record(
        "order.cancel",
        "order",
        order.number,
        by=by,
        before={"status": OrderStatus.PENDING_PAYMENT},
        after={"status": OrderStatus.CANCELLED, **({"note": note} if note else {})},
    )
    give_back(order.lines)
    for fulfilment in order.fulfilments:
        fulfilment.move_to(FulfilmentStatus.CANCELLED, by=by, note=note or reason.value)
    if reason is CancelReason.EXPIRED:
        return [mail_customer(order, event="order-expired", template="order_expired")]
    return [mail_customer(order, event="order-cancelled", template="order_cancelled", note=note)]


def give_back(lines: Sequence[OrderLine]) -> None:
    """Inside a transaction, once per line (as it is cancelled): its stock back on sale, and the made-to-order
    work it booked (`OrderLine.production_week`) freed for other orders."""
    restock(lines)
    for line in lines:
        if line.production_week is not None:
            capacity.release(line.fulfilment.community_id, line.production_week, line.quantity)


def restock(lines: Sequence[OrderLine]) -> None:
    """Put the stock of these lines back on sale (made-to-order lines took none). A cancel calls
    `give_back`, which frees their booked work too."""
    for line in lines:
        if line.variant_id is not None and not line.is_made_to_order:
            db.session.execute(
                update(Variant)
                .where(Variant.id == line.variant_id)
                .values(stock=Variant.stock + line.quantity)
                .execution_options(synchronize_session=False)
            )


def expire_unpaid_orders(now: datetime | None = None) -> int:
    """Cancel every bank-transfer order unpaid past its hold (or, once the customer said they paid, past
    its transfer deadline); safe to run twice or from cron.

    Card orders are not cancelled here: Stripe is asked first (`payments.settle_stale_card_orders`).
    """
    now = now or utcnow()
    cancelled = 0
    for order_id in list_unpaid_past_deadline(PaymentMethod.BANK_TRANSFER, now):
        messages = None
        with transaction():
            order = lock_order(order_id)
            # Looked at again under the lock: the customer may have said "I have paid" a moment ago,
            # which moves the deadline on.
            if order is not None and order.expires_at is not None and order.expires_at <= now:
                messages = cancel_unpaid(order_id, reason=CancelReason.EXPIRED, by=None)
        if messages is not None:
            outbox.send_now(messages)
            cancelled += 1
    return cancelled


def list_unpaid_past_deadline(method: PaymentMethod, now: datetime) -> list[int]:
    due = list(
        db.session.scalars(
            select(Order.id).where(
                Order.status == OrderStatus.PENDING_PAYMENT,
                Order.payment_method == method,
                Order.expires_at.is_not(None),
                Order.expires_at <= now,
            )
        )
    )
    db.session.rollback()
    return due


def settle_order(order: Order) -> None:
    """Inside a transaction, after a paid order's parcel changed: when none is left to send, it is over.

    Every parcel cancelled (and refunded) → the order is cancelled; all delivered or cancelled → completed.
    """
    db.session.flush()
    statuses = {fulfilment.status for fulfilment in order.fulfilments}
    if statuses == {FulfilmentStatus.CANCELLED}:
        if order.move_to(OrderStatus.CANCELLED, if_still=OrderStatus.PAID):
            order.cancelled_at = utcnow()
            order.cancel_reason = CancelReason.STAFF
    elif statuses <= {FulfilmentStatus.DELIVERED, FulfilmentStatus.CANCELLED}:
        order.move_to(OrderStatus.COMPLETED, if_still=OrderStatus.PAID)


def lock_order(order_id: int) -> Order | None:
    """An order to change, its row locked (PostgreSQL; SQLite's transaction already holds the write lock)."""
    return db.session.scalars(
        select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    ).first()


def lock_fulfilment(fulfilment_id: int, *, order_id: int | None = None) -> Fulfilment:
    """A fulfilment to change, its order locked first: two parcels of one order change one at a time.

    FulfilmentNotFound if there is no such parcel, or (with `order_id`) it is not one of that order's.
    """
    found = db.session.scalar(select(Fulfilment.order_id).where(Fulfilment.id == fulfilment_id))
    if found is None or order_id not in (None, found):
        raise FulfilmentNotFound(fulfilment_id)
    db.session.execute(select(Order.id).where(Order.id == found).with_for_update())
    return db.session.scalars(
        select(Fulfilment).where(Fulfilment.id == fulfilment_id).with_for_update()
    ).one()


def mail_customer(
    order: Order,
    *,
    event: str,
    template: str,
    key: object = None,
    attachments: Sequence[outbox.Attachment] = (),
    **context: object,
) -> OutboxMessage | None:
    """One mail to the customer for this event of the order (or of `key` within it), never two.

    Until the order is paid, and unless an order of this address was paid before, the mail is a first
    contact: it carries nothing the visitor typed but what recognises the order. So orders placed for a
    stranger's address (however many), and cancelled, never carry the visitor's words to them; a payment
    shows a real customer, whose mails greet them by name.
    """
    first_contact = order.paid_at is None and not _has_paid_before(order.email)
    return outbox.enqueue(
        dedup_key=f"{event}:{order.id if key is None else key}",
        recipient=order.email,
        template=f"orders/{template}",
        language=order.language,
        context={"order": order, "first_contact": first_contact, **context},
        order_id=order.id,
        attachments=attachments,
    )


def _has_paid_before(email: str) -> bool:
    """Whether an order of this e-mail address (in any letter case) was ever paid: a real customer."""
    address = email.strip().lower()
    paid = select(Order.id).where(func.lower(Order.email) == address, Order.paid_at.is_not(None))
    return db.session.scalar(paid.limit(1)) is not None
