"""Where uploaded and generated files live: originals kept private, public renditions served forever."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import current_app

ORIGINALS = "originals"  # never served: the photo as uploaded
RENDITIONS = "renditions"  # served under /media/<name> with long cache headers


class MediaStorage:
    """A folder outside the web root (MEDIA_ROOT); on several app servers, a shared mount."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    @classmethod
    def from_app(cls) -> MediaStorage:
        return cls(current_app.config["MEDIA_ROOT"])

    def path(self, area: str, name: str) -> Path:
        return self.root / area / name

    def save(self, area: str, name: str, data: bytes) -> None:
        """Write a file atomically; names are content hashes, so an existing file is already right."""
        target = self.path(area, name)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, target)

    def rendition_folder(self) -> Path:
        return self.root / RENDITIONS
