"""Whether an e-mail address has ever paid for an order, in any letter case (asked as each order is placed,
for its mail's greeting), found by an index of the lower-cased addresses instead of by reading every order.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-05 14:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_orders_email_lower", "orders", [sa.text("lower(email)")], unique=False)


def downgrade():
    op.drop_index("ix_orders_email_lower", table_name="orders")
