"""What can go wrong with a fair; each error carries what the view needs to word it. Nothing was saved."""

from __future__ import annotations


class FairNotFound(Exception):
    """No such fair (or, in a workspace, none this community is invited to)."""


class FairSlugTaken(Exception):
    """Another fair already has this address."""


class FairDatesReversed(Exception):
    """The fair would close at or before its opening moment."""


class FairsOverlap(Exception):
    """The fair's days overlap another fair's: one fair at a time."""

    def __init__(self, other_name: str) -> None:
        super().__init__(other_name)
        self.other_name = other_name


class UnknownCommunity(Exception):
    """A community id that names no community (a forged form)."""

    def __init__(self, community_id: int) -> None:
        super().__init__(community_id)
        self.community_id = community_id


class UnknownCategory(Exception):
    """A category id that names no category (a forged form)."""


class NotInvited(Exception):
    """The community was not invited to this fair, or has not opted in yet."""


class CommunitySwitchedOff(Exception):
    """The community is switched off: it takes part in no fair."""


class FairEnded(Exception):
    """The fair has closed: what it showed is kept as it was."""


class NotTheCommunitysProduct(Exception):
    """A product id that is not one of this community's listings (another community's, or none)."""

    def __init__(self, product_id: int) -> None:
        super().__init__(product_id)
        self.product_id = product_id


class FairOnlyElsewhere(Exception):
    """A listing already made only for another fair that has not ended: its sale window is that fair's."""

    def __init__(self, product_id: int, fair_name: str) -> None:
        super().__init__(product_id, fair_name)
        self.product_id = product_id
        self.fair_name = fair_name


class FairProductNotFound(Exception):
    """No such product shown at this fair."""
