"""Privacy requests (a customer's copy and erasure of their data), and when an order's customer was anonymised.

The column is added and dropped in place (ALTER TABLE), never by a batch copy of the orders table.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 17:57:30.137458

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "privacy_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_digest", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("web", "staff", name="request_channel", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "deferred",
                "erased",
                "closed",
                name="privacy_request_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("link_mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erasure_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("orders_erased", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_privacy_requests_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_requests")),
    )
    op.create_index(
        op.f("ix_privacy_requests_email_digest"), "privacy_requests", ["email_digest"], unique=False
    )
    op.create_index(
        "ix_privacy_requests_status_created_at", "privacy_requests", ["status", "created_at"], unique=False
    )
    op.add_column("orders", sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column("orders", "anonymised_at")
    op.drop_index("ix_privacy_requests_status_created_at", table_name="privacy_requests")
    op.drop_index(op.f("ix_privacy_requests_email_digest"), table_name="privacy_requests")
    op.drop_table("privacy_requests")
