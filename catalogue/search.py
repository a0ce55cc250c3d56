"""Search that ignores case and Lithuanian diacritics, the same on SQLite and PostgreSQL.

Each product keeps a folded copy of its texts (`Product.search_text`); a query is folded the same way
and matched word by word, so "zaisliukai" finds "Žaisliukai" without database extensions.
"""

from __future__ import annotations

import re

from shop.text import fold

_WORD = re.compile(r"\w+", re.UNICODE)


def query_words(query: str, *, limit: int = 8) -> list[str]:
    """The folded words of a search query, at most `limit` of them."""
    return _WORD.findall(fold(query))[:limit]
