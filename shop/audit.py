"""The audit log: every change VVG staff make is written with who, when, what and the values before and after.

`record` is called by the services inside their own transaction, so an entry exists exactly when the
change does. Changes made by community members, customers or jobs are not staff actions and are not
logged here (their own histories — parcel events, refunds — say who did them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from shop.db import db, utcnow
from shop.models import AuditEntry, User

#: What each action is called on the audit page (its code stays in the log, and beside the words).
ACTION_LABELS = {
    "order.confirm_payment": _l("Payment confirmed"),
    "order.cancel": _l("Unpaid order cancelled"),
    "order.cancel_batch": _l("Unpaid orders cancelled together"),
    "order.late_transfer": _l("Transfer for a cancelled order recorded"),
    "fulfilment.cancel": _l("Parcel or line cancelled"),
    "fulfilment.refund": _l("Sent parcel refunded"),
    "refund.mark_sent": _l("Bank refund sent"),
    "payment_alert.settle": _l("Payment alert settled"),
    "listing.approve": _l("Listing approved"),
    "listing.send_back": _l("Listing sent back"),
    "product_type.create": _l("Product type added"),
    "product_type.update": _l("Product type changed"),
    "category.create": _l("Category added"),
    "category.update": _l("Category changed"),
    "member.invite": _l("Member invited"),
    "member.remove": _l("Member removed"),
    "community.create": _l("Community created"),
    "community.update": _l("Community changed"),
    "community.deactivate": _l("Community switched off"),
    "community.reactivate": _l("Community switched on again"),
    "mail.send_again": _l("Mail sent again"),
    "payout.generate": _l("Payouts drafted"),
    "payout.approve": _l("Payout approved"),
    "payout.mark_paid": _l("Payout paid by bank"),
    "payout.pay_by_stripe": _l("Payout paid by Stripe"),
    "payout.bank_file": _l("Bank payment file made"),
    "fulfilment.remind": _l("Community reminded of a late parcel"),
    "operator.attention_days": _l("Attention limits changed"),
    "privacy.record": _l("Privacy request recorded"),
    "privacy.mail_link": _l("Link to a customer's data mailed"),
    "privacy.export": _l("Copy of a customer's data taken"),
    "privacy.erase": _l("Customer's data erased"),
    "legal.publish": _l("Legal page published"),
    "operator.update": _l("The VVG's details changed"),
    "mark.criteria_draft": _l("Mark criteria draft saved"),
    "mark.criteria_publish": _l("Mark criteria published"),
    "mark.ask_more": _l("Mark application: more information asked for"),
    "mark.grant": _l("Mark granted"),
    "mark.refuse": _l("Mark application refused"),
    "mark.suspend": _l("Mark suspended"),
    "mark.reinstate": _l("Mark reinstated"),
    "mark.revoke": _l("Mark revoked"),
}


def record(
    action: str,
    subject_type: str,
    subject_id: object,
    *,
    by: User | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Add an entry to the current transaction when `by` is a member of staff (anyone else: nothing)."""
    if by is None or not getattr(by, "is_staff", False):
        return
    db.session.add(
        AuditEntry(
            actor_id=by.id,
            actor_name=f"{by.name} <{by.email}>",
            action=action,
            subject_type=subject_type,
            subject_id=str(subject_id),
            before=_plain(before or {}),
            after=_plain(after or {}),
            created_at=utcnow(),
        )
    )


def record_each(
    action: str,
    subject_type: str,
    changes: Iterable[tuple[object, Mapping[str, Any] | None, Mapping[str, Any] | None]],
    *,
    by: User | None,
) -> None:
    """`record` for many subjects of one action, each `(subject_id, before, after)`: one INSERT for all."""
    if by is None or not getattr(by, "is_staff", False):
        return
    at, actor_name = utcnow(), f"{by.name} <{by.email}>"
    entries = [
        {
            "actor_id": by.id,
            "actor_name": actor_name,
            "action": action,
            "subject_type": subject_type,
            "subject_id": str(subject_id),
            "before": _plain(before or {}),
            "after": _plain(after or {}),
            "created_at": at,
        }
        for subject_id, before, after in changes
    ]
    if entries:
        db.session.execute(insert(AuditEntry), entries)


def list_entries(limit: int = 200) -> Sequence[AuditEntry]:
    """The newest entries first."""
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-safe copies: enums by value, dates as ISO text."""
    plain: dict[str, Any] = {}
    for key, value in values.items():
        if hasattr(value, "value"):
            value = value.value
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        plain[key] = value
    return plain
