"""Odd photos uploaded through the workspace: very tall, full of metadata, or a phone's multi-picture JPEG.

Each is published with clean renditions: no error page, no byte of the original's metadata, sizes WebP takes.
"""

from __future__ import annotations

import io
import struct
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import ExifTags, Image, ImageCms
from sqlalchemy import select

from catalogue.images import MAX_SIDE, RENDITION_WIDTHS, rendition_name
from catalogue.models import ProductImage
from shop.db import db
from shop.media import RENDITIONS, MediaStorage
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_category, make_product
from tests.factories.producers import make_community
from tests.factories.shop import make_user

MARKER = "KaimoSlaptasKomentaras"


@pytest.fixture
def member(client: FlaskClient, app: Flask, media_storage: MediaStorage) -> dict[str, Any]:
    """A signed-in member; each test runs with the photos in the folder, then in an S3 bucket."""
    community = make_community(slug="pusaloti", name="Pušaloto bendruomenė")
    category = make_category(slug="nuotraukos", name_lt="Nuotraukos")
    make_user(community, email="pusalotis@example.org")
    login_as(client, "pusalotis@example.org")
    return {"community": community, "category": category}


def upload(
    client: FlaskClient, member: dict[str, Any], content: bytes, name: str
) -> tuple[str, ProductImage]:
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
    assert response.status_code == 200
    db.session.rollback()
    image = db.session.scalars(select(ProductImage).where(ProductImage.product_id == product.id)).one()
    return response.get_data(as_text=True), image


def stored_renditions(app: Flask, key: str) -> dict[str, bytes]:
    storage = MediaStorage.from_app()
    return {
        name: storage.read(RENDITIONS, name)
        for width in RENDITION_WIDTHS
        for extension in ("webp", "jpg")
        for name in [rendition_name(key, width, extension)]
    }


def jpeg_segments(data: bytes) -> list[int]:
    """The markers of a JPEG's segments before its image data (0xFE: comment, 0xE1: EXIF/XMP, 0xE2: ICC)."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while at < len(data):
        assert data[at] == 0xFF
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: the pixels follow
            break
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        markers.append(marker)
        at += 2 + length
    return markers


def webp_chunks(data: bytes) -> list[bytes]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    chunks, at = [], 12
    while at + 8 <= len(data):
        kind, (length,) = data[at : at + 4], struct.unpack("<I", data[at + 4 : at + 8])
        chunks.append(kind)
        at += 8 + length + (length & 1)
    return chunks


def assert_clean(renditions: dict[str, bytes]) -> None:
    for name, content in renditions.items():
        assert MARKER.encode() not in content, name
        assert b"Exif" not in content and b"http://ns.adobe.com/xap" not in content, name
        if name.endswith(".jpg"):
            assert not {0xFE, 0xE1, 0xE2} & set(jpeg_segments(content)), name  # no COM, EXIF/XMP, ICC
        else:
            assert not {b"EXIF", b"XMP ", b"ICCP"} & set(webp_chunks(content)), name
        opened = Image.open(io.BytesIO(content))
        assert not opened.getexif() and not {"exif", "xmp", "icc_profile", "comment"} & set(opened.info), name


def test_a_300_by_20000_png_is_published_scaled_to_fit_webp(
    app: Flask, client: FlaskClient, member: dict[str, Any]
) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 20_000), (30, 120, 60)).save(buffer, "PNG")
    page, image = upload(client, member, buffer.getvalue(), "juosta.png")
    assert "Pridėta nuotraukų: 1" in page
    renditions = stored_renditions(app, image.key)
    for name, content in renditions.items():
        width, height = Image.open(io.BytesIO(content)).size
        assert height <= MAX_SIDE and width <= 300, name
        assert abs(width / height - 300 / 20_000) < 0.001, name  # the same shape, only smaller
    assert (image.width, image.height) == Image.open(io.BytesIO(renditions[f"{image.key}-1280.webp"])).size
    assert_clean(renditions)


def test_a_jpeg_comment_exif_xmp_and_colour_profile_are_gone_from_every_rendition(
    app: Flask, client: FlaskClient, member: dict[str, Any]
) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MARKER
    exif[ExifTags.Base.ImageDescription] = MARKER
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description about="{MARKER}"/></x:xmpmeta>'.encode()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), (200, 160, 40)).save(
        buffer, "JPEG", exif=exif, comment=MARKER.encode(), xmp=xmp, icc_profile=icc
    )
    original = buffer.getvalue()
    assert {0xFE, 0xE1, 0xE2} <= set(jpeg_segments(original))  # the upload really carries them all
    assert original.count(MARKER.encode()) >= 3

    page, image = upload(client, member, original, "su-komentaru.jpg")
    assert "Pridėta nuotraukų: 1" in page
    renditions = stored_renditions(app, image.key)
    assert_clean(renditions)
    colour = Image.open(io.BytesIO(renditions[f"{image.key}-640.jpg"])).convert("RGB").getpixel((300, 200))
    assert all(abs(got - want) < 12 for got, want in zip(colour, (200, 160, 40), strict=True))


def test_a_phones_mpo_photo_is_read_as_its_first_picture(
    app: Flask, client: FlaskClient, member: dict[str, Any]
) -> None:
    first, second = Image.new("RGB", (800, 600), (0, 0, 255)), Image.new("RGB", (800, 600), (255, 0, 0))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MARKER
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second], exif=exif)
    original = buffer.getvalue()
    assert Image.open(io.BytesIO(original)).format == "MPO"

    page, image = upload(client, member, original, "telefonas.jpg")
    assert "Pridėta nuotraukų: 1" in page
    renditions = stored_renditions(app, image.key)
    assert_clean(renditions)
    for name, content in renditions.items():
        rendition = Image.open(io.BytesIO(content))
        assert getattr(rendition, "n_frames", 1) == 1, name
        red, _green, blue = rendition.convert("RGB").getpixel((10, 10))
        assert blue > 200 and red < 60, name  # the first picture, the blue one
    assert Image.open(io.BytesIO(renditions[f"{image.key}-1280.jpg"])).size == (800, 600)
