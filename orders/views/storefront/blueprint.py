"""The storefront's one blueprint for orders (no prefix), to which each page module adds its routes."""

from __future__ import annotations

from flask import Blueprint

storefront = Blueprint("orders_storefront", __name__)
