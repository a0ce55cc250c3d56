"""A parcel action's `next=` (back to the list it was made on) is ignored unless a plain local path."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.factories.orders import OMNIVA, make_order
from tests.helpers import parcel_of
from tests.orders.workspace.helpers import AT_HOME, PAID
from tests.shop.test_hostile_next import HOSTILE


@pytest.mark.parametrize("target", [*HOSTILE, "/\x00"], ids=repr)
def test_a_parcel_action_with_a_hostile_next_goes_back_to_the_parcel(
    member: FlaskClient, shop: dict[str, Any], target: str
) -> None:
    fulfilment = parcel_of(
        make_order([(shop["card"], 1)], status=PAID, delivery=OMNIVA, buyer=AT_HOME), shop["krakes"]
    )
    token = csrf_token(member, "/workspace/orders")
    response = member.post(
        f"/workspace/orders/{fulfilment.id}/accept", data={"csrf_token": token, "next": target}
    )
    if "\x00" in target:
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert response.headers["Location"] == f"/workspace/orders/{fulfilment.id}"
