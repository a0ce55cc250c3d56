from __future__ import annotations

import io
import struct
import zlib

import pytest
from flask.testing import FlaskClient
from PIL import ExifTags, Image

from catalogue.images import MAX_BYTES, ImageProblem, ImageRejected, process_image, store_image
from shop.media import ORIGINALS, MediaStorage


def photo(
    size: tuple[int, int] = (800, 400),
    fmt: str = "JPEG",
    *,
    orientation: int | None = None,
    gps: bool = False,
) -> bytes:
    """A phone-like photo: left half blue, right half red, optionally with EXIF orientation and GPS."""
    image = Image.new("RGB", size, "red")
    image.paste((0, 0, 255), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "KaimoPhone"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (55.0, 17.0, 30.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (23.0, 58.0, 0.0),
        }
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif) if fmt in {"JPEG", "PNG", "WEBP"} else image.save(buffer, fmt)
    return buffer.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims a huge size: the shape of a decompression bomb."""
    buffer = io.BytesIO()
    Image.new("L", (8, 8)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_renditions_carry_no_gps_position_or_other_metadata() -> None:
    original = photo(gps=True)
    assert opened(original).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the upload really has a position
    processed = process_image(original)
    assert len(processed.renditions) == 6
    for content in processed.renditions.values():
        rendition = opened(content)
        assert not rendition.getexif()
        assert "exif" not in rendition.info and "icc_profile" not in rendition.info
        assert b"KaimoPhone" not in content


def test_exif_orientation_is_applied_before_metadata_is_dropped() -> None:
    processed = process_image(photo((800, 400), orientation=6))  # "rotate 90° clockwise to view"
    assert (processed.width, processed.height) == (400, 800)
    upright = opened(processed.renditions[f"{processed.key}-640.jpg"]).convert("RGB")
    top, bottom = upright.getpixel((200, 50)), upright.getpixel((200, 750))
    assert top[2] > 200 and top[0] < 60  # the blue left half is now on top
    assert bottom[0] > 200 and bottom[2] < 60


def test_renditions_are_webp_and_jpeg_at_three_widths_never_enlarged() -> None:
    processed = process_image(photo((2000, 1500), "PNG"))
    sizes = {name.split("-", 1)[1]: opened(data).size for name, data in processed.renditions.items()}
    assert sizes == {
        "320.webp": (320, 240), "320.jpg": (320, 240),
        "640.webp": (640, 480), "640.jpg": (640, 480),
        "1280.webp": (1280, 960), "1280.jpg": (1280, 960),
    }  # fmt: skip
    assert {opened(data).format for data in processed.renditions.values()} == {"WEBP", "JPEG"}
    small = process_image(photo((500, 500)))
    assert opened(small.renditions[f"{small.key}-1280.jpg"]).size == (500, 500)


def test_rendition_names_are_content_hashes() -> None:
    first, again, other = process_image(photo()), process_image(photo()), process_image(photo((802, 400)))
    assert first.key == again.key != other.key
    assert all(name.startswith(first.key) for name in first.renditions)


def test_transparent_png_is_flattened_on_white() -> None:
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    processed = process_image(buffer.getvalue())
    assert opened(processed.renditions[f"{processed.key}-320.jpg"]).convert("RGB").getpixel((10, 10)) >= (
        250,
        250,
        250,
    )


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n", ImageProblem.NOT_AN_IMAGE),
        (b"<html><script>alert(1)</script></html>", ImageProblem.NOT_AN_IMAGE),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
            ImageProblem.NOT_AN_IMAGE,
        ),
        (b"", ImageProblem.NOT_AN_IMAGE),
        (photo()[:300], ImageProblem.NOT_AN_IMAGE),  # a truncated upload
        (photo(fmt="GIF"), ImageProblem.UNSUPPORTED_FORMAT),
        (photo(fmt="BMP"), ImageProblem.UNSUPPORTED_FORMAT),
        (photo((200, 150)), ImageProblem.TOO_SMALL),
        (png_claiming_size(8000, 6000), ImageProblem.TOO_MANY_PIXELS),  # 48 MP: over our limit
        (png_claiming_size(30000, 30000), ImageProblem.TOO_MANY_PIXELS),  # 900 MP: Pillow's bomb error
        (b"\xff" * (MAX_BYTES + 1), ImageProblem.TOO_LARGE),
    ],
    ids=[
        "pdf",
        "html",
        "svg-with-script",
        "empty",
        "truncated",
        "gif",
        "bmp",
        "tiny",
        "48-megapixels",
        "bomb",
        "11-mb",
    ],
)
def test_uploads_that_are_not_publishable_photos_are_rejected_with_a_reason(
    data: bytes, problem: ImageProblem
) -> None:
    with pytest.raises(ImageRejected) as rejected:
        process_image(data)
    assert rejected.value.problem is problem


def test_original_is_kept_private_and_renditions_are_served_for_a_year(
    client: FlaskClient, media_storage: MediaStorage
) -> None:
    processed = process_image(photo(gps=True))
    store_image(media_storage, processed)
    assert media_storage.read(ORIGINALS, processed.original_name) == processed.original

    response = client.get(f"/media/{processed.key}-640.webp")
    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert {"public", "immutable", "max-age=31536000"} <= {
        part.strip() for part in response.headers["Cache-Control"].split(",")
    }
    assert response.data == processed.renditions[f"{processed.key}-640.webp"]
    response.close()

    for path in (
        f"/media/{processed.original_name}",
        f"/media/..%2F{ORIGINALS}%2F{processed.original_name}",
        f"/media/{processed.key}-999.jpg",
        f"/media/{'0' * 32}-640.jpg",
    ):
        assert client.get(path).status_code == 404, path
