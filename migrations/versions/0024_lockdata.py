"""The date and source of each carrier's locker list.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 03:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "locker_lists",
        sa.Column(
            "carrier",
            sa.Enum(
                "pickup",
                "omniva",
                "lp_express",
                "dpd",
                "courier",
                name="locker_list_carrier",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("listed_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("carrier", name=op.f("pk_locker_lists")),
    )


def downgrade():
    op.drop_table("locker_lists")
