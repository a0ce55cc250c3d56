"""Virtual fairs: a fair's life across its opening and closing moments (in winter and in summer time), the
home page in each phase, invitations, opting in and choosing products, the VVG's curation, listings made
only for a fair, and the refusals (reversed or overlapping days, uninvited or switched-off communities,
another community's products), each leaving everything as it was.

Everything happens on fixed days the tests travel to, never today's date.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from catalogue.fairs import running, showing, taking_part
from catalogue.fairs.errors import (
    CommunitySwitchedOff,
    FairDatesReversed,
    FairEnded,
    FairOnlyElsewhere,
    FairsOverlap,
    NotInvited,
    NotTheCommunitysProduct,
)
from catalogue.fairs.models import Fair, FairInvitation, FairPhase, FairProduct
from catalogue.fairs.running import FairInput
from catalogue.models import Product
from shop.db import db
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_fair, make_product, make_variant
from tests.factories.producers import make_community
from tests.factories.shop import make_user

#: Winter (EET, UTC+2): opens 1 December 10:00 in Vilnius, closes 20 December 18:00.
WINTER_OPENS = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
WINTER_CLOSES = datetime(2026, 12, 20, 16, 0, tzinfo=UTC)
#: Summer (EEST, UTC+3): opens 1 July 10:00 in Vilnius, closes 5 July 18:00.
SUMMER_OPENS = datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
SUMMER_CLOSES = datetime(2026, 7, 5, 15, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.fixture
def clock(app: object) -> Iterator[time_machine.Traveller]:
    with time_machine.travel(WINTER_OPENS - timedelta(days=20), tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(clock: time_machine.Traveller) -> dict[str, Any]:
    """Šlapaberžė (invited, with a straw star and a card) and Krakės (not invited, with an angel)."""
    slapaberze = make_community(slug="slapaberze", name="Šlapaberžė")
    krakes = make_community(slug="krakes", name="Krakės")
    star = make_product(
        slapaberze, name_lt="Šiaudinė žvaigždė", slug="zvaigzde", variants=[make_variant(stock=5)]
    )
    card = make_product(
        slapaberze, name_lt="Atvirukas su eglute", slug="atvirukas", variants=[make_variant(stock=5)]
    )
    angel = make_product(krakes, name_lt="Angelas", slug="angelas", variants=[make_variant(stock=5)])
    make_user(slapaberze, email="slapaberze@example.org")
    make_user(krakes, email="krakes@example.org")
    make_user(email="vvg@example.org", is_staff=True)
    return {"slapaberze": slapaberze, "krakes": krakes, "star": star, "card": card, "angel": angel}


def fair_input(**changes: Any) -> FairInput:
    values: dict[str, Any] = {
        "slug": "kaledu-muge",
        "name_lt": "Kalėdų mugė",
        "name_en": "Christmas fair",
        "story_lt": "Kaimų rankų darbas.",
        "story_en": "Village handwork.",
        "opens_at": WINTER_OPENS,
        "closes_at": WINTER_CLOSES,
        "community_ids": [],
    }
    return FairInput(**{**values, **changes})


def rows() -> tuple[int, int, int]:
    db.session.rollback()
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Fair, FairInvitation, FairProduct)
    )


# --- the fair's life ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(WINTER_OPENS, WINTER_CLOSES), (SUMMER_OPENS, SUMMER_CLOSES)],
    ids=["winter", "summer"],
)
def test_the_fair_page_follows_the_fair_across_its_opening_and_closing_moments(
    client: FlaskClient,
    clock: time_machine.Traveller,
    world: dict[str, Any],
    opens: datetime,
    closes: datetime,
) -> None:
    make_fair(
        opens_at=opens,
        closes_at=closes,
        communities=[world["slapaberze"]],
        products=[world["star"]],
        slug="muge",
    )
    clock.move_to(opens - SECOND)
    page = client.get("/muges/muge").get_data(as_text=True)
    assert "Jau netrukus" in page and "Šlapaberžė" in page  # the date and the participants, no products
    assert "atsidaro" in page and "10:00" in page  # Vilnius time, in winter and in summer alike
    assert "Šiaudinė žvaigždė" not in page

    clock.move_to(opens)
    page = client.get("/muges/muge").get_data(as_text=True)
    assert "Vyksta dabar" in page and "Šiaudinė žvaigždė" in page and "Į krepšelį" in page
    assert "užsidaro" in page and "18:00" in page

    clock.move_to(closes - timedelta(minutes=59))
    assert "Liko 59 min." in client.get("/muges/muge").get_data(as_text=True)  # the countdown to closing
    clock.move_to(closes - SECOND)
    page = client.get("/muges/muge").get_data(as_text=True)
    assert "Liko 1 min." in page and "Šiaudinė žvaigždė" in page  # still on

    clock.move_to(closes)
    page = client.get("/muges/muge").get_data(as_text=True)
    assert "Mugė baigėsi." in page and "Šiaudinė žvaigždė" in page  # what it showed...
    assert "Į krepšelį" not in page and "€" not in page  # ... with no price to buy from it


def test_the_phase_is_computed_from_the_clock_at_the_exact_moments() -> None:
    fair = Fair(opens_at=SUMMER_OPENS, closes_at=SUMMER_CLOSES)
    assert fair.phase(SUMMER_OPENS - SECOND) is FairPhase.COMING
    assert fair.phase(SUMMER_OPENS) is FairPhase.RUNNING
    assert fair.phase(SUMMER_CLOSES - SECOND) is FairPhase.RUNNING
    assert fair.phase(SUMMER_CLOSES) is FairPhase.ENDED


def test_the_home_page_shows_the_coming_fair_then_the_running_one_then_neither(
    client: FlaskClient, clock: time_machine.Traveller, world: dict[str, Any]
) -> None:
    make_fair(
        opens_at=WINTER_OPENS,
        closes_at=WINTER_CLOSES,
        communities=[world["slapaberze"]],
        name_lt="Kalėdų mugė",
    )
    assert "Virtuali mugė · jau netrukus" in client.get("/").get_data(as_text=True)
    assert "Kalėdų mugė" in client.get("/").get_data(as_text=True)

    clock.move_to(WINTER_CLOSES - timedelta(days=2, hours=5))
    home = client.get("/").get_data(as_text=True)
    assert "Virtuali mugė · vyksta dabar" in home and "Liko 2 d. 5 val." in home
    assert f'datetime="{WINTER_CLOSES.isoformat()}"' in home

    clock.move_to(WINTER_CLOSES)
    home = client.get("/").get_data(as_text=True)
    assert "Kalėdų mugė" not in home and "Virtuali mugė" not in home


def test_the_running_fair_lists_featured_products_first_then_in_the_vvgs_order_with_the_catalogues_filters(
    client: FlaskClient, clock: time_machine.Traveller, world: dict[str, Any]
) -> None:
    fair = make_fair(
        opens_at=WINTER_OPENS,
        closes_at=WINTER_CLOSES,
        communities=[world["slapaberze"]],
        products=[world["star"], world["card"]],
        slug="muge",
    )
    vvg = db.session.scalars(select(FairInvitation)).first()
    assert vvg is not None
    clock.move_to(WINTER_OPENS + timedelta(hours=1))
    page = client.get("/muges/muge").get_data(as_text=True)
    assert page.index("Šiaudinė žvaigždė") < page.index("Atvirukas su eglute")
    running.feature_product(fair.id, fair.products[1].id, True, by=None)
    page = client.get("/muges/muge").get_data(as_text=True)
    assert page.index("Atvirukas su eglute") < page.index("Šiaudinė žvaigždė")
    found = client.get("/muges/muge?q=atvirukas").get_data(as_text=True)
    assert "Atvirukas su eglute" in found and "Šiaudinė žvaigždė" not in found
    assert "Angelas" not in client.get("/muges/muge").get_data(as_text=True)  # not at the fair
    assert client.get("/muges/nera-tokios").status_code == 404


# --- staff create and change fairs --------------------------------------------------------------------


def test_staff_create_a_fair_typed_in_vilnius_time_in_winter_and_summer(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    login_as(client, "vvg@example.org")
    token = csrf_token(client, "/backoffice/muges/nauja")
    form = {
        "csrf_token": token,
        "name_lt": "Kalėdų mugė",
        "name_en": "Christmas fair",
        "slug": "kaledu-muge",
        "opens_at": "2026-12-01T10:00",
        "closes_at": "2026-12-20T18:00",
        "communities": [str(world["slapaberze"].id)],
        "theme_category": "",
    }
    response = client.post("/backoffice/muges/nauja", data=form)
    assert response.status_code == 302
    db.session.rollback()  # read what the request committed
    fair = db.session.scalars(select(Fair)).one()
    assert (fair.opens_at, fair.closes_at) == (WINTER_OPENS, WINTER_CLOSES)
    assert [invitation.community_id for invitation in fair.invitations] == [world["slapaberze"].id]
    summer = {**form, "slug": "vasaros-muge", "opens_at": "2026-07-01T10:00", "closes_at": "2026-07-05T18:00"}
    assert client.post("/backoffice/muges/nauja", data=summer).status_code == 302
    db.session.rollback()
    fair = db.session.scalars(select(Fair).where(Fair.slug == "vasaros-muge")).one()
    assert (fair.opens_at, fair.closes_at) == (SUMMER_OPENS, SUMMER_CLOSES)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_at": "2026-12-01T10:00"}, "Mugė turi užsidaryti vėliau, nei atsidaro."),
        ({"closes_at": "2026-11-30T10:00"}, "Mugė turi užsidaryti vėliau, nei atsidaro."),
        ({"opens_at": "2026-12-20T17:59", "closes_at": "2026-12-24T10:00"}, "sutampa su muge „Pirmoji“"),
        ({"opens_at": "2026-11-01T10:00", "closes_at": "2026-12-31T10:00"}, "sutampa su muge „Pirmoji“"),
        ({"opens_at": "rytoj"}, "Įveskite datą ir laiką"),
        ({"communities": ["999999"]}, "Rinkitės iš išvardytų."),
        ({"slug": "Kalėdos!"}, "Naudokite mažąsias raides"),
        ({"name_lt": "x" * 161}, "Naudokite ne daugiau kaip 160"),
    ],
)
def test_a_refused_fair_is_shown_again_as_typed_with_the_reason_and_nothing_is_saved(
    client: FlaskClient, world: dict[str, Any], changes: dict[str, Any], message: str
) -> None:
    make_fair(opens_at=WINTER_OPENS, closes_at=WINTER_CLOSES, name_lt="Pirmoji", slug="pirmoji")
    before = rows()
    login_as(client, "vvg@example.org")
    form = {
        "csrf_token": csrf_token(client, "/backoffice/muges/nauja"),
        "name_lt": "Antroji mugė",
        "name_en": "Second fair",
        "slug": "antroji",
        "opens_at": "2026-12-21T10:00",
        "closes_at": "2026-12-24T10:00",
        **changes,
    }
    response = client.post("/backoffice/muges/nauja", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert "Antroji mugė" in page or changes.get("name_lt")  # what was typed is kept
    assert rows() == before


@pytest.mark.postgres_only
def test_two_staff_saving_overlapping_fairs_at_once_get_one_fair_and_one_refusal(
    app: Flask, is_postgres: bool, world: dict[str, Any]
) -> None:
    if not is_postgres:
        pytest.skip("concurrency is tested on PostgreSQL (SQLite writes one transaction at a time)")
    db.session.remove()
    start = threading.Barrier(2)

    def create(slug: str) -> str:
        with app.app_context():
            start.wait()
            try:
                running.create_fair(fair_input(slug=slug), by=None)
                return "created"
            except FairsOverlap:
                return "refused"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(create, ["pirma", "antra"]))
    assert outcomes == ["created", "refused"]
    assert rows()[0] == 1


def test_the_services_refuse_reversed_and_overlapping_days_whoever_calls_them(world: dict[str, Any]) -> None:
    running.create_fair(fair_input(), by=None)
    before = rows()
    with pytest.raises(FairDatesReversed):
        running.create_fair(fair_input(slug="b", closes_at=WINTER_OPENS), by=None)
    with pytest.raises(FairsOverlap):
        running.create_fair(
            fair_input(
                slug="b", opens_at=WINTER_CLOSES - SECOND, closes_at=WINTER_CLOSES + timedelta(days=1)
            ),
            by=None,
        )
    assert rows() == before
    # back to back is no overlap: one closes at the moment the next opens
    running.create_fair(
        fair_input(slug="b", opens_at=WINTER_CLOSES, closes_at=WINTER_CLOSES + timedelta(days=3)), by=None
    )


# --- communities opt in and choose -------------------------------------------------------------------


def test_an_invited_community_opts_in_and_chooses_its_products_in_its_workspace(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    fair = make_fair(
        opens_at=WINTER_OPENS, closes_at=WINTER_CLOSES, communities=[world["slapaberze"]], opted_in=False
    )
    login_as(client, "slapaberze@example.org")
    page = client.get("/workspace/muges").get_data(as_text=True)
    assert fair.name_lt in page and "Pakviesta, dar nedalyvauja" in page
    url = f"/workspace/muges/{fair.id}"
    token = csrf_token(client, url)
    assert client.post(f"{url}/dalyvauti", data={"csrf_token": token}).status_code == 302
    token = csrf_token(client, url)
    chosen = {
        "csrf_token": token,
        "products": [str(world["star"].id), str(world["card"].id)],
        "fair_only": [str(world["card"].id)],
    }
    assert client.post(f"{url}/gaminiai", data=chosen).status_code == 302
    db.session.rollback()
    shown = {row.product_id: row for row in db.session.scalars(select(FairProduct))}
    assert set(shown) == {world["star"].id, world["card"].id}
    assert shown[world["card"].id].is_fair_only and not shown[world["star"].id].is_fair_only
    card = db.session.get_one(Product, world["card"].id)
    assert (card.on_sale_from, card.on_sale_until) == (WINTER_OPENS, WINTER_CLOSES)
    assert "Dalyvauja, 2 gaminiai" in client.get("/workspace/muges").get_data(as_text=True)


def test_a_community_cannot_put_another_communitys_product_or_join_a_fair_it_was_not_invited_to(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    fair = make_fair(opens_at=WINTER_OPENS, closes_at=WINTER_CLOSES, communities=[world["slapaberze"]])
    before = rows()
    with pytest.raises(NotTheCommunitysProduct):
        taking_part.choose_products(
            world["slapaberze"].id, fair.id, [world["star"].id, world["angel"].id], []
        )
    with pytest.raises(NotInvited):
        taking_part.opt_in(world["krakes"].id, fair.id)
    with pytest.raises(NotInvited):
        taking_part.choose_products(world["krakes"].id, fair.id, [world["angel"].id], [])
    assert rows() == before
    login_as(client, "krakes@example.org")
    assert client.get(f"/workspace/muges/{fair.id}").status_code == 404
    login_as(client, "slapaberze@example.org")
    url = f"/workspace/muges/{fair.id}"
    forged = {"csrf_token": csrf_token(client, url), "products": [str(world["angel"].id)]}
    response = client.post(f"{url}/gaminiai", data=forged)
    assert response.status_code == 400 and "Rinkitės iš išvardytų." in response.get_data(as_text=True)
    assert rows() == before


def test_a_switched_off_community_takes_no_part_and_its_products_leave_the_fair_page(
    client: FlaskClient, clock: time_machine.Traveller, world: dict[str, Any]
) -> None:
    fair = make_fair(
        opens_at=WINTER_OPENS, closes_at=WINTER_CLOSES, communities=[world["slapaberze"]], opted_in=False
    )
    world["slapaberze"].is_active = False
    db.session.commit()
    before = rows()
    with pytest.raises(CommunitySwitchedOff):
        taking_part.opt_in(world["slapaberze"].id, fair.id)
    assert rows() == before and db.session.scalars(select(FairInvitation.opted_in_at)).one() is None


def test_an_ended_fair_keeps_what_it_showed(clock: time_machine.Traveller, world: dict[str, Any]) -> None:
    fair = make_fair(
        opens_at=WINTER_OPENS,
        closes_at=WINTER_CLOSES,
        communities=[world["slapaberze"]],
        products=[world["star"]],
    )
    clock.move_to(WINTER_CLOSES)
    with pytest.raises(FairEnded):
        taking_part.choose_products(world["slapaberze"].id, fair.id, [], [])
    assert [row.product_id for row in db.session.scalars(select(FairProduct))] == [world["star"].id]


# --- listings made only for a fair -------------------------------------------------------------------


def test_a_listing_made_for_the_fair_only_is_on_sale_from_its_opening_until_its_closing_moment(
    client: FlaskClient, clock: time_machine.Traveller, world: dict[str, Any]
) -> None:
    fair = make_fair(opens_at=WINTER_OPENS, closes_at=WINTER_CLOSES, communities=[world["slapaberze"]])
    taking_part.choose_products(world["slapaberze"].id, fair.id, [world["card"].id], [world["card"].id])
    variant_id = world["card"].variants[0].id

    def on_sale() -> tuple[bool, bool, int]:
        listed = "Atvirukas su eglute" in client.get("/katalogas").get_data(as_text=True)
        found = "Atvirukas su eglute" in client.get("/katalogas?q=eglute").get_data(as_text=True)
        return listed, found, client.get("/produktai/atvirukas").status_code

    assert on_sale() == (False, False, 404)
    refused = client.post("/krepselis/prideti", data={"variant_id": variant_id, "quantity": 1})
    assert "Atvirukas su eglute" not in client.get("/krepselis").get_data(as_text=True)
    assert refused.status_code in {302, 400, 404, 409}
    clock.move_to(WINTER_OPENS)
    assert on_sale() == (True, True, 200)
    clock.move_to(WINTER_CLOSES)
    assert on_sale() == (False, False, 404)


def test_a_listing_is_made_only_for_one_fair_at_a_time(world: dict[str, Any]) -> None:
    """Its sale window is its fair's: a second fair's would take the first's days away (or, left, give it
    none at all), so it is refused until the first fair has ended."""
    card = world["card"]
    first = make_fair(opens_at=WINTER_OPENS, closes_at=WINTER_CLOSES, communities=[world["slapaberze"]])
    second = make_fair(
        opens_at=WINTER_CLOSES + timedelta(days=10),
        closes_at=WINTER_CLOSES + timedelta(days=20),
        communities=[world["slapaberze"]],
        slug="antra",
    )
    taking_part.choose_products(world["slapaberze"].id, first.id, [card.id], [card.id])
    with pytest.raises(FairOnlyElsewhere):
        taking_part.choose_products(world["slapaberze"].id, second.id, [card.id], [card.id])
    db.session.rollback()
    kept = db.session.get_one(Product, card.id)
    assert (kept.on_sale_from, kept.on_sale_until) == (WINTER_OPENS, WINTER_CLOSES)
    taking_part.choose_products(world["slapaberze"].id, second.id, [card.id], [])  # shown there too: fine
    assert rows()[2] == 2


def test_moving_the_fairs_days_moves_its_fair_only_listings_sale_window(world: dict[str, Any]) -> None:
    fair = running.create_fair(fair_input(community_ids=[world["slapaberze"].id]), by=None)
    taking_part.opt_in(world["slapaberze"].id, fair.id)
    taking_part.choose_products(world["slapaberze"].id, fair.id, [world["card"].id], [world["card"].id])
    later = WINTER_OPENS + timedelta(days=2)
    running.update_fair(fair.id, fair_input(opens_at=later, community_ids=[world["slapaberze"].id]), by=None)
    assert db.session.get_one(Product, world["card"].id).on_sale_from == later
    # uninvited: its products leave the fair, and the listing has no window any more
    running.update_fair(fair.id, fair_input(opens_at=later, community_ids=[]), by=None)
    card = db.session.get_one(Product, world["card"].id)
    assert (card.on_sale_from, card.on_sale_until) == (None, None)
    assert rows()[2] == 0


# --- the VVG's curation ------------------------------------------------------------------------------


def test_staff_take_a_product_out_with_a_reason_the_community_reads_and_put_it_back(
    client: FlaskClient, clock: time_machine.Traveller, world: dict[str, Any]
) -> None:
    fair = make_fair(
        opens_at=WINTER_OPENS,
        closes_at=WINTER_CLOSES,
        communities=[world["slapaberze"]],
        products=[world["star"], world["card"]],
        slug="muge",
    )
    shown_id = fair.products[0].id
    login_as(client, "vvg@example.org")
    url = f"/backoffice/muges/{fair.id}"
    empty = client.post(
        f"{url}/gaminiai/{shown_id}/isimti",
        data={"csrf_token": csrf_token(client, url), f"r{shown_id}-reason": " "},
    )
    assert empty.status_code == 400 and "Parašykite bendruomenei, kodėl." in empty.get_data(as_text=True)
    data = {"csrf_token": csrf_token(client, url), f"r{shown_id}-reason": "Ne kalėdinis"}
    assert client.post(f"{url}/gaminiai/{shown_id}/isimti", data=data).status_code == 302
    clock.move_to(WINTER_OPENS)
    client.get("/")  # the flashes (the removal, the sign-in that ended with the days) are read here
    page = client.get("/muges/muge").get_data(as_text=True)
    assert "Šiaudinė žvaigždė" not in page and "Atvirukas su eglute" in page
    assert "Šiaudinė žvaigždė" in client.get("/katalogas").get_data(as_text=True)  # still in the catalogue
    login_as(client, "slapaberze@example.org")
    assert "Ne kalėdinis" in client.get(f"/workspace/muges/{fair.id}").get_data(as_text=True)
    login_as(client, "vvg@example.org")
    assert (
        client.post(
            f"{url}/gaminiai/{shown_id}/restore", data={"csrf_token": csrf_token(client, url)}
        ).status_code
        == 302
    )
    assert "Šiaudinė žvaigždė" in client.get("/muges/muge").get_data(as_text=True)
    db.session.rollback()
    other = make_fair(opens_at=WINTER_CLOSES, closes_at=WINTER_CLOSES + timedelta(days=1))
    forged = client.post(
        f"/backoffice/muges/{other.id}/gaminiai/{shown_id}/feature",
        data={"csrf_token": csrf_token(client, url)},
    )
    assert forged.status_code == 404  # another fair's product


def test_staff_move_a_product_earlier_in_the_fairs_order(world: dict[str, Any]) -> None:
    fair = make_fair(
        opens_at=WINTER_OPENS,
        closes_at=WINTER_CLOSES,
        communities=[world["slapaberze"]],
        products=[world["star"], world["card"]],
    )
    running.move_product(fair.id, fair.products[1].id, -1, by=None)
    db.session.expire_all()
    order = db.session.scalars(select(FairProduct.product_id).order_by(FairProduct.position)).all()
    assert order == [world["card"].id, world["star"].id]


def test_participants_are_the_opted_in_switched_on_communities(world: dict[str, Any]) -> None:
    fair = make_fair(opens_at=WINTER_OPENS, closes_at=WINTER_CLOSES, communities=[world["slapaberze"]])
    make_fair(
        opens_at=WINTER_CLOSES,
        closes_at=WINTER_CLOSES + timedelta(days=1),
        communities=[world["krakes"]],
        opted_in=False,
    )
    assert [c.name for c in showing.list_participants(fair)] == ["Šlapaberžė"]


def test_a_refused_fair_keeps_the_communities_ticked(client: FlaskClient, world: dict[str, Any]) -> None:
    login_as(client, "vvg@example.org")
    form = {
        "csrf_token": csrf_token(client, "/backoffice/muges/nauja"),
        "name_lt": "Mugė",
        "name_en": "Fair",
        "slug": "muge",
        "opens_at": "2026-12-02T10:00",
        "closes_at": "2026-12-01T10:00",
        "communities": [str(world["krakes"].id)],
    }
    page = client.post("/backoffice/muges/nauja", data=form).get_data(as_text=True)
    ticked = re.findall(
        r'<input checked id="communities-\d" name="communities" type="checkbox" value="(\d+)">', page
    )
    assert ticked == [str(world["krakes"].id)]


def test_the_running_fair_links_its_theme_category_within_the_fair(
    client: FlaskClient, clock: time_machine.Traveller, world: dict[str, Any]
) -> None:
    category = world["card"].category
    make_fair(
        opens_at=WINTER_OPENS,
        closes_at=WINTER_CLOSES,
        communities=[world["slapaberze"]],
        products=[world["star"], world["card"]],
        slug="muge",
        theme_category_id=category.id,
    )
    clock.move_to(WINTER_OPENS)
    page = client.get("/muges/muge").get_data(as_text=True)
    assert f'href="/muges/muge?category={category.slug}"' in page and "Šios mugės tema:" in page


def test_the_sitemap_lists_every_fairs_page_and_the_marks_register(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    running.create_fair(fair_input(), by=None)
    running.create_fair(
        fair_input(slug="vasaros-muge", opens_at=SUMMER_OPENS + timedelta(days=365),
                   closes_at=SUMMER_CLOSES + timedelta(days=365)),
        by=None,
    )  # fmt: skip
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "/muges/kaledu-muge</loc>" in sitemap and "/muges/vasaros-muge</loc>" in sitemap
    assert "/zenklas</loc>" in sitemap
