"""The photo pipeline: check an upload, keep its original private, publish clean renditions.

Renditions are re-encoded from pixels only, so no metadata (EXIF, XMP, GPS position, camera serial,
JPEG comments, colour profiles) of the original survives; orientation is applied first so the photo still
stands the right way up, and a photo with a colour profile is converted to sRGB before its profile goes.
A phone's multi-picture JPEG (MPO) is read as its first picture. A very tall or wide photo is scaled down
so its long side fits WebP's limit, never refused for its shape alone.
"""

from __future__ import annotations

import enum
import hashlib
import io
import re
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from shop.media import ORIGINALS, RENDITIONS, MediaStorage

OPENED_FORMATS = ("JPEG", "PNG", "WEBP")  #: the readers tried; the JPEG one reads MPO files too
ACCEPTED_FORMATS = (*OPENED_FORMATS, "MPO")  #: MPO: a phone's multi-picture JPEG, read as its first picture
RENDITION_WIDTHS = (320, 640, 1280)
RENDITION_FORMATS = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is plenty; more is a decompression bomb or a mistake
MIN_SIDE = 300
MAX_SIDE = 16_383  # WebP's limit on either side: a longer rendition is scaled down to fit
PIPELINE_VERSION = b"2"  # part of every rendition's name: change it when the encoding changes
RENDITION_NAME = re.compile(r"^[0-9a-f]{32}-(?:320|640|1280)\.(?:webp|jpg)$")


class ImageProblem(enum.StrEnum):
    NOT_AN_IMAGE = "not_an_image"
    UNSUPPORTED_FORMAT = "unsupported_format"
    TOO_LARGE = "too_large"  # bytes
    TOO_MANY_PIXELS = "too_many_pixels"  # decompression bomb
    TOO_SMALL = "too_small"


class ImageRejected(Exception):
    """An upload that is not a photo we can publish; `problem` says why, for the form to word it."""

    def __init__(self, problem: ImageProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class ProcessedImage:
    """A checked upload and its renditions, ready to be stored."""

    key: str  #: content hash shared by the renditions' names
    original_name: str
    original: bytes
    width: int  #: of the largest rendition
    height: int
    renditions: dict[str, bytes] = field(default_factory=dict)  #: file name → bytes


def rendition_name(key: str, width: int, extension: str) -> str:
    return f"{key}-{width}.{extension}"


def process_image(data: bytes) -> ProcessedImage:
    """Check an uploaded photo and derive its web renditions; raise ImageRejected with the reason."""
    if len(data) > MAX_BYTES:
        raise ImageRejected(ImageProblem.TOO_LARGE)
    image = _open_checked(data)
    original_format = {"MPO": "jpeg"}.get(image.format or "", (image.format or "bin").lower())
    image = ImageOps.exif_transpose(image)
    image = _flatten(_to_srgb(image))
    image = _pixels_only(image)
    if min(image.size) < MIN_SIDE:
        raise ImageRejected(ImageProblem.TOO_SMALL)

    key = hashlib.sha256(PIPELINE_VERSION + data).hexdigest()[:32]
    renditions: dict[str, bytes] = {}
    largest = image
    for width in RENDITION_WIDTHS:
        resized = _resize_to_width(image, width)
        largest = resized
        for extension, (pil_format, options) in RENDITION_FORMATS.items():
            buffer = io.BytesIO()
            resized.save(buffer, pil_format, **options)  # no exif=, no icc_profile=: nothing but pixels
            renditions[rendition_name(key, width, extension)] = buffer.getvalue()
    return ProcessedImage(
        key=key,
        original_name=f"{key}.{original_format}",
        original=data,
        width=largest.width,
        height=largest.height,
        renditions=renditions,
    )


def store_image(storage: MediaStorage, processed: ProcessedImage) -> None:
    """Write the original (private) and the renditions (public) to media storage."""
    storage.save(ORIGINALS, processed.original_name, processed.original)
    for name, content in processed.renditions.items():
        storage.save(RENDITIONS, name, content)


def _open_checked(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected(ImageProblem.TOO_MANY_PIXELS) from None
        except (UnidentifiedImageError, OSError, ValueError):
            raise ImageRejected(ImageProblem.NOT_AN_IMAGE) from None
        if probe.format not in ACCEPTED_FORMATS:
            raise ImageRejected(ImageProblem.UNSUPPORTED_FORMAT)
        if probe.width * probe.height > MAX_PIXELS:
            raise ImageRejected(ImageProblem.TOO_MANY_PIXELS)
        try:
            probe.verify()  # checks the file's structure; the image must be opened again afterwards
            image = Image.open(io.BytesIO(data), formats=OPENED_FORMATS)
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected(ImageProblem.TOO_MANY_PIXELS) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise ImageRejected(ImageProblem.NOT_AN_IMAGE) from None
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: transparency and palettes do not survive JPEG, and photos need neither."""
    if image.mode in {"RGBA", "LA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _to_srgb(image: Image.Image) -> Image.Image:
    """The photo's colours in sRGB when it carries a colour profile (a profile we cannot read is dropped)."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in {"RGB", "RGBA", "CMYK", "L"}:
        return image
    try:
        converted = ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding the pixels and nothing else: no EXIF, XMP, ICC profile or comment to save again.

    Pillow writes `info`'s comment, profile and EXIF back when a copy is saved, so the copies must not
    have any: every rendition is made from this one.
    """
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def _resize_to_width(image: Image.Image, width: int) -> Image.Image:
    """A copy at most `width` wide and `MAX_SIDE` tall, never enlarged."""
    scale = min(width / image.width, MAX_SIDE / image.height)
    if scale >= 1:
        return image.copy()
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
