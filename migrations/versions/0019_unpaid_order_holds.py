"""Where an order was placed from, and when its customer said they had paid: unpaid orders are capped per
e-mail address and per client address, and an unpaid transfer holds its stock only briefly unless the
customer says it is paid.

The columns are added and dropped in place (ALTER TABLE); orders placed before them have no address.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 23:55:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("orders", sa.Column("client_ip", sa.String(length=45), server_default="", nullable=False))
    op.add_column("orders", sa.Column("payment_claimed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_orders_status_email", "orders", ["status", "email"])
    op.create_index("ix_orders_status_client_ip", "orders", ["status", "client_ip"])


def downgrade():
    op.drop_index("ix_orders_status_client_ip", table_name="orders")
    op.drop_index("ix_orders_status_email", table_name="orders")
    op.drop_column("orders", "payment_claimed_at")
    op.drop_column("orders", "client_ip")
