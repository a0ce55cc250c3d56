"""What can go wrong with the mark; the views word each one."""

from __future__ import annotations


class NoCriteriaPublished(Exception):
    """The VVG has not published its criteria yet: nobody can apply."""


class ApplicationNotFound(LookupError):
    """No such application (or not this community's)."""


class ApplicationOpen(Exception):
    """The community already has an application under way: that one is carried on."""

    def __init__(self, application_id: int) -> None:
        super().__init__(application_id)
        self.application_id = application_id


class ApplicationClosed(Exception):
    """The application is no longer the community's to change (submitted, granted or refused)."""

    def __init__(self, status: object) -> None:
        super().__init__(status)
        self.status = status


class AnswersMissing(ValueError):
    """Submitting needs an answer to every criterion: these criteria have none."""

    def __init__(self, criterion_ids: list[int]) -> None:
        super().__init__(criterion_ids)
        self.criterion_ids = criterion_ids


class EvidenceRejected(ValueError):
    """An uploaded file is not one the mark accepts: which criterion's, its name and why."""

    def __init__(self, criterion_id: int, filename: str, problem: str) -> None:
        super().__init__(criterion_id, filename, problem)
        self.criterion_id = criterion_id
        self.filename = filename
        self.problem = problem  #: one of `producers.marks.evidence.PROBLEMS`


class EvidenceNotFound(LookupError):
    """No such evidence file, or not one the viewer may see."""


class GrantNotFound(LookupError):
    """No such grant."""


class DraftEmpty(ValueError):
    """A draft of the criteria with no criterion cannot be published."""


class ActionNotAllowed(Exception):
    """The application or grant is not in a state that allows this (it changed meanwhile)."""

    def __init__(self, current: object) -> None:
        super().__init__(current)
        self.current = current
