"""A community invited to a fair hears of it by mail, once, in Lithuanian, with the way to take part."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from flask import Flask

from catalogue.fairs import running
from catalogue.fairs.running import FairInput
from shop.outbox import send_due
from tests.factories.producers import make_community
from tests.helpers import running as running_shop
from tests.mail_server import Inbox, free_port, shop_sending_to, smtp_server

#: Opens 1 December 10:00 in Vilnius (UTC+2), closes 20 December 18:00.
OPENS = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
CLOSES = datetime(2026, 12, 20, 16, 0, tzinfo=UTC)


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def mail_app(app: Flask, test_config: dict[str, Any], smtp_port: int) -> Iterator[Flask]:
    shop = shop_sending_to(test_config, smtp_port)
    with running_shop(shop), time_machine.travel(datetime(2026, 11, 10, 9, 0, tzinfo=UTC), tick=False):
        yield shop


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    with smtp_server(smtp_port) as inbox:
        yield inbox


def fair_input(community_ids: list[int], **changes: Any) -> FairInput:
    values: dict[str, Any] = {
        "slug": "kaledu-muge",
        "name_lt": "Kalėdų mugė",
        "name_en": "Christmas fair",
        "story_lt": "Kaimų rankų darbas.",
        "story_en": "Village handwork.",
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "community_ids": community_ids,
        "order_by": date(2026, 12, 17),
    }
    return FairInput(**{**values, **changes})


def test_each_invited_community_is_mailed_once_with_the_fairs_days_and_its_workspace_link(
    mail_app: Flask, inbox: Inbox
) -> None:
    slapaberze = make_community(slug="slapaberze", name="Šlapaberžė", email="slapaberze-info@example.org")
    krakes = make_community(slug="krakes", name="Krakės", email="krakes-info@example.org")
    switched_off = make_community(
        slug="pagiriai", name="Pagiriai", email="pagiriai-info@example.org", is_active=False
    )

    fair = running.create_fair(fair_input([slapaberze.id, switched_off.id]), by=None)

    [mail] = inbox.to("slapaberze-info@example.org")
    assert mail["Subject"] == "Jūsų bendruomenė pakviesta į mugę „Kalėdų mugė“"
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Šlapaberžė" in text
    assert "2026-12-01 10:00" in text and "2026-12-20 18:00" in text  # Vilnius time
    assert "gruodžio 17" in text
    assert f"/workspace/muges/{fair.id}" in text
    assert inbox.to("pagiriai-info@example.org") == []  # switched off: it cannot take part
    assert inbox.to("krakes-info@example.org") == []  # not invited

    # Saving the fair again, and inviting Krakės, mails Krakės only
    running.update_fair(fair.id, fair_input([slapaberze.id, krakes.id]), by=None)
    assert len(inbox.to("krakes-info@example.org")) == 1
    assert len(inbox.to("slapaberze-info@example.org")) == 1

    # Uninvited and invited again: not mailed a second time about the same fair
    running.update_fair(fair.id, fair_input([krakes.id]), by=None)
    running.update_fair(fair.id, fair_input([slapaberze.id, krakes.id]), by=None)
    send_due()
    assert len(inbox.to("slapaberze-info@example.org")) == 1
