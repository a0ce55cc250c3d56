"""Evidence files: checked by their content, size-capped, stored privately under random names.

The store is the media storage's private `evidence/` area (`shop.media`: a folder or a bucket), beside
the photo originals and never among the public renditions; a file is read back only through the routes
that check the viewer (staff, or a member of the application's community). A file's type is what its
bytes are, not what its name or the browser says: a PDF must start with `%PDF-` and end with `%%EOF` and
carry no script or embedded file; an image must open and verify with Pillow as JPEG, PNG or WebP. A name
whose extension says another type is refused too, so what the community sees listed is what it is.
"""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass

from flask import current_app
from PIL import Image, UnidentifiedImageError

from shop.media import EVIDENCE, MediaStorage, MediaUnavailable

AREA = EVIDENCE
#: What the problems are called (`EvidenceRejected.problem`); the views word them.
PROBLEMS = ("too_large", "empty", "not_accepted", "name_mismatch", "too_many")
_IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
_EXTENSIONS = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
#: PDF features that run or carry something: a file with them is refused.
_ACTIVE_PDF = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed: what it really is, and the names to keep."""

    content_type: str
    extension: str
    original_name: str
    data: bytes


def sanitised_name(filename: str) -> str:
    """The uploaded name as it may be shown: the last path part, printable, at most 120 characters."""
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*\x00').strip(" .")
    if len(name) > 120:
        stem, dot, extension = name.rpartition(".")
        name = (
            f"{stem[: 110 - len(extension)]}…{dot}{extension}" if dot and len(extension) <= 5 else name[:120]
        )
    return name or "failas"


def detect(data: bytes) -> tuple[str, str] | None:
    """The content type and extension `data` really is, or None when it is nothing the mark accepts."""
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:] or _ACTIVE_PDF.search(data):
            return None
        return "application/pdf", "pdf"
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data), formats=tuple(_IMAGE_TYPES))
            if probe.width * probe.height > MAX_PIXELS:
                return None
            probe.verify()
            image = Image.open(io.BytesIO(data), formats=tuple(_IMAGE_TYPES))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
            return None
    return _IMAGE_TYPES.get(str(image.format))


def check(filename: str, data: bytes, *, max_bytes: int) -> CheckedFile | str:
    """The checked file, or the problem (one of `PROBLEMS`)."""
    if not data:
        return "empty"
    if len(data) > max_bytes:
        return "too_large"
    found = detect(data)
    if found is None:
        return "not_accepted"
    content_type, extension = found
    name = sanitised_name(filename)
    claimed = name.rpartition(".")[2].lower() if "." in name else ""
    if _EXTENSIONS.get(claimed) != content_type:
        return "name_mismatch"
    return CheckedFile(content_type, extension, name, data)


def new_stored_name(extension: str) -> str:
    return f"{secrets.token_hex(16)}.{extension}"


def save(stored_name: str, data: bytes) -> None:
    """Keep a checked file; MediaUnavailable when the storage cannot take it."""
    MediaStorage.from_app().save(AREA, stored_name, data)


def read(stored_name: str) -> bytes:
    """A kept file's bytes; MediaNotFound when it is gone, MediaUnavailable when storage does not answer."""
    return MediaStorage.from_app().read(AREA, stored_name)


def remove(stored_name: str) -> None:
    """Take a kept file away; when the storage does not answer, it stays there, unlisted, and is logged."""
    try:
        MediaStorage.from_app().delete(AREA, stored_name)
    except MediaUnavailable:
        current_app.logger.warning(
            "Evidence file %s could not be removed from the media storage", stored_name
        )


def max_bytes() -> int:
    return int(current_app.config["MARK_EVIDENCE_MAX_BYTES"])
