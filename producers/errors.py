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


class CapacityFull(Exception):
    """A community cannot take `quantity` more made-to-order items in any week it books ahead: the quantity
    is more than its weekly cap (`per_week`) itself, or every week within the horizon is full."""

    def __init__(self, community_id: int, quantity: int, per_week: int) -> None:
        super().__init__(community_id, quantity, per_week)
        self.community_id = community_id
        self.quantity = quantity
        self.per_week = per_week
