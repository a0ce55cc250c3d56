"""Paying statements: staff approve a draft, then it is paid by bank (marked with the bank's reference) or
by Stripe (one transfer per parcel, each at most once); a refused transfer is sent again."""

from __future__ import annotations

from sqlalchemy import select

from orders.errors import (
    BankReferenceMissing,
    PayoutNotApproved,
    PayoutNotDraft,
    PayoutNotFound,
    WrongPayoutMethod,
)
from orders.payouts.models import (
    CommunityTransfer,
    Payout,
    PayoutLine,
    PayoutMethod,
    PayoutStatus,
    TransferStatus,
)
from orders.transfers import transfer_earnings
from shop import audit
from shop.db import db, transaction
from shop.models import User


def _lock(payout_id: int) -> Payout:
    payout = db.session.scalars(
        select(Payout)
        .where(Payout.id == payout_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if payout is None:
        raise PayoutNotFound(payout_id)
    return payout


def approve_payout(payout_id: int, by: User | None) -> Payout:
    """Staff agree to a draft statement: it is fixed from now on. Approving it again changes nothing;
    a paid one raises PayoutNotDraft."""
    with transaction():
        payout = _lock(payout_id)
        if payout.status is PayoutStatus.DRAFT:
            payout.move_to(PayoutStatus.APPROVED, by=by)
            audit.record(
                "payout.approve",
                "payout",
                payout.id,
                by=by,
                before={"status": PayoutStatus.DRAFT},
                after={"status": PayoutStatus.APPROVED, "amount_cents": payout.amount_cents},
            )
        elif payout.status is PayoutStatus.PAID:
            raise PayoutNotDraft(payout_id)
    return payout


def mark_payout_paid(payout_id: int, *, bank_reference: str, by: User | None) -> Payout:
    """Staff sent an approved bank statement's money: record the bank's reference of the transfer.

    Saying so again changes nothing (the first reference stays). A draft raises PayoutNotApproved, a
    Stripe statement WrongPayoutMethod (it is paid by `pay_by_stripe`), an empty reference
    BankReferenceMissing.
    """
    reference = " ".join(bank_reference.split())[:120]
    with transaction():
        payout = _lock(payout_id)
        if payout.status is PayoutStatus.PAID:
            return payout
        if payout.status is not PayoutStatus.APPROVED:
            raise PayoutNotApproved(payout_id)
        if payout.method is not PayoutMethod.BANK:
            raise WrongPayoutMethod(payout_id)
        if not reference:
            raise BankReferenceMissing(payout_id)
        payout.move_to(PayoutStatus.PAID, by=by)
        payout.bank_reference = reference
        audit.record(
            "payout.mark_paid",
            "payout",
            payout.id,
            by=by,
            before={"status": PayoutStatus.APPROVED},
            after={
                "status": PayoutStatus.PAID,
                "amount_cents": payout.amount_cents,
                "bank_reference": reference,
            },
        )
    return payout


def pay_by_stripe(payout_id: int, by: User | None) -> Payout:
    """Send an approved Stripe statement: one transfer per line (`orders.transfers.transfer_earnings`).

    Lines of 0 € send nothing. The statement turns paid once every transfer is sent; while Stripe is
    away (or refused one, see the transfer's `last_error`) it stays approved, and calling again sends the
    rest, a refused one anew: each transfer is recorded once per parcel with its own idempotency key, so
    nothing is sent twice. A paid statement is returned as it is. A draft raises PayoutNotApproved, a bank
    statement WrongPayoutMethod; a community without a connected account raises
    `NotPayableByStripe`.
    """
    payout = db.session.get(Payout, payout_id)
    if payout is None:
        raise PayoutNotFound(payout_id)
    if payout.status is PayoutStatus.PAID:
        return payout
    if payout.method is not PayoutMethod.STRIPE:
        raise WrongPayoutMethod(payout_id)
    if payout.status is not PayoutStatus.APPROVED:
        raise PayoutNotApproved(payout_id)
    lines = [(line.fulfilment_id, line.amount_cents) for line in payout.lines if line.amount_cents > 0]
    db.session.rollback()  # no transaction stays open while Stripe is asked
    sent = True
    for fulfilment_id, amount_cents in lines:
        transfer = transfer_earnings(fulfilment_id, amount_cents=amount_cents)
        sent = sent and transfer.status is TransferStatus.SENT and transfer.amount_cents == amount_cents
    if sent:
        with transaction():
            payout = _lock(payout_id)
            if payout.status is PayoutStatus.APPROVED:
                payout.move_to(PayoutStatus.PAID, by=by)
                audit.record(
                    "payout.pay_by_stripe",
                    "payout",
                    payout.id,
                    by=by,
                    before={"status": PayoutStatus.APPROVED},
                    after={"status": PayoutStatus.PAID, "amount_cents": payout.amount_cents},
                )
    return db.session.get_one(Payout, payout_id)


def refused_transfers(payout_id: int) -> list[CommunityTransfer]:
    """The Stripe transfers of a statement's parcels that Stripe refused (each with its `last_error`)."""
    return list(
        db.session.scalars(
            select(CommunityTransfer)
            .join(PayoutLine, PayoutLine.fulfilment_id == CommunityTransfer.fulfilment_id)
            .where(PayoutLine.payout_id == payout_id, CommunityTransfer.status == TransferStatus.FAILED)
            .order_by(CommunityTransfer.id)
        )
    )
