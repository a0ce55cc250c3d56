"""The shop on two app servers behind nginx: a customer's requests land on both and the journey holds, a
photo uploaded through one is served by the other, the last units are sold exactly once whichever server
takes the order, and the sign-in limits count the visitor's own address across both servers.

Everything goes through nginx as a visitor would, except where a test says which server it talks to.
"""

from __future__ import annotations

import io
import os
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import redis
from PIL import Image
from sqlalchemy import select

from catalogue.images import rendition_name
from catalogue.models import ProductImage
from orders.models import Order
from shop.db import db
from tests.conftest import CSRF_FIELD
from tests.factories.catalogue import make_product, make_variant
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import count, stock
from tests.multinode.conftest import REDIS, REDIS_DB, Cluster, Visitor

KEY_FIELD = re.compile(r'name="idempotency_key" type="hidden" value="([0-9a-f]{32})"')
TERMS_FIELD = re.compile(r'name="terms_version" type="hidden" value="([0-9]*)"')
TRACKING = re.compile(r"^/uzsakymai/([A-Za-z0-9_-]+)\?placed=1$")


def add_to_cart(browser: Visitor, slug: str, variant_id: int, base: str) -> None:
    browser.get(f"/produktai/{slug}")  # the page the customer adds it from: its form has no token
    added = browser.post(
        "/krepselis/prideti",
        data={"variant_id": str(variant_id), "quantity": "1"},
        headers={"Referer": f"{base}/produktai/{slug}"},
    )
    assert added.status_code == 302, added.text


def checkout_form(browser: Visitor, community_id: int, number: int = 0) -> dict[str, str]:
    """The checkout page's form, filled in as a customer who picks the parcel up and pays by transfer."""
    page = browser.get("/uzsakymas")
    assert page.status_code == 200, page.text
    csrf, key = CSRF_FIELD.search(page.text), KEY_FIELD.search(page.text)
    assert csrf and key, "the checkout form has no token or key"
    data = {
        "csrf_token": csrf.group(1),
        "idempotency_key": key.group(1),
        "name": f"Pirkėja Nr. {number}",
        "email": f"pirkeja{number}@example.com",
        "phone": "8 612 34567",
        f"delivery_{community_id}": "pickup",
        "payment_method": "bank_transfer",
        "accept_terms": "y",
        "accept_privacy": "y",
    }
    shown = TERMS_FIELD.search(page.text)
    if shown:
        data["terms_version"] = shown.group(1)
    return data


def sign_in(browser: Visitor, email: str, password: str, token: str = "", **headers: str) -> Any:
    token = token or browser.token("/prisijungti")
    return browser.post(
        "/prisijungti", data={"csrf_token": token, "email": email, "password": password}, headers=headers
    )


def fetch(base: str, path: str) -> httpx.Response:
    """One request from a new visitor (no cookies), its connection closed."""
    with Visitor(base_url=base) as visitor:
        return visitor.get(path)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 700), (40, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_customer_journey_through_nginx_lands_on_both_servers_and_holds(cluster: Cluster) -> None:
    make_operator()
    community = make_community(name="Pagirių bendruomenė")
    product = make_product(
        community,
        slug="siaudine-zvaigzde",
        name_lt="Šiaudinė žvaigždė",
        name_en="Straw star",
        variants=[make_variant(price_cents=450, stock=5)],
    )
    variant_id, community_id = product.variants[0].id, community.id
    marker = uuid.uuid4().hex

    with cluster.visitor(marker=marker) as browser:
        assert "Straw star" in browser.get("/katalogas?lang=en").text
        assert "Straw star" in browser.get("/produktai/siaudine-zvaigzde").text
        add_to_cart(browser, "siaudine-zvaigzde", variant_id, cluster.url)
        assert "Straw star" in browser.get("/krepselis").text
        placed = browser.post("/uzsakymas", data=checkout_form(browser, community_id))
        assert placed.status_code == 302, placed.text
        tracking = TRACKING.match(placed.headers["Location"])
        assert tracking, placed.headers["Location"]
        page = browser.get(placed.headers["Location"])
        requests_made = browser.sent

    assert page.status_code == 200
    assert count(Order, Order.public_token == tracking.group(1)) == 1
    assert "Straw star" in page.text
    assert stock(variant_id) == 4
    served = logged(cluster, marker, requests_made)
    assert served["a"] > 0 and served["b"] > 0, served
    assert sum(served.values()) == requests_made, served
    # The session (the cart, the language, the form's token) travels in the signed cookie: the cart that
    # one server wrote was read, shown and ordered by the other.
    added_on = _served_by(cluster, marker, '"POST /krepselis/prideti ')
    read_on = {_served_by(cluster, marker, request) for request in ('"GET /krepselis ', '"POST /uzsakymas ')}
    assert read_on - {added_on}, (added_on, read_on)


def logged(cluster: Cluster, marker: str, expected: int) -> dict[str, int]:
    """How many requests of the visitor(s) `marker` names each app server logged. Gunicorn writes its line
    just after the answer has gone, so a moment is given for the `expected` ones to be written."""
    deadline = time.monotonic() + 5
    while True:
        served = {node.name: len(node.requests_for(marker)) for node in cluster.nodes}
        if sum(served.values()) >= expected or time.monotonic() > deadline:
            return served
        time.sleep(0.05)


def _served_by(cluster: Cluster, marker: str, request: str) -> str:
    """The node whose access log holds the one request of this visitor (`marker`) that `request` names."""
    nodes = [node.name for node in cluster.nodes for line in node.requests_for(marker) if request in line]
    assert len(nodes) == 1, (request, nodes)
    return nodes[0]


def test_a_photo_uploaded_through_one_server_is_served_by_the_other(cluster: Cluster) -> None:
    community = make_community()
    make_user(community, email="nuotraukos@example.org")
    product = make_product(community)
    a, b = cluster.nodes

    with cluster.visitor(base=a.url) as member:  # pinned to server A
        if sign_in(member, "nuotraukos@example.org", "demo-password").status_code != 302:
            pytest.fail("the member could not sign in on server A")
        token = member.token(f"/workspace/listings/{product.id}")
        uploaded = member.post(
            f"/workspace/listings/{product.id}/photos",
            data={"csrf_token": token},
            files={"photos": ("ziema.jpg", jpeg(), "image/jpeg")},
        )
    key = _image_key(product.id)
    if uploaded.status_code != 302 or not key:
        pytest.fail(f"the upload through server A failed: {uploaded.status_code}")
    name = rendition_name(key, 640, "webp")
    on_a = fetch(a.url, f"/media/{name}")
    if on_a.status_code != 200:  # the server that took the upload serves it: the upload itself worked
        pytest.fail(f"server A does not serve its own upload: {on_a.status_code}")

    # Server B never saw the upload: it reads the photo from the bucket both servers share.
    on_b = fetch(b.url, f"/media/{name}")
    assert on_b.status_code == 200, f"server B answers {on_b.status_code} for a photo uploaded through A"
    assert on_b.content == on_a.content
    assert on_b.headers["Content-Type"] == "image/webp"
    assert "immutable" in on_b.headers["Cache-Control"]
    through_nginx = [fetch(cluster.url, f"/media/{name}") for _ in range(3)]
    assert {response.status_code for response in through_nginx} == {200}
    assert through_nginx[-1].headers["X-Cache"] == "HIT"  # kept by nginx once fetched
    assert "max-age=31536000" in through_nginx[-1].headers["Cache-Control"]  # passed through as sent


def test_a_phone_photo_of_several_megabytes_passes_nginx_to_the_app(cluster: Cluster) -> None:
    community = make_community()
    make_user(community, email="didele@example.org")
    product = make_product(community)
    noise = Image.frombytes(
        "RGB", (2000, 1500), os.urandom(2000 * 1500 * 3)
    )  # compresses badly, as photos do
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=95)
    assert buffer.tell() > 2 * 1024 * 1024  # past nginx's default limit of 1 MB on a request's body

    with cluster.visitor() as member:
        assert sign_in(member, "didele@example.org", "demo-password").status_code == 302
        token = member.token(f"/workspace/listings/{product.id}")
        uploaded = member.post(
            f"/workspace/listings/{product.id}/photos",
            data={"csrf_token": token},
            files={"photos": ("telefonas.jpg", buffer.getvalue(), "image/jpeg")},
        )

    assert uploaded.status_code == 302, uploaded.text[:300]  # the app's answer, not nginx's 413
    assert _image_key(product.id) is not None


def _image_key(product_id: int) -> str | None:
    db.session.rollback()  # see what server A committed
    return db.session.scalars(select(ProductImage.key).where(ProductImage.product_id == product_id)).first()


BUYERS = 30


def test_thirty_buyers_over_both_servers_for_the_last_ten_units_buy_exactly_ten(cluster: Cluster) -> None:
    make_operator()
    community = make_community()
    product = make_product(
        community, slug="paskutiniai", name_en="Last candles", variants=[make_variant(stock=10)]
    )
    variant_id, community_id = product.variants[0].id, community.id
    marker = uuid.uuid4().hex
    start = threading.Barrier(BUYERS)

    def buy(number: int) -> str:
        # Each buyer is another visitor: their own browser, from their own address (the shop counts orders
        # per address, and thirty from one would be refused as too many).
        with cluster.visitor(f"127.0.0.{10 + number}", marker=marker) as browser:
            browser.get("/?lang=en")
            add_to_cart(browser, "paskutiniai", variant_id, cluster.url)
            form = checkout_form(browser, community_id, number)
            start.wait(timeout=60)
            placed = browser.post("/uzsakymas", data=form)
        if placed.status_code == 302 and TRACKING.match(placed.headers["Location"]):
            return "bought"
        if placed.status_code == 200 and "“Last candles” has just sold out." in placed.text:
            return "sold out"
        return f"{placed.status_code}: {placed.text[:300]}"

    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        outcomes = list(pool.map(buy, range(BUYERS)))

    assert outcomes.count("bought") == 10, outcomes
    assert outcomes.count("sold out") == 20, outcomes
    assert stock(variant_id) == 0
    assert count(Order) == 10
    placing = {
        node.name: sum(1 for line in node.requests_for(marker) if '"POST /uzsakymas ' in line)
        for node in cluster.nodes
    }
    assert placing["a"] > 0 and placing["b"] > 0, placing
    assert sum(placing.values()) == BUYERS


def test_sign_in_limits_count_the_visitors_own_address_across_both_servers(cluster: Cluster) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    marker = uuid.uuid4().hex

    with cluster.visitor("127.0.0.2", marker=marker) as stranger:
        token = stranger.token("/prisijungti?lang=en")  # one form, sent again and again
        for _attempt in range(10):
            assert sign_in(stranger, "vvg@example.org", "wrong-password", token).status_code == 200
        refused = sign_in(stranger, "vvg@example.org", "demo-password", token)  # even the right one waits
        # A header the visitor forges is not taken for their address: nginx adds the real one after it.
        forged = sign_in(
            stranger, "vvg@example.org", "demo-password", token, **{"X-Forwarded-For": "203.0.113.7"}
        )

    assert refused.status_code == 429
    assert "Too many attempts." in refused.text
    assert forged.status_code == 429
    # The ten failures were taken by both servers, neither of which saw ten: the count is shared (Redis).
    posts = {
        node.name: [line for line in node.requests_for(marker) if '"POST /prisijungti ' in line]
        for node in cluster.nodes
    }
    assert 0 < len(posts["a"]) < 10 and 0 < len(posts["b"]) < 10, posts
    assert all(line.startswith("127.0.0.2 ") for line in posts["a"][:5] + posts["b"][:5])
    # Counted in Redis under the visitor's own address, not nginx's.
    shared = redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB, decode_responses=True)
    per_address = shared.get(
        f"LIMITS:LIMITER/{cluster.redis_prefix}/ip:127.0.0.2/producers_storefront.login/10/1/minute"
    )
    shared.close()
    assert per_address is not None and int(per_address) >= 10

    with cluster.visitor("127.0.0.3") as owner:  # another visitor, through the same nginx, is let in
        assert sign_in(owner, "vvg@example.org", "demo-password").status_code == 302


STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/static/[^"]+)">')


def test_static_files_keep_the_apps_cache_headers_through_nginx_which_keeps_a_copy(cluster: Cluster) -> None:
    with cluster.visitor() as browser:
        link = STYLESHEET.search(browser.get("/").text)
        assert link, "no stylesheet on the home page"
        first, second = browser.get(link.group(1)), browser.get(link.group(1))
    with Visitor(base_url=cluster.nodes[0].url) as direct:
        from_the_app = direct.get(link.group(1))

    assert first.status_code == second.status_code == from_the_app.status_code == 200
    assert "max-age=" in from_the_app.headers["Cache-Control"]
    assert (
        first.headers["Cache-Control"]
        == second.headers["Cache-Control"]
        == from_the_app.headers["Cache-Control"]
    )
    assert second.content == first.content
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")


def test_nginx_keeps_a_page_with_nothing_personal_for_visitors_without_a_cookie_only(
    cluster: Cluster,
) -> None:
    slug = f"josvainiai-{uuid.uuid4().hex[:8]}"  # a page no other test asked for, so not yet kept
    make_community(
        name="Josvainių bendruomenė", slug=slug, story_lt="Lipdome angelus.", story_en="We model angels."
    )
    marker = uuid.uuid4().hex
    path = f"/bendruomenes/{slug}"

    def served(expected: int) -> int:
        return sum(logged(cluster, marker, expected).values())

    first_visitors = []
    for _ in range(3):  # three first-time visitors, none with a cookie
        with cluster.visitor(marker=marker) as visitor:
            first_visitors.append(visitor.get(path))
    assert [response.status_code for response in first_visitors] == [200, 200, 200]
    assert [response.headers["X-Cache"] for response in first_visitors] == ["MISS", "HIT", "HIT"]
    assert all("Lipdome angelus." in response.text for response in first_visitors)
    assert "set-cookie" not in first_visitors[-1].headers
    assert served(1) == 1  # one rendering for all three

    with cluster.visitor(marker=marker) as visitor:  # one who chose English: her cookie comes along
        visitor.get("/?lang=en")
        english = visitor.get(path)
    assert english.headers["X-Cache"] == "BYPASS" and "We model angels." in english.text
    assert served(3) == 3

    # A page with a form token sets a cookie: never kept, even for a visitor who came without one.
    sign_in_pages = [fetch(cluster.url, "/prisijungti") for _ in range(2)]
    assert [page.headers["X-Cache"] for page in sign_in_pages] == ["MISS", "MISS"]
    tokens = {CSRF_FIELD.search(page.text).group(1) for page in sign_in_pages}  # type: ignore[union-attr]
    assert len(tokens) == 2  # each visitor got a token of their own
