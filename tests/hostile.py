"""The hostile-input sweep's parts: junk values, raw request bodies, the forms a page shows, and the database
seen as rows with an owner (which community a row belongs to), so a sweep can say who changed what.

Used by `tests/test_hostile_sweep.py`; nothing here knows a route by name, so new routes need no edits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from typing import Any
from urllib.parse import parse_qsl, quote_from_bytes, urlsplit

from flask import Flask
from hypothesis import strategies as st
from sqlalchemy import Table, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from shop.db import db

# -- junk ---------------------------------------------------------------------------------------------------

#: Hand-picked values no form expects: wrong types, numbers and dates out of range, odd unicode, injection
#: attempts. Bytes are sent as they are (invalid UTF-8: the escaped halves of a surrogate pair, a lone BOM).
SPECIAL: list[str | bytes] = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1e309",
    "NaN",
    "Infinity",
    "0x1f",
    "12,345",
    "12.345,67",
    "١٢٣",  # Arabic-Indic digits: int() reads them, most parsers do not
    "𝟙𝟚",
    "²",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "2147483648",
    "9223372036854775808",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "-0001-01-01",
    "2026-13-45",
    "1970-01-01T00:00:00",
    "99999-01",
    "true",
    "on",
    "null",
    "None",
    "[]",
    "{}",
    '{"a": 1}',
    "\u202eevil",  # right-to-left override
    "e\u0301\u0301\u0301\u0301",  # combining marks
    "\ufeff\u200b\u200d",
    "\\ud800",  # a surrogate, escaped as text
    b"\xed\xa0\x80",  # a surrogate, encoded (not valid UTF-8)
    b"\xff\xfe\xc0\xaf",
    "Rasa\r\nBcc: victim@example.com",
    "x@example.com\r\nSubject: hi",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "//evil.example/",
    "javascript:alert(1)",
    '=HYPERLINK("http://evil.example")',
    "%00",
    "\x01\x1b[31m\x7f",
    "%s%n{0}{{7*7}}",
    "ą" * 5000,
    "9" * 400,
    "x" * 70_000,
]

#: A NUL byte: the door refuses the whole request with 400 before any view, so only some requests carry one.
NUL = "\x00"
#: Text without NUL (which the door refuses with 400 before any view: the hand-picked list sends it) and
#: without unencodable surrogates.
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
)
DATES = st.dates().map(lambda day: day.isoformat())


def junk(known: Iterable[str] = ()) -> st.SearchStrategy[str | bytes]:
    """One value for a field: junk of every kind, or a value the shop itself offers for it (a select's
    option, another community's id, a button's value), so the junk in other fields meets real choices."""
    known = sorted(set(known))
    kinds: list[st.SearchStrategy[str | bytes]] = [st.sampled_from(SPECIAL), TEXT, NUMBERS, DATES]
    if known:
        kinds.insert(0, st.sampled_from(known))
    return st.one_of(*kinds)


def pairs(
    names: Mapping[str, Iterable[str]], *, keep: Mapping[str, str] | None = None
) -> st.SearchStrategy[list[tuple[str, str | bytes]]]:
    """A list of (name, value) pairs: each name absent, once, or repeated (an array) with junk values; the
    `keep` pairs (the CSRF token) are always there as they are. One list in eight has a NUL somewhere."""

    @st.composite
    def build(draw: st.DrawFn) -> list[tuple[str, str | bytes]]:
        result: list[tuple[str, str | bytes]] = list((keep or {}).items())
        for name, known in sorted(names.items()):
            times = draw(st.sampled_from([0, 1, 1, 1, 2, 3]))
            result.extend((name, draw(junk(known))) for _ in range(times))
        if result and draw(st.integers(0, 7)) == 7:  # not in the simplest example
            where = draw(st.integers(0, len(result) - 1))
            name, value = result[where]
            result[where] = (name, value + (NUL.encode() if isinstance(value, bytes) else NUL))
        return result

    return build()


#: A file's content: nothing, a picture's first bytes and then junk, a format the shop does not take, bytes.
FILES = st.one_of(
    st.sampled_from([b"", b"GIF89a\x01\x00\x01\x00", b"%PDF-1.4\n", b"<svg onload=alert(1)>", b"\x00" * 64]),
    st.binary(max_size=300).map(lambda tail: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + tail),
    st.binary(max_size=300).map(lambda tail: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + tail),
    st.binary(max_size=300).map(lambda tail: b"RIFF\x00\x00\x00\x00WEBPVP8 " + tail),
    st.binary(max_size=300),
)
FILENAMES = st.one_of(st.sampled_from(["a.jpg", "../../x.png", "", "ą" * 300 + ".webp", "x.svg"]), TEXT)


def multipart(
    items: Iterable[tuple[str, str | bytes]], files: Iterable[tuple[str, bytes, str]]
) -> MultiDict[str, Any]:
    """A multipart form: the fields (bytes that are not UTF-8 as U+FFFD) and the files."""
    data: MultiDict[str, Any] = MultiDict()
    for name, value in items:
        data.add(name, value.decode("utf-8", "replace") if isinstance(value, bytes) else value)
    for name, content, filename in files:
        data.add(name, (BytesIO(content), filename))
    return data


def encode(items: Iterable[tuple[str, str | bytes]]) -> str:
    """`application/x-www-form-urlencoded`, bytes as they are (so invalid UTF-8 reaches the shop)."""

    def raw(value: str | bytes) -> bytes:
        return value if isinstance(value, bytes) else value.encode("utf-8")

    return "&".join(
        f"{quote_from_bytes(raw(k), safe='')}={quote_from_bytes(raw(v), safe='')}" for k, v in items
    )


# -- the forms a page shows ---------------------------------------------------------------------------------


@dataclass
class Fields:
    """What a route is sent by the shop's own pages: form fields (with the values offered) and query names."""

    form: dict[str, set[str]] = field(default_factory=dict)
    query: dict[str, set[str]] = field(default_factory=dict)
    hidden: dict[str, str] = field(default_factory=dict)  #: a form's hidden fields, as the page sets them
    files: set[str] = field(default_factory=set)  #: a form's file fields (photos)


class _Forms(HTMLParser):
    """Every form on a page (its action, method, fields and their offered values) and every link's query."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str | None, str, dict[str, set[str]]]] = []
        self.hidden: list[dict[str, str]] = []
        self.files: list[set[str]] = []
        self.links: list[str] = []
        self._fields: dict[str, set[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self._fields = {}
            self.forms.append((values.get("action"), (values.get("method") or "get").lower(), self._fields))
            self.hidden.append({})
            self.files.append(set())
        elif tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if self._fields is None:
            return
        name = values.get("name")
        if tag in {"input", "button", "textarea"} and name:
            self._fields.setdefault(name, set())
            if tag == "input" and values.get("type") == "hidden":
                self.hidden[-1][name] = values.get("value") or ""
            if tag == "input" and values.get("type") == "file":
                self.files[-1].add(name)
            if values.get("value"):
                self._fields[name].add(values["value"] or "")
        elif tag == "select" and name:
            self._select = name
            self._fields.setdefault(name, set())
        elif tag == "option" and self._select and values.get("value") is not None:
            self._fields[self._select].add(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def harvest(app: Flask, page: str, html: str, into: dict[str, Fields]) -> None:
    """Add the forms and links of `page` (its HTML) to `into`, by the endpoint each one reaches."""
    parser = _Forms()
    parser.feed(html)
    adapter = app.url_map.bind("shop.test")

    def endpoint(url: str, method: str) -> str | None:
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "shop.test":
            return None
        try:
            found, _ = adapter.match(parts.path or urlsplit(page).path, method=method)
        except HTTPException:
            return None
        return str(found)

    for (action, method, fields), hidden, files in zip(
        parser.forms, parser.hidden, parser.files, strict=True
    ):
        target = endpoint(action or page, "POST" if method == "post" else "GET")
        if target is None:
            continue
        known = into.setdefault(target, Fields())
        where = known.form if method == "post" else known.query
        if method == "post":
            known.hidden.update(hidden)
            known.files.update(files)
        for name, values in fields.items():
            where.setdefault(name, set()).update(values)
        for name, value in parse_qsl(urlsplit(action or "").query):
            known.query.setdefault(name, set()).add(value)
    for link in parser.links:
        if "?" not in link:
            continue
        target = endpoint(link, "GET")
        if target is not None:
            known = into.setdefault(target, Fields())
            for name, value in parse_qsl(urlsplit(link).query, keep_blank_values=True):
                known.query.setdefault(name, set()).add(value)


# -- the database as rows with owners -----------------------------------------------------------------------

Key = tuple[Any, ...]
Snapshot = dict[str, dict[Key, tuple[Any, ...]]]


def snapshot() -> Snapshot:
    """Every row of every table, by primary key, as the database has it now (the requests committed)."""
    db.session.rollback()
    db.session.expunge_all()
    rows: Snapshot = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            keys = [table.columns.keys().index(column.name) for column in table.primary_key.columns]
            rows[table.name] = {
                tuple(row[i] for i in keys): tuple(row) for row in connection.execute(select(table))
            }
    return rows


def restore(rows: Snapshot) -> None:
    """Put the database back as `rows` had it (every table emptied and filled again, parents first)."""
    db.session.rollback()
    db.session.expunge_all()
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        for table in reversed(tables):
            connection.execute(table.delete())
        for table in tables:
            if rows[table.name]:
                names = table.columns.keys()
                connection.execute(
                    table.insert(),
                    [dict(zip(names, row, strict=True)) for _, row in sorted(rows[table.name].items())],
                )


@dataclass(frozen=True)
class Change:
    table: str
    key: Key
    kind: str  # "added", "removed" or "changed"
    columns: tuple[str, ...]  # the columns that differ (all of them for an added or removed row)

    def __str__(self) -> str:
        return f"{self.kind} {self.table}{list(self.key)} ({', '.join(self.columns)})"


def changes(before: Snapshot, after: Snapshot) -> list[Change]:
    found: list[Change] = []
    for table in db.metadata.sorted_tables:
        old, new = before[table.name], after[table.name]
        names = table.columns.keys()
        for key in old.keys() - new.keys():
            found.append(Change(table.name, key, "removed", tuple(names)))
        for key in new.keys() - old.keys():
            found.append(Change(table.name, key, "added", tuple(names)))
        for key in old.keys() & new.keys():
            if old[key] != new[key]:
                differ = tuple(n for n, a, b in zip(names, old[key], new[key], strict=True) if a != b)
                found.append(Change(table.name, key, "changed", differ))
    return found


class Owners:
    """Which communities a row belongs to, read from the foreign keys: a community is its own; a row naming
    a community (`community_id`) is that community's; any other row is the owner of the rows it points to
    (a variant its product's, a photo its listing's, a line its parcel's). An order belongs to the
    communities of its parcels and a person to the communities they are a member of."""

    #: Rows with no community of their own, owned through the rows that point at them.
    THROUGH_CHILDREN: Mapping[str, tuple[str, str]] = {
        "orders": ("fulfilments", "order_id"),
        "users": ("memberships", "user_id"),
    }

    def __init__(self, *snapshots: Snapshot) -> None:
        self.rows: dict[str, dict[Key, tuple[Any, ...]]] = {}
        for rows in snapshots:
            for name, table_rows in rows.items():
                self.rows.setdefault(name, {}).update(table_rows)
        self.tables: dict[str, Table] = {table.name: table for table in db.metadata.sorted_tables}
        self.memo: dict[tuple[str, Key], frozenset[int]] = {}

    def of(self, table_name: str, key: Key) -> frozenset[int]:
        if (table_name, key) in self.memo:
            return self.memo[table_name, key]
        self.memo[table_name, key] = frozenset()  # a cycle (an invoice crediting another) adds nothing
        row = self.rows.get(table_name, {}).get(key)
        owners: set[int] = set()
        if row is not None:
            table = self.tables[table_name]
            names = table.columns.keys()
            if table_name == "communities":
                owners.add(key[0])
            for column in table.columns:
                for foreign in column.foreign_keys:
                    value = row[names.index(column.name)]
                    target = foreign.column.table.name
                    if value is not None and (target, (value,)) != (table_name, key):
                        owners |= self.of(target, (value,))
            if table_name in self.THROUGH_CHILDREN:
                child, column_name = self.THROUGH_CHILDREN[table_name]
                index = self.tables[child].columns.keys().index(column_name)
                for child_key, child_row in self.rows.get(child, {}).items():
                    if child_row[index] == key[0]:
                        owners |= self.of(child, child_key)
        self.memo[table_name, key] = frozenset(owners)
        return self.memo[table_name, key]

    def person(self, table_name: str, key: Key) -> int | None:
        """The one person a row is about, if it is a person's own: their `users` row, or a row of a table
        that names a user (`user_id`) and no community (a sign-in session, say). Memberships name both."""
        table = self.tables[table_name]
        if table_name == "users":
            return int(key[0])
        if "user_id" not in table.columns or "community_id" in table.columns:
            return None
        row = self.rows.get(table_name, {}).get(key)
        value = None if row is None else row[table.columns.keys().index("user_id")]
        return None if value is None else int(value)
