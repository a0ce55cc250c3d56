"""A community's earnings sent to its Stripe connected account: separate charges and transfers.

The customer's card money stays on the VVG's Stripe account; when a community's payout is paid, each of
its card-paid fulfilments becomes one Stripe transfer (`transfer_group` = the order number, funded by
the order's charge), recorded once per fulfilment (a unique column) and sent under the key
`payout-<fulfilment id>-<random>`, so no run, crash or double click ever pays a fulfilment twice; only a
transfer Stripe refused (no money moved) is sent again, under a new key. Communities
without a connected account, and orders paid by bank transfer, are paid by bank.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from orders.errors import NotPayableByStripe
from orders.models import Fulfilment, Payment, PaymentMethod
from orders.payments import gateway
from orders.payouts.models import CommunityTransfer, TransferStatus
from producers.models import CONNECTED_ACCOUNT
from shop.db import db, transaction, utcnow


def transfer_earnings(fulfilment_id: int, *, amount_cents: int) -> CommunityTransfer:
    """Send `amount_cents` of this fulfilment's earnings to its community's Stripe account, at most once.

    Repeating it (after a crash, or a second payout run) returns the first transfer. Stripe away: the
    transfer stays pending and the next call sends it with the same key. Stripe refused it (`failed`,
    with `last_error`): the next call sends it again, to the community's account as it is then.
    """
    fulfilment = db.session.get(Fulfilment, fulfilment_id)
    if fulfilment is None:
        raise NotPayableByStripe(fulfilment_id)
    destination = fulfilment.community.stripe_account_id or ""
    payment_intent = db.session.scalar(
        select(Payment.stripe_payment_intent)
        .where(
            Payment.order_id == fulfilment.order_id,
            Payment.method == PaymentMethod.CARD,
            Payment.stripe_payment_intent.is_not(None),
        )
        .order_by(Payment.id)  # the order's own payment, not a stray second one staff are refunding
        .limit(1)
    )
    if not CONNECTED_ACCOUNT.match(destination) or payment_intent is None or amount_cents <= 0:
        raise NotPayableByStripe(fulfilment_id)
    order_number = fulfilment.order.number
    try:
        with transaction():
            record = db.session.scalar(
                select(CommunityTransfer)
                .where(CommunityTransfer.fulfilment_id == fulfilment_id)
                .with_for_update()  # two calls reopening a refused transfer: the second sees it reopened
                .execution_options(populate_existing=True)
            )
            if record is None:
                record = CommunityTransfer(
                    fulfilment_id=fulfilment_id,
                    community_id=fulfilment.community_id,
                    destination=destination,
                    amount_cents=amount_cents,
                    idempotency_key=_new_key(fulfilment_id),
                )
                db.session.add(record)
                db.session.flush()
            elif record.status is TransferStatus.FAILED:
                # Refused: no money moved. Asked again (the account fixed since), it is sent afresh, under
                # a new key: Stripe answers a key it has seen with the same refusal for 24 hours.
                record.status, record.last_error = TransferStatus.PENDING, ""
                record.destination, record.amount_cents = destination, amount_cents
                record.idempotency_key = _new_key(fulfilment_id)
            record_id = record.id
    except IntegrityError:  # another run recorded it a moment ago: that one is the transfer
        record_id = db.session.scalars(
            select(CommunityTransfer.id).where(CommunityTransfer.fulfilment_id == fulfilment_id)
        ).one()
    record = db.session.get_one(CommunityTransfer, record_id)
    if record.status is not TransferStatus.PENDING:
        return record
    params = {
        "amount": record.amount_cents,
        "currency": "eur",
        "destination": record.destination,
        "transfer_group": order_number,
        "metadata": {"fulfilment_id": str(fulfilment_id), "order_number": order_number},
    }
    key = record.idempotency_key
    db.session.rollback()
    try:
        charge = gateway.retrieve_payment_intent(payment_intent).get("latest_charge")
        if isinstance(charge, str):  # funded by this order's charge, available when the charge settles
            params["source_transaction"] = charge
        answer = gateway.create_transfer(params, idempotency_key=key)
    except gateway.StripeUnavailable:
        return db.session.get_one(CommunityTransfer, record_id)
    except gateway.StripeRefused as error:
        with transaction():
            record = db.session.get_one(CommunityTransfer, record_id)
            record.status, record.last_error = TransferStatus.FAILED, str(error)[:300]
        return record
    with transaction():
        record = db.session.get_one(CommunityTransfer, record_id)
        record.status, record.stripe_transfer_id, record.sent_at = TransferStatus.SENT, answer["id"], utcnow()
    return record


def _new_key(fulfilment_id: int) -> str:
    """The idempotency key of one attempt at a fulfilment's transfer (a refused one is retried anew)."""
    return f"payout-{fulfilment_id}-{secrets.token_hex(6)}"
