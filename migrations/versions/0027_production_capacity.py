"""Made-to-order capacity: a community's weekly cap, the weeks' bookings, and the week a line was booked into.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 03:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    # ALTER TABLE … ADD COLUMN in place, never a batch copy: on SQLite, dropping the old communities or
    # order_lines table would take every row pointing at it (by cascading keys) with it, or fail.
    op.add_column("communities", sa.Column("made_to_order_per_week", sa.Integer(), nullable=True))
    op.create_table(
        "production_weeks",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.CheckConstraint("booked >= 0", name=op.f("ck_production_weeks_booked_not_negative")),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_production_weeks_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("community_id", "week_start", name=op.f("pk_production_weeks")),
    )
    op.add_column("order_lines", sa.Column("production_week", sa.Date(), nullable=True))


def downgrade():
    op.drop_column("order_lines", "production_week")  # in place, as they were added
    op.drop_table("production_weeks")
    op.drop_column("communities", "made_to_order_per_week")
