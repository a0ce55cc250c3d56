"""The catalogue's listing order as an index holding what the visible-products filter reads, so that a page of
the catalogue is read from its first entries and the count from the index alone, whatever the number of
products; and the versions of cached fragments (`shop.caching`).

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-05 10:00:00.000000

"""

import uuid
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

_COLUMNS = ["status", "is_featured", "created_at", "id", "community_id", "on_sale_from", "on_sale_until"]


def upgrade():
    op.create_index("ix_products_listing", "products", _COLUMNS, unique=False)
    versions = op.create_table(
        "cache_versions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cache_versions")),
    )
    op.bulk_insert(
        versions, [{"name": "catalogue", "token": uuid.uuid4().hex, "changed_at": datetime.now(timezone.utc)}]
    )


def downgrade():
    op.drop_table("cache_versions")
    op.drop_index("ix_products_listing", table_name="products")
