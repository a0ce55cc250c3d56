"""Every change VVG staff make lands in the audit log with who, when, what, before and after."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from catalogue.models import ProductStatus
from orders.models import OrderStatus, Refund
from orders.payouts.models import Payout
from orders.refunds import cancel_fulfilment
from producers.models import Community
from shop.db import db
from shop.i18n import vilnius_today
from shop.models import AuditEntry, OutboxMessage, OutboxStatus, User
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.orders import make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user


def entries() -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_each_staff_action_is_logged_with_its_before_and_after(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_operator()
    community = make_community(slug="krakes", name="Krakės")
    category = make_category()
    waiting = make_product(community, category, status=ProductStatus.PENDING_REVIEW)
    returned = make_product(community, category, status=ProductStatus.PENDING_REVIEW)
    variant = make_product(community, category, variants=[make_variant(stock=5)]).variants[0]
    staff = make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    order = make_order([(variant, 1)])
    login_as(client, "vida@vvg.example.org")
    token = csrf_token(client, "/backoffice/")

    client.post(
        f"/backoffice/orders/{order.id}/confirm-transfer",
        data={
            "csrf_token": token,
            f"o{order.id}-amount": f"{order.total_cents // 100},{order.total_cents % 100:02d}",
        },
    )
    client.post(f"/backoffice/moderation/{waiting.id}/approve", data={"csrf_token": token})
    client.post(
        f"/backoffice/moderation/{returned.id}/reject",
        data={"csrf_token": token, f"p{returned.id}-reason": "Per tamsi nuotrauka"},
    )
    client.post(
        "/backoffice/people/invite",
        data={"csrf_token": token, "name": "Ona", "email": "ona@example.org", "community": str(community.id)},
    )
    client.post(
        f"/backoffice/parcels/{order.fulfilments[0].id}/remind", data={"csrf_token": token, "seen": ""}
    )
    client.post(
        "/backoffice/attention-days",
        data={
            "csrf_token": token,
            "unpaid_transfer_days": "4",
            "unaccepted_days": "2",
            "unshipped_days": "5",
        },
    )
    db.session.rollback()
    refund = cancel_fulfilment(
        order.fulfilments[0].id, reason="Sudužo", by=db.session.get_one(User, staff.id)
    )
    assert refund is not None
    client.post(f"/backoffice/refunds/{refund.id}/sent", data={"csrf_token": token})
    db.session.rollback()
    message = db.session.scalars(select(OutboxMessage)).first()
    message.status = OutboxStatus.DEAD
    db.session.commit()
    client.post(f"/backoffice/mail/{message.id}/retry", data={"csrf_token": token})

    db.session.rollback()  # a delivered parcel, paid out through the payouts pages
    db.session.get_one(Community, community.id).iban = "LT737300010012345678"
    db.session.commit()
    make_order(
        [(variant, 1)],
        status=OrderStatus.COMPLETED,
        buyer=make_buyer(name="Jonas", email="jonas@example.com"),
        carrier="",
        tracking_number="",
    )
    monkeypatch.setitem(app.config, "PAYOUT_HOLD_DAYS", 0)
    today = vilnius_today()
    days = {"first_day": today.isoformat(), "last_day": today.isoformat()}
    client.post("/backoffice/payouts/generate", data={"csrf_token": token, **days})
    payout = db.session.scalars(select(Payout)).one()
    client.post(f"/backoffice/payouts/{payout.id}/approve", data={"csrf_token": token})
    next_week = (today + timedelta(days=7)).isoformat()
    bank_file = client.post(
        "/backoffice/payouts/bank-file", data={"csrf_token": token, "execution_date": next_week, **days}
    )
    assert bank_file.mimetype == "application/xml"
    client.post(
        f"/backoffice/payouts/{payout.id}/paid",
        data={"csrf_token": token, f"p{payout.id}-reference": "SEB-7"},
    )

    logged = entries()
    assert [entry.action for entry in logged] == [
        "order.confirm_payment",
        "listing.approve",
        "listing.send_back",
        "member.invite",
        "fulfilment.remind",
        "operator.attention_days",
        "fulfilment.cancel",
        "refund.mark_sent",
        "mail.send_again",
        "payout.generate",
        "payout.approve",
        "payout.bank_file",
        "payout.mark_paid",
    ]
    assert {entry.actor_name for entry in logged} == {"Vida <vida@vvg.example.org>"}
    confirm = logged[0]
    assert (confirm.subject_id, confirm.before, confirm.after["status"]) == (
        order.number,
        {"status": "pending_payment"},
        "paid",
    )
    assert logged[2].after == {"status": "draft", "reason": "Per tamsi nuotrauka"}
    assert db.session.get_one(Refund, refund.id).status.value == "sent"

    page = client.get("/backoffice/audit").get_data(as_text=True)
    assert "Gaminys grąžintas taisyti" in page and "Per tamsi nuotrauka" in page
    from shop.audit import ACTION_LABELS

    assert {entry.action for entry in logged} <= set(ACTION_LABELS)  # every action has words for staff


def test_what_community_members_do_is_not_staff_work_and_not_logged(client: FlaskClient, app: object) -> None:
    """A member cancels a paid parcel: the same call by staff is logged (above), by a member it is not."""
    community = make_community()
    member = make_user(community)
    variant = make_product(community, variants=[make_variant(stock=5)]).variants[0]
    order = make_order([(variant, 1)], status=OrderStatus.PAID)
    refund = cancel_fulfilment(order.fulfilments[0].id, reason="Sudužo", by=member)
    assert refund is not None  # the cancel happened
    assert entries() == []
    assert client.get("/backoffice/audit").status_code == 302  # and the log is for staff only


def test_every_action_the_code_logs_has_words_for_staff() -> None:
    """Read from the source: each `audit.record("<action>", …)` call names an action with a label."""
    import re
    from pathlib import Path

    from shop.audit import ACTION_LABELS

    root = Path(__file__).resolve().parents[2]
    logged = {
        match.group(1)
        for package in ("shop", "orders", "producers", "catalogue")
        for path in (root / package).glob("*.py")
        for match in re.finditer(r'audit\.record\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8"))
    }
    assert len(logged) >= 10
    assert logged <= set(ACTION_LABELS), sorted(logged - set(ACTION_LABELS))


def test_staff_changes_to_communities_and_their_people_are_logged_with_ibans_masked(
    client: FlaskClient, app: object
) -> None:
    make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    client.get("/?lang=en")
    login_as(client, "vida@vvg.example.org")
    form = {
        "name": "Pelėdnagių bendruomenė",
        "legal_name": "Asociacija „Pelėdnagių bendruomenė“",
        "registration_code": "302173840",
        "district": "Kėdainių r. sav.",
        "address_line": "Mokyklos g. 3",
        "postal_code": "LT-58001",
        "city": "Pelėdnagiai",
        "email": "info@pelednagiai.example.org",
        "phone": "+370 612 34567",
        "commission": "10",
        "iban": "LT12 1000 0111 0100 1000",
    }
    token = csrf_token(client, "/backoffice/communities/new")
    created = client.post("/backoffice/communities/new", data={"csrf_token": token, **form})
    community_id = int(created.headers["Location"].rsplit("/", 1)[1])
    base = f"/backoffice/communities/{community_id}"
    client.post(f"{base}/edit", data={"csrf_token": token, **form})  # nothing changed: nothing logged
    client.post(
        f"{base}/edit",
        data={"csrf_token": token, **form, "commission": "12,5", "iban": "LT601010012345678901"},
    )
    client.post(f"{base}/deactivate", data={"csrf_token": token})
    client.post(f"{base}/reactivate", data={"csrf_token": token})
    client.post(f"{base}/members", data={"csrf_token": token, "name": "Ona", "email": "ona@example.org"})
    db.session.rollback()
    ona = db.session.scalars(select(User).where(User.email == "ona@example.org")).one()
    client.post(f"{base}/members/{ona.memberships[0].id}/remove", data={"csrf_token": token})

    logged = entries()
    assert [entry.action for entry in logged] == [
        "community.create",
        "community.update",
        "community.deactivate",
        "community.reactivate",
        "member.invite",
        "member.remove",
    ]
    assert {entry.subject_id for entry in logged[:4]} == {str(community_id)}
    create, update = logged[0], logged[1]
    assert create.after["iban"] == "LT12…1000" and create.after["commission_bp"] == 1000
    assert create.after["slug"] == "pelednagiu-bendruomene" and create.before == {}
    assert (update.before, update.after) == (
        {"commission_bp": 1000, "iban": "LT12…1000"},
        {"commission_bp": 1250, "iban": "LT60…8901"},
    )
    assert (logged[2].before, logged[2].after["is_active"]) == ({"is_active": True}, False)
    assert logged[5].before == {"email": "ona@example.org", "community": "pelednagiu-bendruomene"}
    everything = str([(entry.before, entry.after) for entry in logged])
    assert "LT121000011101001000" not in everything and "LT601010012345678901" not in everything
    from shop.audit import ACTION_LABELS

    assert {entry.action for entry in logged} <= set(ACTION_LABELS)
    page = client.get("/backoffice/audit").get_data(as_text=True)
    for words in ("Community created", "Community changed", "Community switched off", "Member removed"):
        assert words in page
