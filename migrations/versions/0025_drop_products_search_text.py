"""Drop `products.search_text`: the folded texts nothing read since `search_terms` (0021) replaced them.

The downgrade adds the column back (text, not null) holding an empty string for every product: nothing read
it before this revision either. On SQLite it keeps the empty string as its default, which 0001 did not set.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 03:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    # ALTER TABLE … DROP COLUMN in place, never a batch copy: on SQLite, dropping the old products table would
    # take with it (by their cascading keys) every variant and photo pointing at it (see 0013).
    op.drop_column("products", "search_text")


def downgrade():
    # not null, with an empty string for the products already there
    op.add_column("products", sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot drop a default without copying the table
        op.alter_column("products", "search_text", existing_type=sa.Text(), server_default=None)
