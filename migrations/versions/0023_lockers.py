"""Parcel lockers from the carriers' published lists.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 03:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lockers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "carrier",
            sa.Enum(
                "pickup",
                "omniva",
                "lp_express",
                "dpd",
                "courier",
                name="locker_carrier",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("carrier_locker_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=250), nullable=False),
        sa.Column("town", sa.String(length=120), nullable=False),
        sa.Column("postal_code", sa.String(length=10), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lockers")),
        sa.UniqueConstraint("carrier", "carrier_locker_id", name=op.f("uq_lockers_carrier")),
    )
    with op.batch_alter_table("lockers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lockers_town"), ["town"], unique=False)


def downgrade():
    with op.batch_alter_table("lockers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lockers_town"))
    op.drop_table("lockers")
