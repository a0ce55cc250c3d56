"""Media in S3-compatible object storage for the tests: moto's server on a loopback port, a bucket per test.

`s3_media` points the app at a new bucket (and at an empty MEDIA_ROOT, which must stay empty);
`media_storage` runs a test twice, media in the folder and then in a bucket.
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from flask import Flask
from moto.server import ThreadedMotoServer

from shop.media import RENDITIONS, MediaStorage

ACCESS = {"MEDIA_S3_ACCESS_KEY_ID": "test-key", "MEDIA_S3_SECRET_ACCESS_KEY": "test-secret"}


@dataclass(frozen=True)
class Bucket:
    """A bucket the app stores its media in, and a client of our own to look inside it."""

    name: str
    endpoint: str
    client: Any
    media_root: Path

    @property
    def public_url(self) -> str:
        """Where the bucket's objects are fetched without signing (path-style, as the policy allows)."""
        return f"{self.endpoint}/{self.name}"

    def stored_keys(self) -> list[str]:
        found = self.client.list_objects_v2(Bucket=self.name).get("Contents", [])
        return sorted(item["Key"] for item in found)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible server (moto's), answering on a free loopback port for the whole session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=ACCESS["MEDIA_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=ACCESS["MEDIA_S3_SECRET_ACCESS_KEY"],
        config=Config(s3={"addressing_style": "path"}),
    )


@contextmanager
def media_settings(app: Flask, settings: Mapping[str, Any]) -> Iterator[None]:
    """The app with these media settings for a while; its storage is made again from them."""
    saved = {name: app.config.get(name) for name in settings}
    app.config.update(settings)
    app.extensions.pop("media_storage", None)
    try:
        yield
    finally:
        app.config.update(saved)
        app.extensions.pop("media_storage", None)


@pytest.fixture
def s3_media(app: Flask, s3_endpoint: str, tmp_path: Path) -> Iterator[Bucket]:
    """The app's media in a new bucket whose policy makes `renditions/*` (only) readable by anyone, as the
    README tells operators to set it; MEDIA_ROOT is a new, empty folder."""
    name = f"kaimo-{uuid.uuid4().hex[:12]}"
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=name)
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(public_renditions_policy(name)))
    media_root = tmp_path / "media"
    media_root.mkdir()
    settings = {
        "MEDIA_ROOT": str(media_root),
        "MEDIA_S3_BUCKET": name,
        "MEDIA_S3_ENDPOINT_URL": s3_endpoint,
        "MEDIA_S3_PUBLIC_URL": "",
        **ACCESS,
    }
    with media_settings(app, settings):
        yield Bucket(name, s3_endpoint, client, media_root)


def public_renditions_policy(bucket: str) -> dict[str, Any]:
    """The bucket policy of the README: anyone may read a rendition; nothing else is public."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRenditions",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/{RENDITIONS}/*",
            }
        ],
    }


@pytest.fixture
def silent_s3(app: Flask, tmp_path: Path) -> Iterator[str]:
    """The app's media in a bucket on a port where nothing answers (once, quickly)."""
    with socket.socket() as probe:  # a free port, closed again: connections to it are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = {
        "MEDIA_ROOT": str(tmp_path / "media"),
        "MEDIA_S3_BUCKET": "kaimo-gone",
        "MEDIA_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "MEDIA_S3_PUBLIC_URL": "",
        "MEDIA_S3_ATTEMPTS": 1,
        "MEDIA_S3_TIMEOUT_SECONDS": 2,
        **ACCESS,
    }
    with media_settings(app, settings):
        yield settings["MEDIA_ROOT"]


@pytest.fixture(params=["folder", "bucket"])
def media_storage(request: pytest.FixtureRequest, app: Flask) -> MediaStorage:
    """The app's media storage: the MEDIA_ROOT folder, then (the same test again) an S3 bucket."""
    if request.param == "bucket":
        request.getfixturevalue("s3_media")
    with app.app_context():
        return MediaStorage.from_app()
