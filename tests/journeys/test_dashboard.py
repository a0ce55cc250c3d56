"""VVG staff in Chromium: the dashboard's charts, a late parcel chased, the sales report's CSV downloaded."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from orders.models import OrderStatus
from shop.db import db, utcnow
from shop.i18n import vilnius_today
from shop.models import OutboxMessage
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.orders import make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user

pytestmark = pytest.mark.browser


def test_staff_read_the_charts_chase_a_late_parcel_and_download_the_sales(
    live_server: str, browser: Any
) -> None:
    make_operator()
    krakes = make_community(slug="krakes", name="Krakių bendruomenė", email="krakes@bendruomene.example")
    pagiriai = make_community(slug="pagiriai", name="Pagirių bendruomenė")
    cards = make_category(name_en="Cards")
    star = make_product(krakes, cards, variants=[make_variant(price_cents=1250, stock=20)]).variants[0]
    card = make_product(pagiriai, cards, variants=[make_variant(price_cents=480, stock=20)]).variants[0]
    now = utcnow()
    numbers = []
    for key, variant, days_ago in (("late", star, 3), ("fresh", card, 0), ("both", star, 1)):
        paid = now - timedelta(days=days_ago, hours=1)
        order = make_order(
            [(variant, 2)], status=OrderStatus.PAID, paid_at=paid, key=f"journey-dashboard-{key}"
        )
        numbers.append(order.number)
    make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)

    office = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True
    )
    page = office.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server + "/prisijungti?lang=en")
    page.get_by_label("E-mail").fill("vida@vvg.example.org")
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/backoffice/")

    # The sales of the last two months (whatever today is): 2 × 12,50 twice and 2 × 4,80.
    first_day = (vilnius_today() - timedelta(days=60)).isoformat()
    page.get_by_label("First day").fill(first_day)
    page.get_by_role("button", name="Show").click()
    expect(page.locator('[data-total="net"]').first).to_have_text("€59.60")

    for name in ("Net sales by month", "Net sales by community", "Net sales by category"):
        chart = page.get_by_role("img", name=name)
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 40, name
    bars = page.locator('#chart-communities rect.chart-bar[data-value]:not([data-value="0"])')
    expect(bars).to_have_count(2)
    for index in range(2):
        expect(bars.nth(index)).to_be_visible()
        box = bars.nth(index).bounding_box()
        assert box is not None and box["width"] > 10
    assert bars.first.locator("title").text_content() == "Krakių bendruomenė: €50.00"
    assert page.locator("#chart-months rect.chart-bar").count() == 12
    expect(page.locator("#chart-months desc")).to_contain_text("Net sales in each month")
    # The figures behind each chart, as a table.
    page.locator("#chart-communities").locator("xpath=..").get_by_text("The figures").click()
    expect(page.locator("#table-communities")).to_contain_text("Pagirių bendruomenė")

    # The late parcel (paid 3 days ago, not accepted): remind its community.
    late = page.locator('[data-list="unaccepted"]')
    expect(late).to_contain_text(numbers[0])
    expect(late).to_contain_text("Paid 3 days ago")
    expect(late).not_to_contain_text(numbers[2])  # paid a day ago: not late yet
    late.get_by_role("button", name=re.compile(f"^Remind the community.*{numbers[0]}, Krakių")).click()
    expect(
        page.get_by_text(f"Krakių bendruomenė has been reminded of order {numbers[0]} by e-mail.")
    ).to_be_visible()
    expect(page.locator('[data-list="unaccepted"] .reminded')).to_contain_text("Reminded")
    db.session.rollback()
    reminder = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedup_key.like("parcel-reminder:%"))
    ).one()
    assert reminder.recipient == "krakes@bendruomene.example" and numbers[0] in reminder.subject

    # The sales report for the same filter, and its CSV with the same total.
    page.get_by_role("link", name="The sales report for these filters").click()
    page.wait_for_url("**/backoffice/reports?**")
    expect(page.locator('[data-total="net"]')).to_have_text("€59.60")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the sales lines (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"kaimo-muge-sales-{first_day}-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][10] == "Net" and len(rows) == 1 + 3 + 1
    assert rows[-1][0] == "Total" and rows[-1][10] == "59,60"
    office.close()

    # On a phone the page itself never scrolls sideways (the months' chart scrolls inside its box).
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="en-GB")
    small = phone.new_page()
    small.goto(live_server + "/prisijungti?lang=en")
    small.get_by_label("E-mail").fill("vida@vvg.example.org")
    small.get_by_label("Password").fill("demo-password")
    small.get_by_role("button", name="Sign in").click()
    small.wait_for_url("**/backoffice/")
    small.goto(live_server + f"/backoffice/?from_day={first_day}")
    expect(small.get_by_role("img", name="Net sales by community")).to_be_visible()
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    phone.close()
