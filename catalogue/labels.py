"""The words for what product safety still needs of a listing, as members and staff read them."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from catalogue.models import MissingForSale

#: Each piece product safety needs, worded to follow "without" / "missing:" (Lithuanian: "be" / "trūksta",
#: so the words are in the genitive).
MISSING_LABELS = {
    MissingForSale.MAKER_NAME: _l("the maker's name"),
    MissingForSale.MAKER_ADDRESS: _l("the maker's postal address"),
    MissingForSale.MAKER_EMAIL: _l("the maker's e-mail address"),
    MissingForSale.PHOTO: _l("a photo"),
    MissingForSale.PRODUCT_TYPE: _l("a product type"),
    MissingForSale.WARNING_LT: _l("the safety warning in Lithuanian"),
    MissingForSale.WARNING_EN: _l("the safety warning in English"),
}

#: The pieces that come from the community (its shop settings), not from the listing.
MAKER_DETAILS = frozenset(
    {MissingForSale.MAKER_NAME, MissingForSale.MAKER_ADDRESS, MissingForSale.MAKER_EMAIL}
)


def missing_words(missing: Iterable[MissingForSale]) -> str:
    """ "a photo, a product type": the pieces in words, in order."""
    return ", ".join(str(MISSING_LABELS[piece]) for piece in missing)


def lacks_maker_details(missing: Iterable[MissingForSale]) -> bool:
    return any(piece in MAKER_DETAILS for piece in missing)
