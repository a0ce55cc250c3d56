"""What the shop caches and who may keep its pages: the catalogue's shared fragments follow every change at
its commit, and only a storefront page with nothing personal in it may be kept by a proxy."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from producers.models import Community
from shop.caching import PROXY_MAX_AGE
from shop.db import db
from shop.models import CacheVersion
from tests.conftest import login_as
from tests.factories.catalogue import make_product
from tests.factories.producers import make_community
from tests.factories.shop import make_user


def filter_choices(client: FlaskClient) -> list[str]:
    html = client.get("/katalogas").get_data(as_text=True)
    select_html = re.split(r'<select [^>]*id="community"[^>]*>', html)[1].split("</select>")[0]
    return re.findall(r'<option (?:selected )?value="[^"]*">([^<]*)</option>', select_html)[1:]


def token() -> str | None:
    db.session.rollback()
    return db.session.scalar(select(CacheVersion.token).where(CacheVersion.name == "catalogue"))


def test_the_filters_communities_follow_a_change_at_its_commit(
    client: FlaskClient, count_queries: Any
) -> None:
    krakes = make_community(name="Krakės")
    make_product(krakes)
    with count_queries() as drawn:
        assert filter_choices(client) == ["Krakės"]
    with count_queries() as kept:
        assert filter_choices(client) == ["Krakės"]
    assert kept.count == drawn.count - 1  # the second from the cache
    make_product(make_community(name="Pagiriai"))  # a new community with a product
    assert filter_choices(client) == ["Krakės", "Pagiriai"]
    krakes = db.session.get_one(Community, krakes.id)
    krakes.name = "Krakių bendruomenė"
    db.session.commit()
    assert filter_choices(client) == ["Krakių bendruomenė", "Pagiriai"]
    krakes = db.session.get_one(Community, krakes.id)
    krakes.is_active = False
    db.session.commit()
    assert filter_choices(client) == ["Pagiriai"]


def test_a_change_rolled_back_keeps_the_fragments_token(client: FlaskClient) -> None:
    make_product(make_community(name="Krakės"))
    before = token()
    assert before is not None
    community = db.session.scalars(select(Community)).one()
    community.name = "Kitas vardas"
    db.session.flush()  # the token is renewed in the transaction of the change …
    db.session.rollback()  # … and goes with it
    assert token() == before
    assert filter_choices(client) == ["Krakės"]


def test_a_page_with_nothing_personal_may_be_kept_by_a_proxy_and_revalidated(client: FlaskClient) -> None:
    make_product(make_community(name="Krakės", slug="krakes"))
    first = client.get("/bendruomenes")
    assert first.status_code == 200 and "Set-Cookie" not in first.headers
    assert first.cache_control.public and first.cache_control.s_maxage == PROXY_MAX_AGE
    assert first.cache_control.max_age == 0  # a browser asks again, and gets a 304 while it is the same
    assert "Cookie" in first.headers["Vary"]
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/bendruomenes", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/bendruomenes", headers={"If-Modified-Since": modified}).status_code == 304
    community = db.session.scalars(select(Community)).one()
    community.name = "Krakių bendruomenė"
    db.session.commit()
    changed = client.get("/bendruomenes", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Krakių bendruomenė" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag
    earlier = first.last_modified - timedelta(seconds=1)  # type: ignore[operator]
    assert client.get("/bendruomenes", headers={"If-Modified-Since": earlier}).status_code == 200


CARD_PAGES = (
    "/produktai/atvirukas",
    "/katalogas",
    "/katalogas?category={category}",
    "/bendruomenes/krakes",
    "/katalogas?q=atvirukas",
)


def test_pages_with_add_to_cart_forms_may_be_kept_by_a_proxy_until_the_visitor_has_a_cart(
    client: FlaskClient,
) -> None:
    """The "add to cart" form, a card's or the product page's, carries no form token (its endpoint checks
    the Origin instead), so the page is the same for every visitor without a session, until one adds to
    their cart."""
    product = make_product(
        make_community(name="Krakės", slug="krakes"), slug="atvirukas", name_lt="Atvirukas"
    )
    pages = [path.format(category=product.category.slug) for path in CARD_PAGES]
    for path in pages:
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert f'name="variant_id" value="{product.variants[0].id}"' in html, path  # the form
        assert "csrf_token" not in html, path
        assert "Set-Cookie" not in response.headers, path
        assert response.cache_control.public and response.cache_control.s_maxage == PROXY_MAX_AGE, path
        assert response.headers["ETag"] and response.headers["Last-Modified"], path
        assert "Cookie" in response.headers["Vary"], path  # a cart, a language or a person come with it
    added = client.post("/krepselis/prideti", data={"variant_id": product.variants[0].id, "quantity": 1})
    assert added.status_code == 302 and "session=" in added.headers["Set-Cookie"]
    for path in pages:
        response = client.get(path)
        assert response.headers["Cache-Control"] == "private, no-cache", path
        assert "ETag" not in response.headers, path


def test_a_page_for_a_visitor_with_a_language_or_signed_in_is_private(client: FlaskClient) -> None:
    make_product(make_community(name="Krakės", slug="krakes"))
    make_user(email="vida@vvg.example.org", is_staff=True)
    english = client.get("/bendruomenes?lang=en")  # the language is remembered in the session
    assert english.headers["Cache-Control"] == "private, no-cache"
    assert "Communities" in english.get_data(as_text=True)
    assert client.get("/bendruomenes").headers["Cache-Control"] == "private, no-cache"  # its cookie came
    client.delete_cookie("session")
    assert client.get("/bendruomenes").cache_control.public  # a visitor without one: the address's page
    login_as(client, "vida@vvg.example.org")
    assert client.get("/bendruomenes").headers["Cache-Control"] == "private, no-cache"
