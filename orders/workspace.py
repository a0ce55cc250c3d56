"""The community workspace's orders side: today's dashboard, the community's parcels, its payouts."""

from __future__ import annotations

from flask import Blueprint

workspace = Blueprint("orders_workspace", __name__, url_prefix="/workspace")
