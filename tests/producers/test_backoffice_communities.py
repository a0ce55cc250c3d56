"""VVG staff create, edit and switch off communities, and manage who works for them."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from catalogue import listings
from catalogue.models import ProductStatus
from orders import errors
from orders.fulfilments import Carrier, accept, deliver, ship
from orders.models import FulfilmentStatus, Order, OrderStatus
from orders.payouts.statements import generate_payouts
from producers import communities
from producers.errors import CommunityNotFound, SlugTaken
from producers.forms import legal_entity_code_ok
from producers.models import Community, DeliveryMethod, Membership
from shop.db import db
from shop.models import AuditEntry, OutboxMessage, User
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_category, make_product, make_variant
from tests.factories.orders import make_buyer, make_order
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import fresh

VALID = {
    "name": "Pelėdnagių bendruomenė",
    "slug": "",
    "legal_name": "Asociacija „Pelėdnagių bendruomenė“",
    "registration_code": "302173840",
    "district": "Kėdainių r. sav.",
    "address_line": "Mokyklos g. 3",
    "postal_code": "58001",
    "city": "Pelėdnagiai",
    "email": "Info@PeledNagiai.example.org",
    "phone": "8 612 34567",
    "commission": "12,5",
    "iban": "lt12 1000 0111 0100 1000",
    "stripe_account_id": "",
}


def page_text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def staff(client: FlaskClient, app: Flask) -> User:
    user = make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    client.get("/?lang=en")  # the assertions below read the English words
    login_as(client, "vida@vvg.example.org")
    return user


def post_form(client: FlaskClient, url: str, **fields: str) -> Any:
    return client.post(url, data={"csrf_token": csrf_token(client, url), **fields})


def community_input(**overrides: Any) -> communities.CommunityInput:
    values: dict[str, Any] = {
        "name": "Pelėdnagių bendruomenė",
        "slug": "",
        "legal_name": "Asociacija „Pelėdnagių bendruomenė“",
        "registration_code": "302173840",
        "district": "Kėdainių r. sav.",
        "address_line": "Mokyklos g. 3",
        "postal_code": "LT-58001",
        "city": "Pelėdnagiai",
        "email": "info@pelednagiai.example.org",
        "phone": "+370 612 34567",
        "is_vat_payer": False,
        "commission_bp": 1000,
        "iban": "",
        "stripe_account_id": "",
        "is_trusted": False,
    }
    return communities.CommunityInput(**{**values, **overrides})


def audit_entries(action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    )


# --- Creating and editing -----------------------------------------------------------------------------


def test_staff_create_a_community_with_every_field_checked_and_tidied(
    client: FlaskClient, staff: User
) -> None:
    response = post_form(
        client,
        "/backoffice/communities/new",
        **VALID,
        is_vat_payer="y",
        vat_code="LT100001234567",
        is_trusted="y",
    )

    assert response.status_code == 302
    community = db.session.scalars(select(Community).where(Community.name == VALID["name"])).one()
    assert response.headers["Location"] == f"/backoffice/communities/{community.id}"
    assert community.slug == "pelednagiu-bendruomene"
    assert (community.postal_code, community.email, community.phone) == (
        "LT-58001",
        "info@pelednagiai.example.org",
        "+370 612 34567",
    )
    assert (community.commission_bp, community.iban, community.stripe_account_id) == (
        1250,
        "LT121000011101001000",
        None,
    )
    assert community.is_active and community.is_trusted and community.is_vat_payer
    # A new community can deliver at once: pickup at its address, free, until its members choose.
    assert [(o.method, o.fee_cents, o.is_active) for o in community.shipping_options] == [
        (DeliveryMethod.PICKUP, 0, True)
    ]
    page = page_text(client.get(response.headers["Location"]))
    assert "Pelėdnagių bendruomenė is created" in page
    assert "LT12 1000 0111 0100 1000" in page and "12.5%" in page


def test_a_slug_is_made_from_the_name_with_lithuanian_letters_plain_and_kept_unique(app: Flask) -> None:
    first = communities.create_community(community_input(name="Šlapaberžės ąžuolų ūkis"), by=None)
    second = communities.create_community(community_input(name="Šlapaberžės ąžuolų ūkis!"), by=None)
    third = communities.create_community(community_input(name="„“"), by=None)

    assert (first.slug, second.slug, third.slug) == (
        "slapaberzes-azuolu-ukis",
        "slapaberzes-azuolu-ukis-2",
        "bendruomene",
    )
    with pytest.raises(SlugTaken) as taken:
        communities.create_community(community_input(slug="slapaberzes-azuolu-ukis"), by=None)
    assert taken.value.taken_by == "Šlapaberžės ąžuolų ūkis"


def test_a_slug_already_used_by_another_community_is_refused_on_the_form(
    client: FlaskClient, staff: User
) -> None:
    krakes = make_community(slug="krakes", name="Krakės")
    other = make_community(slug="pagiriai")

    response = post_form(client, f"/backoffice/communities/{other.id}/edit", **{**VALID, "slug": "krakes"})

    assert response.status_code == 400
    assert "Krakės already has this address: choose another." in page_text(response)
    assert fresh(Community, other.id).slug == "pagiriai" and fresh(Community, krakes.id).slug == "krakes"


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("name", "", "Enter the community's name."),
        ("name", "x" * 161, "Use at most 160 characters."),
        ("slug", "Ne tinka!", "Use small letters a–z, digits and dashes, e.g. slapaberze."),
        ("slug", "-krakes", "Use small letters a–z, digits and dashes, e.g. slapaberze."),
        ("legal_name", "  ", "Enter the name as in the Register of Legal Entities."),
        ("registration_code", "", "Enter the 9-digit code."),
        ("registration_code", "12345", "A legal entity's code has 9 digits, e.g. 302173840."),
        ("registration_code", "30217384O", "A legal entity's code has 9 digits, e.g. 302173840."),
        (
            "registration_code",
            "302173841",
            "This code's last digit does not match the others: a digit is mistyped.",
        ),
        ("postal_code", "5800", "Enter a postal code like LT-12345 or 12345."),
        ("postal_code", "LV-1001", "Enter a postal code like LT-12345 or 12345."),
        ("city", "", "Enter the village or town."),
        ("address_line", "", "Enter the street and house."),
        ("district", "", "Enter the municipality."),
        ("email", "info at example", "Enter an e-mail address like vardas@example.lt."),
        ("email", "", "Enter the community's e-mail address."),
        ("phone", "12", "Enter a phone number like +370 612 34567 or 8 612 34567."),
        ("commission", "", "Enter the commission, e.g. 10."),
        ("commission", "abc", "Enter a percentage, e.g. 10 or 12,5."),
        ("commission", "-1", "Enter a percentage, e.g. 10 or 12,5."),
        ("commission", "10 €", "Enter a percentage, e.g. 10 or 12,5."),
        ("commission", "²", "Enter a percentage, e.g. 10 or 12,5."),
        ("commission", "12,555", "Use at most two decimals, e.g. 12,25."),
        ("commission", "100,01", "Enter a percentage from 0 to 100."),
        ("commission", "99999999999999999999", "Enter a percentage, e.g. 10 or 12,5."),
        (
            "iban",
            "LT12 1000 0111 0100 1001",
            "LT121000011101001001 is not a valid IBAN: the check digits do not",
        ),
        ("iban", "LT12 1000 0111 0100 100", "is not a valid IBAN: it has the wrong number of characters"),
        (
            "iban",
            "XX12 1000 0111 0100 1000",
            "is not a valid IBAN: it does not start with a known country code",
        ),
        ("stripe_account_id", "acct_12", "Enter the account's id as Stripe shows it"),
        ("stripe_account_id", "sk_live_abcdefghijkl", "Enter the account's id as Stripe shows it"),
    ],
)
def test_bad_input_is_explained_next_to_its_field_and_everything_typed_comes_back(
    client: FlaskClient, staff: User, field: str, typed: str, message: str
) -> None:
    community = make_community(name="Krakės", commission_bp=1000)
    before = fresh(Community, community.id).__dict__.copy()
    form = {**VALID, "name": "Krakių bendruomenė", "city": "Krakės", field: typed}

    for url in ("/backoffice/communities/new", f"/backoffice/communities/{community.id}/edit"):
        response = post_form(client, url, **form)

        assert response.status_code == 400, url
        page = page_text(response)
        assert message in page, url
        assert re.search(rf'id="{field}-error"', page), url  # next to its own field
        for name, value in form.items():
            if value.strip() and name != field:
                assert f'value="{value}"' in page, (url, name)
    assert db.session.scalar(select(func.count()).select_from(Community)) == 1  # nothing created
    after = fresh(Community, community.id)
    assert (after.name, after.commission_bp, after.city) == (before["name"], 1000, before["city"])


@pytest.mark.parametrize(
    ("typed", "basis_points"),
    [
        ("10", 1000),
        ("12,5", 1250),
        ("12.5", 1250),
        ("12,5 %", 1250),
        ("0,29", 29),  # 0.29 * 100 is 28.999… in floating point: never used here
        ("1,15", 115),
        ("33,33", 3333),
        ("0,01", 1),
        ("0", 0),
        ("100", 10_000),
        (" 7 ", 700),
    ],
)
def test_the_commission_is_typed_in_percent_and_kept_exactly_in_basis_points(
    client: FlaskClient, staff: User, typed: str, basis_points: int
) -> None:
    community = make_community()
    response = post_form(
        client, f"/backoffice/communities/{community.id}/edit", **{**VALID, "commission": typed}
    )
    assert response.status_code == 302, page_text(response)
    assert fresh(Community, community.id).commission_bp == basis_points


def test_the_edit_form_shows_the_stored_values_as_people_write_them(client: FlaskClient, staff: User) -> None:
    community = make_community(
        commission_bp=1250, iban="LT121000011101001000", stripe_account_id="acct_1A2b3C4d"
    )
    page = page_text(client.get(f"/backoffice/communities/{community.id}/edit"))
    assert 'value="12.5"' in page  # English; "12,5" in Lithuanian
    assert 'value="LT12 1000 0111 0100 1000"' in page and 'value="acct_1A2b3C4d"' in page
    client.get("/?lang=lt")
    assert 'value="12,5"' in client.get(f"/backoffice/communities/{community.id}/edit").get_data(as_text=True)


def test_a_new_community_form_starts_with_the_standard_commission(client: FlaskClient, staff: User) -> None:
    page = page_text(client.get("/backoffice/communities/new"))
    assert re.search(r'<input[^>]*name="commission"[^>]*value="10"', page)
    assert 'value="Kėdainių r. sav."' in page


def test_payout_details_an_iban_with_spaces_a_connected_account_or_none(
    client: FlaskClient, staff: User
) -> None:
    community = make_community(iban="LT121000011101001000")
    url = f"/backoffice/communities/{community.id}/edit"

    assert post_form(client, url, **{**VALID, "iban": " lt60-1010-0123-4567-8901 "}).status_code == 302
    assert fresh(Community, community.id).iban == "LT601010012345678901"
    assert (
        post_form(
            client, url, **{**VALID, "iban": "", "stripe_account_id": "acct_1A2b3C4d5E6f7G8h"}
        ).status_code
        == 302
    )
    assert (fresh(Community, community.id).iban, fresh(Community, community.id).stripe_account_id) == (
        "",
        "acct_1A2b3C4d5E6f7G8h",
    )
    assert post_form(client, url, **{**VALID, "iban": ""}).status_code == 302
    assert fresh(Community, community.id).stripe_account_id is None


def test_the_services_refuse_what_a_form_would_never_send(app: Flask) -> None:
    community = make_community()
    for bad in (
        community_input(commission_bp=10_001),
        community_input(commission_bp=-1),
        community_input(iban="LT121000011101001001"),
        community_input(stripe_account_id="acct_x"),
    ):
        with pytest.raises(ValueError):
            communities.update_community(community.id, bad, by=None)
    with pytest.raises(CommunityNotFound):
        communities.update_community(2_000_000, community_input(), by=None)


def test_the_list_shows_every_community_with_its_numbers_and_payout_details(
    client: FlaskClient, staff: User
) -> None:
    krakes = make_community(name="Krakės", city="Krakės", iban="LT121000011101001000", is_trusted=True)
    pagiriai = make_community(name="Pagiriai", stripe_account_id="acct_1A2b3C4d", commission_bp=1250)
    make_community(
        name="Surviliškis", is_active=False, iban="LT121000011101001001"
    )  # stored unchecked, long ago
    make_community(name="Gudžiūnai")
    category = make_category()
    make_product(krakes, category)
    make_product(krakes, category, status=ProductStatus.PENDING_REVIEW)
    make_product(krakes, category, status=ProductStatus.ARCHIVED)
    make_user(krakes), make_user(krakes), make_user(pagiriai)

    page = page_text(client.get("/backoffice/communities"))

    rows = {
        re.sub(r"<[^>]+>|\s+", " ", row).split()[0]: re.sub(r"<[^>]+>|\s+", " ", row)
        for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]
    }
    assert list(rows) == ["Gudžiūnai", "Krakės", "Pagiriai", "Surviliškis"]
    assert re.search(
        r"Krakės Krakės 2 2 1 10% Bank LT12…1000 yes switched on", " ".join(rows["Krakės"].split())
    )
    assert "1 0 0 12.5% Stripe acct_1A2b3C4d no" in " ".join(rows["Pagiriai"].split())
    assert "IBAN not valid" in rows["Surviliškis"] and "switched off" in rows["Surviliškis"]
    assert "Missing" in rows["Gudžiūnai"]


# --- Trust and moderation -------------------------------------------------------------------------------


def test_the_trusted_flag_decides_whether_listings_wait_for_the_vvg(client: FlaskClient, staff: User) -> None:
    community = make_community()
    category = make_category()
    data = listings.ListingInput(
        category_id=category.id,
        name_lt="Šiaudinė žvaigždė",
        name_en="Straw star",
        description_lt="",
        description_en="",
        safety_notes_lt="",
        variants=[listings.VariantInput(None, "", "", 450, 3, False, None, 20)],
    )
    url = f"/backoffice/communities/{community.id}/edit"

    assert (
        listings.create_listing(fresh(Community, community.id), data).status is ProductStatus.PENDING_REVIEW
    )
    assert post_form(client, url, **VALID, is_trusted="y").status_code == 302
    assert listings.create_listing(fresh(Community, community.id), data).status is ProductStatus.ACTIVE
    assert post_form(client, url, **VALID).status_code == 302  # the box unticked
    assert (
        listings.create_listing(fresh(Community, community.id), data).status is ProductStatus.PENDING_REVIEW
    )


# --- Switching off and on -------------------------------------------------------------------------------


@pytest.fixture
def shop_with_an_order(app: Flask) -> dict[str, Any]:
    make_operator()
    krakes = make_community(slug="krakes", name="Krakės")
    star = make_product(
        krakes,
        slug="ziemos-zvaigzde",
        name_lt="Žiemos žvaigždė",
        name_en="Winter star",
        variants=[make_variant(stock=5)],
    )
    other = make_product(slug="kitas-gaminys")
    member = make_user(krakes, email="ona@example.org", name="Ona")
    order = make_order([(star.variants[0], 1)], status=OrderStatus.PAID)
    return {"krakes": krakes, "star": star, "other": other, "member": member, "order": order}


def storefront_shows(client: FlaskClient, slug: str) -> dict[str, bool]:
    return {
        "catalogue": f"/produktai/{slug}" in client.get("/katalogas").get_data(as_text=True),
        "search": f"/produktai/{slug}" in client.get("/katalogas?q=zvaigzde").get_data(as_text=True),
        "product page": client.get(f"/produktai/{slug}").status_code == 200,
        "community page": client.get("/bendruomenes/krakes").status_code == 200,
        "communities": "/bendruomenes/krakes" in client.get("/bendruomenes").get_data(as_text=True),
        "sitemap": f"/produktai/{slug}" in client.get("/sitemap.xml").get_data(as_text=True),
    }


def test_switching_a_community_off_takes_its_products_out_of_the_shop_and_keeps_its_orders(
    client: FlaskClient, staff: User, shop_with_an_order: dict[str, Any]
) -> None:
    krakes, star, order = (
        shop_with_an_order["krakes"],
        shop_with_an_order["star"],
        shop_with_an_order["order"],
    )
    visitor = client.application.test_client()
    visitor.get("/?lang=en")
    assert all(storefront_shows(visitor, star.slug).values())
    token = csrf_token(visitor, "/katalogas")
    add = {"csrf_token": token, "variant_id": star.variants[0].id, "quantity": "1"}
    assert "“Winter star” is in your cart." in page_text(
        visitor.post("/krepselis/prideti", data=add, follow_redirects=True)
    )

    confirm = page_text(client.get(f"/backoffice/communities/{krakes.id}/deactivate"))
    assert "Switch Krakės off?" in confirm and "Its 1 listing for sale leaves the shop at once" in confirm
    assert fresh(Community, krakes.id).is_active  # asking changes nothing
    done = post_form(client, f"/backoffice/communities/{krakes.id}/deactivate")
    assert done.status_code == 302
    assert "Krakės is switched off" in page_text(client.get(done.headers["Location"]))

    assert not any(storefront_shows(visitor, star.slug).values())
    assert "/produktai/kitas-gaminys" in visitor.get("/katalogas").get_data(as_text=True)  # others stay
    cart = page_text(visitor.get("/krepselis"))
    assert "Some products are no longer sold and were taken out of your cart." in cart
    assert "Winter star" not in cart
    again = page_text(visitor.post("/krepselis/prideti", data=add, follow_redirects=True))
    assert "That product is no longer sold." in again and "is in your cart" not in again
    with pytest.raises(errors.ProductUnavailable):
        make_order([(star.variants[0], 1)], buyer=make_buyer(name="Jonas", email="jonas@example.com"))

    db.session.rollback()
    kept = db.session.get_one(Order, order.id)
    assert kept.fulfilments[0].status is FulfilmentStatus.NEW  # the paid order stays, to be sent
    assert client.get(f"/backoffice/orders/{order.id}").status_code == 200
    found = page_text(client.get("/backoffice/orders", query_string={"community": str(krakes.id)}))
    assert "Krakės (switched off)" in found and order.number in found  # staff still find its orders

    assert post_form(client, f"/backoffice/communities/{krakes.id}/reactivate").status_code == 302
    assert all(storefront_shows(visitor, star.slug).values())
    actions = [
        entry.action
        for entry in audit_entries("community.deactivate") + audit_entries("community.reactivate")
    ]
    assert actions == ["community.deactivate", "community.reactivate"]


def test_members_of_a_switched_off_community_finish_their_orders_but_change_nothing_else(
    client: FlaskClient, shop_with_an_order: dict[str, Any]
) -> None:
    krakes, star, order = (
        shop_with_an_order["krakes"],
        shop_with_an_order["star"],
        shop_with_an_order["order"],
    )
    communities.set_community_active(krakes.id, False, by=None)
    client.get("/?lang=en")
    login_as(client, "ona@example.org")

    dashboard = page_text(client.get("/workspace/"))
    assert "The VVG has switched off Krakės's shop" in dashboard
    fulfilment_id = order.fulfilments[0].id
    token = csrf_token(client, f"/workspace/orders/{fulfilment_id}")
    accepted = client.post(
        f"/workspace/orders/{fulfilment_id}/accept", data={"csrf_token": token, "acting_for": krakes.id}
    )
    assert accepted.status_code == 302
    db.session.rollback()
    assert db.session.get_one(Order, order.id).fulfilments[0].status is FulfilmentStatus.ACCEPTED

    variant_id = star.variants[0].id
    refused = client.post(
        f"/workspace/variants/{variant_id}/stock",
        data={"csrf_token": token, "stock": "99", "acting_for": krakes.id},
        follow_redirects=True,
    )
    assert "switched off Krakės's shop, so nothing was changed" in page_text(refused)
    db.session.rollback()
    assert star.variants[0].stock == 4  # one sold; the 99 was refused
    settings = client.post(
        "/workspace/settings", data={"csrf_token": token, "story_lt": "Nauja", "acting_for": krakes.id}
    )
    assert settings.status_code == 302
    assert fresh(Community, krakes.id).story_lt != "Nauja"
    assert client.get(f"/workspace/listings/{star.id}").status_code == 200  # still readable


def test_switching_twice_changes_and_logs_once(client: FlaskClient, staff: User) -> None:
    community = make_community()
    for _ in range(2):
        assert post_form(client, f"/backoffice/communities/{community.id}/deactivate").status_code == 302
    assert not fresh(Community, community.id).is_active
    assert len(audit_entries("community.deactivate")) == 1
    page = page_text(client.get(f"/backoffice/communities/{community.id}/deactivate"))
    assert "is switched off." in page and "Switch off</button>" not in page


def test_payouts_go_on_for_a_switched_off_community(shop_with_an_order: dict[str, Any]) -> None:
    from datetime import timedelta

    from shop.i18n import vilnius_today

    krakes, order, member = (
        shop_with_an_order["krakes"],
        shop_with_an_order["order"],
        shop_with_an_order["member"],
    )
    fulfilment_id = order.fulfilments[0].id
    communities.set_community_active(krakes.id, False, by=None)
    accept(krakes.id, fulfilment_id, by=member)
    ship(krakes.id, fulfilment_id, carrier=Carrier.PICKUP, tracking_number="", by=member)
    deliver(krakes.id, fulfilment_id, by=member)

    today = vilnius_today()
    statements = generate_payouts(today.replace(day=1), today + timedelta(days=1), by=None, hold=0)
    assert [(p.community_id, p.goods_cents) for p in statements] == [
        (krakes.id, order.fulfilments[0].goods_cents)
    ]


# --- People ---------------------------------------------------------------------------------------------


def test_a_community_page_lists_its_people_with_their_state_and_last_sign_in(
    client: FlaskClient, staff: User
) -> None:
    krakes = make_community(name="Krakės")
    make_user(krakes, name="Ona Onaitė", email="ona@example.org")
    make_user(krakes, name="Petras Naujas", email="petras@example.org", password_hash="")  # invited
    make_user(krakes, name="Jonas Buvęs", email="jonas@example.org", is_active=False)
    make_user(make_community(), name="Kita Bendruomenė", email="kita@example.org")
    other = client.application.test_client()
    login_as(other, "ona@example.org")

    page = page_text(client.get(f"/backoffice/communities/{krakes.id}"))

    people = page[page.index('id="people-title"') :]
    assert people.index("Jonas Buvęs") < people.index("Ona Onaitė") < people.index("Petras Naujas")  # by name
    assert "Kita Bendruomenė" not in page

    def row(name: str) -> str:
        return people[people.index(name) : people.index("</tr>", people.index(name))]

    assert ">active<" in row("Ona Onaitė") and "not known" not in row("Ona Onaitė")
    assert "invited, no password yet" in row("Petras Naujas") and "not known" in row("Petras Naujas")
    assert "account switched off" in row("Jonas Buvęs")
    db.session.rollback()
    assert db.session.scalars(select(User.last_signed_in_at).where(User.email == "ona@example.org")).one()


def test_staff_invite_a_person_from_the_community_page_with_the_shared_invitation(
    client: FlaskClient, staff: User
) -> None:
    krakes = make_community(name="Krakės")
    url = f"/backoffice/communities/{krakes.id}/members"
    token = csrf_token(client, f"/backoffice/communities/{krakes.id}")

    bad = client.post(url, data={"csrf_token": token, "name": "Ona", "email": "ona at example"})
    assert bad.status_code == 400
    assert "Enter an e-mail address like vardas@example.lt." in page_text(bad)
    assert 'value="Ona"' in page_text(bad) and 'value="ona at example"' in page_text(bad)

    done = client.post(url, data={"csrf_token": token, "name": "Ona", "email": "Ona@Example.org"})
    assert done.status_code == 302
    assert "ona@example.org is invited to work for Krakės" in page_text(client.get(done.headers["Location"]))
    db.session.rollback()
    assert db.session.scalars(select(OutboxMessage.recipient)).all() == ["ona@example.org"]
    user = db.session.scalars(select(User).where(User.email == "ona@example.org")).one()
    assert [m.community_id for m in user.memberships] == [krakes.id]
    assert [e.after["community"] for e in audit_entries("member.invite")] == [krakes.slug]

    communities.set_community_active(krakes.id, False, by=None)
    closed = client.post(url, data={"csrf_token": token, "name": "Jonas", "email": "jonas@example.org"})
    assert closed.status_code == 400
    assert "This community is switched off: switch it on before inviting people." in page_text(closed)


def test_removing_a_member_asks_first_then_closes_the_workspace_to_them(
    client: FlaskClient, staff: User
) -> None:
    krakes = make_community(name="Krakės")
    pagiriai = make_community(name="Pagiriai")
    ona = make_user(krakes, email="ona@example.org", name="Ona")
    db.session.add(Membership(user_id=ona.id, community_id=pagiriai.id))
    db.session.commit()
    membership_id = next(m.id for m in ona.memberships if m.community_id == krakes.id)
    other_membership = next(m.id for m in ona.memberships if m.community_id == pagiriai.id)
    member = client.application.test_client()
    login_as(member, "ona@example.org")
    url = f"/backoffice/communities/{krakes.id}/members/{membership_id}/remove"

    ask = page_text(client.get(url))
    assert "Remove Ona from Krakės?" in ask
    db.session.rollback()
    assert db.session.get(Membership, membership_id) is not None  # asking changes nothing
    assert (
        client.get(f"/backoffice/communities/{krakes.id}/members/{other_membership}/remove").status_code
        == 404
    )

    done = post_form(client, url)

    assert done.status_code == 302
    assert "Ona no longer works for Krakės." in page_text(client.get(done.headers["Location"]))
    db.session.rollback()
    assert db.session.get(Membership, membership_id) is None
    assert db.session.get(Membership, other_membership) is not None
    assert db.session.get(User, ona.id) is not None  # the account stays
    (entry,) = audit_entries("member.remove")
    assert (entry.subject_id, entry.before) == (
        str(ona.id),
        {"email": "ona@example.org", "community": krakes.slug},
    )
    switched = member.post(
        "/workspace/community",
        data={"csrf_token": csrf_token(member, "/workspace/"), "community_id": str(krakes.id)},
    )
    assert switched.status_code == 404  # no longer one of hers
    assert post_form(client, url).status_code == 404  # removing twice: nothing left to remove


# --- Access and small rules -----------------------------------------------------------------------------


def community_rules(app: Flask) -> list[Any]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("producers_backoffice.")]


def test_the_community_pages_are_for_staff_only(client: FlaskClient, app: Flask) -> None:
    krakes = make_community()
    member = make_user(krakes, email="ona@example.org")
    ids = {"community_id": krakes.id, "membership_id": member.memberships[0].id}
    rules = community_rules(app)
    assert len(rules) >= 8
    from tests.walk import url_for_rule

    token = csrf_token(client, "/prisijungti")
    for rule in rules:
        url = url_for_rule(rule, ids)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(
                url, method=method, data={"csrf_token": token} if method == "POST" else None
            )
            assert response.status_code == 302 and "/prisijungti" in response.headers["Location"], url
    login_as(client, "ona@example.org")
    token = csrf_token(client, "/workspace/")
    for rule in rules:
        url = url_for_rule(rule, ids)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(
                url, method=method, data={"csrf_token": token} if method == "POST" else None
            )
            assert response.status_code == 403, (method, url)
    assert fresh(Community, krakes.id).is_active
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 1


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("302173840", True),  # the demo's Šlapaberžė
        ("123033512", True),
        ("300000053", True),  # the check digit from the second weights
        ("300001280", True),  # both weights leave 10: the check digit is 0
        ("302173841", False),
        ("30217384", False),
        ("3021738400", False),
        ("３０２１７３８４０", False),  # full-width digits
    ],
)
def test_a_legal_entity_code_has_nine_digits_and_a_check_digit(code: str, valid: bool) -> None:
    assert legal_entity_code_ok(code) is valid


def test_mask_iban_keeps_country_check_digits_and_last_four(app: Flask) -> None:
    assert communities.mask_iban("LT121000011101001000") == "LT12…1000"
    assert communities.mask_iban("") == ""
