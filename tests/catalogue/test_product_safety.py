"""Product safety (GPSR): what a listing needs before it goes on sale or to the VVG, the warning a product
type fills in, product codes, the product page's safety block, the VVG's product types, and listings on
sale from before the rules."""

from __future__ import annotations

import html
import re
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select

from app import create_app
from catalogue import listings, safety
from catalogue.models import MissingForSale, Product, ProductImage, ProductStatus, ProductType, Variant
from producers.models import Community
from shop.db import db
from shop.demo import data as demo_data
from shop.models import AuditEntry
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_category, make_product, make_product_type, make_variant
from tests.factories.producers import make_community
from tests.factories.shop import make_operator, make_user
from tests.helpers import fresh

M = MissingForSale


def text_of(response: Any) -> str:
    """The page as a person reads it: tags gone, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def login_staff(client: FlaskClient) -> None:
    db.session.rollback()  # on SQLite a write must start from a read after the requests' (a sign-out) writes
    make_user(email="vida@vvg.example.org", name="Vida", is_staff=True)
    login_as(client, "vida@vvg.example.org")


@pytest.fixture
def member(client: FlaskClient, app: Flask) -> dict[str, Any]:
    make_operator()
    community = make_community(slug="slapaberze", name="Šlapaberžės bendruomenė")
    category = make_category(slug="zaisliukai", name_lt="Žaisliukai")
    glass = make_product_type(
        name_lt="Stikliniai papuošalai",
        name_en="Glass ornaments",
        warning_lt="Stiklinis, dūžtantis: sudužęs turi aštrių šukių.",
        warning_en="Glass, fragile: sharp when broken.",
    )
    user = make_user(community, email="slapaberze@example.org")
    login_as(client, "slapaberze@example.org")
    return {"community": community, "category": category, "glass": glass, "user": user}


def listing_form(client: FlaskClient, url: str, member: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = {
        "csrf_token": csrf_token(client, url),
        "name_lt": "Stiklinis burbulas „Žiema“",
        "name_en": "Glass bauble “Winter”",
        "description_lt": "Tapytas ranka.",
        "category_id": str(member["category"].id),
        "product_type_id": str(member["glass"].id),
        "safety_notes_lt": "",
        "safety_notes_en": "",
        "variants-0-variant_id": "",
        "variants-0-sku": "",
        "variants-0-price": "12,00",
        "variants-0-stock": "3",
        "variants-0-weight_grams": "40",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def the_product() -> Product:
    db.session.rollback()
    db.session.expire_all()
    return db.session.scalars(select(Product).order_by(Product.id.desc())).first()


# --- What a listing needs before it goes on sale or to the VVG ----------------------------------------

#: Each piece product safety needs, how a complete draft is made to lack it, and how the member reads it.
PIECES = {
    M.MAKER_NAME: ("community", {"legal_name": ""}, "gamintojo pavadinimo"),
    M.MAKER_ADDRESS: ("community", {"address_line": ""}, "gamintojo pašto adreso"),
    M.MAKER_EMAIL: ("community", {"email": ""}, "gamintojo el. pašto adreso"),
    M.PHOTO: ("product", {"images": 0}, "nuotraukos"),
    M.PRODUCT_TYPE: ("product", {"product_type": None}, "gaminio tipo"),
    M.WARNING_LT: ("product", {"safety_notes_lt": ""}, "saugos įspėjimo lietuviškai"),
    M.WARNING_EN: ("product", {"safety_notes_en": ""}, "saugos įspėjimo angliškai"),
}


def draft_lacking(member: dict[str, Any], piece: MissingForSale, *, trusted: bool) -> Product:
    """A draft of the member's community with everything product safety needs but `piece`."""
    where, change, _words = PIECES[piece]
    community = member["community"]
    community.is_trusted = trusted
    if where == "community":
        for key, value in change.items():
            setattr(community, key, value)
    db.session.commit()
    values: dict[str, Any] = {"images": 1, "product_type": member["glass"]}
    values["safety_notes_lt"], values["safety_notes_en"] = "Dūžta.", "Fragile."
    if where == "product":
        values.update(change)
    return make_product(community, member["category"], status=ProductStatus.DRAFT, **values)


@pytest.mark.parametrize(
    ("trusted", "sentence"),
    [(True, "Jo negalima parduoti be {}."), (False, "Jo negalima siųsti VVG peržiūrai be {}.")],
    ids=["publish", "send-for-review"],
)
@pytest.mark.parametrize("piece", list(PIECES))
def test_a_listing_is_neither_published_nor_sent_for_review_without_each_piece(
    client: FlaskClient, member: dict[str, Any], piece: MissingForSale, trusted: bool, sentence: str
) -> None:
    draft = draft_lacking(member, piece, trusted=trusted)
    url = f"/workspace/listings/{draft.id}"
    token = csrf_token(client, url)
    page = client.post(f"{url}/publish", data={"csrf_token": token}, follow_redirects=True)
    text = text_of(page)
    assert sentence.format(PIECES[piece][2]) in text
    if piece in {M.MAKER_NAME, M.MAKER_ADDRESS, M.MAKER_EMAIL}:  # sent to the shop settings to fix it
        assert (
            "Gamintojo duomenys – tai jūsų bendruomenės duomenys: užpildykite juos parduotuvės nustatymuose."
            in text
        )
        assert 'href="/workspace/settings#maker"' in page.get_data(as_text=True)
    assert fresh(Product, draft.id).status is ProductStatus.DRAFT
    assert client.get(f"/produktai/{draft.slug}").status_code == 404


def test_the_same_complete_draft_is_published_or_sent_for_review(client: FlaskClient, member) -> None:
    untrusted = draft_lacking(member, M.PHOTO, trusted=False)
    db.session.add(ProductImage(product_id=untrusted.id, key="0" * 32, width=800, height=800))
    db.session.commit()
    token = csrf_token(client, f"/workspace/listings/{untrusted.id}")
    sent = client.post(f"/workspace/listings/{untrusted.id}/publish", data={"csrf_token": token})
    assert sent.status_code == 302 and fresh(Product, untrusted.id).status is ProductStatus.PENDING_REVIEW

    trusted = draft_lacking(member, M.PHOTO, trusted=True)
    db.session.add(ProductImage(product_id=trusted.id, key="1" * 32, width=800, height=800))
    db.session.commit()
    client.post(f"/workspace/listings/{trusted.id}/publish", data={"csrf_token": token})
    assert fresh(Product, trusted.id).status is ProductStatus.ACTIVE


def test_a_new_listing_is_saved_as_a_draft_that_says_what_it_lacks(client: FlaskClient, member) -> None:
    data = listing_form(client, "/workspace/listings/new", member, product_type_id="")
    page = client.post("/workspace/listings/new", data=data, follow_redirects=True)
    text = text_of(page)
    assert "Išsaugota kaip juodraštis. Jo negalima siųsti VVG peržiūrai be nuotraukos, gaminio tipo." in text
    assert "Gaminio saugos informacijai trūksta" in text and "pridėkite žemiau" in text
    product = the_product()
    assert product.status is ProductStatus.DRAFT and product.missing_for_sale() == (M.PHOTO, M.PRODUCT_TYPE)


def test_saving_a_draft_that_has_everything_sends_it_on(client: FlaskClient, member) -> None:
    draft = make_product(member["community"], member["category"], status=ProductStatus.DRAFT, images=1)
    variant = draft.variants[0]
    url = f"/workspace/listings/{draft.id}"
    data = listing_form(client, url, member, **{"variants-0-variant_id": str(variant.id)})
    page = client.post(url, data=data, follow_redirects=True)
    assert "VVG peržiūri naujus gaminius" in text_of(page)
    assert fresh(Product, draft.id).status is ProductStatus.PENDING_REVIEW


def test_a_change_sent_to_the_vvg_without_a_piece_is_refused_and_nothing_is_saved(
    client: FlaskClient, member
) -> None:
    bare = make_product_type(name_lt="Kita", warning_lt="", warning_en="")  # needs a warning, has no template
    product = make_product(member["community"], member["category"], ready=True)
    url = f"/workspace/listings/{product.id}"
    data = listing_form(
        client,
        url,
        member,
        product_type_id=str(bare.id),
        name_lt="Naujas pavadinimas",
        **{"variants-0-variant_id": str(product.variants[0].id)},
    )
    response = client.post(url, data=data)
    assert response.status_code == 400
    text = text_of(response)
    assert "Niekas neišsaugota. Jo negalima siųsti VVG peržiūrai be saugos įspėjimo lietuviškai" in text
    assert "Parašykite saugos įspėjimą angliškai: šio tipo gaminiams jis būtinas." in text
    assert 'value="Naujas pavadinimas"' in response.get_data(as_text=True)  # what was typed stays
    kept = fresh(Product, product.id)
    assert (kept.status, kept.name_lt, kept.product_type_id) == (
        ProductStatus.ACTIVE,
        product.name_lt,
        product.product_type_id,
    )


def test_a_listing_on_sale_keeps_its_last_photo(client: FlaskClient, member) -> None:
    product = make_product(member["community"], member["category"], ready=True)
    image = product.images[0]
    token = csrf_token(client, f"/workspace/listings/{product.id}")
    page = client.post(
        f"/workspace/photos/{image.id}",
        data={"csrf_token": token, "action": "delete", "product_id": product.id},
        follow_redirects=True,
    )
    assert "turi turėti bent vieną nuotrauką" in text_of(page)
    assert len(fresh(Product, product.id).images) == 1


@pytest.mark.parametrize("piece", list(PIECES))
def test_staff_cannot_approve_a_listing_without_each_piece_and_the_queue_says_what_is_missing(
    client: FlaskClient, member, piece: MissingForSale
) -> None:
    waiting = draft_lacking(member, piece, trusted=False)
    waiting.status = ProductStatus.PENDING_REVIEW
    db.session.commit()
    client.post("/atsijungti", data={"csrf_token": csrf_token(client, "/workspace/listings")})
    login_staff(client)
    queue = client.get("/backoffice/moderation")
    words = PIECES[piece][2]
    assert f"Jo dar negalima patvirtinti. Trūksta: {words}." in text_of(queue)
    assert f"/backoffice/moderation/{waiting.id}/approve" not in queue.get_data(as_text=True)

    token = csrf_token(client, "/backoffice/moderation")
    refused = client.post(
        f"/backoffice/moderation/{waiting.id}/approve", data={"csrf_token": token}, follow_redirects=True
    )
    name = waiting.name_lt
    assert f"„{name}“ negalima patvirtinti be {words}: grąžinkite jį ir parašykite, ką pridėti." in text_of(
        refused
    )
    assert fresh(Product, waiting.id).status is ProductStatus.PENDING_REVIEW
    assert db.session.scalars(select(AuditEntry.action)).all() == []  # nothing happened, nothing logged


def test_staff_see_each_waiting_listings_maker_type_warnings_and_codes(client: FlaskClient, member) -> None:
    waiting = make_product(
        member["community"],
        member["category"],
        status=ProductStatus.PENDING_REVIEW,
        ready=True,
        variants=[make_variant(sku="SLAP-000777-1")],
    )
    login_staff(client)
    text = text_of(client.get("/backoffice/moderation"))
    community = member["community"]
    assert f"Gamintojas {community.legal_name}, {community.address}, {community.email}" in text
    assert f"Gaminio tipas {waiting.product_type.name_lt} (reikia įspėjimo)" in text
    assert f"Saugos įspėjimas (lietuviškai) {waiting.safety_notes_lt}" in text
    assert "Gaminio kodai SLAP-000777-1" in text
    token = csrf_token(client, "/backoffice/moderation")
    client.post(f"/backoffice/moderation/{waiting.id}/approve", data={"csrf_token": token})
    assert fresh(Product, waiting.id).status is ProductStatus.ACTIVE


# --- The warning a product type fills in ---------------------------------------------------------------


def test_the_warning_is_prefilled_from_the_types_template_and_stays_the_members_to_edit(
    client: FlaskClient, member
) -> None:
    candles = make_product_type(
        name_lt="Žvakės", warning_lt="Nepalikite degančios žvakės.", warning_en="Never leave it burning."
    )
    client.post("/workspace/listings/new", data=listing_form(client, "/workspace/listings/new", member))
    product = the_product()
    assert (product.safety_notes_lt, product.safety_notes_en) == (
        "Stiklinis, dūžtantis: sudužęs turi aštrių šukių.",
        "Glass, fragile: sharp when broken.",
    )
    url = f"/workspace/listings/{product.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Stiklinis, dūžtantis: sudužęs turi aštrių šukių.</textarea>" in page  # shown to edit
    variant = {"variants-0-variant_id": str(product.variants[0].id)}

    # Another type while the words are still the old type's template: the new type's words.
    client.post(url, data=listing_form(client, url, member, product_type_id=str(candles.id),
                                       safety_notes_lt=product.safety_notes_lt,
                                       safety_notes_en=product.safety_notes_en, **variant))  # fmt: skip
    changed = fresh(Product, product.id)
    assert (changed.safety_notes_lt, changed.safety_notes_en) == (
        "Nepalikite degančios žvakės.",
        "Never leave it burning.",
    )

    # The member's own words stay, through a change of type too.
    own = "Nepalikite degančios žvakės.\r\nStatykite ant lėkštelės."
    client.post(url, data=listing_form(client, url, member, product_type_id=str(candles.id),
                                       safety_notes_lt=own, safety_notes_en="Never leave it burning.",
                                       **variant))  # fmt: skip
    assert (
        fresh(Product, product.id).safety_notes_lt == "Nepalikite degančios žvakės.\nStatykite ant lėkštelės."
    )
    client.post(url, data=listing_form(client, url, member, product_type_id=str(member["glass"].id),
                                       safety_notes_lt=own, safety_notes_en="Mine.", **variant))  # fmt: skip
    kept = fresh(Product, product.id)
    assert (kept.product_type_id, kept.safety_notes_lt, kept.safety_notes_en) == (
        member["glass"].id,
        "Nepalikite degančios žvakės.\nStatykite ant lėkštelės.",
        "Mine.",
    )


def test_the_type_choice_carries_each_template_for_the_page_to_fill_in(client: FlaskClient, member) -> None:
    page = client.get("/workspace/listings/new").get_data(as_text=True)
    choice = re.search(r'<select[^>]*id="product_type_id".*?</select>', page, re.S)
    assert choice is not None
    option = re.search(rf'<option[^>]*value="{member["glass"].id}"[^>]*>', choice.group(0))
    assert option is not None
    assert 'data-warning-lt="Stiklinis, dūžtantis: sudužęs turi aštrių šukių."' in option.group(0)
    assert 'data-warning-en="Glass, fragile: sharp when broken."' in option.group(0)


@pytest.mark.parametrize("junk", ["abc", "²", "99999999999", "-1"])
def test_a_product_type_that_is_not_on_the_list_is_refused_with_a_word(
    client: FlaskClient, member, junk
) -> None:
    data = listing_form(client, "/workspace/listings/new", member, product_type_id=junk)
    response = client.post("/workspace/listings/new", data=data)
    assert response.status_code == 400 and "Pasirinkite gaminio tipą iš sąrašo." in text_of(response)
    assert the_product() is None


# --- Product codes -------------------------------------------------------------------------------------


def test_each_variant_gets_a_unique_product_code_made_when_left_empty(client: FlaskClient, member) -> None:
    data = listing_form(
        client,
        "/workspace/listings/new",
        member,
        **{"variants-1-price": "20", "variants-1-weight_grams": "80", "variants-1-name_lt": "Didelis"},
    )
    client.post("/workspace/listings/new", data=data)
    product = the_product()
    assert [v.sku for v in product.variants] == [f"SLAP-{product.id:06d}-1", f"SLAP-{product.id:06d}-2"]

    token = csrf_token(client, "/workspace/listings")
    copy = client.post(f"/workspace/listings/{product.id}/duplicate", data={"csrf_token": token})
    copy_id = int(copy.location.rsplit("/", 1)[1])
    assert [v.sku for v in fresh(Product, copy_id).variants] == [
        f"SLAP-{copy_id:06d}-1",
        f"SLAP-{copy_id:06d}-2",
    ]


def test_a_typed_product_code_is_kept_in_capitals_and_must_be_free(client: FlaskClient, member) -> None:
    make_product(make_community(), variants=[make_variant(sku="KRAK-1")])
    taken = listing_form(client, "/workspace/listings/new", member, **{"variants-0-sku": " krak-1 "})
    response = client.post("/workspace/listings/new", data=taken)
    assert response.status_code == 400 and "Šį gaminio kodą jau turi kitas variantas." in text_of(response)
    assert 'value=" krak-1 "' in response.get_data(as_text=True)
    mine_so_far = select(Product.id).where(Product.community_id == member["community"].id)
    assert db.session.scalar(mine_so_far) is None

    twice = listing_form(
        client,
        "/workspace/listings/new",
        member,
        **{
            "variants-0-sku": "ANG-1",
            "variants-1-sku": "ang-1",
            "variants-1-price": "5",
            "variants-1-weight_grams": "9",
        },
    )
    assert client.post("/workspace/listings/new", data=twice).status_code == 400

    odd = listing_form(client, "/workspace/listings/new", member, **{"variants-0-sku": "angelas #1"})
    response = client.post("/workspace/listings/new", data=odd)
    assert response.status_code == 400 and "Naudokite raides A–Z, skaitmenis ir brūkšnelius" in text_of(
        response
    )

    mine = listing_form(client, "/workspace/listings/new", member, **{"variants-0-sku": "ang-2026/1"})
    client.post("/workspace/listings/new", data=mine)
    product = the_product()
    assert [v.sku for v in product.variants] == ["ANG-2026/1"]

    # Left empty on a later save, a variant keeps its code.
    url = f"/workspace/listings/{product.id}"
    again = listing_form(client, url, member, **{"variants-0-variant_id": str(product.variants[0].id)})
    client.post(url, data=again)
    assert db.session.scalars(select(Variant.sku).where(Variant.product_id == product.id)).all() == [
        "ANG-2026/1"
    ]


# --- The product page ------------------------------------------------------------------------------------


def test_the_product_page_shows_the_safety_information_in_lithuanian_and_english(client: FlaskClient) -> None:
    community = make_community(
        slug="krakes",
        legal_name="Asociacija „Krakių bendruomenės centras“",
        address_line="Turgaus g. 7, Krakės",
        postal_code="LT-58371",
        district="Kėdainių r. sav.",
        email="info@krakes.example.org",
    )
    glass = make_product_type(name_lt="Stikliniai papuošalai", name_en="Glass ornaments")
    product = make_product(
        community,
        slug="burbulas",
        product_type=glass,
        safety_notes_lt="Dūžta: sudužęs turi aštrių šukių.",
        safety_notes_en="Fragile: sharp when broken.",
        variants=[make_variant(sku="KRAK-000001-1", name_lt="Mėlynas", name_en="Blue"),
                  make_variant(sku="KRAK-000001-2", name_lt="Raudonas", name_en="Red")],
        images=1,
    )  # fmt: skip
    lt = text_of(client.get(f"/produktai/{product.slug}"))
    assert (
        "Saugos informacija Pagamino ir parduoda Asociacija „Krakių bendruomenės centras“ "
        f"Juridinio asmens kodas {community.registration_code} "
        "Turgaus g. 7, Krakės, LT-58371 Kėdainių r. sav. info@krakes.example.org "
        "Gaminio tipas Stikliniai papuošalai Įspėjimai Dūžta: sudužęs turi aštrių šukių. "
        "Gaminio kodai Mėlynas: KRAK-000001-1 Raudonas: KRAK-000001-2"
    ) in lt
    en = text_of(client.get(f"/produktai/{product.slug}?lang=en"))
    assert (
        "Safety information Made and sold by Asociacija „Krakių bendruomenės centras“ "
        f"Legal entity code {community.registration_code} "
        "Turgaus g. 7, Krakės, LT-58371 Kėdainių r. sav. info@krakes.example.org "
        "Product type Glass ornaments Warnings Fragile: sharp when broken. "
        "Product codes Blue: KRAK-000001-1 Red: KRAK-000001-2"
    ) in en


def test_a_product_page_without_an_english_warning_shows_the_lithuanian_one_marked_as_such(
    client: FlaskClient,
) -> None:
    product = make_product(safety_notes_lt="Netinka vaikams iki 3 metų.", safety_notes_en="")
    page = client.get(f"/produktai/{product.slug}?lang=en").get_data(as_text=True)
    assert '<dd class="safety-warning" lang="lt"><p>Netinka vaikams iki 3 metų.</p></dd>' in page
    assert f'<span class="mono">{product.variants[0].sku}</span>' in page


# --- The VVG's product types -----------------------------------------------------------------------------


def test_staff_add_and_edit_a_type_and_it_changes_only_what_later_listings_start_from(
    client: FlaskClient, member
) -> None:
    earlier = make_product(
        member["community"], member["category"], ready=True, product_type=member["glass"],
        safety_notes_lt="Stiklinis, dūžtantis: sudužęs turi aštrių šukių.",
        safety_notes_en="Glass, fragile: sharp when broken.",
    )  # fmt: skip
    client.post("/atsijungti", data={"csrf_token": csrf_token(client, "/workspace/listings")})
    login_staff(client)
    assert "Stikliniai papuošalai" in text_of(client.get("/backoffice/product-types"))

    url = f"/backoffice/product-types/{member['glass'].id}"
    form = {
        "csrf_token": csrf_token(client, url),
        "name_lt": "Stikliniai papuošalai",
        "name_en": "Glass ornaments",
        "is_warning_required": "y",
        "warning_lt": "Stiklinis. Kabinkite aukštai.",
        "warning_en": "Glass. Hang it high.",
    }
    assert client.post(url, data=form).status_code == 302
    db.session.rollback()  # see what the request committed
    (entry,) = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.subject_id, entry.actor_name) == (
        "product_type.update",
        str(member["glass"].id),
        "Vida <vida@vvg.example.org>",
    )
    assert entry.before == {
        "warning_lt": "Stiklinis, dūžtantis: sudužęs turi aštrių šukių.",
        "warning_en": "Glass, fragile: sharp when broken.",
    }
    assert entry.after == {
        "warning_lt": "Stiklinis. Kabinkite aukštai.",
        "warning_en": "Glass. Hang it high.",
    }
    assert "Pakeistas gaminio tipas" in text_of(client.get("/backoffice/audit"))

    kept = fresh(Product, earlier.id)  # the listing keeps its own words
    assert kept.safety_notes_lt == "Stiklinis, dūžtantis: sudužęs turi aštrių šukių."

    new = {
        "csrf_token": csrf_token(client, "/backoffice/product-types/new"),
        "name_lt": "Žvakės",
        "name_en": "Candles",
        "is_warning_required": "y",
        "warning_lt": "Nepalikite degančios žvakės be priežiūros.",
        "warning_en": "Never leave a burning candle unattended.",
    }
    assert client.post("/backoffice/product-types/new", data=new).status_code == 302
    db.session.rollback()
    candles = db.session.scalars(select(ProductType).where(ProductType.name_lt == "Žvakės")).one()
    assert [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
        "product_type.update",
        "product_type.create",
    ]

    client.post("/atsijungti", data={"csrf_token": csrf_token(client, "/backoffice/product-types")})
    login_as(client, "slapaberze@example.org")
    client.post("/workspace/listings/new", data=listing_form(client, "/workspace/listings/new", member))
    assert the_product().safety_notes_lt == "Stiklinis. Kabinkite aukštai."  # later listings: the new words
    client.post("/workspace/listings/new", data=listing_form(client, "/workspace/listings/new", member,
                                                             product_type_id=str(candles.id)))  # fmt: skip
    assert the_product().safety_notes_en == "Never leave a burning candle unattended."


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name_lt": ""}, "Įveskite pavadinimą lietuviškai"),
        ({"name_lt": "stikliniai PAPUOŠALAI"}, "Gaminio tipas tokiu pavadinimu jau yra."),
        ({"warning_en": ""}, "Parašykite ir angliškai arba palikite abu šablonus tuščius."),
        ({"warning_lt": ""}, "Parašykite ir lietuviškai arba palikite abu šablonus tuščius."),
        ({"warning_lt": "ą" * 2001}, "Naudokite ne daugiau kaip 2000 simbolių."),
    ],
)
def test_a_product_type_form_explains_each_mistake_and_keeps_what_was_typed(
    client: FlaskClient, member, changes: dict[str, str], message: str
) -> None:
    login_staff(client)
    form = {
        "csrf_token": csrf_token(client, "/backoffice/product-types/new"),
        "name_lt": "Žvakės",
        "name_en": "Candles",
        "is_warning_required": "y",
        "warning_lt": "Nepalikite degančios žvakės.",
        "warning_en": "Never leave it burning.",
        **changes,
    }
    response = client.post("/backoffice/product-types/new", data=form)
    assert response.status_code == 400 and message in text_of(response)
    assert 'value="Candles"' in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(select(AuditEntry)).all() == []
    assert db.session.scalar(select(ProductType.id).where(ProductType.name_en == "Candles")) is None


# --- Listings on sale from before the rules ----------------------------------------------------------------


def test_a_listing_on_sale_from_before_the_rules_stays_on_sale_and_is_flagged_until_fixed(
    client: FlaskClient, member
) -> None:
    old = make_product(member["community"], member["category"], name_lt="Senas angelas", images=1)
    assert old.product_type is None and old.status is ProductStatus.ACTIVE
    assert client.get(f"/produktai/{old.slug}").status_code == 200  # still for sale

    table = text_of(client.get("/workspace/listings"))
    assert "Senas angelas" in table and "Gaminio saugos informacijai trūksta: gaminio tipo" in table
    page = text_of(client.get(f"/workspace/listings/{old.id}"))
    assert "Kol kas jis parduodamas, o VVG jį mato savo sąraše" in page

    client.post("/atsijungti", data={"csrf_token": csrf_token(client, "/workspace/listings")})
    login_staff(client)
    flagged = text_of(client.get("/backoffice/moderation"))
    assert "Parduodami, bet trūksta gaminio saugos informacijos" in flagged
    assert "Senas angelas Šlapaberžės bendruomenė gaminio tipo" in flagged

    # The community chooses the type: complete (with the type's warning), no longer flagged.
    client.post("/atsijungti", data={"csrf_token": csrf_token(client, "/backoffice/moderation")})
    login_as(client, "slapaberze@example.org")
    member["community"].is_trusted = True
    db.session.commit()
    url = f"/workspace/listings/{old.id}"
    data = listing_form(client, url, member, name_lt="Senas angelas",
                        **{"variants-0-variant_id": str(old.variants[0].id)})  # fmt: skip
    client.post(url, data=data)
    fixed = fresh(Product, old.id)
    assert fixed.status is ProductStatus.ACTIVE and fixed.missing_for_sale() == ()
    assert "trūksta" not in text_of(client.get("/workspace/listings"))


def test_the_count_of_listings_missing_safety_information_is_the_list_s_whatever_the_white_space(
    app: Flask,
) -> None:
    """The dashboard's count is worked out in the database, the list by `Product.missing_for_sale`: a text of
    any of Python's white space is blank to both, and one of a zero-width space (not white space) to none."""
    community, product_type = make_community(), make_product_type()
    blanks = [character for character in map(chr, range(0x110000)) if character.isspace()]
    for n, space in enumerate(blanks):
        make_product(community, name_lt=f"Tarpai {n}", ready=True, product_type=product_type,
                     safety_notes_en=space * 2)  # fmt: skip
    make_product(community, ready=True, product_type=product_type, safety_notes_lt="\u200b")  # not blank
    make_product(community, ready=True, product_type=product_type)  # complete
    make_product(make_community(legal_name="\u2003\u3000"), ready=True, product_type=product_type)  # no maker
    make_product(community, ready=True, product_type=make_product_type(is_warning_required=False),
                 safety_notes_lt="", safety_notes_en="")  # fmt: skip  # its type needs no warning

    flagged = safety.list_on_sale_missing_safety()
    assert len(flagged) == len(blanks) + 1
    assert safety.count_on_sale_missing_safety() == len(flagged)


def test_an_untrusted_change_to_an_old_listing_waits_only_once_it_is_complete(
    client: FlaskClient, member
) -> None:
    old = make_product(member["community"], member["category"], variants=[make_variant(price_cents=400)])
    url = f"/workspace/listings/{old.id}"
    changes = {"variants-0-variant_id": str(old.variants[0].id), "variants-0-price": "5"}
    response = client.post(url, data=listing_form(client, url, member, **changes))
    assert response.status_code == 400
    assert "Niekas neišsaugota. Jo negalima siųsti VVG peržiūrai be nuotraukos." in text_of(response)
    assert fresh(Product, old.id).status is ProductStatus.ACTIVE
    assert fresh(Variant, old.variants[0].id).price_cents == 400


def test_the_legacy_rules_are_the_services_own(app: Flask, member) -> None:
    """A trusted community's legacy listing takes a change that keeps it as complete as it was."""
    community = member["community"]
    community.is_trusted = True
    db.session.commit()
    old = make_product(community, member["category"], images=1)
    variant = old.variants[0]
    data = listings.ListingInput(
        category_id=old.category_id,
        name_lt="Pervadintas",
        name_en="",
        description_lt="",
        description_en="",
        safety_notes_lt="",
        variants=[listings.VariantInput(variant.id, "", "", 500, 1, False, None, 20)],
    )
    saved = listings.update_listing(fresh(Community, community.id), old.id, data)
    assert (saved.status, fresh(Product, old.id).name_lt) == (ProductStatus.ACTIVE, "Pervadintas")


# --- The maker's details, in the shop settings ------------------------------------------------------------


def test_members_keep_their_makers_postal_and_e_mail_address_in_the_shop_settings(
    client: FlaskClient, member
) -> None:
    community = member["community"]
    community.email = ""
    db.session.commit()
    draft = make_product(
        community, member["category"], status=ProductStatus.DRAFT, ready=True, product_type=member["glass"]
    )
    settings = text_of(client.get("/workspace/settings"))
    assert "Jūsų, kaip gamintojo, duomenys" in settings and community.legal_name in settings

    form = {
        "csrf_token": csrf_token(client, "/workspace/settings"),
        "address_line": "Parko g. 5, Šlapaberžė",
        "city": "Šlapaberžė",
        "postal_code": "58250",
        "district": "Kėdainių r. sav.",
        "email": "nera-adreso",
    }
    wrong = client.post("/workspace/settings/maker", data=form)
    assert wrong.status_code == 400 and "Įveskite el. pašto adresą" in text_of(wrong)
    assert 'value="nera-adreso"' in wrong.get_data(as_text=True)
    assert fresh(Community, community.id).email == ""

    form["email"] = "Info@Slapaberze.example.org"
    client.post("/workspace/settings/maker", data=form)
    saved = fresh(Community, community.id)
    assert (saved.address_line, saved.postal_code, saved.email) == (
        "Parko g. 5, Šlapaberžė",
        "LT-58250",
        "info@slapaberze.example.org",
    )
    token = csrf_token(client, f"/workspace/listings/{draft.id}")
    client.post(f"/workspace/listings/{draft.id}/publish", data={"csrf_token": token})
    assert fresh(Product, draft.id).status is ProductStatus.PENDING_REVIEW


# --- The starting list of product types -----------------------------------------------------------------


def test_the_migration_gives_every_shop_the_vvgs_types_and_the_demo_the_same(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    fresh_app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url, "MEDIA_ROOT": str(tmp_path)}
    )
    with fresh_app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                ProductType.name_lt,
                ProductType.name_en,
                ProductType.is_warning_required,
                ProductType.warning_lt,
                ProductType.warning_en,
            ).order_by(ProductType.position)
        ).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [
        (t.name_lt, t.name_en, t.is_warning_required, t.warning_lt, t.warning_en)
        for t in demo_data.PRODUCT_TYPES
    ]
    small_parts = next(row for row in rows if row.name_lt == "Gaminiai su smulkiomis dalimis")
    assert small_parts.warning_lt == "Netinka vaikams iki 3 metų. Yra smulkių dalių, kurias galima praryti."
    assert small_parts.warning_en == "Not suitable for children under 3 years. Contains small parts."
    assert all(row.warning_lt and row.warning_en for row in rows if row.is_warning_required)
