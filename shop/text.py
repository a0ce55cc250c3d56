"""Plain-text helpers shared by every package: folding Lithuanian letters, and slugs for addresses."""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case `text` and strip its diacritics: "Šiaudinė ŽVAIGŽDĖ" → "siaudine zvaigzde"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def slugify(text: str, *, fallback: str, limit: int = 80) -> str:
    """The words of `text` as an address part: "Šlapaberžės bendruomenė" → "slapaberzes-bendruomene".

    Lithuanian letters lose their marks (š → s, ė → e), anything else but a–z and 0–9 becomes one dash;
    `fallback` when nothing is left.
    """
    return _NOT_SLUG.sub("-", fold(text)).strip("-")[:limit].strip("-") or fallback
