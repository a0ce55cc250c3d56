"""Where uploaded and generated files live: originals kept private, public renditions served forever.

One interface, two places, chosen once from the configuration: a folder (`MEDIA_ROOT`, the default), or a
bucket in S3-compatible object storage when `MEDIA_S3_BUCKET` is set, so that several app servers share
one store and none keeps a file another needs. A file is `<area>/<name>` in either; names are content
hashes (photos) or random (evidence), so writing one again never changes what another page shows.
"""

from __future__ import annotations

import mimetypes
import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app

from shop.caching import IMMUTABLE

ORIGINALS = "originals"  # never served: the photo as uploaded
RENDITIONS = "renditions"  # served under /media/<name> (or MEDIA_S3_PUBLIC_URL) with long cache headers
EVIDENCE = "evidence"  # never served but to staff and the community (producers.marks.evidence)
AREAS = (ORIGINALS, RENDITIONS, EVIDENCE)
#: A rendition's name never changes with its content: any cache may keep it for a year.
_CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp", "png": "image/png"}


class MediaUnavailable(Exception):
    """The media storage did not answer, or refused: what was asked was not done."""


class MediaNotFound(LookupError):
    """No file of that name in that area."""


@dataclass(frozen=True)
class StoredFile:
    """An opened file: read `stream` (and close it), `size` bytes, last written at `modified_at`."""

    stream: BinaryIO
    size: int
    modified_at: datetime


def content_type(name: str) -> str:
    """The Content-Type a file is stored and sent with, from its name's extension."""
    extension = name.rpartition(".")[2].lower()
    return _CONTENT_TYPES.get(extension) or mimetypes.guess_type(name)[0] or "application/octet-stream"


class MediaStorage(ABC):
    """Files by area and name; `from_app()` is the one the configuration chose."""

    @classmethod
    def from_app(cls) -> MediaStorage:
        """The app's storage, made on first use and kept (a bucket's client is reused by every request)."""
        storage = current_app.extensions.get("media_storage")
        if storage is None:
            storage = current_app.extensions["media_storage"] = storage_for(current_app.config)
        return storage

    @abstractmethod
    def save(self, area: str, name: str, data: bytes) -> None:
        """Store a file; a name already stored holds the same content, so writing it again is harmless."""

    @abstractmethod
    def open(self, area: str, name: str) -> StoredFile:
        """The stored file, to be streamed; MediaNotFound when there is none."""

    def read(self, area: str, name: str) -> bytes:
        """The stored file's bytes; MediaNotFound when there is none."""
        stored = self.open(area, name)
        try:
            return stored.stream.read()
        finally:
            stored.stream.close()

    @abstractmethod
    def exists(self, area: str, name: str) -> bool: ...

    @abstractmethod
    def delete(self, area: str, name: str) -> None:
        """Remove a file; one already gone is not an error."""

    @abstractmethod
    def names(self, area: str) -> list[str]:
        """Every file name stored in an area, sorted."""

    @abstractmethod
    def ping(self) -> None:
        """Check the storage can be used now (health checks); MediaUnavailable says why not."""

    def public_url(self, area: str, name: str) -> str | None:
        """Where browsers fetch a file straight from the storage, or None: through the app."""
        return None


def copy_media(source: MediaStorage, target: MediaStorage) -> int:
    """Copy every file the target lacks, area by area (e.g. a folder into a new bucket); how many were.
    Safe to run again, or while the shop runs: what is there already is skipped."""
    copied = 0
    for area in AREAS:
        present = set(target.names(area))
        for name in source.names(area):
            if name not in present:
                target.save(area, name, source.read(area, name))
                copied += 1
    return copied


def storage_for(settings: Mapping[str, Any]) -> MediaStorage:
    """The storage the settings name: a bucket when MEDIA_S3_BUCKET is set, else the MEDIA_ROOT folder."""
    if settings.get("MEDIA_S3_BUCKET"):
        return BucketStorage(settings)
    return FolderStorage(settings["MEDIA_ROOT"])


class FolderStorage(MediaStorage):
    """A folder outside the web root (MEDIA_ROOT): one app server, or several sharing a mount."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, area: str, name: str) -> Path:
        if not name or name.startswith(".") or "/" in name or "\\" in name:  # one file of the area
            raise MediaNotFound(f"{area}/{name}")
        return self.root / area / name

    def save(self, area: str, name: str, data: bytes) -> None:
        """Write atomically (a temporary file renamed into place): a reader never sees half a file."""
        target = self._path(area, name)
        if target.exists():
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.replace(temporary, target)
        except OSError as error:
            raise MediaUnavailable(f"{target.parent}: {error.strerror or error}") from error

    def open(self, area: str, name: str) -> StoredFile:
        try:
            stream = self._path(area, name).open("rb")
        except (FileNotFoundError, NotADirectoryError):
            raise MediaNotFound(f"{area}/{name}") from None
        except OSError as error:
            raise MediaUnavailable(f"{area}/{name}: {error.strerror or error}") from error
        status = os.fstat(stream.fileno())
        return StoredFile(stream, status.st_size, datetime.fromtimestamp(status.st_mtime, UTC))

    def exists(self, area: str, name: str) -> bool:
        try:
            return self._path(area, name).is_file()
        except MediaNotFound:
            return False

    def delete(self, area: str, name: str) -> None:
        try:
            self._path(area, name).unlink(missing_ok=True)
        except MediaNotFound:
            return
        except OSError as error:
            raise MediaUnavailable(f"{area}/{name}: {error.strerror or error}") from error

    def names(self, area: str) -> list[str]:
        folder = self.root / area
        if not folder.is_dir():
            return []
        # not hidden files: a half-written file (.tmp-…) or a desktop's .DS_Store is never a medium
        return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))

    def ping(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise MediaUnavailable(f"MEDIA_ROOT {self.root}: {error.strerror or error}") from error
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise MediaUnavailable(f"MEDIA_ROOT {self.root} is not writable by this user")


class BucketStorage(MediaStorage):
    """A bucket in S3-compatible object storage (AWS, MinIO, Hetzner, Scaleway…), keys `<area>/<name>`.

    Nothing is made public by an ACL: renditions are public only if the bucket's policy says so for
    `renditions/*` (see the README); originals and evidence are read only through the app.
    """

    def __init__(self, settings: Mapping[str, Any]) -> None:
        import boto3  # loaded only when a bucket is configured
        from botocore.config import Config

        self.bucket: str = settings["MEDIA_S3_BUCKET"]
        endpoint = settings.get("MEDIA_S3_ENDPOINT_URL") or None
        timeout = float(settings.get("MEDIA_S3_TIMEOUT_SECONDS") or 10)
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=settings.get("MEDIA_S3_REGION") or "us-east-1",
            aws_access_key_id=settings.get("MEDIA_S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=settings.get("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            config=Config(
                connect_timeout=timeout,
                read_timeout=timeout,
                retries={
                    "mode": "standard",
                    "total_max_attempts": int(settings.get("MEDIA_S3_ATTEMPTS") or 3),
                },
                # Another provider's endpoint is addressed by path (bucket names need no DNS of their own),
                # and checksums only where S3 requires them: several S3-compatible servers refuse the rest.
                s3={"addressing_style": "path" if endpoint else "auto"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )
        self.public_base: str = (settings.get("MEDIA_S3_PUBLIC_URL") or "").rstrip("/")

    @staticmethod
    def _key(area: str, name: str) -> str:
        return f"{area}/{name}"

    def _unavailable(self, error: Exception, doing: str) -> MediaUnavailable:
        current_app.logger.warning("Media bucket %s: %s failed: %s", self.bucket, doing, error)
        return MediaUnavailable(f"bucket {self.bucket}: {doing}: {error}")

    def save(self, area: str, name: str, data: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        extra = {"CacheControl": IMMUTABLE} if area == RENDITIONS else {}
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(area, name),
                Body=data,
                ContentType=content_type(name),
                **extra,
            )
        except (BotoCoreError, ClientError) as error:
            raise self._unavailable(error, f"writing {area}/{name}") from error

    def open(self, area: str, name: str) -> StoredFile:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self._key(area, name))
        except ClientError as error:
            if _is_missing(error):
                raise MediaNotFound(f"{area}/{name}") from None
            raise self._unavailable(error, f"reading {area}/{name}") from error
        except BotoCoreError as error:
            raise self._unavailable(error, f"reading {area}/{name}") from error
        return StoredFile(found["Body"], int(found["ContentLength"]), found["LastModified"])

    def exists(self, area: str, name: str) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(area, name))
        except ClientError as error:
            if _is_missing(error):
                return False
            raise self._unavailable(error, f"looking for {area}/{name}") from error
        except BotoCoreError as error:
            raise self._unavailable(error, f"looking for {area}/{name}") from error
        return True

    def delete(self, area: str, name: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(area, name))
        except (BotoCoreError, ClientError) as error:
            raise self._unavailable(error, f"removing {area}/{name}") from error

    def names(self, area: str) -> list[str]:
        from botocore.exceptions import BotoCoreError, ClientError

        prefix = f"{area}/"
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
            return sorted(item["Key"][len(prefix) :] for page in pages for item in page.get("Contents", ()))
        except (BotoCoreError, ClientError) as error:
            raise self._unavailable(error, f"listing {area}") from error

    def ping(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as error:
            raise self._unavailable(error, "checking the bucket") from error

    def public_url(self, area: str, name: str) -> str | None:
        if area != RENDITIONS or not self.public_base:
            return None
        return f"{self.public_base}/{self._key(area, name)}"


def _is_missing(error: Any) -> bool:
    """A ClientError that means "no such key" (a HEAD request's 404 carries no error code of its own)."""
    response = getattr(error, "response", {}) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    return code in {"NoSuchKey", "404", "NotFound"}
