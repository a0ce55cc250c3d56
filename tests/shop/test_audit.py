"""Every change VVG staff make lands in the audit log with who, when, what, before and after."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from catalogue.models import ProductStatus
from orders import services
from orders.models import PaymentMethod, Refund
from orders.refunds import cancel_fulfilment
from producers.models import DeliveryMethod
from shop.db import db
from shop.models import AuditEntry, OutboxMessage, OutboxStatus, User
from tests.conftest import csrf_token, login_as
from tests.factories import (
    make_category,
    make_community,
    make_operator,
    make_product,
    make_user,
    make_variant,
)


def entries() -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_each_staff_action_is_logged_with_its_before_and_after(client: FlaskClient, app: object) -> None:
    make_operator()
    community = make_community(slug="krakes", name="Krakės")
    category = make_category()
    waiting = make_product(community, category, status=ProductStatus.PENDING_REVIEW)
    returned = make_product(community, category, status=ProductStatus.PENDING_REVIEW)
    variant = make_product(community, category, variants=[make_variant(stock=5)]).variants[0]
    staff = make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    order = services.place_order(
        [services.LineRequest(variant.id, 1)],
        {community.id: services.DeliveryChoice(DeliveryMethod.PICKUP)},
        services.Buyer(name="Rasa", email="rasa@example.com", phone="+37061234567", language="lt"),
        payment_method=PaymentMethod.BANK_TRANSFER,
        idempotency_key="audit",
    )
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
    community = make_community()
    member = make_user(community)
    from catalogue import listings

    product = make_product(community, status=ProductStatus.PENDING_REVIEW)
    listings.archive_listing(community, product.id, by=member)
    assert entries() == []
    assert client.get("/backoffice/audit").status_code == 302  # and the log is for staff only
