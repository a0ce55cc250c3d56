"""Paging through long lists: a `Page` of results and the `?page=` number a visitor asked for."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results; `number` is always a real page (1 ≤ number ≤ pages)."""

    items: Sequence[T]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(raw: str | None) -> int:
    """`?page=` as a number; junk, zero and negatives mean the first page."""
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1
