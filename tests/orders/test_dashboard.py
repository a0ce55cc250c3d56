"""The back office's home: what is late (with its age), chasing a late parcel, the limits, the charts."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from catalogue.models import ProductStatus
from orders import attention, fulfilments
from orders.errors import DaysNotValid, OperatorMissing
from orders.models import Fulfilment, FulfilmentEvent, FulfilmentStatus, Order, OrderStatus
from shop.db import db, utcnow
from shop.i18n import vilnius_today
from shop.models import AuditEntry, Operator, OutboxMessage, User
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.orders import make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user

PAID = OrderStatus.PAID


@pytest.fixture
def late(client: FlaskClient, app: object) -> dict[str, Any]:
    """Orders in every kind of lateness (and some just in time), and staff signed in."""
    make_operator()
    krakes = make_community(slug="krakes", name="Krakės", email="krakes@bendruomene.example")
    category = make_category()
    star = make_product(krakes, category, variants=[make_variant(price_cents=450, stock=50)]).variants[0]
    now = utcnow()

    def accept(placed: Order, ago: timedelta) -> None:
        fulfilments.accept_fulfilment(placed.fulfilments[0].id, by=None)
        db.session.execute(
            update(FulfilmentEvent)
            .where(
                FulfilmentEvent.fulfilment_id == placed.fulfilments[0].id,
                FulfilmentEvent.to_status == FulfilmentStatus.ACCEPTED,
            )
            .values(created_at=now - ago)
        )
        db.session.commit()

    orders = {
        "unpaid_late": make_order([(star, 1)], placed_at=now - timedelta(days=4)),
        "unpaid_fresh": make_order(
            [(star, 1)], placed_at=now - timedelta(days=2), buyer=make_buyer(email="jonas@example.com")
        ),
        "unaccepted_late": make_order([(star, 1)], status=PAID, paid_at=now - timedelta(days=3, hours=1)),
        "unaccepted_fresh": make_order([(star, 1)], status=PAID, paid_at=now - timedelta(days=1)),
        "unshipped_late": make_order([(star, 1)], status=PAID, paid_at=now - timedelta(days=9)),
        "unshipped_fresh": make_order([(star, 1)], status=PAID, paid_at=now - timedelta(days=9)),
    }
    accept(orders["unshipped_late"], timedelta(days=6))
    accept(orders["unshipped_fresh"], timedelta(days=4))
    make_product(krakes, category, status=ProductStatus.PENDING_REVIEW)
    make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    return {"krakes": krakes, **orders}


def section(page: str, key: str) -> str:
    match = re.search(rf'data-list="{key}">(.*?)</section>', page, re.S)
    assert match, key
    return match.group(1)


def test_the_attention_lists_show_what_is_late_with_its_age_and_a_link(client: FlaskClient, late) -> None:
    page = client.get("/backoffice/?lang=en").get_data(as_text=True)
    for key, late_one, in_time in (
        ("unpaid", late["unpaid_late"], late["unpaid_fresh"]),
        ("unaccepted", late["unaccepted_late"], late["unaccepted_fresh"]),
        ("unshipped", late["unshipped_late"], late["unshipped_fresh"]),
    ):
        listed = section(page, key)
        assert late_one.number in listed and in_time.number not in listed, key
        assert f'href="/backoffice/orders/{late_one.id}"' in listed
    assert "Placed 4 days ago" in section(page, "unpaid")
    assert "Paid 3 days ago" in section(page, "unaccepted")
    assert "Accepted 6 days ago" in section(page, "unshipped")
    assert "Bank transfers unpaid for more than 3 days" in page
    assert 'data-count="listings"><a href="/backoffice/moderation">1</a>' in page
    assert 'data-count="alerts"><a href="/backoffice/payments">0</a>' in page


def test_each_list_shows_its_oldest_and_counts_them_all(
    client: FlaskClient, late, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attention, "LIST_LIMIT", 1)  # a list of one, so that two are more than it shows
    star = late["unpaid_late"].lines[0].variant
    now = utcnow()
    older = {
        "unpaid": make_order(
            [(star, 1)], placed_at=now - timedelta(days=5), buyer=make_buyer(email="ona@example.com")
        ),
        "unaccepted": make_order([(star, 1)], status=PAID, paid_at=now - timedelta(days=4)),
        "unshipped": make_order(
            [(star, 1)], status=FulfilmentStatus.ACCEPTED, paid_at=now - timedelta(days=9)
        ),
    }
    db.session.execute(
        update(FulfilmentEvent)
        .where(
            FulfilmentEvent.fulfilment_id == older["unshipped"].fulfilments[0].id,
            FulfilmentEvent.to_status == FulfilmentStatus.ACCEPTED,
        )
        .values(created_at=now - timedelta(days=7))
    )
    db.session.commit()

    page = client.get("/backoffice/?lang=en").get_data(as_text=True)
    for key, oldest in older.items():
        listed = section(page, key)
        assert '<span class="count">(2)</span>' in listed, key  # the one in the fixture and this one
        assert oldest.number in listed and late[f"{key}_late"].number not in listed, key
        assert "Showing the oldest 1." in listed, key
    assert '<span class="count">(0)</span>' in section(page, "claimed")


def test_staff_change_the_limits_and_the_change_is_logged(client: FlaskClient, late) -> None:
    token = csrf_token(client, "/backoffice/")
    response = client.post(
        "/backoffice/attention-days",
        data={
            "csrf_token": token,
            "unpaid_transfer_days": "5",
            "unaccepted_days": "1",
            "unshipped_days": "7",
        },
    )
    assert response.status_code == 302
    db.session.rollback()
    operator = db.session.scalars(select(Operator)).one()
    assert (operator.unpaid_transfer_days, operator.unaccepted_days, operator.unshipped_days) == (5, 1, 7)
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.before, entry.after) == (
        "operator.attention_days",
        {"unpaid_transfer_days": 3, "unaccepted_days": 2, "unshipped_days": 5},
        {"unpaid_transfer_days": 5, "unaccepted_days": 1, "unshipped_days": 7},
    )
    page = client.get("/backoffice/?lang=en").get_data(as_text=True)
    assert late["unpaid_late"].number not in section(page, "unpaid")  # 4 days is no longer late
    assert late["unaccepted_fresh"].number in section(page, "unaccepted")  # 1 day now is
    assert late["unshipped_late"].number not in section(page, "unshipped")


@pytest.mark.parametrize("days", ["0", "61", "-1", "2.5", "abc", "", "²", "99999999999999999999"])
def test_limits_must_be_whole_days_from_1_to_60(client: FlaskClient, late, days: str) -> None:
    token = csrf_token(client, "/backoffice/")
    response = client.post(
        "/backoffice/attention-days?lang=en",
        data={
            "csrf_token": token,
            "unpaid_transfer_days": days,
            "unaccepted_days": "2",
            "unshipped_days": "5",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter whole days from 1 to 60." in page or "Enter a whole number." in page
    assert f'value="{days}"' in page or days == ""  # shown again as typed
    db.session.rollback()
    assert db.session.scalars(select(Operator.unpaid_transfer_days)).one() == 3
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_chasing_a_late_parcel_mails_its_community_once_per_click(client: FlaskClient, late) -> None:
    parcel = late["unaccepted_late"].fulfilments[0]
    token = csrf_token(client, "/backoffice/?lang=en")  # English from here on (remembered)
    url = f"/backoffice/parcels/{parcel.id}/remind"
    response = client.post(url, data={"csrf_token": token, "seen": ""}, follow_redirects=True)
    assert (
        f"Krakės has been reminded of order {late['unaccepted_late'].number} by e-mail."
        in response.get_data(as_text=True)
    )

    db.session.rollback()
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedup_key.like("parcel-reminder:%"))
    ).all()
    assert [(m.recipient, m.order_id) for m in mails] == [
        ("krakes@bendruomene.example", late["unaccepted_late"].id)
    ]
    assert late["unaccepted_late"].number in mails[0].subject
    assert f"/workspace/orders/{parcel.id}" in mails[0].text_body
    asked = f"Užsakymas {late['unaccepted_late'].number} apmokėtas"  # in Lithuanian: communities work in it
    assert "vis dar laukia, kol jį priimsite" in mails[0].text_body and asked in mails[0].text_body
    assert "vis dar laukia, kol jį priimsite" in mails[0].html_body and asked in mails[0].html_body
    assert "Sveiki, Krakės,\n\nUžsakymas" in mails[0].text_body  # the paragraphs as before, apart
    reminded_at = db.session.get_one(Fulfilment, parcel.id).reminded_at
    assert reminded_at is not None
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "fulfilment.remind")).one()
    assert entry.subject_id == str(parcel.id) and entry.actor_name.startswith("Vida")
    page = client.get("/backoffice/").get_data(as_text=True)
    assert re.search(rf'data-reminded="{parcel.id}">Reminded [^<]*ago<', section(page, "unaccepted"))
    assert "Remind again" in section(page, "unaccepted")

    # The same form sent again (a double click): nothing more is sent, and staff hear when the last was.
    again = client.post(url, data={"csrf_token": token, "seen": ""}, follow_redirects=True)
    assert "A reminder was already sent" in again.get_data(as_text=True)
    # From the refreshed list (which shows the last reminder) another one may be sent.
    client.post(url, data={"csrf_token": token, "seen": reminded_at.isoformat()})
    db.session.rollback()
    assert (
        db.session.scalar(
            select(db.func.count(OutboxMessage.id)).where(OutboxMessage.dedup_key.like("parcel-reminder:%"))
        )
        == 2
    )
    assert (
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == "fulfilment.remind"))
        .all()[1]
        .before["reminded_at"]
        == reminded_at.isoformat()
    )


def test_a_parcel_that_moved_on_is_not_chased(client: FlaskClient, late) -> None:
    parcel = late["unshipped_late"].fulfilments[0]
    fulfilments.ship_fulfilment(parcel.id, carrier="Omniva", tracking_number="CE1LT", by=None)
    token = csrf_token(client, "/backoffice/?lang=en")  # the message is written in the staffer's language
    client.post(f"/backoffice/parcels/{parcel.id}/remind", data={"csrf_token": token, "seen": ""})
    assert "nothing to remind" in client.get("/backoffice/?lang=en").get_data(as_text=True)
    unpaid = late["unpaid_late"].fulfilments[0]
    client.post(f"/backoffice/parcels/{unpaid.id}/remind", data={"csrf_token": token, "seen": ""})
    db.session.rollback()
    assert (
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.dedup_key.like("parcel-reminder:%"))
        ).all()
        == []
    )
    assert client.post("/backoffice/parcels/999999/remind", data={"csrf_token": token}).status_code == 404


def test_the_service_refuses_thresholds_out_of_range_and_without_an_operator(app: object) -> None:
    with pytest.raises(DaysNotValid):
        attention.Thresholds(unaccepted_days=0)
    with pytest.raises(OperatorMissing):
        attention.set_thresholds(attention.Thresholds(), by=None)
    assert attention.get_thresholds() == attention.Thresholds(3, 2, 5)


def test_the_dashboard_draws_its_charts_as_labelled_svg_with_tables(client: FlaskClient, late) -> None:
    month_ago = (vilnius_today() - timedelta(days=31)).isoformat()
    page = client.get(f"/backoffice/?lang=en&from_day={month_ago}").get_data(as_text=True)
    for chart in ("chart-months", "chart-communities", "chart-categories"):
        svg = re.search(rf'<svg class="chart [^"]*" id="{chart}".*?</svg>', page, re.S)
        assert svg, chart
        assert 'role="img"' in svg.group(0) and 'aria-label="Net sales by' in svg.group(0)
        assert "<title>" in svg.group(0) and f'<desc id="{chart}-desc">' in svg.group(0)
    months = re.search(r'id="chart-months".*?</svg>', page, re.S).group(0)  # type: ignore[union-attr]
    assert months.count('class="chart-bar"') == 12
    assert (
        'id="table-months"' in page and 'id="table-communities"' in page and 'id="table-categories"' in page
    )
    # Four paid parcels of 4,50 €: Krakės' net sales, in its bar's tooltip and in the table.
    assert "<title>Krakės: €18.00</title>" in page
    assert '<th scope="row">Krakės</th>\n      <td class="num">€18.00</td>' in page
    # Each chart's description says what is highest, and the month's name with it.
    communities = re.search(r'<desc id="chart-communities-desc">(.*?)</desc>', page, re.S)
    assert communities and communities.group(1).strip().endswith("Highest: Krakės, €18.00.")
    months_text = re.search(r'<desc id="chart-months-desc">(.*?)</desc>', page, re.S)
    assert months_text and "Highest: " in months_text.group(1)
    empty = client.get("/backoffice/?lang=en&from_day=2001-01-01&to_day=2001-01-31").get_data(as_text=True)
    assert "No sales." in empty


def test_the_dashboard_is_for_staff_only(client: FlaskClient, late) -> None:
    member = make_user(late["krakes"], email="krakes@example.org")
    other = client.application.test_client()
    assert other.get("/backoffice/").status_code == 302
    login_as(other, member.email)
    token = csrf_token(other, "/workspace/")
    parcel = late["unaccepted_late"].fulfilments[0]
    for method, url in (
        ("get", "/backoffice/"),
        ("post", "/backoffice/attention-days"),
        ("post", f"/backoffice/parcels/{parcel.id}/remind"),
    ):
        assert getattr(other, method)(url, data={"csrf_token": token}).status_code == 403, url
    db.session.rollback()
    assert db.session.get_one(Fulfilment, parcel.id).reminded_at is None
    assert db.session.get_one(User, member.id).is_staff is False


def test_the_dashboard_counts_the_listings_on_sale_missing_safety_information_and_links_to_them(
    client: FlaskClient,
) -> None:
    community = make_community()
    make_product(community, name_lt="Senas angelas", images=1)  # from before the rules: no product type
    make_product(
        community, name_lt="Be vertimo", ready=True, safety_notes_en=""
    )  # its warning not in English
    make_product(  # a warning of no-break spaces and a tab (from an import, say) is no warning either
        community, name_lt="Tuščias įspėjimas", ready=True, safety_notes_lt="\u00a0\t\u00a0"
    )
    make_product(community, name_lt="Pilnas", ready=True)  # complete: not counted
    make_product(community, name_lt="Laukia", status=ProductStatus.PENDING_REVIEW)  # not on sale
    make_product(make_community(is_active=False), name_lt="Išjungtos")  # its community is switched off
    make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    login_as(client, "vida@vvg.example.org")

    page = client.get("/backoffice/?lang=en").get_data(as_text=True)
    link = re.search(r'data-count="flagged"><a href="([^"]+)">(\d+)</a>', page)
    listed = client.get(link.group(1).split("#")[0] if link else "/").get_data(as_text=True)

    assert "Listings on sale missing safety information" in page
    assert link is not None and link.groups() == ("/backoffice/moderation#flagged", "3")
    flagged = listed[listed.index('id="flagged"') :]
    assert "Senas angelas" in flagged and "Be vertimo" in flagged and "Tuščias įspėjimas" in flagged
    assert "Pilnas" not in flagged and "Išjungtos" not in flagged
