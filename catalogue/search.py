"""Search that understands Lithuanian and English word forms, the same on SQLite and PostgreSQL.

Each product's texts are folded (case and diacritics dropped) and cut into words, and each word is
stemmed with the Snowball stemmer of its text's language (Lithuanian for the `_lt` texts and the
community's name and village, English for the `_en` ones). The words and the stems go into
`search_terms`, one row per (product, term, word or stem) with the weight of the most important field it
came from. A query's words are stemmed with both stemmers, since a shopper may type either language on
either page, so "atvirukai", "atvirukas" and "atviruku" meet at "atviruk", "angelų" meets "Angelas" and
"cards" meets "card". Products are found by their stems; the last word of a query also matches as the
start of an indexed stem ("angel" finds "angeliukas") and, when it is not a whole word, of an indexed
word (typing "atvir"); a mistyped word is corrected to the nearest indexed term.

Stemming each text in its own language only, and keeping words apart from stems, keeps a broad query's
rows at about one per product: "atvirukas" in a Lithuanian name used to be indexed as itself, as its
Lithuanian stem and as its English "stem" (the word again), and a search for "atvirukai" grouped all
three (bench/README.md).

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
from typing import Any, Final, Literal

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


#: The languages a text is stemmed in: each product text is in one, a query in either.
Language = Literal["lt", "en"]
_STEMMERS: Final = {"lt": _LITHUANIAN, "en": _ENGLISH}


@lru_cache(maxsize=8192)
def stems(word: str, language: Language | None = None) -> frozenset[str]:
    """The stems of one lower-case word in `language` (both languages when None, as for a query), folded:
    of the word as written and of its folded form. The Lithuanian stemmer knows its letters ("žvaigždžių"
    and "žvaigždė" both → "žvaigžd"), so a word typed with diacritics meets every case of it; typed without
    them, the folded stem still meets the folded forms ("atvirukai" → "atviruk")."""
    word = word[:TERM_LENGTH]
    forms = {word, fold(word)}
    stemmers = [_STEMMERS[language]] if language else list(_STEMMERS.values())
    return frozenset(
        fold(stem)[:TERM_LENGTH] for form in forms for stemmer in stemmers if (stem := stemmer.stemWord(form))
    )


def _words(text: str) -> list[str]:
    """The lower-case words of `text`, diacritics kept (composed, so that a word is never cut at a mark)."""
    return _WORD.findall(unicodedata.normalize("NFC", text.casefold()))


def query_words(query: str, *, limit: int = 8) -> list[str]:
    """The folded words of a search query, at most `limit` of them."""
    return [fold(word) for word in _words(query)[:limit]]


#: A text a product is found by: (text, weight, language).
Field = tuple[str, int, Language]
#: An indexed term: (term, is_word), a folded word (True) or a stem (False).
Term = tuple[str, bool]


def index_terms(fields: Iterable[Field]) -> dict[Term, int]:
    """Each folded word and each stem (in its text's language) of the texts `fields`, with the highest
    weight it appears with."""
    terms: dict[Term, int] = {}
    for text, weight, language in fields:
        for word in _words(text or ""):
            folded = fold(word)
            if folded in STOP_WORDS:
                continue
            found = [(folded[:TERM_LENGTH], True), *((stem, False) for stem in stems(word, language))]
            for term in found:
                terms[term] = max(weight, terms.get(term, 0))
    return terms


def product_fields(
    product: Any, category: Any | None, variants: Iterable[Any], community: Any | None
) -> list[Field]:
    """What a product is found by, with each text's weight and language: its names and descriptions, its
    category's names, its variants' names, its community's name and village. Takes rows or models alike
    (the migrations that fill the index read plain rows)."""
    fields: list[Field] = [
        (product.name_lt, NAME_WEIGHT, "lt"),
        (product.name_en, NAME_WEIGHT, "en"),
        (product.description_lt, DESCRIPTION_WEIGHT, "lt"),
        (product.description_en, DESCRIPTION_WEIGHT, "en"),
    ]
    if category is not None:
        fields += [(category.name_lt, CATEGORY_WEIGHT, "lt"), (category.name_en, CATEGORY_WEIGHT, "en")]
    for variant in variants:
        fields += [(variant.name_lt, VARIANT_WEIGHT, "lt"), (variant.name_en, VARIANT_WEIGHT, "en")]
    if community is not None:  # Lithuanian proper names
        fields += [(community.name, COMMUNITY_WEIGHT, "lt"), (community.city, COMMUNITY_WEIGHT, "lt")]
    return fields


@dataclass(frozen=True)
class QueryWord:
    """One word of a query as the index is asked for it: its stems whole, and for the last word, as the
    start of an indexed stem ("angel" also finds "angeliuk" of "angeliukas") and of an indexed word
    (typing "zvaigzdut" finds "zvaigzdute")."""

    typed: str  #: folded
    stems: frozenset[str]  #: in both languages
    prefixes: frozenset[str] = frozenset()  #: the stems that also match as the start of a stem
    is_last: bool = False  #: also matches as the start of an indexed word, unless it is one whole


def parse_query(query: str) -> list[QueryWord]:
    """What each meaningful word of `query` looks for; stop words are left out unless they are all."""
    words = _words(query)[:8]
    meaningful = [word for word in words if fold(word) not in STOP_WORDS] or words
    parsed = []
    for position, word in enumerate(meaningful):
        typed, word_stems = fold(word)[:TERM_LENGTH], stems(word)
        is_last = position == len(meaningful) - 1 and len(typed) >= PREFIX_LENGTH
        prefixes = frozenset(stem for stem in word_stems if is_last and len(stem) >= PREFIX_LENGTH)
        parsed.append(QueryWord(typed=typed, stems=word_stems, prefixes=prefixes, is_last=is_last))
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
    """Write every product's terms afresh: the data step of the migration that last changed the index
    (0030). The same terms as `Product.refresh_search_terms` writes for one product, read with plain SQL
    because the models may be newer than the schema a migration runs on: so it reads only columns that
    exist since migration 0030."""
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
        fields = product_fields(
            product,
            categories.get(product.category_id),
            variants.get(product.id, []),
            communities.get(product.community_id),
        )
        rows += [
            {"product_id": product.id, "term": term, "is_word": is_word, "weight": weight}
            for (term, is_word), weight in index_terms(fields).items()
        ]
    if rows:
        columns: list[sa.ColumnClause[Any]] = [
            sa.column(name) for name in ("product_id", "term", "is_word", "weight")
        ]
        connection.execute(sa.insert(sa.table("search_terms", *columns)), rows)
