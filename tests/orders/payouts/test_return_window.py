"""The return window: a delivered parcel is paid out only PAYOUT_HOLD_DAYS after its delivery, counted
from the run; staff are told what waits, and until when; the bank pays on its next business day.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from orders import overview
from orders.models import FulfilmentStatus
from orders.payouts.dues import Held, payable_on
from orders.payouts.sepa import bank_file_message_id, next_business_day
from orders.payouts.statements import generate_payouts, run_payouts
from producers.models import Community
from shop.config import ConfigError, check_payouts, from_environ
from tests.factories.orders import OMNIVA, make_order
from tests.helpers import fresh, parcel_of
from tests.orders.payouts.helpers import LIST, MARCH, MARCH_ARGS, delivered_march, flashes, page, statement


def test_a_parcel_is_paid_out_only_after_the_return_window_counted_from_the_run(
    app: Flask, shop: dict[str, Any], clock: Any
) -> None:
    assert app.config["PAYOUT_HOLD_DAYS"] == 14  # the default
    clock.move_to(datetime(2027, 3, 9, 9, 0, tzinfo=UTC))
    # delivered on 9 March
    yesterday = make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    clock.move_to(datetime(2027, 3, 10, 9, 0, tzinfo=UTC))

    run = run_payouts(*MARCH, by=None)
    assert run.payouts == [] and run.held == Held(1, date(2027, 3, 24))
    (unpaid,) = overview.unpaid_earnings(fresh(Community, shop["krakes"].id)).parcels
    assert (unpaid.payable_on, unpaid.payout) == (date(2027, 3, 24), None)

    clock.move_to(datetime(2027, 3, 23, 21, 59, tzinfo=UTC))  # 23:59 on 23 March in Vilnius
    assert generate_payouts(*MARCH, by=None) == []
    clock.move_to(datetime(2027, 3, 23, 22, 0, tzinfo=UTC))  # midnight: 24 March begins
    (payout,) = generate_payouts(*MARCH, by=None)
    assert [line.fulfilment_id for line in payout.lines] == [parcel_of(yesterday, shop["krakes"]).id]
    (unpaid,) = overview.unpaid_earnings(fresh(Community, shop["krakes"].id)).parcels
    assert unpaid.payout is not None and unpaid.payout.id == payout.id

    # measured at the run, not at the period's end: a parcel delivered on 30 March waits into April
    clock.move_to(datetime(2027, 3, 30, 9, 0, tzinfo=UTC))
    late = make_order([(shop["angel"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    clock.move_to(datetime(2027, 4, 2, 9, 0, tzinfo=UTC))
    assert statement(shop["pagiriai"]) is None
    run = run_payouts(*MARCH, by=None)
    assert (run.new_lines, run.held) == (0, Held(1, date(2027, 4, 14)))
    clock.move_to(datetime(2027, 4, 14, 9, 0, tzinfo=UTC))
    run = run_payouts(*MARCH, by=None)
    assert (run.new_statements, run.new_lines, run.held.parcels) == (1, 1, 0)
    pagiriai = statement(shop["pagiriai"])
    assert pagiriai is not None and [line.fulfilment_id for line in pagiriai.lines] == [
        parcel_of(late, shop["pagiriai"]).id
    ]


def test_staff_are_told_which_parcels_wait_for_the_return_window_and_until_when(
    client: FlaskClient, shop: dict[str, Any], staff: str
) -> None:
    delivered_march(shop)  # on 10 March, with the default 14-day window
    html = page(client)
    window = "2 delivered parcels are still in the 14-day return window"
    held = f"{window}: the last can be paid out from 25 Mar 2027."
    assert held in html
    generated = client.post(
        LIST + "generate", data={"csrf_token": staff, **MARCH_ARGS}, follow_redirects=True
    )
    after = generated.get_data(as_text=True)
    assert flashes(after) == ["Nothing new was due: the statements stay as they were."]  # said once:
    (notice,) = re.findall(r'<p class="notice" data-held="2">(.*?)</p>', after)  # in the page's notice
    assert notice == held
    assert statement(shop["krakes"]) is None


def test_no_hold_pays_at_once_and_a_negative_hold_stops_the_shop(
    app: Flask, shop: dict[str, Any], no_hold: None, tmp_path: Any
) -> None:
    make_order([(shop["star"], 1)], status=FulfilmentStatus.DELIVERED, delivery=OMNIVA)
    delivered = datetime(2027, 3, 10, 21, 30, tzinfo=UTC)  # 23:30 in Vilnius
    assert payable_on(delivered, 0) == date(2027, 3, 10)
    assert payable_on(delivered, 14) == date(2027, 3, 25)
    assert payable_on(delivered + timedelta(hours=1), 14) == date(2027, 3, 26)  # 11 March there
    (payout,) = generate_payouts(*MARCH, by=None)
    assert len(payout.lines) == 1
    assert from_environ(str(tmp_path), environ={})["PAYOUT_HOLD_DAYS"] == 14
    assert from_environ(str(tmp_path), environ={"PAYOUT_HOLD_DAYS": "0"})["PAYOUT_HOLD_DAYS"] == 0
    check_payouts({"PAYOUT_HOLD_DAYS": 0})
    with pytest.raises(ConfigError, match="PAYOUT_HOLD_DAYS"):
        check_payouts({"PAYOUT_HOLD_DAYS": -1})


def test_the_next_banking_day_skips_weekends_and_holidays() -> None:
    assert next_business_day(date(2027, 3, 10)) == date(2027, 3, 12)  # 11 March
    assert next_business_day(date(2027, 3, 26)) == date(2027, 3, 30)  # weekend, Easter Monday
    assert next_business_day(date(2026, 4, 2)) == date(2026, 4, 7)  # Good Friday … Easter Monday
    assert next_business_day(date(2027, 12, 23)) == date(2027, 12, 27)
    assert next_business_day(date(2027, 6, 1)) == date(2027, 6, 2)
    now = datetime(2027, 4, 2, 9, 30, 15, tzinfo=UTC)
    assert re.fullmatch(r"KM-2027-03-20270402123015-[0-9a-f]{2}", bank_file_message_id(*MARCH, now))
    custom = bank_file_message_id(date(2027, 3, 1), date(2027, 3, 16), now)
    assert re.fullmatch(r"KM-270301-270315-20270402123015-[0-9a-f]{2}", custom) and len(custom) <= 35
