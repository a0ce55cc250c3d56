"""The community's and the VVG's side: the workspace shows the return to expect and takes "the items are
back"; the back office shows the refund owed, refunds it once, and the dashboard counts what is open."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from orders.models import FulfilmentStatus, Refund
from orders.withdrawals.models import Withdrawal, WithdrawalStatus
from orders.withdrawals.withdrawing import withdraw
from tests.conftest import csrf_token, login_as
from tests.factories.orders import OMNIVA, make_order
from tests.factories.shop import make_user
from tests.helpers import count, fresh


def _withdrawn(shop: dict[str, Any], *variants: str) -> tuple[Any, Withdrawal]:
    order = make_order([(shop[v], 1) for v in variants], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    lines = [line.id for line in order.fulfilments[0].lines]
    return order, withdraw(order.fulfilments[0].id, lines, order_id=order.id).withdrawal


def test_the_community_sees_the_return_to_expect_and_says_when_it_is_back(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    order, withdrawal = _withdrawn(shop, "star")
    member = make_user(shop["krakes"], email="ona@krakes.example.org")
    login_as(client, member.email)
    client.get("/workspace/?lang=en")
    url = f"/workspace/orders/{order.fulfilments[0].id}"
    page = client.get(url).get_data(as_text=True)
    assert (
        "Return expected:" in page and "1 × Straw star" in page and "withdrawn on 01/07/2027, 12:00" in page
    )

    token = csrf_token(client, url)
    response = client.post(f"{url}/return-received", data={"csrf_token": token, "withdrawal": withdrawal.id})
    assert response.status_code == 302
    assert fresh(Withdrawal, withdrawal.id).status is WithdrawalStatus.RECEIVED
    assert "Return expected:" not in client.get(url).get_data(as_text=True)


def test_a_community_cannot_touch_another_communitys_withdrawal(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    _, theirs = _withdrawn(shop, "star")
    mine = make_order([(shop["angel"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    member = make_user(shop["pagiriai"], email="jonas@pagiriai.example.org")
    login_as(client, member.email)
    url = f"/workspace/orders/{mine.fulfilments[0].id}"
    token = csrf_token(client, url)
    for junk in (theirs.id, "abc", "", "99999999999999"):
        response = client.post(f"{url}/return-received", data={"csrf_token": token, "withdrawal": junk})
        assert response.status_code == 404
    assert fresh(Withdrawal, theirs.id).status is WithdrawalStatus.RETURN_EXPECTED


def test_staff_see_the_refund_owed_and_refund_it_once(client: FlaskClient, shop: dict[str, Any]) -> None:
    order, withdrawal = _withdrawn(shop, "star", "bowl")
    fee = order.fulfilments[0].delivery_cents
    make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    client.get("/backoffice/?lang=en")
    dashboard = client.get("/backoffice/").get_data(as_text=True)
    assert 'data-count="withdrawals"><a href="/backoffice/payments#withdrawals">1</a>' in dashboard
    assert order.number in client.get("/backoffice/payments").get_data(as_text=True)

    url = f"/backoffice/orders/{order.id}"
    page = client.get(url).get_data(as_text=True)
    owed = (1005 + 2000 + fee) / 100
    assert f"Refund owed: €{owed:.2f} (goods €30.05, delivery €{fee / 100:.2f})." in page
    token = csrf_token(client, url)
    response = client.post(
        f"{url}/withdrawals/refund", data={"csrf_token": token, "withdrawal": withdrawal.id}
    )
    assert response.status_code == 302
    done = fresh(Withdrawal, withdrawal.id)
    assert done.status is WithdrawalStatus.REFUNDED
    assert fresh(Refund, done.refund_id).amount_cents == 3005 + fee

    client.post(f"{url}/withdrawals/refund", data={"csrf_token": token, "withdrawal": withdrawal.id})
    assert "This withdrawal is already refunded." in client.get(url).get_data(as_text=True)
    assert count(Refund) == 1
    assert 'data-count="withdrawals"><a href="/backoffice/payments#withdrawals">0</a>' in client.get(
        "/backoffice/"
    ).get_data(as_text=True)


def test_staff_cannot_refund_a_withdrawal_through_another_order(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    _, withdrawal = _withdrawn(shop, "star")
    other = make_order([(shop["bowl"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    url = f"/backoffice/orders/{other.id}"
    token = csrf_token(client, url)
    for action in ("refund", "received"):
        for junk in (withdrawal.id, "abc", ""):
            response = client.post(
                f"{url}/withdrawals/{action}", data={"csrf_token": token, "withdrawal": junk}
            )
            assert response.status_code == 404
    assert count(Refund) == 0


def test_the_workspace_flags_the_parcels_coming_back_and_lists_them_apart(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    coming_back, withdrawal = _withdrawn(shop, "star")
    kept = make_order([(shop["bowl"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    not_sent = make_order([(shop["bowl"], 1)], status=FulfilmentStatus.ACCEPTED, delivery=OMNIVA)
    withdraw(not_sent.fulfilments[0].id, [not_sent.lines[0].id], order_id=not_sent.id)  # refunded at once
    theirs = make_order([(shop["angel"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    withdraw(theirs.fulfilments[0].id, [theirs.lines[0].id], order_id=theirs.id)  # another community's
    login_as(client, make_user(shop["krakes"], email="ona@krakes.example.org").email)
    client.get("/workspace/?lang=en")

    dashboard = client.get("/workspace/").get_data(as_text=True)
    assert "Returns to expect" in dashboard
    assert 'data-number="returns"><a href="/workspace/orders?status=returns">1</a>' in dashboard

    everything = client.get("/workspace/orders?status=all").get_data(as_text=True)
    assert 'Returns to expect <span class="badge badge-made" data-count="returns">1</span>' in everything
    row = everything[everything.index(f'data-fulfilment="{coming_back.fulfilments[0].id}"') :]
    assert "Return expected" in row[: row.index("</tr>")]
    row = everything[everything.index(f'data-fulfilment="{kept.fulfilments[0].id}"') :]
    assert "Return expected" not in row[: row.index("</tr>")]

    returns = client.get("/workspace/orders?status=returns").get_data(as_text=True)
    assert coming_back.number in returns and "1 order" in returns
    assert kept.number not in returns and not_sent.number not in returns and theirs.number not in returns

    # Once the items are back, nothing is flagged any more.
    url = f"/workspace/orders/{coming_back.fulfilments[0].id}"
    client.post(
        f"{url}/return-received", data={"csrf_token": csrf_token(client, url), "withdrawal": withdrawal.id}
    )
    assert 'data-number="returns"' not in client.get("/workspace/").get_data(as_text=True)
    returns = client.get("/workspace/orders?status=returns").get_data(as_text=True)
    assert "No returns to expect." in returns and 'data-count="returns"' not in returns
