"""The VVG's own details as the shop's operator: what every footer, legal page, bank-transfer mail and
commission invoice says of it. Staff change them on the back office's settings page."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select

from producers.errors import InvoicePrefixTaken
from producers.models import Community
from shop import audit
from shop.db import db, transaction
from shop.models import Operator, User


@dataclass(frozen=True)
class OperatorDetails:
    """The operator's details as typed (checked by the form; the IBAN in its compact form)."""

    name: str
    registration_code: str
    address: str
    email: str
    phone: str
    iban: str
    invoice_prefix: str
    vat_code: str
    #: the day customers want their parcels by, every year (`producers.delivery`): 24 December unless set
    christmas_month: int = 12
    christmas_day: int = 24

    @classmethod
    def of(cls, operator: Operator) -> OperatorDetails:
        return cls(**{name: getattr(operator, name) for name in cls.__dataclass_fields__})


def update_operator(details: OperatorDetails, *, by: User | None) -> Operator:
    """Keep the operator's new details (the first save makes its row); the change is audited.

    A new invoice prefix starts a series of its own (VVG2-2026-000001…): invoices already issued keep their
    numbers, and numbering is never continued under another name. A prefix a community numbers its
    invoices with is refused (`InvoicePrefixTaken`); the VVG's own earlier prefix continues its series.
    """
    with transaction():
        operator = db.session.scalars(
            select(Operator).order_by(Operator.id).limit(1).with_for_update()
        ).first()
        if operator is None:
            operator = Operator(**asdict(details))
            db.session.add(operator)
            before: dict[str, str] = {}
        else:
            before = asdict(OperatorDetails.of(operator))
        holder = db.session.scalars(
            select(Community.name).where(Community.invoice_prefix == details.invoice_prefix)
        ).first()
        if holder is not None:
            raise InvoicePrefixTaken(details.invoice_prefix, holder)
        after = asdict(details)
        if before != after:
            for name, value in after.items():
                setattr(operator, name, value)
            db.session.flush()
            changed = {name for name in after if before.get(name) != after[name]}
            audit.record(
                "operator.update",
                "operator",
                operator.id,
                by=by,
                before={name: before[name] for name in changed if name in before},
                after={name: after[name] for name in changed},
            )
    return operator
