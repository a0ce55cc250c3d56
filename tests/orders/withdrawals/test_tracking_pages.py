"""The customer's side: the tracking page's "Withdraw from contract" per parcel (or why not), the one
confirmation page, and what bad or replayed input gets: a clear message and nothing changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from orders.models import FulfilmentStatus
from orders.withdrawals.models import Withdrawal
from shop.models import OutboxMessage
from tests.conftest import csrf_token
from tests.factories.orders import OMNIVA, make_order
from tests.helpers import count


def _track(order: Any) -> str:
    return f"/uzsakymai/{order.public_token}"


def _withdraw_url(order: Any, fulfilment_id: int | None = None) -> str:
    return f"{_track(order)}/siuntos/{fulfilment_id or order.fulfilments[0].id}/atsisakyti"


def _page(client: FlaskClient, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def test_a_delivered_parcel_is_withdrawn_in_two_clicks_and_acknowledged(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    order = make_order(
        [(shop["star"], 1), (shop["bowl"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA
    )
    track = _page(client, _track(order) + "?lang=en")
    # Delivered at 12:00 on 1 July in Vilnius: day 14 is 15 July.
    assert "You may withdraw from the contract for this parcel until 15 Jul 2027." in track
    assert f'href="{_withdraw_url(order)}"' in track

    page = _page(client, _withdraw_url(order))
    assert order.number in page
    star, bowl = (line.id for line in order.fulfilments[0].lines)
    assert f'name="lines" value="{star}" checked' in page and f'name="lines" value="{bowl}" checked' in page

    token = csrf_token(client, _withdraw_url(order))
    response = client.post(_withdraw_url(order), data={"csrf_token": token, "lines": [star, bowl]})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{_track(order)}#f-{order.fulfilments[0].id}")
    track = _page(client, _track(order))
    assert "Your withdrawal from the contract was received on 01/07/2027, 12:00." in track
    assert "withdrawn on 1 Jul 2027" in track
    assert "You withdrew from the contract for this parcel on 1 Jul 2027." in track
    assert count(Withdrawal) == 1
    assert (
        count(
            OutboxMessage,
            OutboxMessage.recipient == "rasa@example.com",
            OutboxMessage.dedup_key.like("withdrawal:%"),
        )
        == 1
    )

    # The same form sent again (a double click, the back button): nothing more, and it says so.
    client.post(_withdraw_url(order), data={"csrf_token": token, "lines": [star, bowl]})
    assert "You already withdrew from these items on 01/07/2027, 12:00." in _page(client, _track(order))
    assert count(Withdrawal) == 1 and count(OutboxMessage, OutboxMessage.dedup_key.like("withdrawal%")) == 3


def test_after_day_14_the_button_is_gone_and_the_page_says_why(
    client: FlaskClient, shop: dict[str, Any], clock: Any
) -> None:
    order = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    client.get("/?lang=en")
    clock.move_to(datetime(2027, 7, 15, 21, 0, tzinfo=UTC))  # midnight after 15 July in Vilnius
    token = csrf_token(client, "/privatumas/mano-duomenys")  # the withdrawal page has no form any more
    assert "ended on 15 Jul 2027" in _page(client, _withdraw_url(order))
    track = _page(client, _track(order))
    assert _withdraw_url(order) not in track
    assert "The 14 days to withdraw from the contract for this parcel ended on 15 Jul 2027." in track
    line = order.fulfilments[0].lines[0].id
    response = client.post(_withdraw_url(order), data={"csrf_token": token, "lines": [line]})
    assert response.status_code == 422
    assert "ended on 15 Jul 2027" in response.get_data(as_text=True)
    assert count(Withdrawal) == 0 and count(OutboxMessage, OutboxMessage.dedup_key.like("withdrawal%")) == 0


def test_exempt_lines_are_not_offered_and_refused_when_posted(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    order = make_order(
        [(shop["star"], 1), (shop["card"], 1, "Su gimtadieniu!"), (shop["basket"], 1)],
        status=FulfilmentStatus.DELIVERED,
        delivery=OMNIVA,
    )
    star, card, basket = (line.id for line in order.fulfilments[0].lines)
    client.get("/?lang=en")
    assert "Not returnable: Greeting card (personalised), Woven basket (made to order)" in _page(
        client, _track(order)
    )
    page = _page(client, _withdraw_url(order))
    assert f'value="{card}"' not in page and f'value="{basket}"' not in page
    token = csrf_token(client, _withdraw_url(order))
    response = client.post(_withdraw_url(order), data={"csrf_token": token, "lines": [star, card]})
    assert response.status_code == 422
    assert "Personalised and made-to-order items cannot be returned" in response.get_data(as_text=True)
    assert count(Withdrawal) == 0


def test_another_orders_parcel_is_not_found_and_its_lines_are_refused(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    mine = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    theirs = make_order([(shop["bowl"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    client.get("/?lang=en")
    token = csrf_token(client, _withdraw_url(mine))
    assert client.get(_withdraw_url(mine, theirs.fulfilments[0].id)).status_code == 404
    their_line = theirs.fulfilments[0].lines[0].id
    response = client.post(
        _withdraw_url(mine, theirs.fulfilments[0].id), data={"csrf_token": token, "lines": [their_line]}
    )
    assert response.status_code == 404
    response = client.post(_withdraw_url(mine), data={"csrf_token": token, "lines": [their_line]})
    assert response.status_code == 422
    assert "Choose the items of this parcel." in response.get_data(as_text=True)
    assert count(Withdrawal) == 0


@pytest.mark.parametrize("junk", [[], ["abc"], ["99999999999999"], ["-1"], ["1.5"]])
def test_junk_in_the_confirmation_form_is_a_message_never_an_error(
    client: FlaskClient, shop: dict[str, Any], junk: list[str]
) -> None:
    order = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    token = csrf_token(client, _withdraw_url(order))
    response = client.post(_withdraw_url(order), data={"csrf_token": token, "lines": junk})
    assert response.status_code == 422
    assert count(Withdrawal) == 0


def test_an_unpaid_order_offers_no_withdrawal(client: FlaskClient, shop: dict[str, Any]) -> None:
    order = make_order([(shop["star"], 1)], delivery=OMNIVA)
    client.get("/?lang=en")
    assert "Withdraw from contract" not in _page(client, _track(order))


def test_the_withdrawal_box_and_the_confirmation_page_link_how_returns_work(
    client: FlaskClient, shop: dict[str, Any]
) -> None:
    order = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    link = '<a href="/pristatymas-ir-grazinimas">How returns work</a>'
    track = _page(client, _track(order) + "?lang=en")
    box = track[track.index('class="withdrawal-box"') :]
    assert link in box[: box.index("</div>")]
    assert link in _page(client, _withdraw_url(order))
