"""What can go wrong with a community's listings; the views word each one."""

from __future__ import annotations

import enum


class ListingNotFound(Exception):
    """No such listing (or photo, or variant) in this community."""


class TooManyPhotos(Exception):
    pass


class SaleProblem(enum.StrEnum):
    """Why a sale cannot be set as asked (`catalogue.listings.check_sale`)."""

    NOT_ABOVE_ZERO = "not_above_zero"
    NOT_BELOW_REGULAR = "not_below_regular"  # a sale price must be below the regular price
    STARTS_IN_THE_PAST = "starts_in_the_past"
    ENDED = "ended"  # its last day has passed
    ENDS_BEFORE_IT_STARTS = "ends_before_it_starts"
    TOO_LONG = "too_long"  # longer than MAX_SALE_DAYS


class SaleNotValid(Exception):
    """A listing's sale that breaks a rule: the variant row (its position in the listing's input) and why."""

    def __init__(self, position: int, problems: list[SaleProblem]) -> None:
        super().__init__(position, problems)
        self.position = position
        self.problems = problems
