"""Search that understands Lithuanian and English word forms, the same on SQLite and PostgreSQL.

Each product's texts are folded (case and diacritics dropped), cut into words, and each word stemmed
with the Snowball Lithuanian and English stemmers; the words and stems go into `search_terms`, one row
per (product, term) with the weight of the most important field it came from. A query is folded and
stemmed the same way, so "atvirukai", "atvirukas" and "atviruku" meet at "atviruk", "angelų" meets
"Angelas" and "cards" meets "card". The last word of a query also matches as the start of an indexed
word (typing "atvir"), and a mistyped word is corrected to the nearest indexed word.

Why our own stems in a plain indexed table rather than PostgreSQL's text search and SQLite's FTS5:
PostgreSQL does ship a `lithuanian` Snowball configuration, but FTS5 has no Lithuanian stemmer, so SQLite
would need our stems whatever PostgreSQL did; and `ts_rank` and FTS5's `bm25` score by different
formulas, so one query would order products differently on the two engines, which the shop promises not
to do. Used only as inverted indexes over our own stems, the engines would leave the ranking, the typo
look-up and the field weights to our SQL anyway. A B-tree over (term, product_id, weight) answers
whole-word and prefix look-ups on both, needs no extension, and a query's words reach the database only as
bound values, so no input is ever syntax.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import snowballstemmer
import sqlalchemy as sa
from sqlalchemy import Connection

from shop.text import fold

_WORD = re.compile(r"\w+", re.UNICODE)

#: How much a word counts by the field it is in: a product's name > its category and variants > its
#: description > its community's name and village.
NAME_WEIGHT: Final = 8
CATEGORY_WEIGHT: Final = 4
VARIANT_WEIGHT: Final = 4
DESCRIPTION_WEIGHT: Final = 2
COMMUNITY_WEIGHT: Final = 1

#: The longest stem kept (longer words are cut): the column's size, and a bound on a query's work.
TERM_LENGTH: Final = 60
#: The shortest last word matched as a prefix: one letter would match half the catalogue.
PREFIX_LENGTH: Final = 2

#: Words that carry no meaning in a product search ("atvirukas su voku", "card with an envelope").
STOP_WORDS: Final = frozenset(
    {
        *("ir", "su", "be", "bei", "ar", "is", "i", "uz", "del", "po", "per", "prie", "nuo", "iki", "apie"),
        *("ant", "tai", "kad", "and", "with", "the", "a", "an", "of", "for", "to", "in", "on", "or", "by"),
    }
)

_LITHUANIAN = snowballstemmer.stemmer("lithuanian")
_ENGLISH = snowballstemmer.stemmer("english")


@lru_cache(maxsize=8192)
def stems(word: str) -> frozenset[str]:
    """The Lithuanian and English stems of one lower-case word, folded: of the word as written and of its
    folded form. The Lithuanian stemmer knows its letters ("žvaigždžių" and "žvaigždė" both → "žvaigžd"),
    so a word typed with diacritics meets every case of it; typed without them, the folded stem still
    meets the folded forms ("atvirukai" → "atviruk")."""
    word = word[:TERM_LENGTH]
    forms = {word, fold(word)}
    return frozenset(
        fold(stem)[:TERM_LENGTH]
        for form in forms
        for stem in (_LITHUANIAN.stemWord(form), _ENGLISH.stemWord(form))
        if stem
    )


def _words(text: str) -> list[str]:
    """The lower-case words of `text`, diacritics kept (composed, so that a word is never cut at a mark)."""
    return _WORD.findall(unicodedata.normalize("NFC", text.casefold()))


def query_words(query: str, *, limit: int = 8) -> list[str]:
    """The folded words of a search query, at most `limit` of them."""
    return [fold(word) for word in _words(query)[:limit]]


def index_terms(fields: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Each folded word and stem of the texts `fields` (text, weight) with the highest weight it appears
    with."""
    terms: dict[str, int] = {}
    for text, weight in fields:
        for word in _words(text or ""):
            folded = fold(word)
            if folded in STOP_WORDS:
                continue
            for term in (folded[:TERM_LENGTH], *stems(word)):  # the word itself too, for typo corrections
                terms[term] = max(weight, terms.get(term, 0))
    return terms


@dataclass(frozen=True)
class QueryWord:
    """One word of a query as the index is asked for it: itself and its stems whole, and for the last
    word, as the start of an indexed term too ("zvaigzd" also finds "zvaigzdute")."""

    typed: str  #: folded
    stems: frozenset[str]
    exact: frozenset[str]  #: the stems and the folded word
    prefixes: frozenset[str] = frozenset()


def parse_query(query: str) -> list[QueryWord]:
    """What each meaningful word of `query` looks for; stop words are left out unless they are all."""
    words = _words(query)[:8]
    meaningful = [word for word in words if fold(word) not in STOP_WORDS] or words
    parsed = []
    for position, word in enumerate(meaningful):
        typed, word_stems = fold(word), stems(word)
        exact = word_stems | {typed[:TERM_LENGTH]}
        prefixes: frozenset[str] = frozenset()
        if position == len(meaningful) - 1 and len(typed) >= PREFIX_LENGTH:
            prefixes = frozenset(start for start in exact if len(start) >= PREFIX_LENGTH)
        parsed.append(QueryWord(typed=typed, stems=word_stems, exact=exact, prefixes=prefixes))
    return parsed


def prefix_end(prefix: str) -> str:
    """The first string after every string starting with `prefix`, in code point order: terms in
    [prefix, prefix_end(prefix)) are exactly those starting with it."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


#: A query word this long or longer that matches nothing is taken for a typo and corrected.
TYPO_LENGTH: Final = 5
#: From this length a correction may be two edits away; shorter words, one.
LONG_TYPO_LENGTH: Final = 9


def typo_lengths(word: str) -> tuple[int, int]:
    """Where the corrections of `word` are looked for: indexed words of its first letter and of a length
    within the edits allowed (shortest, longest)."""
    edits = allowed_edits(word)
    return len(word) - edits, len(word) + edits


def allowed_edits(word: str) -> int:
    """How many edits away a correction of `word` may be."""
    return 2 if len(word) >= LONG_TYPO_LENGTH else 1


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from `a` to `b`; `limit + 1` once past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous: list[int] = []
    row = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        before, previous, row = previous, row, [i] + [0] * len(b)
        for j, other in enumerate(b, start=1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (char != other))
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                row[j] = min(row[j], before[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
    return row[-1]


def closest_word(word: str, candidates: Iterable[str]) -> str | None:
    """The indexed word nearest to a mistyped `word` within the edits allowed; the alphabetically first
    of equally near ones, so both databases agree."""
    limit = allowed_edits(word)
    best: tuple[int, str] | None = None
    for candidate in candidates:
        distance = edit_distance(word, candidate, limit=limit)
        if distance <= limit and (best is None or (distance, candidate) < best):
            best = (distance, candidate)
    return best[1] if best else None


#: A query word this long or longer that matches nothing gets the closest indexed words offered.
CLOSE_LENGTH: Final = 4
#: At most this many closest words are offered.
CLOSE_WORDS: Final = 5
#: The longest ending the stemmers cut off a word ("levandomis" → "levand"): terms this much longer than
#: the closest words are looked at too, so that a stem is recognised by the word it came from.
ENDING_LENGTH: Final = 5


def close_edits(word: str) -> int:
    """How many edits away a word offered for `word` may be: looser than a correction (two, three from nine
    letters), since the shopper chooses."""
    return 3 if len(word) >= LONG_TYPO_LENGTH else 2


def close_lengths(word: str) -> tuple[int, int]:
    """The lengths of the indexed terms looked at for the words close to `word` (shortest, longest)."""
    edits = close_edits(word)
    return len(word) - edits, len(word) + edits + ENDING_LENGTH


def close_words(word: str, terms: Mapping[str, bool]) -> dict[str, int]:
    """Real words near `word`, each with its edits away.

    `terms` are indexed terms of the word's first letter (see `close_lengths`) and those starting with it,
    each with whether a product on show has it. Close is within `close_edits`, or starting with the whole of
    `word` ("atvir" → "atvirukai", as many edits as letters added). The index holds each word and its stems,
    and a stem ("atviruk", "levand", "angel" of "angelas") is not a word to show: a close stem stands for
    the terms it is a stem of, at its own distance ("angl" → "angelas", "angels"). A word is offered only if
    a product on show has it, so that its link finds something.
    """
    limit = close_edits(word)
    words_of_stem: dict[str, set[str]] = {}
    for term in terms:
        for stem in stems(term) - {term}:
            words_of_stem.setdefault(stem, set()).add(term)
    found: dict[str, int] = {}
    for term in terms:
        if term.startswith(word):
            distance = len(term) - len(word)
        else:
            distance = edit_distance(word, term, limit=limit)
            if distance > limit:
                continue
        for offered in words_of_stem.get(term, {term}):
            if terms[offered] and offered not in words_of_stem:
                found[offered] = min(distance, found.get(offered, distance))
    return found


def index_every_product(connection: Connection) -> None:
    """Write every product's terms afresh: the data step of the migrations that build or change the index
    (0021, 0026). The same texts and weights as the models' listener (`catalogue.models`) writes for one
    product, read with plain SQL because the models may be newer than the schema a migration runs on: so it
    reads only columns that exist since migration 0021."""
    connection.execute(sa.text("DELETE FROM search_terms"))
    categories = {
        row.id: row for row in connection.execute(sa.text("SELECT id, name_lt, name_en FROM categories"))
    }
    communities = {
        row.id: row for row in connection.execute(sa.text("SELECT id, name, city FROM communities"))
    }
    variants: dict[int, list[Any]] = {}
    for row in connection.execute(sa.text("SELECT product_id, name_lt, name_en FROM variants")):
        variants.setdefault(row.product_id, []).append(row)
    rows: list[dict[str, Any]] = []
    products = connection.execute(
        sa.text(
            "SELECT id, category_id, community_id, name_lt, name_en, description_lt, description_en"
            " FROM products"
        )
    )
    for product in products:
        fields = [
            (product.name_lt, NAME_WEIGHT),
            (product.name_en, NAME_WEIGHT),
            (product.description_lt, DESCRIPTION_WEIGHT),
            (product.description_en, DESCRIPTION_WEIGHT),
        ]
        category = categories.get(product.category_id)
        if category is not None:
            fields += [(category.name_lt, CATEGORY_WEIGHT), (category.name_en, CATEGORY_WEIGHT)]
        for variant in variants.get(product.id, []):
            fields += [(variant.name_lt, VARIANT_WEIGHT), (variant.name_en, VARIANT_WEIGHT)]
        community = communities.get(product.community_id)
        if community is not None:
            fields += [(community.name, COMMUNITY_WEIGHT), (community.city, COMMUNITY_WEIGHT)]
        rows += [
            {"product_id": product.id, "term": term, "weight": weight}
            for term, weight in index_terms(fields).items()
        ]
    if rows:
        table = sa.table("search_terms", sa.column("product_id"), sa.column("term"), sa.column("weight"))
        connection.execute(sa.insert(table), rows)
