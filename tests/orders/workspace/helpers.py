"""What the workspace's orders tests share: the order statuses they use, their customer, and posting and
reading the workspace's pages.
"""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from orders.models import FulfilmentStatus, OrderStatus
from tests.conftest import csrf_token
from tests.factories.orders import make_buyer

PAID, ACCEPTED, SHIPPED, DELIVERED = (
    OrderStatus.PAID,
    FulfilmentStatus.ACCEPTED,
    FulfilmentStatus.SHIPPED,
    FulfilmentStatus.DELIVERED,
)
#: The customer of these tests' orders: at home (a courier needs the address), with a note for the community.
AT_HOME = make_buyer(
    address_line="Liepų g. 5", city="Kaunas", postal_code="LT-44001", notes="Skambinkite prieš atvežant"
)


def post(client: FlaskClient, url: str, **data: Any) -> Any:
    token = csrf_token(client, "/workspace/orders?status=all")
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)


def text(response: Any) -> str:
    return str(response.get_data(as_text=True))


def listed_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'data-fulfilment="(\d+)"', html)}
