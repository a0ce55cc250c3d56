"""VVG staff create and edit communities: every field checked and tidied, the commission in percent,
the payout details, and the trust that decides whether listings wait for the VVG.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from catalogue import listings
from catalogue.models import ProductStatus
from producers import communities
from producers.errors import CommunityNotFound, SlugTaken
from producers.models import Community, DeliveryMethod
from shop.db import db
from shop.models import User
from tests.factories.catalogue import make_category, make_product
from tests.factories.producers import make_community
from tests.factories.shop import make_user
from tests.helpers import fresh
from tests.producers.backoffice import VALID, page_text, post_form


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


def test_the_trusted_flag_decides_whether_listings_wait_for_the_vvg(client: FlaskClient, staff: User) -> None:
    community = make_community()
    category = make_category()

    def published() -> ProductStatus:
        """Where a complete draft goes when its community puts it on sale."""
        db.session.rollback()  # see the staff's change, made by the request
        draft = make_product(fresh(Community, community.id), category, status=ProductStatus.DRAFT, ready=True)
        return listings.publish_listing(fresh(Community, community.id), draft.id).status

    url = f"/backoffice/communities/{community.id}/edit"

    assert published() is ProductStatus.PENDING_REVIEW
    assert post_form(client, url, **VALID, is_trusted="y").status_code == 302
    assert published() is ProductStatus.ACTIVE
    assert post_form(client, url, **VALID).status_code == 302  # the box unticked
    assert published() is ProductStatus.PENDING_REVIEW
