"""What can go wrong with a community's listings; the views word each one."""

from __future__ import annotations


class ListingNotFound(Exception):
    """No such listing (or photo, or variant) in this community."""


class TooManyPhotos(Exception):
    pass
