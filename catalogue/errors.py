"""What can go wrong with a community's listings and the VVG's product types; the views word each one."""

from __future__ import annotations

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


class ProductTypeNotFound(Exception):
    pass


class ProductTypeNameTaken(Exception):
    """Another product type already has this Lithuanian name."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name
