"""Staff keep the shop's categories: names, address, descriptions, and which hold greeting cards (a gift
message is then written into the card). Every addition and change is audit-logged; a wrong field is said
next to it with everything typed kept."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from catalogue.models import Category, Product
from shop.db import db
from shop.models import AuditEntry
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_category, make_product
from tests.factories.producers import make_community
from tests.factories.shop import make_user
from tests.helpers import fresh

PAGE = "/backoffice/categories"


def text_of(response: Any) -> str:
    """The page as a person reads it: tags gone, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


@pytest.fixture
def staff(client: FlaskClient) -> FlaskClient:
    make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    login_as(client, "vida@vvg.example.org")
    client.get("/?lang=en")
    return client


def form(client: FlaskClient, url: str, **changes: str) -> dict[str, str]:
    return {
        "csrf_token": csrf_token(client, url),
        "name_lt": "Kalėdiniai atvirukai",
        "name_en": "Christmas cards",
        "slug": "kaledu-atvirukai",
        "description_lt": "Rankų darbo atvirukai.",
        "description_en": "Handmade cards.",
        "holds_cards": "y",
        **changes,
    }


def audit_entries() -> list[tuple[str, str, Any, Any]]:
    db.session.rollback()
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(e.action, e.subject_id, e.before, e.after) for e in entries]


def test_staff_add_a_category_that_holds_cards_and_see_it_listed(staff: FlaskClient) -> None:
    make_category(name_lt="Papuošalai", name_en="Ornaments", slug="papuosalai")

    response = staff.post(f"{PAGE}/new", data=form(staff, f"{PAGE}/new", slug=" Kaledu-Atvirukai "))

    assert response.status_code == 302 and response.location == PAGE
    category = db.session.scalars(select(Category).where(Category.slug == "kaledu-atvirukai")).one()
    assert (category.name_lt, category.name_en, category.holds_cards) == (
        "Kalėdiniai atvirukai",
        "Christmas cards",
        True,
    )
    listed = text_of(staff.get(PAGE))
    assert "Kalėdiniai atvirukai Christmas cards kaledu-atvirukai written into the card 0" in listed
    assert "Papuošalai Ornaments papuosalai on a note in the parcel 0" in listed
    assert "The category “Kalėdiniai atvirukai” is added." in listed
    [(action, subject, _before, after)] = audit_entries()
    assert (action, subject, after["slug"], after["holds_cards"]) == (
        "category.create",
        str(category.id),
        "kaledu-atvirukai",
        True,
    )


def test_marking_a_category_as_holding_cards_makes_its_products_cards_and_logs_only_that(
    staff: FlaskClient,
) -> None:
    category = make_category(name_lt="Atvirukai", name_en="Cards", slug="atvirukai", description_lt="Seni")
    product = make_product(make_community(), category)
    assert not product.is_card
    url = f"{PAGE}/{category.id}"
    page = staff.get(url).get_data(as_text=True)
    assert 'value="atvirukai"' in page and 'value="Cards"' in page  # the form starts from what is stored

    response = staff.post(url, data=form(staff, url, name_lt="Atvirukai", name_en="Cards", slug="atvirukai",
                                         description_lt="Seni", description_en=""))  # fmt: skip

    assert response.status_code == 302
    assert fresh(Product, product.id).is_card
    assert "Atvirukai Cards atvirukai written into the card 1" in text_of(staff.get(PAGE))
    [(action, _subject, before, after)] = audit_entries()
    assert (action, before, after) == ("category.update", {"holds_cards": False}, {"holds_cards": True})


def test_saving_a_category_unchanged_logs_nothing(staff: FlaskClient) -> None:
    category = make_category(name_lt="Vokai", name_en="Envelopes", slug="vokai")
    url = f"{PAGE}/{category.id}"
    data = form(staff, url, name_lt="Vokai", name_en="Envelopes", slug="vokai", description_lt="",
                description_en="")  # fmt: skip
    del data["holds_cards"]

    assert staff.post(url, data=data).status_code == 302
    assert audit_entries() == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name_lt": "  "}, "Enter the name in Lithuanian, e.g. Kalėdiniai atvirukai."),
        ({"name_en": ""}, "Enter the name in English, e.g. Christmas cards."),
        ({"slug": ""}, "Enter the address, e.g. atvirukai."),
        ({"slug": "kalėdų atvirukai"}, "Use small letters a–z, digits and dashes, e.g. kaledu-atvirukai."),
        ({"slug": "-atvirukai-"}, "Use small letters a–z, digits and dashes, e.g. kaledu-atvirukai."),
        ({"slug": "x" * 81}, "Use at most 80 characters."),
        ({"name_en": "C" * 121}, "Use at most 120 characters."),
        ({"slug": "papuosalai"}, "Another category already has this address."),
        ({"slug": "PAPUOSALAI"}, "Another category already has this address."),
    ],
)
def test_a_wrong_field_is_said_next_to_it_and_everything_typed_stays(
    staff: FlaskClient, changes: dict[str, str], message: str
) -> None:
    make_category(name_lt="Papuošalai", name_en="Ornaments", slug="papuosalai")
    data = form(staff, f"{PAGE}/new", description_en="Cards made by hand in Pagiriai.", **changes)

    response = staff.post(f"{PAGE}/new", data=data)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in text_of(response)
    assert "Cards made by hand in Pagiriai." in page and 'aria-invalid="true"' in page
    db.session.rollback()
    assert db.session.scalars(select(Category.slug)).all() == ["papuosalai"]
    assert audit_entries() == []


def test_another_categorys_address_cannot_be_taken_by_an_edit(staff: FlaskClient) -> None:
    make_category(slug="papuosalai")
    mine = make_category(slug="atvirukai")
    url = f"{PAGE}/{mine.id}"

    response = staff.post(url, data=form(staff, url, slug="papuosalai"))

    assert response.status_code == 400
    assert "Another category already has this address." in text_of(response)
    assert fresh(Category, mine.id).slug == "atvirukai"


def test_an_unknown_category_is_not_found(staff: FlaskClient) -> None:
    assert staff.get(f"{PAGE}/999999").status_code == 404
    assert staff.post(f"{PAGE}/999999", data=form(staff, PAGE)).status_code == 404


def test_the_categories_are_staffs_only(client: FlaskClient) -> None:
    category = make_category()
    for url in (PAGE, f"{PAGE}/new", f"{PAGE}/{category.id}"):
        assert client.get(url).status_code == 302
    login_as(client, make_user(make_community()).email)
    for url in (PAGE, f"{PAGE}/new", f"{PAGE}/{category.id}"):
        assert client.get(url).status_code == 403
