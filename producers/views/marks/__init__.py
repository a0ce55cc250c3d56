"""The mark's pages, added to the producers' three blueprints: the public register and guide
(`storefront`), a community's application (`workspace`), staff's review and criteria (`backoffice`)."""

from __future__ import annotations

# Each module adds its routes to its audience's blueprint; the factory registers the blueprints.
from producers.views.marks import backoffice, storefront, workspace  # noqa: F401
