"""Typed builders that commit real rows, one module per domain; each takes overrides for what a test cares
about. Import from the domain's module (`from tests.factories.orders import make_order`): this package
re-exports nothing.
"""

from __future__ import annotations

import itertools

_numbers = itertools.count(1)


def unique() -> int:
    """A number no other row made by the factories has had: for slugs, SKUs, e-mails."""
    return next(_numbers)
