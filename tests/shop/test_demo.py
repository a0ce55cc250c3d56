"""`flask seed-demo`: a complete demo shop, loaded once, idempotent, with photos drawn at seed time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from catalogue.fairs.models import Fair, FairPhase
from catalogue.models import PriceChange, PriceKind, Product, ProductImage, ProductStatus, Variant
from orders import attention, reports
from orders.fair_reports import build_fair_report
from orders.models import Fulfilment, FulfilmentStatus, Order, Refund, RefundStatus
from orders.payouts.paying import approve_payout
from orders.payouts.sepa import export_bank_file
from orders.payouts.statements import generate_payouts
from orders.placing import locker_snapshot
from producers import lockers
from producers.marks import evidence
from producers.marks.models import ApplicationStatus, MarkApplication
from producers.marks.register import holds_mark_now
from producers.models import Community, DeliveryMethod, Locker, Membership
from shop.db import db, utcnow
from shop.i18n import VILNIUS, vilnius_midnight, vilnius_today
from shop.media import RENDITIONS, MediaStorage
from shop.models import Operator, User
from shop.passwords import verify_password
from tests.factories.producers import make_community
from tests.media_storage import Bucket

SLUGS = {"slapaberze", "surviliskis", "pagiriai", "gudziunai", "josvainiai", "krakes"}


def table_counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Operator, Community, User, Membership, Product, ProductImage)
    }


def test_seed_demo_builds_the_whole_demo_shop_once(app: Flask, client: FlaskClient, s3_media: Bucket) -> None:
    """With the media in an S3 bucket (the next test seeds into the MEDIA_ROOT folder)."""
    media_storage = MediaStorage.from_app()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Demo accounts (password: demo-password):" in first.output
    for email in ["vvg@example.org", *(f"{slug}@example.org" for slug in SLUGS)]:
        assert email in first.output

    operator = db.session.scalars(select(Operator)).one()
    assert operator.name == "Kėdainių rajono vietos veiklos grupė"
    assert operator.address == "Pirmūnų g. 13A, 57214 Kėdainiai"
    assert set(db.session.scalars(select(Community.slug))) == SLUGS
    products = db.session.scalars(select(Product)).all()
    assert len(products) >= 36
    assert all(p.status is ProductStatus.ACTIVE and p.name_lt and p.images and p.variants for p in products)
    assert sum(1 for p in products if p.name_en) >= 36
    assert [p.slug for p in products if p.missing_for_sale()] == []  # product safety: all there (GPSR)

    staff = db.session.scalars(select(User).where(User.email == "vvg@example.org")).one()
    assert staff.is_staff and verify_password(staff.password_hash, "demo-password")
    member = db.session.scalars(select(User).where(User.email == "krakes@example.org")).one()
    assert not member.is_staff and [m.community.slug for m in member.memberships] == ["krakes"]

    image = products[0].images[0]
    assert media_storage.exists(RENDITIONS, f"{image.key}-1280.webp")
    assert media_storage.exists(RENDITIONS, f"{image.key}-320.jpg")
    assert not any(path.is_file() for path in s3_media.media_root.rglob("*"))  # all in the bucket
    response = client.get(f"/media/{image.key}-640.webp")
    assert response.status_code == 200
    response.close()

    demo_orders_are_spread_over_months_and_give_staff_work()
    demo_parcels_were_promised_when_their_orders_were_placed()
    demo_locker_parcels_go_to_a_real_locker()
    demo_sales_show_a_reduction_with_their_price_history(client)
    demo_lockers_are_omnivas_real_list_and_two_marked_samples(first.output)
    demo_fairs_run_now_come_next_and_one_has_ended_with_sales(client)
    demo_mark_has_two_holders_and_an_application_waiting_with_evidence(client, media_storage)

    before = table_counts()
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "nothing was added" in again.output
    assert table_counts() == before

    skipped = runner.invoke(args=["seed-demo", "--if-empty"])
    assert skipped.exit_code == 0 and "already has data" in skipped.output
    assert table_counts() == before

    # Staff can run last month's payouts from the demo, with the default return window, and get a bank file.
    this_month = vilnius_today().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    statements = generate_payouts(last_month, this_month, by=None)
    assert statements and all(payout.amount_cents > 0 for payout in statements)
    for payout in statements:
        approve_payout(payout.id, by=None)
    bank_file = export_bank_file(
        last_month, this_month, operator=operator, execution_date=vilnius_today(), by=None
    )
    assert not bank_file.skipped and bank_file.total_cents == sum(p.amount_cents for p in statements)


def demo_fairs_run_now_come_next_and_one_has_ended_with_sales(client: FlaskClient) -> None:
    now = utcnow()
    fairs = {fair.slug: fair for fair in db.session.scalars(select(Fair))}
    assert {slug: fair.phase(now) for slug, fair in fairs.items()} == {
        "kaledu-muge": FairPhase.RUNNING,
        "triju-karaliu-muge": FairPhase.COMING,
        "rudens-muge": FairPhase.ENDED,
    }
    assert all(fair.banner_key for fair in fairs.values())
    home = client.get("/").get_data(as_text=True)
    assert "Kalėdų mugė" in home and "/muges/kaledu-muge" in home
    running = client.get("/muges/kaledu-muge").get_data(as_text=True)
    assert "Vyksta dabar" in running and running.count('class="product-card"') >= 8
    report = build_fair_report(fairs["rudens-muge"])
    assert report.orders >= 3 and report.units > 0 and report.sales_cents > 0 and report.by_district


def demo_mark_has_two_holders_and_an_application_waiting_with_evidence(
    client: FlaskClient, storage: MediaStorage
) -> None:
    holders = db.session.scalars(
        select(Community.slug).where(holds_mark_now()).order_by(Community.slug)
    ).all()
    assert holders == ["pagiriai", "slapaberze"]
    (waiting,) = db.session.scalars(
        select(MarkApplication).where(MarkApplication.status == ApplicationStatus.SUBMITTED)
    ).all()
    assert waiting.community.slug == "krakes"
    assert sorted(item.content_type for item in waiting.evidence) == ["application/pdf", "image/png"]
    assert all(storage.exists(evidence.AREA, item.stored_name) for item in waiting.evidence)
    register = client.get("/zenklas").get_data(as_text=True)
    assert "Šlapaberžės" in register and "Pagirių" in register


def demo_lockers_are_omnivas_real_list_and_two_marked_samples(output: str) -> None:
    assert "parcel lockers" in output
    assert len(lockers.active_lockers(DeliveryMethod.OMNIVA)) == 348  # Omniva's real list, with its date
    omniva = lockers.get_locker_list(DeliveryMethod.OMNIVA)
    assert omniva is not None and (omniva.listed_on, omniva.is_sample) == (date(2021, 12, 30), False)
    for carrier in (DeliveryMethod.LP_EXPRESS, DeliveryMethod.DPD):
        sample = lockers.get_locker_list(carrier)
        assert sample is not None and sample.is_sample and sample.listed_on == date(2026, 12, 5)
        found = lockers.active_lockers(carrier)
        assert found and all(locker.name.endswith("(pavyzdys)") for locker in found)  # "sample", seen
        assert any(locker.town == "Kėdainiai" for locker in found)


def test_seed_demo_fills_in_what_is_missing_without_touching_what_was_edited(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shop.demo import seeding

    monkeypatch.setitem(
        app.config, "OUTBOX_SEND_AFTER_COMMIT", False
    )  # the data; the test above sends the mails
    make_community(slug="krakes", name="Krakės (edited)")
    seeding.seed_demo(MediaStorage.from_app(), photo_size=app.config["DEMO_PHOTO_SIZE"])
    db.session.expire_all()
    assert (
        db.session.scalars(select(Community.name).where(Community.slug == "krakes")).one()
        == "Krakės (edited)"
    )
    assert set(db.session.scalars(select(Community.slug))) == SLUGS


def demo_orders_are_spread_over_months_and_give_staff_work() -> None:
    """Charts with shape, last month's payouts ready to run, and something in each attention list."""
    now = utcnow()
    today = vilnius_today()
    orders = db.session.scalars(select(Order)).all()
    paid = [o for o in orders if o.paid_at is not None]
    months = {o.paid_at.astimezone(VILNIUS).strftime("%Y-%m") for o in paid if o.paid_at}
    assert len(months) >= 6, months
    assert min(o.created_at for o in orders) < now - timedelta(days=150)
    sales = reports.sales_by_month(reports.SalesFilter(today.replace(day=1), today))
    assert sum(1 for month in sales if month.totals.net_cents) >= 6

    # Every order's story runs forwards in time and ends before now.
    for order in orders:
        assert order.paid_at is None or order.created_at <= order.paid_at <= now, order.number
        for fulfilment in order.fulfilments:
            moments = [order.created_at, *(event.created_at for event in fulfilment.events)]
            assert moments == sorted(moments) and moments[-1] <= now, order.number

    # Delivered in the previous calendar month, more than 14 days ago: last month's payouts can run.
    last_month_start = vilnius_midnight((today.replace(day=1) - timedelta(days=1)).replace(day=1))
    delivered = [
        event.created_at
        for order in orders
        for fulfilment in order.fulfilments
        for event in fulfilment.events
        if event.to_status is FulfilmentStatus.DELIVERED
    ]
    in_last_month = [
        at for at in delivered if last_month_start <= at < vilnius_midnight(today.replace(day=1))
    ]
    assert len(in_last_month) >= 4 and max(in_last_month) < now - timedelta(days=14)

    # The attention lists at the default limits: an old unpaid transfer and a parcel waiting to be accepted.
    lists = attention.list_attention(now)
    assert lists.unpaid_transfers.total >= 1 and lists.unaccepted.total >= 1 and lists.unshipped.total >= 1
    assert lists.owed_refunds == 1
    assert db.session.scalar(select(func.count(Refund.id)).where(Refund.status == RefundStatus.SENT)) == 1


def demo_sales_show_a_reduction_with_their_price_history(client: FlaskClient) -> None:
    """Two demo products are on sale, each priced by its community's member over weeks: one shows the
    regular price as the lowest before the sale, the other a lower price from before a rise."""
    on_sale = {
        variant.sku: variant.offer()
        for variant in db.session.scalars(select(Variant).where(Variant.sale_price_cents.is_not(None)))
    }
    assert {sku: (o.price_cents, o.regular_cents, o.prior_cents) for sku, o in on_sale.items()} == {
        "SLA-ZAI-001-1": (520, 650, 650),
        "PAG-ATV-001-1": (440, 520, 480),
    }
    changes = db.session.scalars(
        select(PriceChange).where(PriceChange.sku == "PAG-ATV-001-1").order_by(PriceChange.recorded_at)
    ).all()
    assert [(c.kind, c.price_cents, c.changed_by.email) for c in changes] == [
        (PriceKind.REGULAR, 480, "pagiriai@example.org"),
        (PriceKind.REGULAR, 520, "pagiriai@example.org"),
        (PriceKind.SALE, 440, "pagiriai@example.org"),
    ]
    assert all(change.changed_by is not None for change in db.session.scalars(select(PriceChange)))
    home = client.get("/").get_data(as_text=True)
    assert "Mažiausia kaina per 30 d. iki nuolaidos: 6,50\xa0€" in home


def demo_locker_parcels_go_to_a_real_locker() -> None:
    """With the carriers' lists loaded, a demo parcel to a locker names one of them, as a checkout would."""
    parcels = db.session.scalars(select(Fulfilment).where(Fulfilment.locker_code != "")).all()
    assert {parcel.delivery_method for parcel in parcels} == {m for m in DeliveryMethod if m.is_locker}
    for parcel in parcels:
        locker = db.session.get(Locker, parcel.locker_id)
        assert locker is not None and locker.carrier is parcel.delivery_method
        assert (parcel.locker, parcel.locker_code) == (locker_snapshot(locker), locker.carrier_locker_id)
    unlisted = select(func.count()).where(
        Fulfilment.delivery_method.in_([m for m in DeliveryMethod if m.is_locker]),
        Fulfilment.locker_id.is_(None),
        Fulfilment.locker != "",
    )
    assert db.session.scalar(unlisted) == 0  # none typed by hand


def demo_parcels_were_promised_when_their_orders_were_placed() -> None:
    """A demo order placed months ago was promised then, not on the day the demo was seeded."""
    parcels = db.session.scalars(select(Fulfilment)).all()
    assert parcels and all(parcel.ship_by is not None for parcel in parcels)
    for parcel in parcels:
        placed = parcel.created_at.astimezone(VILNIUS).date()
        assert placed <= parcel.ship_by <= placed + timedelta(days=21), parcel.id
