"""The test factory `make_order` itself: each state asked for is the state the order is in."""

from __future__ import annotations

import pytest

from orders.models import FulfilmentStatus, OrderStatus
from shop.db import db
from tests.factories.catalogue import make_product
from tests.factories.orders import make_order
from tests.factories.shop import make_operator


@pytest.mark.parametrize(
    "status",
    [*OrderStatus, *FulfilmentStatus],
    ids=[f"order-{s}" for s in OrderStatus] + [f"parcels-{s}" for s in FulfilmentStatus],
)
def test_make_order_brings_an_order_of_two_parcels_to_the_state_asked_for(
    app: object, status: OrderStatus | FulfilmentStatus
) -> None:
    make_operator()
    lines = [(make_product().variants[0], 1) for _ in range(2)]  # two communities: two parcels
    order = make_order(lines, status=status)
    assert not db.session().in_transaction()  # like a service, it leaves nothing open: the next read is fresh
    if isinstance(status, OrderStatus):
        assert order.status is status
    else:
        assert [f.status for f in order.fulfilments] == [status, status]
