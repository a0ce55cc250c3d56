"""What can go wrong with communities, their people and their settings; the views word each one."""

from __future__ import annotations


class InvitationNotPossible(Exception):
    """The invitation cannot be made; the subclass says why."""


class CommunityNotFound(InvitationNotPossible, LookupError):
    """No community has this id (an invitation also needs it to be switched on)."""


class AccountSwitchedOff(InvitationNotPossible):
    """The address belongs to an account that was switched off: staff must decide about it first."""


class SlugTaken(ValueError):
    """Another community's address already uses this slug."""

    def __init__(self, slug: str, taken_by: str) -> None:
        super().__init__(slug)
        self.slug = slug
        self.taken_by = taken_by  #: the name of the community that has it


class MembershipNotFound(LookupError):
    """This community has no such membership."""


class NoDeliveryLeft(Exception):
    """Every way of delivering was switched off: customers could not receive anything."""


class InvoicePrefixTaken(ValueError):
    """Another community (or the VVG itself) numbers its invoices with this prefix."""

    def __init__(self, prefix: str, taken_by: str) -> None:
        super().__init__(prefix)
        self.prefix = prefix
        self.taken_by = taken_by  #: the name of who has it ("" when it was taken at the same moment)


class InvoicePrefixFixed(ValueError):
    """The community has issued invoices with its prefix: the series cannot be renamed."""

    def __init__(self, prefix: str) -> None:
        super().__init__(prefix)
        self.prefix = prefix


class LockerListError(ValueError):
    """A carrier's locker list cannot be read: where (the record's number, the line) and why.

    Nothing of such a list is loaded; the lockers already in the shop stay as they were.
    """

    def __init__(self, reason: str, *, record: int | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.record = record  #: the record's number in the list, from 1
        self.line = line  #: the line of the file it starts on (for JSON: where the parser stopped)
        super().__init__(self.where() + reason)

    def where(self) -> str:
        parts = [f"line {self.line}" if self.line else "", f"record {self.record}" if self.record else ""]
        place = ", ".join(part for part in parts if part)
        return f"{place}: " if place else ""


class LockerListShrinks(Exception):
    """The list would deactivate more than half of the carrier's active lockers: most likely a truncated
    download, so it is refused unless the operator says it is right (`--allow-shrink`)."""

    def __init__(self, active: int, missing: int) -> None:
        super().__init__(f"{missing} of {active} active lockers are missing from the list")
        self.active = active
        self.missing = missing


class LockerListUnavailable(Exception):
    """The list could not be downloaded (the network, the carrier's server, a timeout)."""


class CapacityFull(Exception):
    """A community cannot take `quantity` more made-to-order items in any week it books ahead: the quantity
    is more than its weekly cap (`per_week`) itself, or every week within the horizon is full."""

    def __init__(self, community_id: int, quantity: int, per_week: int) -> None:
        super().__init__(community_id, quantity, per_week)
        self.community_id = community_id
        self.quantity = quantity
        self.per_week = per_week
