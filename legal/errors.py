"""What can go wrong when staff publish a legal page. Each error carries its data; the view words it."""

from __future__ import annotations

from legal.markup import Finding


class LegalProblem(Exception):
    """Something staff must be told in words about the page they are publishing."""


class PageEmpty(LegalProblem):
    """A title or a body left empty (or only tags, no words), in one language or both."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(fields)
        self.fields = fields  # e.g. ["title_en", "body_lt"]


class MarkupNotAllowed(LegalProblem):
    """A body holding markup outside the allowed list: refused, never silently stripped."""

    def __init__(self, field: str, findings: list[Finding]) -> None:
        super().__init__(field, findings)
        self.field = field
        self.findings = findings


class NothingChanged(LegalProblem):
    """The texts are the current version's, word for word: no new version is made."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


class VersionNotFound(LegalProblem):
    """No such version of the page (or the page has none yet)."""
