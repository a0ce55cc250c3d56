"""What people look for: a counter per folded storefront query per day, with how many products it found.

A new table, nothing of who searched.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 01:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_counts",
        sa.Column("query", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("found", sa.Integer(), nullable=False),
        sa.CheckConstraint("searches > 0", name=op.f("ck_search_counts_searches_positive")),
        sa.CheckConstraint("found >= 0", name=op.f("ck_search_counts_found_not_negative")),
        sa.PrimaryKeyConstraint("query", "day", name=op.f("pk_search_counts")),
    )
    with op.batch_alter_table("search_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_counts_day"), ["day"], unique=False)


def downgrade():
    with op.batch_alter_table("search_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_counts_day"))
    op.drop_table("search_counts")
