"""The back office's one blueprint (`/backoffice`), to which each page module adds its routes."""

from __future__ import annotations

from flask import Blueprint

backoffice = Blueprint("orders_backoffice", __name__, url_prefix="/backoffice")
