"""The limited HTML a legal page may hold: checked and refused when it holds anything else, never stripped.

Staff type the page's HTML by hand. Silently dropping what is not allowed would publish a text that is not
the one they read back, so anything outside the list below is a refusal naming what was found; what
passes is still run through nh3 before it is stored, and again before it is shown.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from markupsafe import Markup

ALLOWED_TAGS = frozenset({"p", "h2", "h3", "ul", "ol", "li", "strong", "em", "a", "br"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")  # browsers ignore these inside a URL's scheme


@dataclass(frozen=True)
class Finding:
    """What in a text is not allowed: a tag (`<script>`), an attribute (`onclick`), a link (`javascript:`)."""

    kind: str  # "tag", "attribute", "link" or "comment"
    what: str


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[Finding] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.findings.append(Finding("tag", f"<{tag}>"))
        allowed = ALLOWED_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self.findings.append(Finding("attribute", name))
            elif name == "href" and not link_allowed(value or ""):
                self.findings.append(Finding("link", (value or "").strip()[:60]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self.findings.append(Finding("tag", f"</{tag}>"))

    def handle_comment(self, data: str) -> None:
        self.findings.append(Finding("comment", "<!-- -->"))

    def handle_decl(self, decl: str) -> None:
        self.findings.append(Finding("tag", f"<!{decl[:20]}>"))

    def handle_pi(self, data: str) -> None:
        self.findings.append(Finding("tag", f"<?{data[:20]}>"))

    def unknown_decl(self, data: str) -> None:
        self.findings.append(Finding("tag", f"<![{data[:20]}]>"))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def link_allowed(href: str) -> bool:
    """A link to a web page, an e-mail address or a phone number, or one within the shop (`/…`, `#…`)."""
    target = _INVISIBLE.sub("", href)
    if not target:
        return False
    if target.startswith(("/", "#")) and not target.startswith("//"):
        return True
    try:
        scheme = urlsplit(target).scheme.lower()
    except ValueError:
        return False
    return scheme in URL_SCHEMES


def _read(html: str) -> _Checker:
    """`html` read through; a declaration the parser cannot read (`<![foo[`) is a finding, never a 500."""
    checker = _Checker()
    try:
        checker.feed(html)
        checker.close()
    except AssertionError:  # html.parser asserts on an unknown `<![…[` section
        checker.findings.append(Finding("tag", "<!["))
    return checker


def findings(html: str) -> list[Finding]:
    """Everything in `html` outside the allowed markup, in the order found (each at most once)."""
    checker = _read(html)
    seen: list[Finding] = []
    for finding in checker.findings:
        if finding not in seen:
            seen.append(finding)
    return seen


def visible_text(html: str) -> str:
    """The words a reader would see (tags left out), stripped."""
    checker = _read(html)
    return "".join(checker.text).strip()


def clean(html: str) -> str:
    """The stored and the shown form: nh3 keeps only the allowed tags, attributes and link schemes."""
    return nh3.clean(
        html.strip(),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


@functools.lru_cache(maxsize=64)  # a handful of versions are read over and over: each is cleaned once
def as_markup(html: str) -> Markup:
    """A stored body, cleaned once more, ready to be put into a page (the `legal_html` filter)."""
    return Markup(clean(html))  # noqa: S704  # nh3 has just kept only the allowed markup
