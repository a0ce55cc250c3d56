"""How big each mail attachment was when it was made for sending (the back office's mail room shows it).

The column is added and dropped in place (ALTER TABLE); attachments sent before it have no size.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 20:50:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("outbox_attachments", sa.Column("size_bytes", sa.Integer(), nullable=True))


def downgrade():
    op.drop_column("outbox_attachments", "size_bytes")
