"""The community workspace's orders pages, as a member reads them: only members in, the list of the
community's own paid parcels, a parcel's page and its packing slip.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from orders import fulfilments
from orders.models import CancelReason, FulfilmentStatus, OrderStatus
from tests.conftest import login_as
from tests.factories.orders import COURIER, OMNIVA, make_order
from tests.factories.shop import make_user
from tests.helpers import parcel_of
from tests.orders.workspace.helpers import AT_HOME, PAID, listed_ids, text


def test_the_workspace_is_for_members_only(client: FlaskClient, shop: dict[str, Any]) -> None:
    response = client.get("/workspace/orders")
    assert response.status_code == 302 and "/prisijungti" in response.headers["Location"]
    outsider = make_user(email="outsider@example.org")
    login_as(client, outsider.email)
    for url in ("/workspace/", "/workspace/orders", "/workspace/payouts", "/workspace/payouts.csv"):
        assert client.get(url).status_code == 403


def test_the_list_shows_only_the_communitys_own_paid_parcels(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    both = make_order([(shop["star"], 1), (shop["angel"], 1)], status=PAID, delivery=OMNIVA, buyer=AT_HOME)
    unpaid = make_order([(shop["card"], 1)], delivery=OMNIVA, buyer=AT_HOME)
    expired = make_order(  # never paid: never theirs
        [(shop["card"], 1)],
        status=OrderStatus.CANCELLED,
        cancel_reason=CancelReason.EXPIRED,
        delivery=OMNIVA,
        buyer=AT_HOME,
    )
    theirs = make_order([(shop["angel"], 2)], status=PAID, delivery=OMNIVA, buyer=AT_HOME)
    html = text(member.get("/workspace/orders?status=all"))
    assert listed_ids(html) == {parcel_of(both, shop["krakes"]).id}
    assert both.number in html
    assert unpaid.number not in html and theirs.number not in html and expired.number not in html
    assert expired.number not in text(member.get("/workspace/orders?status=cancelled"))
    assert member.get(f"/workspace/orders/{parcel_of(expired, shop['krakes']).id}").status_code == 404
    assert "Rasa Petraitienė" in html
    assert text(member.get("/workspace/orders")).count("data-fulfilment=") == 1  # `new` is to do


def test_the_list_filters_by_status_and_needs_action_by_default(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    parcels = {}
    for status in ("new", "accepted", "shipped", "delivered", "cancelled"):
        order = make_order(
            [(shop["star"], 1)], status=FulfilmentStatus(status), delivery=OMNIVA, buyer=AT_HOME
        )
        parcels[status] = parcel_of(order, shop["krakes"]).id
    assert listed_ids(text(member.get("/workspace/orders"))) == {parcels["new"], parcels["accepted"]}
    for status, fulfilment_id in parcels.items():
        assert listed_ids(text(member.get(f"/workspace/orders?status={status}"))) == {fulfilment_id}
    assert listed_ids(text(member.get("/workspace/orders?status=all"))) == set(parcels.values())
    assert listed_ids(text(member.get("/workspace/orders?status=nonsense"))) == {
        parcels["new"],
        parcels["accepted"],
    }
    html = text(member.get("/workspace/orders?status=all"))
    newest_first = [int(i) for i in re.findall(r'data-fulfilment="(\d+)"', html)]
    assert newest_first == sorted(parcels.values(), reverse=True)


def test_the_list_is_paginated(
    member: FlaskClient, shop: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.setattr(fulfilments, "PAGE_SIZE", 2)
    ids = [
        parcel_of(
            make_order([(shop["card"], 1)], status=PAID, delivery=OMNIVA, buyer=AT_HOME), shop["krakes"]
        ).id
        for _ in range(3)
    ]
    # parcels to send come by their ship-by day, the same day oldest first (`StatusFilter.order`)
    assert listed_ids(text(member.get("/workspace/orders"))) == set(ids[:2])
    assert listed_ids(text(member.get("/workspace/orders?page=2"))) == {ids[2]}
    assert listed_ids(text(member.get("/workspace/orders?page=99"))) == {ids[2]}  # the nearest real page
    assert listed_ids(text(member.get("/workspace/orders?status=all"))) == set(ids[1:])  # newest first


def test_a_parcels_page_shows_what_to_pack_where_to_send_it_and_its_history(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    order = make_order(
        [(shop["star"], 2, "Su šventėmis, močiute!"), (shop["card"], 1), (shop["angel"], 1)],
        status=PAID,
        delivery=OMNIVA,
        buyer=AT_HOME,
    )
    fulfilment = parcel_of(order, shop["krakes"])
    html = text(member.get(f"/workspace/orders/{fulfilment.id}"))
    assert order.number in html
    assert "Šiaudinė žvaigždė" in html and "Atvirukas" in html and "Angelas" not in html
    assert 'class="gift-message"' in html and "Su šventėmis, močiute!" in html
    assert "Kėdainių Maxima" in html  # the locker
    assert "+37061234567" in html and "rasa@example.com" in html
    assert "Skambinkite prieš atvežant" in html
    assert html.count('<li><span class="hint">') == 1  # one event: paid (awaiting payment → new)
    assert f"/workspace/orders/{fulfilment.id}/accept" in html
    assert f"/workspace/orders/{fulfilment.id}/ship" not in html
    assert f"/workspace/orders/{fulfilment.id}/cancel" in html


def test_the_packing_slip_has_sender_recipient_lines_and_boxes_to_tick(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    order = make_order(
        [(shop["star"], 3, "Linksmų Kalėdų!"), (shop["card"], 1)],
        status=PAID,
        delivery=COURIER,
        buyer=AT_HOME,
    )
    fulfilment = parcel_of(order, shop["krakes"])
    response = member.get(f"/workspace/orders/{fulfilment.id}/slip")
    html = text(response)
    assert response.status_code == 200
    assert order.number in html
    assert shop["krakes"].legal_name in html and shop["krakes"].address_line in html
    assert "Rasa Petraitienė" in html and "Liepų g. 5" in html and "LT-44001 Kaunas" in html
    assert html.count('class="slip-box"') == 2
    assert '<td class="slip-qty">3</td>' in html
    assert "Linksmų Kalėdų!" in html
    assert 'class="site-header"' not in html  # nothing but the slip is printed


def test_every_workspace_page_renders_for_an_empty_community(
    member: FlaskClient, shop: dict[str, Any]
) -> None:
    for url in ("/workspace/", "/workspace/orders", "/workspace/orders?status=all", "/workspace/payouts"):
        response = member.get(url)
        assert response.status_code == 200, url
        assert "Krakių bendruomenės centras" in text(response)
