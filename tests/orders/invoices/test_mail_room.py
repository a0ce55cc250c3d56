"""The back office's mail room names the files each message carried, with their sizes, and lets staff (and
only staff) download each one again."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from orders.models import OrderStatus
from shop.db import db
from shop.models import OutboxAttachment, OutboxMessage
from tests.conftest import login_as
from tests.factories.orders import make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_user
from tests.helpers import running
from tests.mail_server import free_port, shop_sending_to, smtp_server
from tests.orders.invoices.helpers import make_sellers, pdf_text
from tests.orders.invoices.test_mail import attachments

START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def paid_mail() -> OutboxMessage:
    db.session.rollback()
    return db.session.scalars(
        select(OutboxMessage).join(OutboxAttachment).order_by(OutboxMessage.id).limit(1)
    ).one()


def size_shown(size: int) -> str:
    """As the mail room writes a size in English: 47.1 kB."""
    return f"{size / 1024:.1f} kB".replace(".0 kB", " kB")


def test_staff_see_each_mails_attachments_with_their_sizes_and_download_them(
    app: Flask, test_config: dict[str, Any], client: FlaskClient
) -> None:
    port = free_port()
    with (
        time_machine.travel(START, tick=True),
        smtp_server(port) as inbox,
        running(shop_sending_to(test_config, port)),
    ):
        sellers = make_sellers()
        make_order([(sellers.card, 2), (sellers.star, 1)], status=OrderStatus.PAID)
        [_placed, paid] = inbox.to("rasa@example.com")
    received = attachments(paid)
    message = paid_mail()
    sizes = {a.filename: a.size_bytes for a in message.attachments}
    login_as(client, make_user(is_staff=True).email)
    client.get("/?lang=en")

    listing = client.get("/backoffice/mail").get_data(as_text=True)
    detail = client.get(f"/backoffice/mail/{message.id}").get_data(as_text=True)
    links = re.findall(rf'href="(/backoffice/mail/{message.id}/attachments/\d+)" download>([^<]+)<', detail)
    downloads = {name: client.get(link) for link, name in links}

    assert sizes == {name: len(data) for name, data in received.items()}  # as sent, byte for byte
    for name in ("SLAP-2026-000001.pdf", "KRAK-2026-000001.pdf"):
        assert f'{name} <span class="hint">({size_shown(sizes[name])})</span>' in listing
        assert size_shown(sizes[name]) in detail
    assert sorted(downloads) == ["KRAK-2026-000001.pdf", "SLAP-2026-000001.pdf"]
    slap = downloads["SLAP-2026-000001.pdf"]
    assert slap.status_code == 200 and slap.mimetype == "application/pdf"
    assert slap.headers["Content-Disposition"] == "attachment; filename=SLAP-2026-000001.pdf"
    assert "no-store" in slap.headers["Cache-Control"]
    assert "Rasa Petraitienė" in pdf_text(slap.data) and "SLAP-2026-000001" in pdf_text(slap.data)


def test_a_mail_not_yet_sent_names_its_files_and_says_the_size_comes_once_sent(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "OUTBOX_SEND_AFTER_COMMIT", False)  # queued for `flask outbox send`
    sellers = make_sellers()
    make_order([(sellers.card, 1)], status=OrderStatus.PAID)
    message = paid_mail()
    login_as(client, make_user(is_staff=True).email)
    client.get("/?lang=en")

    listing = client.get("/backoffice/mail").get_data(as_text=True)
    detail = client.get(f"/backoffice/mail/{message.id}").get_data(as_text=True)

    [attachment] = message.attachments
    assert attachment.size_bytes is None
    assert f"<li>{attachment.filename}</li>" in listing
    assert "size known once sent" in detail
    download = client.get(f"/backoffice/mail/{message.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")


def test_an_attachment_is_found_only_under_its_own_message_and_only_by_staff(
    client: FlaskClient, app: Flask
) -> None:
    sellers = make_sellers()
    make_order([(sellers.card, 1)], status=OrderStatus.PAID)
    member, staff = make_user(make_community()), make_user(is_staff=True)
    message = paid_mail()
    [attachment] = message.attachments
    other = db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.id != message.id)).first()
    url = f"/backoffice/mail/{message.id}/attachments/{attachment.id}"
    db.session.rollback()

    anonymous = client.get(url)
    login_as(client, member.email)
    as_member = client.get(url)
    login_as(client, staff.email)
    wrong_message = client.get(f"/backoffice/mail/{other}/attachments/{attachment.id}")
    missing = client.get(f"/backoffice/mail/{message.id}/attachments/{attachment.id + 1000}")
    too_big = client.get(f"/backoffice/mail/{message.id}/attachments/99999999999999999999")

    assert anonymous.status_code == 302 and "/prisijungti" in anonymous.location
    assert as_member.status_code == 403
    assert (wrong_message.status_code, missing.status_code, too_big.status_code) == (404, 404, 404)


def test_an_attachment_whose_source_is_gone_is_a_not_found_not_an_error(
    client: FlaskClient, app: Flask
) -> None:
    sellers = make_sellers()
    make_order([(sellers.card, 1)], status=OrderStatus.PAID)
    message = paid_mail()
    [attachment] = message.attachments
    unknown = OutboxAttachment(message_id=message.id, kind="label", reference="1", filename="x.pdf",
                               content_type="application/pdf")  # fmt: skip
    gone = OutboxAttachment(message_id=message.id, kind="invoice", reference="999999", filename="y.pdf",
                            content_type="application/pdf")  # fmt: skip
    db.session.add_all([unknown, gone])
    db.session.commit()
    login_as(client, make_user(is_staff=True).email)

    for made_by_nobody in (unknown, gone):
        assert client.get(f"/backoffice/mail/{message.id}/attachments/{made_by_nobody.id}").status_code == 404
    assert client.get(f"/backoffice/mail/{message.id}/attachments/{attachment.id}").status_code == 200
