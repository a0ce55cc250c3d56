"""The community workspace's listings: products, variants, stock and photos of the current community."""

from __future__ import annotations

from flask import Blueprint

workspace = Blueprint("catalogue_workspace", __name__, url_prefix="/workspace")
