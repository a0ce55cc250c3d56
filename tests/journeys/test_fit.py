"""Every audience's main pages fit a phone: nothing wider than the screen, no text cut by its box, in
Lithuanian and in English (Lithuanian words are long, English ones differ)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, url_for

from orders.models import FulfilmentStatus, OrderStatus
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.legal import make_legal_pages
from tests.factories.orders import COURIER, OMNIVA, make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import parcel_of

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

#: What a visitor would see as broken, found by reading the laid-out page: an element sticking out past the
#: screen's edge (unless it sits in a box that scrolls sideways on purpose, like a wide table); text that
#: its box clips; a form control too narrow for the text it shows (its value, chosen option or placeholder);
#: a form's heading drawn across its card's border.
FIND_MISFITS = """() => {
  const width = document.documentElement.clientWidth, misfits = [];
  const name = (e) => {
    const classes = (e.getAttribute('class') || '').trim().split(/\\s+/).filter(Boolean);
    const text = (e.innerText || e.textContent || '').trim().slice(0, 30);
    return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + classes.map((c) => '.' + c).join('')
      + (text ? ` "${text}"` : '');
  };
  const inSideways = (e) => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const pen = document.createElement('canvas').getContext('2d');
  for (const e of document.querySelectorAll('body *')) {
    const style = getComputedStyle(e), box = e.getBoundingClientRect();
    if (style.visibility === 'hidden' || box.width <= 1 || box.height <= 1) continue;  // for screen readers
    if (e.closest('.visually-hidden, .skip-link')) continue;
    if ((box.right > width + 1 || box.left < -1) && !inSideways(e)) misfits.push('past the edge: ' + name(e));
    if (['hidden', 'clip'].includes(style.overflowX) && e.scrollWidth > e.clientWidth + 1
        && (e.innerText || '').trim()) misfits.push('text cut: ' + name(e));
    let shown = '';
    if (e.tagName === 'SELECT' && e.selectedIndex >= 0) shown = e.options[e.selectedIndex].text;
    if (e.tagName === 'INPUT' && !e.value) shown = e.placeholder;  // a long typed value scrolls, as it should
    if (shown) {
      pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
        - (e.tagName === 'SELECT' ? 24 : 0);
      if (pen.measureText(shown).width > room + 1) misfits.push(`cut off in ${name(e)}: "${shown}"`);
    }
  }
  for (const legend of document.querySelectorAll('fieldset > legend')) {  // drawn in the border
    const style = getComputedStyle(legend), card = getComputedStyle(legend.parentElement);
    const lines = legend.getBoundingClientRect().height / (parseFloat(style.lineHeight) || 20);
    if (style.float === 'none' && parseFloat(card.borderTopWidth) > 0 && lines > 1.5) {
      misfits.push('a heading of two lines across the border: ' + name(legend));
    }
  }
  return {sideways: document.documentElement.scrollWidth - width, misfits: [...new Set(misfits)]};
}"""


@pytest.fixture
def fair(app: Flask) -> dict[str, Any]:
    """Two communities with long Lithuanian names, cards and ornaments, parcels in several states; the
    legal pages as a new shop has them."""
    make_operator()
    make_legal_pages()
    slapaberze = make_community(slug="slapaberze", name="Šlapaberžės bendruomenės centras")
    surviliskis = make_community(slug="surviliskis", name="Surviliškio kaimo bendruomenė „Sodžius“")
    cards = make_category(slug="atvirukai", name_lt="Kalėdiniai atvirukai", name_en="Christmas cards")
    ornaments = make_category(slug="zaisliukai", name_lt="Kalėdiniai žaisliukai", name_en="Ornaments")
    card = make_product(
        slapaberze,
        cards,
        slug="atvirukas",
        name_lt="Atvirukas „Žiemos vakaras Surviliškyje“ su rankų darbo voku",
        name_en="Card “A winter evening in Surviliškis” with a handmade envelope",
        variants=[make_variant(stock=12)],
    )
    star = make_product(
        surviliskis,
        ornaments,
        slug="zvaigzde",
        name_lt="Šiaudinė šešiolikos spindulių žvaigždė",
        name_en="Sixteen-point straw star",
        variants=[
            make_variant(name_lt="Maža (10 cm)", name_en="Small (10 cm)", stock=5),
            make_variant(
                name_lt="Didelė (18 cm)", name_en="Large (18 cm)", stock=0, is_made_to_order=True, lead_days=5
            ),
        ],
    )
    staff = make_user(email="vvg@example.org", name="Vida Vaitkienė", is_staff=True)
    member = make_user(slapaberze, email="slapaberze@example.org", name="Aldona Petraitienė")
    buyer = make_buyer(
        name="Rasa Petraitienė-Kazlauskienė",
        address_line="Josvainių g. 123-45",
        city="Kėdainiai",
        postal_code="LT-57001",
    )
    paid = make_order(
        [(card.variants[0], 2, "Su šventėmis, mieloji močiute!"), (star.variants[0], 1)],
        status=OrderStatus.PAID,
        deliveries={slapaberze.id: COURIER, surviliskis.id: OMNIVA},
        buyer=buyer,
    )
    shipped = make_order([(card.variants[0], 1)], status=FulfilmentStatus.SHIPPED, delivery=OMNIVA)
    unpaid = make_order([(star.variants[0], 1)])
    return {
        "card": card,
        "star": star,
        "slapaberze": slapaberze,
        "staff": staff,
        "member": member,
        "paid": paid,
        "parcel": parcel_of(paid, slapaberze),
        "shipped": shipped,
        "unpaid": unpaid,
    }


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="lt-LT")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page: Any, live_server: str, email: str) -> None:
    page.goto(live_server + "/prisijungti")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "demo-password")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def misfits_on(page: Any, live_server: str, paths: list[str]) -> dict[str, Any]:
    """Each page in both languages, as laid out on the phone: what does not fit (empty when all fits)."""
    found = {}
    for language in ("lt", "en"):
        for path in paths:
            response = page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={language}")
            assert response is not None and response.status == 200, path
            result = page.evaluate(FIND_MISFITS)
            if result["sideways"] > 0 or result["misfits"]:
                found[f"{path} ({language})"] = result
    return found


def paths(app: Flask, *endpoints: tuple[str, dict[str, Any]]) -> list[str]:
    with app.test_request_context():
        return [url_for(endpoint, **values) for endpoint, values in endpoints]


def test_the_storefront_fits_a_phone(app: Flask, live_server: str, phone: Any, fair: dict[str, Any]) -> None:
    phone.goto(f"{live_server}/produktai/zvaigzde")
    phone.get_by_role("button", name="Į krepšelį").click()
    phone.goto(f"{live_server}/produktai/atvirukas")
    phone.get_by_role("button", name="Į krepšelį").click()
    assert phone.locator(".cart-count").inner_text() == "2"
    pages = paths(
        app,
        ("catalogue_storefront.home", {}),
        ("catalogue_storefront.product_list", {}),
        ("catalogue_storefront.product_list", {"q": "žvaigždė"}),
        ("catalogue_storefront.product_page", {"slug": "zvaigzde"}),
        ("catalogue_storefront.community_list", {}),
        ("catalogue_storefront.community_page", {"slug": "slapaberze"}),
        ("orders_storefront.cart", {}),
        ("orders_storefront.checkout_page", {}),
        ("orders_storefront.track", {"token": fair["paid"].public_token}),
        ("orders_storefront.track", {"token": fair["unpaid"].public_token}),
        ("legal_storefront.page", {"kind": "terms"}),
        ("legal_storefront.page", {"kind": "withdrawal_form"}),
        ("producers_storefront.login", {}),
    )
    assert misfits_on(phone, live_server, pages) == {}


def test_the_workspace_fits_a_phone(app: Flask, live_server: str, phone: Any, fair: dict[str, Any]) -> None:
    sign_in(phone, live_server, "slapaberze@example.org")
    pages = paths(
        app,
        ("orders_workspace.dashboard", {}),
        ("orders_workspace.fulfilment_list", {}),
        ("orders_workspace.detail", {"fulfilment_id": fair["parcel"].id}),
        ("catalogue_workspace.listing_list", {}),
        ("catalogue_workspace.listing_edit", {"product_id": fair["card"].id}),
        ("producers_workspace.settings", {}),
        ("orders_workspace.payouts", {}),
    )
    assert misfits_on(phone, live_server, pages) == {}


def test_the_back_office_fits_a_phone(app: Flask, live_server: str, phone: Any, fair: dict[str, Any]) -> None:
    sign_in(phone, live_server, "vvg@example.org")
    pages = paths(
        app,
        ("orders_backoffice.dashboard", {}),
        ("orders_backoffice.awaiting_transfers", {}),
        ("orders_backoffice.order_search", {}),
        ("orders_backoffice.order_detail", {"order_id": fair["paid"].id}),
        ("catalogue_backoffice.review_queue", {}),
        ("producers_backoffice.community_list", {}),
        ("producers_backoffice.community_page", {"community_id": fair["slapaberze"].id}),
        ("orders_backoffice.payout_list", {}),
        ("orders_backoffice.sales_report", {}),
        ("orders_backoffice.mail_list", {}),
        ("orders_backoffice.audit_log", {}),
        ("legal_backoffice.page_list", {}),
        ("legal_backoffice.edit_page", {"kind": "terms"}),
        ("producers_backoffice.operator_settings", {}),
        ("catalogue_backoffice.category_list", {}),
        ("catalogue_backoffice.product_type_list", {}),
    )
    assert misfits_on(phone, live_server, pages) == {}
