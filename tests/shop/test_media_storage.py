"""Media in S3-compatible object storage (moto's server on loopback): photos uploaded through the workspace
are served through the shop or straight from the storage's public URL, originals stay private, nothing is
written to the app server's disk, and a storage that does not answer is told to the uploader."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from catalogue.fairs.models import Fair
from catalogue.models import ProductImage
from producers.marks import evidence
from producers.models import Community
from shop import config
from shop.db import db
from shop.i18n import vilnius_today
from shop.media import (
    ORIGINALS,
    RENDITIONS,
    BucketStorage,
    FolderStorage,
    MediaNotFound,
    MediaStorage,
    MediaUnavailable,
    storage_for,
)
from tests.conftest import csrf_token, login_as
from tests.factories.catalogue import make_category, make_product
from tests.factories.marks import pdf
from tests.factories.producers import make_community
from tests.factories.shop import make_user
from tests.media_storage import Bucket, media_settings

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def jpeg(width: int = 900, height: int = 600) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), "green")
    image.paste((250, 200, 0), (0, 0, width // 3, height))
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """A plain, unsigned HTTP GET, as a browser would make it: status, headers (lower-case names), body."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, {k.lower(): v for k, v in error.headers.items()}, b""


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.fixture
def listing(client: FlaskClient) -> dict[str, Any]:
    """A community's listing, its member signed in."""
    community = make_community(slug="pagiriai", name="Pagirių bendruomenė")
    product = make_product(community, make_category(), slug="medus", name_lt="Liepų medus")
    make_user(community, email="pagiriai@example.org")
    login_as(client, "pagiriai@example.org")
    return {"community": community, "product": product}


def upload_photo(client: FlaskClient, product_id: int, content: bytes) -> str:
    response = client.post(
        f"/workspace/listings/{product_id}/photos",
        data={
            "csrf_token": csrf_token(client, f"/workspace/listings/{product_id}"),
            "photos": (io.BytesIO(content), "medus.jpg"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def photos_of(product_id: int) -> list[ProductImage]:
    db.session.rollback()  # what the requests committed
    return list(db.session.scalars(select(ProductImage).where(ProductImage.product_id == product_id)))


def test_a_photo_uploaded_with_a_bucket_is_served_through_the_shop_and_nothing_is_on_local_disk(
    client: FlaskClient, s3_media: Bucket, listing: dict[str, Any]
) -> None:
    product = listing["product"]
    upload_photo(client, product.id, jpeg())
    (image,) = photos_of(product.id)
    renditions = [f"{image.key}-{w}.{e}" for w in (320, 640, 1280) for e in ("webp", "jpg")]
    assert s3_media.stored_keys() == sorted(
        [f"{ORIGINALS}/{image.key}.jpeg"] + [f"{RENDITIONS}/{name}" for name in renditions]
    )
    assert files_under(s3_media.media_root) == []  # every file went to the bucket

    shown = client.get("/produktai/medus").get_data(as_text=True)
    assert f"/media/{image.key}-640.webp 640w" in shown  # the picture's srcset, through the shop
    served = client.get(f"/media/{image.key}-640.webp")
    stored = s3_media.client.get_object(Bucket=s3_media.name, Key=f"{RENDITIONS}/{image.key}-640.webp")
    assert served.status_code == 200 and served.data == stored["Body"].read()
    assert served.mimetype == "image/webp" and served.content_length == len(served.data)
    assert {"public", "immutable", "max-age=31536000"} <= {
        part.strip() for part in served.headers["Cache-Control"].split(",")
    }
    again = client.get(f"/media/{image.key}-640.webp", headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    # the original: never through the shop, never public at the storage, and no grant to everyone
    assert client.get(f"/media/{image.key}.jpeg").status_code == 404
    assert fetch(f"{s3_media.public_url}/{ORIGINALS}/{image.key}.jpeg")[0] == 403
    grants = s3_media.client.get_object_acl(Bucket=s3_media.name, Key=f"{ORIGINALS}/{image.key}.jpeg")
    assert all(grant["Grantee"].get("URI") != ALL_USERS for grant in grants["Grants"])


def test_with_a_public_url_pages_link_renditions_straight_at_the_storage_which_serves_them_for_a_year(
    app: Flask, client: FlaskClient, s3_media: Bucket, listing: dict[str, Any]
) -> None:
    with media_settings(app, {"MEDIA_S3_PUBLIC_URL": s3_media.public_url}):
        upload_photo(client, listing["product"].id, jpeg())
        (image,) = photos_of(listing["product"].id)
        page = client.get("/produktai/medus")
        shown = page.get_data(as_text=True)
    # the browser may load them: the storage's origin is among the page's image sources
    images = next(part for part in page.headers["Content-Security-Policy"].split(";") if "img-src" in part)
    assert urlsplit(s3_media.public_url)._replace(path="").geturl() in images.split()
    direct = f"{s3_media.public_url}/{RENDITIONS}/{image.key}-640.webp"
    assert direct in shown and "/media/" not in shown
    assert (
        f'<meta property="og:image" content="{s3_media.public_url}/{RENDITIONS}/{image.key}-1280.jpg">'
        in shown
    )
    status, headers, body = fetch(direct)
    assert status == 200 and Image.open(io.BytesIO(body)).format == "WEBP"
    assert headers["content-type"] == "image/webp"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    status, headers, _ = fetch(f"{s3_media.public_url}/{RENDITIONS}/{image.key}-1280.jpg")
    assert status == 200 and headers["content-type"] == "image/jpeg"
    assert fetch(f"{s3_media.public_url}/{ORIGINALS}/{image.key}.jpeg")[0] == 403


def test_a_rendition_missing_from_the_bucket_is_not_found(client: FlaskClient, s3_media: Bucket) -> None:
    response = client.get(f"/media/{'ab' * 16}-640.jpg")
    assert response.status_code == 404


def test_a_rendition_from_a_bucket_that_does_not_answer_is_a_503_not_an_error_page(
    client: FlaskClient, silent_s3: str
) -> None:
    assert client.get(f"/media/{'ab' * 16}-640.jpg").status_code == 503


def test_evidence_files_round_trip_through_the_bucket_privately(app: Flask, s3_media: Bucket) -> None:
    evidence.save("0123456789abcdef0123456789abcdef.pdf", pdf("Protokolas"))
    assert s3_media.stored_keys() == ["evidence/0123456789abcdef0123456789abcdef.pdf"]
    assert evidence.read("0123456789abcdef0123456789abcdef.pdf") == pdf("Protokolas")
    assert fetch(f"{s3_media.public_url}/evidence/0123456789abcdef0123456789abcdef.pdf")[0] == 403
    evidence.remove("0123456789abcdef0123456789abcdef.pdf")
    assert s3_media.stored_keys() == [] and files_under(s3_media.media_root) == []


def test_the_storage_answers_a_health_check(app: Flask, s3_media: Bucket) -> None:
    storage = MediaStorage.from_app()
    assert isinstance(storage, BucketStorage)
    storage.ping()  # no error: the bucket is there


def test_a_bucket_that_does_not_answer_fails_its_health_check(app: Flask, silent_s3: str) -> None:
    with pytest.raises(MediaUnavailable, match="kaimo-gone"):
        MediaStorage.from_app().ping()


def test_when_the_bucket_does_not_answer_the_uploader_is_told_and_nothing_is_added(
    client: FlaskClient, silent_s3: str, listing: dict[str, Any]
) -> None:
    page = upload_photo(client, listing["product"].id, jpeg())
    assert "Nuotraukų saugykla neatsako" in page
    assert photos_of(listing["product"].id) == []
    assert files_under(Path(silent_s3)) == []


def test_when_the_bucket_does_not_answer_a_shop_photo_is_not_saved(
    client: FlaskClient, silent_s3: str, listing: dict[str, Any]
) -> None:
    response = client.post(
        "/workspace/settings/photo",
        data={
            "csrf_token": csrf_token(client, "/workspace/settings"),
            "photo": (io.BytesIO(jpeg()), "kaimas.jpg"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200 and "Nuotraukų saugykla neatsako" in response.get_data(as_text=True)
    db.session.rollback()
    assert not db.session.get(Community, listing["community"].id).photo_key  # type: ignore[union-attr]


def test_when_the_bucket_does_not_answer_a_fair_with_a_banner_is_not_created(
    client: FlaskClient, silent_s3: str
) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    login_as(client, "vvg@example.org")
    opens = vilnius_today() + timedelta(days=40)
    form = {
        "csrf_token": csrf_token(client, "/backoffice/muges/nauja"),
        "name_lt": "Kalėdų mugė",
        "name_en": "Christmas fair",
        "slug": "kaledu-muge",
        "opens_at": f"{opens.isoformat()}T10:00",
        "closes_at": f"{(opens + timedelta(days=5)).isoformat()}T18:00",
        "theme_category": "",
        "banner": (io.BytesIO(jpeg(1600, 600)), "juosta.jpg"),
    }
    response = client.post("/backoffice/muges/nauja", data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Nuotraukų saugykla neatsako" in response.get_data(as_text=True)
    assert "Kalėdų mugė" in response.get_data(as_text=True)  # what was typed is shown again
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Fair)) == 0


def test_a_fair_banner_goes_to_the_bucket_and_is_shown(client: FlaskClient, s3_media: Bucket) -> None:
    make_user(email="vvg@example.org", is_staff=True)
    login_as(client, "vvg@example.org")
    opens = vilnius_today() + timedelta(days=40)
    form = {
        "csrf_token": csrf_token(client, "/backoffice/muges/nauja"),
        "name_lt": "Kalėdų mugė",
        "name_en": "Christmas fair",
        "slug": "kaledu-muge",
        "opens_at": f"{opens.isoformat()}T10:00",
        "closes_at": f"{(opens + timedelta(days=5)).isoformat()}T18:00",
        "theme_category": "",
        "banner": (io.BytesIO(jpeg(1600, 600)), "juosta.jpg"),
    }
    response = client.post("/backoffice/muges/nauja", data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.rollback()
    fair = db.session.scalars(select(Fair)).one()
    assert fair.banner_key and f"{RENDITIONS}/{fair.banner_key}-1280.webp" in s3_media.stored_keys()
    served = client.get(f"/media/{fair.banner_key}-1280.jpg")
    assert served.status_code == 200 and Image.open(io.BytesIO(served.data)).size == (1280, 480)
    assert files_under(s3_media.media_root) == []


def test_a_shops_media_folder_is_copied_into_a_bucket_once(
    app: Flask, s3_media: Bucket, tmp_path: Path
) -> None:
    old = FolderStorage(tmp_path / "old")
    old.save(ORIGINALS, "a.jpeg", b"original")
    old.save(RENDITIONS, "a-320.jpg", b"rendition")
    old.save("evidence", "b.pdf", b"%PDF-")
    (tmp_path / "old" / RENDITIONS / ".DS_Store").write_bytes(b"a desktop's own")  # not a medium: skipped
    runner = app.test_cli_runner()
    first = runner.invoke(args=["media", "copy-from", str(tmp_path / "old")])
    assert first.exit_code == 0 and "Copied 3 file(s)." in first.output, first.output
    assert s3_media.stored_keys() == ["evidence/b.pdf", "originals/a.jpeg", "renditions/a-320.jpg"]
    assert MediaStorage.from_app().read(RENDITIONS, "a-320.jpg") == b"rendition"
    again = runner.invoke(args=["media", "copy-from", str(tmp_path / "old")])
    assert "Copied 0 file(s)." in again.output
    assert "answers" in runner.invoke(args=["media", "check"]).output


def test_media_check_fails_when_the_bucket_does_not_answer(app: Flask, silent_s3: str) -> None:
    result = app.test_cli_runner().invoke(args=["media", "check"])
    assert result.exit_code == 1 and "kaimo-gone does not answer" in result.output


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"MEDIA_S3_PUBLIC_URL": "https://cdn.example.org"}, "MEDIA_S3_BUCKET is not"),
        ({"MEDIA_S3_BUCKET": "b", "MEDIA_S3_PUBLIC_URL": "cdn.example.org"}, "MEDIA_S3_PUBLIC_URL must"),
        ({"MEDIA_S3_BUCKET": "b", "MEDIA_S3_ENDPOINT_URL": "s3.example.org"}, "MEDIA_S3_ENDPOINT_URL must"),
    ],
)
def test_media_settings_that_cannot_work_are_refused_at_start(settings: dict[str, str], words: str) -> None:
    with pytest.raises(config.ConfigError, match=words):
        config.check_media({"MEDIA_S3_ATTEMPTS": 3, "MEDIA_S3_TIMEOUT_SECONDS": 10, **settings})


def test_the_folder_stays_the_default(tmp_path: Path) -> None:
    storage = storage_for(config.from_environ(str(tmp_path), {"MEDIA_ROOT": str(tmp_path / "media")}))
    assert isinstance(storage, FolderStorage)
    storage.save(RENDITIONS, "a.jpg", b"x")
    storage.ping()
    assert (tmp_path / "media" / RENDITIONS / "a.jpg").read_bytes() == b"x"
    assert storage.names(RENDITIONS) == ["a.jpg"] and storage.public_url(RENDITIONS, "a.jpg") is None
    for name in ("b.jpg", "../secret_key", ".tmp-x"):
        with pytest.raises(MediaNotFound):
            storage.read(RENDITIONS, name)
