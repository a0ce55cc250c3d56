"""The catalogue's listing order as an index holding what the visible-products filter reads, so that a page of
the catalogue is read from its first entries and the count from the index alone, whatever the number of
products.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

_COLUMNS = ['status', 'is_featured', 'created_at', 'id', 'community_id', 'on_sale_from', 'on_sale_until']


def upgrade():
    op.create_index('ix_products_listing', 'products', _COLUMNS, unique=False)


def downgrade():
    op.drop_index('ix_products_listing', table_name='products')
