"""What can go wrong with a community's listings and the VVG's product types; the views word each one."""

from __future__ import annotations

import enum

from catalogue.models import MissingForSale, ProductStatus


class ListingNotFound(Exception):
    """No such listing (or photo, or variant) in this community."""


class TooManyPhotos(Exception):
    pass


class NotReadyForSale(Exception):
    """The listing cannot move to `wanted` (on sale, or waiting for the VVG): product safety still needs
    `missing`. Nothing was changed."""

    def __init__(self, product_id: int, missing: tuple[MissingForSale, ...], wanted: ProductStatus) -> None:
        super().__init__(product_id, missing, wanted)
        self.product_id = product_id
        self.missing = missing
        self.wanted = wanted


class LastPhoto(Exception):
    """A listing on sale or waiting for the VVG keeps at least one photo."""


class SkuTaken(Exception):
    """Another variant already has this product code (SKU)."""

    def __init__(self, sku: str) -> None:
        super().__init__(sku)
        self.sku = sku


class CategoryNotFound(Exception):
    pass


class CategorySlugTaken(Exception):
    """Another category already has this address in the shop."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


class ProductTypeNotFound(Exception):
    pass


class ProductTypeNameTaken(Exception):
    """Another product type already has this Lithuanian name."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


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
