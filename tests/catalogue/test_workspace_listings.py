"""A community's listings in its workspace: writing, moderation, stock, photos and every bad input."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from catalogue import listings, moderation
from catalogue.models import Product, ProductImage, ProductStatus, Variant
from shop.db import db
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_category, make_product, make_product_type, make_variant
from tests.factories.producers import make_community
from tests.factories.shop import make_user


@pytest.fixture
def member(client: FlaskClient, app: object) -> dict[str, Any]:
    community = make_community(slug="slapaberze", name="Šlapaberžės bendruomenė")
    category = make_category(slug="atvirukai", name_lt="Atvirukai")
    user = make_user(community, email="slapaberze@example.org")
    login_as(client, "slapaberze@example.org")
    return {"community": community, "category": category, "user": user}


def jpeg(width: int = 800, height: int = 600) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (180, 40, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def listing_form(client: FlaskClient, url: str, **changes: Any) -> dict[str, Any]:
    token = csrf_token(client, url)
    data = {
        "csrf_token": token,
        "name_lt": "Kalėdinis atvirukas „Žiema“",
        "name_en": "Christmas card “Winter”",
        "description_lt": "Rankų darbo, akvarelė.",
        "category_id": str(db.session.scalars(select(Product.category_id)).first() or 0),
        "variants-0-variant_id": "",
        "variants-0-price": "4,5",
        "variants-0-stock": "12",
        "variants-0-weight_grams": "20",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def fresh_product(product_id: int) -> Product:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get_one(Product, product_id)


def test_a_member_lists_a_product_with_photos_and_it_waits_for_the_vvg(client: FlaskClient, member) -> None:
    glass = make_product_type(name_lt="Stikliniai papuošalai", warning_lt="Dūžta.", warning_en="Fragile.")
    page = client.get("/workspace/listings/new")
    assert page.status_code == 200 and "Naujas gaminys" in page.get_data(as_text=True)
    data = listing_form(
        client,
        "/workspace/listings/new",
        category_id=str(member["category"].id),
        product_type_id=str(glass.id),
    )
    response = client.post("/workspace/listings/new", data=data, follow_redirects=True)
    assert "Išsaugota kaip juodraštis. Jo negalima siųsti VVG peržiūrai be nuotraukos." in response.get_data(
        as_text=True
    )  # a new listing has no photo yet: a draft until it has one
    db.session.rollback()
    product = db.session.scalars(select(Product)).one()
    assert product.community_id == member["community"].id
    assert product.status is ProductStatus.DRAFT
    assert (product.safety_notes_lt, product.safety_notes_en) == ("Dūžta.", "Fragile.")  # the type's template
    (variant,) = product.variants
    assert (variant.price_cents, variant.stock, variant.weight_grams) == (450, 12, 20)

    upload = client.post(
        f"/workspace/listings/{product.id}/photos",
        data={
            "csrf_token": csrf_token(client, f"/workspace/listings/{product.id}"),
            "photos": [(io.BytesIO(jpeg()), "ziema.jpg"), (io.BytesIO(jpeg(600, 900)), "ziema2.jpg")],
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Pridėta nuotraukų: 2" in upload.get_data(as_text=True)
    assert "Siųsti VVG peržiūrai" in upload.get_data(as_text=True)  # ready: the button to send it
    assert len(fresh_product(product.id).images) == 2
    token = csrf_token(client, f"/workspace/listings/{product.id}")
    sent = client.post(f"/workspace/listings/{product.id}/publish", data={"csrf_token": token})
    assert sent.status_code == 302
    assert fresh_product(product.id).status is ProductStatus.PENDING_REVIEW  # an untrusted community
    assert client.get("/produktai/" + product.slug).status_code == 404  # not for sale before approval

    moderation.approve_listing(product.id, by=None)
    assert client.get("/produktai/" + product.slug).status_code == 200


def test_a_trusted_community_publishes_at_once_and_an_untrusted_change_of_price_waits(
    client: FlaskClient, member
) -> None:
    product = make_product(
        member["community"], member["category"], variants=[make_variant(price_cents=400)], ready=True
    )
    variant_id = product.variants[0].id
    url = f"/workspace/listings/{product.id}"
    changed = listing_form(
        client,
        url,
        category_id=str(member["category"].id),
        product_type_id=str(product.product_type_id),
        **{"variants-0-variant_id": str(variant_id), "variants-0-price": "5,00"},
    )
    client.post(url, data=changed)
    product = fresh_product(product.id)
    assert product.status is ProductStatus.PENDING_REVIEW and product.variants[0].price_cents == 500

    moderation.reject_listing(product.id, reason="Nuotrauka per tamsi", by=None)
    page = client.get(url).get_data(as_text=True)
    assert "Nuotrauka per tamsi" in page  # the VVG's reason is shown on the listing

    member["community"].is_trusted = True
    db.session.commit()
    client.post(url, data=listing_form(client, url, category_id=str(member["category"].id),
                                       product_type_id=str(product.product_type_id),
                                       **{"variants-0-variant_id": str(variant_id)}))  # fmt: skip
    assert fresh_product(product.id).status is ProductStatus.ACTIVE


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("variants-0-price", "0", "Kaina turi būti didesnė nei 0"),
        ("variants-0-price", "-3", "Įveskite sumą eurais"),
        ("variants-0-price", "1000000000", "Įveskite sumą eurais"),
        ("variants-0-price", "20000", "Suma per didelė"),
        ("variants-0-price", "12,345", "ne daugiau kaip du skaitmenis po kablelio"),
        ("variants-0-stock", "-1", "Likutis – sveikasis skaičius nuo 0"),
        ("name_lt", "", "Įveskite pavadinimą lietuviškai"),
        ("variants-0-weight_grams", "", "Įveskite svorį gramais"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    client: FlaskClient, member, field: str, value: str, message: str
) -> None:
    data = listing_form(
        client, "/workspace/listings/new", category_id=str(member["category"].id), **{field: value}
    )
    response = client.post("/workspace/listings/new", data=data)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text, text[:3000]
    assert "Rankų darbo, akvarelė." in text  # what was typed is shown again
    db.session.rollback()
    assert db.session.scalars(select(Product)).first() is None


def test_lithuanian_comma_prices_are_understood(client: FlaskClient, member) -> None:
    data = listing_form(
        client,
        "/workspace/listings/new",
        category_id=str(member["category"].id),
        **{"variants-0-price": "12,5"},
    )
    client.post("/workspace/listings/new", data=data)
    db.session.rollback()
    assert db.session.scalars(select(Variant.price_cents)).one() == 1250


def test_made_to_order_needs_its_lead_days(client: FlaskClient, member) -> None:
    data = listing_form(
        client,
        "/workspace/listings/new",
        category_id=str(member["category"].id),
        **{"variants-0-is_made_to_order": "y"},
    )
    response = client.post("/workspace/listings/new", data=data)
    assert response.status_code == 400 and "Per kiek dienų" in response.get_data(as_text=True)
    data["variants-0-lead_days"] = "5"
    client.post("/workspace/listings/new", data=data)
    db.session.rollback()
    variant = db.session.scalars(select(Variant)).one()
    assert (variant.is_made_to_order, variant.lead_days, variant.stock) == (True, 5, 0)


def test_duplicate_archive_restore_and_quick_stock(client: FlaskClient, member) -> None:
    product = make_product(
        member["community"], member["category"], variants=[make_variant(stock=4)], images=1, ready=True
    )
    token = csrf_token(client, "/workspace/listings")
    copy_page = client.post(f"/workspace/listings/{product.id}/duplicate", data={"csrf_token": token})
    copy_id = int(re.search(r"/workspace/listings/(\d+)", copy_page.location).group(1))
    copy = fresh_product(copy_id)
    assert copy.status is ProductStatus.DRAFT and copy.name_lt == product.name_lt
    assert (copy.product_type_id, copy.safety_notes_en) == (product.product_type_id, product.safety_notes_en)
    assert [v.stock for v in copy.variants] == [0] and len(copy.images) == 1

    variant_id = fresh_product(product.id).variants[0].id
    client.post(f"/workspace/variants/{variant_id}/stock", data={"csrf_token": token, "stock": "9"})
    db.session.rollback()
    assert db.session.get_one(Variant, variant_id).stock == 9
    bad = client.post(
        f"/workspace/variants/{variant_id}/stock",
        data={"csrf_token": token, "stock": "-2"},
        follow_redirects=True,
    )
    assert "sveikasis skaičius" in bad.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get_one(Variant, variant_id).stock == 9

    client.post(f"/workspace/listings/{product.id}/archive", data={"csrf_token": token})
    assert fresh_product(product.id).status is ProductStatus.ARCHIVED
    client.post(f"/workspace/listings/{product.id}/restore", data={"csrf_token": token})
    assert fresh_product(product.id).status is ProductStatus.PENDING_REVIEW


def test_each_listing_shows_its_state_in_words(client: FlaskClient, member) -> None:
    words = {
        ProductStatus.ACTIVE: "Parduodamas",
        ProductStatus.PENDING_REVIEW: "Laukia VVG patvirtinimo",
        ProductStatus.DRAFT: "Juodraštis",
        ProductStatus.ARCHIVED: "Archyvuotas",
    }
    products = {
        status: make_product(member["community"], member["category"], status=status) for status in words
    }
    table = client.get("/workspace/listings").get_data(as_text=True)
    for status, word in words.items():
        assert f'<span class="state state-{status.value}">{word}</span>' in table
        page = client.get(f"/workspace/listings/{products[status].id}").get_data(as_text=True)
        assert f'<span class="state state-{status.value}">{word}</span>' in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("didele.jpg", b"\xff\xd8" + b"0" * (11 * 1024 * 1024), "didesnė nei 10 MB"),
        ("saskaita.jpg", b"%PDF-1.4 not a photo", "tai ne nuotrauka"),
        (
            "piesinys.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "tai ne nuotrauka",
        ),
    ],
)
def test_a_photo_that_is_not_a_usable_photo_is_refused_with_its_reason(
    client: FlaskClient, member, name: str, content: bytes, message: str
) -> None:
    product = make_product(member["community"], member["category"])
    response = client.post(
        f"/workspace/listings/{product.id}/photos",
        data={
            "csrf_token": csrf_token(client, f"/workspace/listings/{product.id}"),
            "photos": (io.BytesIO(content), name),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(select(ProductImage)).first() is None


def test_a_full_listing_takes_no_more_photos_and_says_how_many_it_holds(client: FlaskClient, member) -> None:
    product = make_product(member["community"], member["category"], images=listings.MAX_PHOTOS)
    client.get("/?lang=en")
    page = client.get(f"/workspace/listings/{product.id}").get_data(as_text=True)
    assert f"up to 10 MB each, at most {listings.MAX_PHOTOS}." in page
    response = client.post(
        f"/workspace/listings/{product.id}/photos",
        data={
            "csrf_token": csrf_token(client, f"/workspace/listings/{product.id}"),
            "photos": (io.BytesIO(jpeg()), "a.jpg"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    text = f"A listing has at most {listings.MAX_PHOTOS} photos; there is room for 0 more."
    assert text in response.get_data(as_text=True)
    assert len(fresh_product(product.id).images) == listings.MAX_PHOTOS


def test_another_communitys_listing_takes_no_photos(client: FlaskClient, member) -> None:
    stranger = make_product(make_community(), member["category"])
    response = client.post(
        f"/workspace/listings/{stranger.id}/photos",
        data={
            "csrf_token": csrf_token(client, "/workspace/listings"),
            "photos": (io.BytesIO(jpeg()), "a.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
    assert fresh_product(stranger.id).images == []


def test_a_decompression_bomb_is_refused(client: FlaskClient, member) -> None:
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, "PNG")  # 81 megapixels in a few kilobytes
    product = make_product(member["community"], member["category"])
    response = client.post(
        f"/workspace/listings/{product.id}/photos",
        data={
            "csrf_token": csrf_token(client, f"/workspace/listings/{product.id}"),
            "photos": (io.BytesIO(buffer.getvalue()), "bomb.png"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "daugiau nei 40 megapikselių" in response.get_data(as_text=True)


def test_a_40_mb_upload_is_answered_with_a_message_not_an_error_page(client: FlaskClient, member) -> None:
    product = make_product(member["community"], member["category"])
    response = client.post(
        f"/workspace/listings/{product.id}/photos",
        data={
            "csrf_token": csrf_token(client, f"/workspace/listings/{product.id}"),
            "photos": (io.BytesIO(b"0" * (70 * 1024 * 1024)), "huge.jpg"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "per didelės" in response.get_data(as_text=True)


def test_photos_are_reordered_described_made_cover_and_deleted(client: FlaskClient, member) -> None:
    product = make_product(member["community"], member["category"], images=3)
    first, second, third = sorted(product.images, key=lambda image: image.position)
    token = csrf_token(client, f"/workspace/listings/{product.id}")

    def act(image: ProductImage, action: str, **extra: str) -> None:
        client.post(
            f"/workspace/photos/{image.id}",
            data={"csrf_token": token, "action": action, "product_id": product.id, **extra},
        )

    def order() -> list[int]:
        return [image.id for image in sorted(fresh_product(product.id).images, key=lambda i: i.position)]

    act(third, "cover")
    assert order() == [third.id, first.id, second.id]
    act(first, "later")
    assert order() == [third.id, second.id, first.id]
    act(second, "describe", alt_lt="Atvirukas su eglute", alt_en="A card with a fir tree")
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get_one(ProductImage, second.id).alt_lt == "Atvirukas su eglute"
    act(third, "delete")
    assert order() == [second.id, first.id]


def test_odd_numbers_and_another_communitys_variant_id_are_refused_without_an_error_page(
    client: FlaskClient, member
) -> None:
    stranger = make_product(
        make_community(), member["category"], variants=[make_variant(price_cents=999, stock=7)]
    )
    foreign = stranger.variants[0].id
    data = listing_form(client, "/workspace/listings/new", category_id=str(member["category"].id),
                        **{"variants-0-variant_id": str(foreign)})  # fmt: skip
    assert client.post("/workspace/listings/new", data=data).status_code == 302  # saved as a new variant
    db.session.rollback()  # the request wrote; start from fresh rows
    mine = make_product(member["community"], member["category"])
    edit = listing_form(client, f"/workspace/listings/{mine.id}", category_id=str(member["category"].id),
                        **{"variants-0-variant_id": str(foreign)})  # fmt: skip
    assert client.post(f"/workspace/listings/{mine.id}", data=edit).status_code == 404
    db.session.rollback()
    untouched = db.session.get_one(Variant, foreign)
    assert (untouched.price_cents, untouched.stock, untouched.product_id) == (999, 7, stranger.id)
    token = csrf_token(client, "/workspace/listings")
    own = mine.variants[0].id
    stock = mine.variants[0].stock
    for odd in ("²", "٣", "1e3", " ", "-0"):
        response = client.post(f"/workspace/variants/{own}/stock", data={"csrf_token": token, "stock": odd})
        assert response.status_code == 302, odd
        db.session.rollback()
        assert db.session.get_one(Variant, own).stock == stock, odd
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert f"Likutis – sveikasis skaičius nuo 0 (įvedėte „{odd.strip()}“)." in page, odd


@pytest.mark.parametrize("change", ["description_en", "safety_notes_en", "product_type_id"])
def test_an_untrusted_change_of_the_english_texts_or_the_type_waits_for_the_vvg_too(
    member: dict[str, Any], change: str
) -> None:
    community = member["community"]
    product = make_product(community, member["category"], variants=[make_variant()], ready=True)
    (variant,) = product.variants
    as_it_is = listings.ListingInput(
        category_id=product.category_id,
        name_lt=product.name_lt,
        name_en=product.name_en,
        description_lt=product.description_lt,
        description_en=product.description_en,
        safety_notes_lt=product.safety_notes_lt,
        safety_notes_en=product.safety_notes_en,
        product_type_id=product.product_type_id,
        variants=[
            listings.VariantInput(
                id=variant.id,
                name_lt=variant.name_lt,
                name_en=variant.name_en,
                price_cents=variant.price_cents,
                stock=variant.stock,
                is_made_to_order=variant.is_made_to_order,
                lead_days=variant.lead_days,
                weight_grams=variant.weight_grams,
            )
        ],
    )
    assert listings.update_listing(community, product.id, as_it_is).status is ProductStatus.ACTIVE
    new_value = make_product_type().id if change == "product_type_id" else "Handmade; keep dry."
    changed = replace(as_it_is, **{change: new_value})
    assert listings.update_listing(community, product.id, changed).status is ProductStatus.PENDING_REVIEW


def test_moving_a_listing_to_another_category_waits_for_the_vvg_too(client: FlaskClient, member) -> None:
    product = make_product(
        member["community"], member["category"], variants=[make_variant(price_cents=400)], ready=True
    )
    other = make_category(slug="vokai", name_lt="Vokai")
    url = f"/workspace/listings/{product.id}"
    data = listing_form(
        client,
        url,
        category_id=str(other.id),
        name_lt=product.name_lt,
        product_type_id=str(product.product_type_id),
    )
    data.update(
        description_lt=product.description_lt, name_en=product.name_en, description_en=product.description_en
    )
    data.update({"variants-0-variant_id": str(product.variants[0].id), "variants-0-price": "4,00"})
    client.post(url, data=data)
    assert fresh_product(product.id).status is ProductStatus.PENDING_REVIEW


def test_a_form_opened_for_one_community_is_not_saved_into_another(client: FlaskClient, member) -> None:
    from producers.models import Membership

    other = make_community(slug="krakes", name="Krakių bendruomenė")
    db.session.add(Membership(user_id=member["user"].id, community_id=other.id))
    db.session.commit()
    data = listing_form(client, "/workspace/listings/new", category_id=str(member["category"].id))
    data["acting_for"] = str(member["community"].id)
    client.post(
        "/workspace/community", data={"csrf_token": data["csrf_token"], "community_id": str(other.id)}
    )
    response = client.post("/workspace/listings/new", data=data, follow_redirects=True)
    assert "niekas neišsaugota" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(select(Product)).first() is None


def test_the_vvg_approves_or_sends_back_with_a_note_the_community_is_mailed(
    client: FlaskClient, member
) -> None:
    from shop.models import OutboxMessage

    waiting = make_product(
        member["community"], member["category"], status=ProductStatus.PENDING_REVIEW, ready=True
    )
    returned = make_product(member["community"], member["category"], status=ProductStatus.PENDING_REVIEW)
    assert client.get("/backoffice/moderation").status_code == 403  # a member is not staff
    make_user(email="vvg@example.org", is_staff=True)
    client.post("/atsijungti", data={"csrf_token": csrf_token(client, "/workspace/listings")})
    login_as(client, "vvg@example.org")
    token = csrf_token(client, "/backoffice/moderation")
    client.post(f"/backoffice/moderation/{waiting.id}/approve", data={"csrf_token": token})
    empty = client.post(f"/backoffice/moderation/{returned.id}/reject", data={"csrf_token": token})
    assert empty.status_code == 400 and "bendruomenė tai perskaitys" in empty.get_data(as_text=True)
    client.post(f"/backoffice/moderation/{returned.id}/reject",
                data={"csrf_token": token, f"p{returned.id}-reason": "Nuotrauka per tamsi"})  # fmt: skip
    assert fresh_product(waiting.id).status is ProductStatus.ACTIVE
    back = fresh_product(returned.id)
    assert (back.status, back.review_note) == (ProductStatus.DRAFT, "Nuotrauka per tamsi")
    (mail,) = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == member["community"].email)
    )
    assert "Nuotrauka per tamsi" in mail.text_body
