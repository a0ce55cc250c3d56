"""Withdrawals from the contract (the right of withdrawal): which lines of which parcel, when, and how far
the return and its refund have got. A line is withdrawn at most once.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 20:38:15.620274

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "withdrawals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("fulfilment_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "return_expected",
                "received",
                "refunded",
                name="withdrawal_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("goods_cents", sa.Integer(), nullable=False),
        sa.Column("delivery_cents", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("refunded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "goods_cents >= 0 AND delivery_cents >= 0", name=op.f("ck_withdrawals_amounts_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["fulfilment_id"],
            ["fulfilments.id"],
            name=op.f("fk_withdrawals_fulfilment_id_fulfilments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_withdrawals_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"],
            ["users.id"],
            name=op.f("fk_withdrawals_received_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refunds.id"], name=op.f("fk_withdrawals_refund_id_refunds"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withdrawals")),
    )
    with op.batch_alter_table("withdrawals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_withdrawals_fulfilment_id"), ["fulfilment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_withdrawals_order_id"), ["order_id"], unique=False)
        batch_op.create_index("ix_withdrawals_status_created_at", ["status", "created_at"], unique=False)

    op.create_table(
        "withdrawal_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("withdrawal_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_withdrawal_lines_order_line_id_order_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["withdrawal_id"],
            ["withdrawals.id"],
            name=op.f("fk_withdrawal_lines_withdrawal_id_withdrawals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withdrawal_lines")),
        sa.UniqueConstraint("order_line_id", name=op.f("uq_withdrawal_lines_order_line_id")),
    )
    with op.batch_alter_table("withdrawal_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_withdrawal_lines_withdrawal_id"), ["withdrawal_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("withdrawal_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_withdrawal_lines_withdrawal_id"))

    op.drop_table("withdrawal_lines")
    with op.batch_alter_table("withdrawals", schema=None) as batch_op:
        batch_op.drop_index("ix_withdrawals_status_created_at")
        batch_op.drop_index(batch_op.f("ix_withdrawals_order_id"))
        batch_op.drop_index(batch_op.f("ix_withdrawals_fulfilment_id"))

    op.drop_table("withdrawals")
