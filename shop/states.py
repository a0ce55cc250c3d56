"""State machines: each is a table of the moves its statuses allow; this is the one refusal they share.

A model keeps its table next to its status enum (`ORDER_NEXT`, `FULFILMENT_NEXT` in `orders.models`,
`CARD_CHECKOUT_NEXT` in `orders.payments.models`, `PAYOUT_NEXT` in `orders.payouts.models`, `PRODUCT_NEXT`
in `catalogue.models`) and changes status only through its `move_to`, which asks `check_move` first.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Generic, TypeVar

Status = TypeVar("Status", bound=enum.Enum)


class TransitionNotAllowed(Exception, Generic[Status]):
    """A row was asked to move to a status its current one does not allow: what it is and what was wanted."""

    def __init__(self, current: Status, wanted: Status) -> None:
        super().__init__(f"{current} → {wanted}")
        self.current = current
        self.wanted = wanted


def check_move(table: Mapping[Status, frozenset[Status]], current: Status, wanted: Status) -> None:
    """Raise TransitionNotAllowed unless `table` lets `current` move to `wanted` (staying put is no move)."""
    if wanted not in table[current]:
        raise TransitionNotAllowed(current, wanted)
