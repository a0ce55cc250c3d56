"""A community's made-to-order capacity (`producers.capacity`): a week fills up to its cap and the work moves
to the next week with room; a cancelled booking gives back exactly its share; the workspace sets the cap."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from producers import capacity
from producers.errors import CapacityFull
from producers.models import Community, ProductionWeek
from shop.db import db, transaction
from tests.conftest import csrf_token, login_as
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import fresh

WEDNESDAY = date(2026, 12, 9)
MONDAY = date(2026, 12, 7)  #: this week's
NEXT_MONDAY = date(2026, 12, 14)


def book(community: Community, quantity: int, today: date = WEDNESDAY) -> date:
    with transaction():
        return capacity.book(community.id, quantity, today)


def release(community: Community, week: date, quantity: int) -> None:
    with transaction():
        capacity.release(community.id, week, quantity)


def booked(community: Community) -> dict[date, int]:
    db.session.rollback()
    rows = db.session.execute(
        select(ProductionWeek.week_start, ProductionWeek.booked).where(
            ProductionWeek.community_id == community.id
        )
    )
    return {week: number for week, number in rows if number}


def start(community: Community, quantity: int = 1, today: date = WEDNESDAY) -> date:
    return capacity.production_start(fresh(Community, community.id), quantity, today)


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 12, 7), date(2026, 12, 7)),  # a Monday is its own week's
        (date(2026, 12, 13), date(2026, 12, 7)),  # Sunday still belongs to it
        (date(2027, 1, 1), date(2026, 12, 28)),  # a week across the new year
    ],
)
def test_a_week_runs_from_monday_to_sunday(day: date, monday: date) -> None:
    assert capacity.week_of(day) == monday


def test_a_week_fills_up_to_its_cap_and_then_the_work_moves_to_the_next_week(app: Flask) -> None:
    community = make_community(made_to_order_per_week=3)

    assert book(community, 2) == MONDAY
    assert start(community) == WEDNESDAY  # one place left this week: made from today
    assert book(community, 1) == MONDAY
    assert start(community) == NEXT_MONDAY
    assert book(community, 2) == NEXT_MONDAY
    assert book(community, 2) == NEXT_MONDAY + timedelta(weeks=1)  # the next week has only one place
    assert book(community, 1) == NEXT_MONDAY  # but one item still fits there

    assert booked(community) == {MONDAY: 3, NEXT_MONDAY: 3, NEXT_MONDAY + timedelta(weeks=1): 2}


def test_without_a_cap_everything_is_made_from_today_and_still_counted(app: Flask) -> None:
    community = make_community()

    assert start(community, 500) == WEDNESDAY
    assert book(community, 40) == MONDAY
    assert book(community, 40) == MONDAY
    assert booked(community) == {MONDAY: 80}


def test_a_cap_set_later_counts_what_this_week_already_took(app: Flask) -> None:
    community = make_community()
    book(community, 4)
    with transaction():
        db.session.get_one(Community, community.id).made_to_order_per_week = 5

    assert start(community, 2) == NEXT_MONDAY
    assert book(community, 2) == NEXT_MONDAY


def test_the_weeks_are_counted_for_each_community_apart(app: Flask) -> None:
    busy, calm = make_community(made_to_order_per_week=1), make_community(made_to_order_per_week=1)
    book(busy, 1)

    assert start(busy) == NEXT_MONDAY
    assert start(calm) == WEDNESDAY
    assert book(calm, 1) == MONDAY


def test_a_past_week_never_takes_new_work(app: Flask) -> None:
    community = make_community(made_to_order_per_week=2)
    assert book(community, 2, today=MONDAY - timedelta(days=3)) == MONDAY - timedelta(weeks=1)

    assert book(community, 1) == MONDAY  # the week before had no room, and it is over anyway


def test_release_gives_back_exactly_the_booked_week_once(app: Flask) -> None:
    community = make_community(made_to_order_per_week=3)
    book(community, 3)
    book(community, 2)

    release(community, NEXT_MONDAY, 2)
    assert booked(community) == {MONDAY: 3}
    assert start(community, 3) == NEXT_MONDAY  # the next week has room again; this one is still full

    release(community, MONDAY, 1)
    assert booked(community) == {MONDAY: 2}
    assert start(community) == WEDNESDAY


def test_releasing_more_than_was_booked_stops_at_nothing(app: Flask) -> None:
    community = make_community(made_to_order_per_week=3)
    book(community, 1)

    release(community, MONDAY, 2)  # the cap does not stop a cancel; the count never goes below zero
    release(community, NEXT_MONDAY, 1)  # a week never booked: nothing to give back

    assert booked(community) == {}


def test_more_than_a_weeks_cap_is_never_booked(app: Flask) -> None:
    community = make_community(made_to_order_per_week=5)

    with pytest.raises(CapacityFull) as refused:
        book(community, 6)
    assert (refused.value.quantity, refused.value.per_week) == (6, 5)
    with pytest.raises(CapacityFull):
        start(community, 6)
    assert booked(community) == {}


def test_when_every_week_ahead_is_full_nothing_more_is_taken(app: Flask) -> None:
    community = make_community(made_to_order_per_week=1)
    for number in range(capacity.HORIZON_WEEKS):
        assert book(community, 1) == MONDAY + timedelta(weeks=number)

    with pytest.raises(CapacityFull):
        start(community)
    with pytest.raises(CapacityFull):
        book(community, 1)
    assert sum(booked(community).values()) == capacity.HORIZON_WEEKS


# ------------------------------------------------------------------------------------ the workspace's field


@pytest.fixture
def member(client: FlaskClient, app: object) -> Community:
    make_operator()
    community = make_community(slug="slapaberze", name="Šlapaberžės bendruomenė")
    make_user(community, email="slapaberze@example.org")
    login_as(client, "slapaberze@example.org")
    return community


def settings_form(client: FlaskClient, per_week: str) -> dict[str, Any]:
    return {
        "csrf_token": csrf_token(client, "/workspace/settings"),
        "story_lt": "Mes – Šlapaberžės moterys.",
        "made_to_order_per_week": per_week,
        "delivery_pickup-offered": "y",
        "delivery_pickup-fee": "0",
        "delivery_pickup-pickup_address": "Liepų g. 1, Šlapaberžė",
        "delivery_pickup-dispatch_weekdays": ["0", "1", "2", "3", "4"],
        "delivery_pickup-handling_days": "1",
    }


def test_a_community_sets_its_weekly_cap_and_clears_it(client: FlaskClient, member: Community) -> None:
    response = client.post("/workspace/settings", data=settings_form(client, " 12 "), follow_redirects=True)
    assert "Parduotuvės nustatymai išsaugoti." in response.get_data(as_text=True)
    assert fresh(Community, member.id).made_to_order_per_week == 12
    assert 'name="made_to_order_per_week"' in client.get("/workspace/settings").get_data(as_text=True)
    assert 'value="12"' in client.get("/workspace/settings").get_data(as_text=True)

    client.post("/workspace/settings", data=settings_form(client, ""), follow_redirects=True)
    assert fresh(Community, member.id).made_to_order_per_week is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Nuo 1 iki 10000 arba palikite tuščią."),
        ("10001", "Nuo 1 iki 10000 arba palikite tuščią."),
        ("-3", "Nuo 1 iki 10000 arba palikite tuščią."),
        ("penki", "Įveskite sveikąjį skaičių."),
    ],
)
def test_a_weekly_cap_out_of_range_is_refused_beside_the_field(
    client: FlaskClient, member: Community, typed: str, message: str
) -> None:
    with transaction():
        db.session.get_one(Community, member.id).made_to_order_per_week = 7
    data = settings_form(client, typed)
    data["story_lt"] = "Nauja istorija"

    response = client.post("/workspace/settings", data=data)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<p class="error-text" id="made_to_order_per_week-error">{message}</p>' in html
    assert f'value="{typed}"' in html and "Nauja istorija" in html  # what was typed stays
    saved = fresh(Community, member.id)
    assert (saved.made_to_order_per_week, saved.story_lt) == (
        7,
        "Mūsų bendruomenė kuria rankų darbo atvirukus.",
    )
