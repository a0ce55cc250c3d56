"""What the payouts tests share: their day (10 March 2027) and period (March), Krakės' IBAN, the SEPA
schema, reading a statement, and reading the payouts pages.

Pages are read in English (`?lang=en`, remembered by the session): the wording asserted is the msgids'.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sepaxml
from flask.testing import FlaskClient
from sqlalchemy import select

from orders.models import FulfilmentStatus, OrderStatus
from orders.payouts.models import Payout
from orders.payouts.sepa import PAIN_001_001_03
from producers.models import Community
from shop.db import db, transaction
from shop.models import AuditEntry
from tests.factories.orders import OMNIVA, make_order, move_parcel
from tests.helpers import parcel_of

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": PAIN_001_001_03}
#: 11:00 in Vilnius on 10 March 2027: deliveries "today" fall on 2027-03-10 there.
NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
MARCH = (date(2027, 3, 1), date(2027, 4, 1))
KRAKES_IBAN = "LT737300010012345678"
LIST = "/backoffice/payouts/"
MARCH_ARGS = {"month": "2027-03"}


def statement(community: Community, period: tuple[date, date] = MARCH) -> Payout | None:
    db.session.rollback()
    db.session.expire_all()
    return db.session.scalars(
        select(Payout).where(
            Payout.community_id == community.id,
            Payout.period_start == period[0],
            Payout.period_end == period[1],
        )
    ).first()


@contextmanager
def change() -> Iterator[None]:
    """A test's own change to rows, committed like a service's."""
    db.session.rollback()
    with transaction():
        yield


def delivered_march(shop: dict[str, Any]) -> Any:
    """Krakės: 2 stars (21,08 € to pay); Pagiriai: 1 angel (8,94 €); both delivered on 10 March."""
    order = make_order([(shop["star"], 2), (shop["angel"], 1)], status=OrderStatus.PAID, delivery=OMNIVA)
    move_parcel(parcel_of(order, shop["krakes"]).id, FulfilmentStatus.DELIVERED)
    move_parcel(parcel_of(order, shop["pagiriai"]).id, FulfilmentStatus.DELIVERED)
    return order


def page(client: FlaskClient, url: str = LIST, **args: str) -> str:
    response = client.get(url, query_string=args or MARCH_ARGS)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def flashes(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", text).strip() for text in re.findall(r'class="flash flash-\w+">(.*?)</p>', html)
    ]


def cells(html: str, row: str) -> list[str]:
    """The text of each data cell of the table row with this attribute (e.g. `data-fulfilment="12"`)."""
    (found,) = re.findall(rf"<tr {row}>(.*?)</tr>", html, re.S)
    return [
        " ".join(re.sub(r"<[^>]+>", "", cell).split())
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", found, re.S)
    ]


def actions() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
