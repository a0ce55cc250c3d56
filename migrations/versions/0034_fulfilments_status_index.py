"""The parcels in one status (the dashboard's parcels paid and not accepted, accepted and not sent), found
by an index instead of by reading every parcel ever sent.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-05 13:30:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_fulfilments_status", "fulfilments", ["status"], unique=False)


def downgrade():
    op.drop_index("ix_fulfilments_status", table_name="fulfilments")
