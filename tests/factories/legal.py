"""The legal pages: version 1 of each, with the texts the migration (0018) gives a new shop."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

from legal import pages
from legal.models import LegalPageKind, LegalPageVersion
from shop.models import User

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0018_legal_pages.py"


@cache
def first_texts() -> dict[LegalPageKind, tuple[str, str, str, str]]:
    """Each kind's first title and body (lt, en), read from the migration that writes them."""
    spec = importlib.util.spec_from_file_location("legal_pages_migration", MIGRATION)
    assert spec and spec.loader
    module: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {LegalPageKind(kind): (t_lt, t_en, b_lt, b_en) for kind, t_lt, t_en, b_lt, b_en in module.PAGES}


def make_legal_pages() -> dict[LegalPageKind, LegalPageVersion]:
    """Version 1 of all five pages, as a freshly migrated shop has them."""
    made = {}
    for kind, (title_lt, title_en, body_lt, body_en) in first_texts().items():
        draft = pages.Draft(title_lt, title_en, body_lt, body_en, change_note="")
        made[kind] = pages.publish(kind, draft, by=None)
    return made


def publish_version(kind: LegalPageKind, *, by: User | None = None, **changes: str) -> LegalPageVersion:
    """The page's next version: its current texts with `changes` (e.g. body_lt="<p>…</p>")."""
    current = pages.current_version(kind)
    values = {
        "title_lt": current.title_lt if current else "Pavadinimas",
        "title_en": current.title_en if current else "Title",
        "body_lt": current.body_lt if current else "<p>Tekstas</p>",
        "body_en": current.body_en if current else "<p>Text</p>",
        "change_note": "Pakeista",
    }
    return pages.publish(kind, pages.Draft(**{**values, **changes}), by=by)
