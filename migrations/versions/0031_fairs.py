"""Virtual fairs: a fair with its banner, moments and promise; the communities invited; the products shown
(featured, ordered, taken out with a reason); and a sale window on products made only for a fair.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05 06:32:54.884253

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "fairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name_lt", sa.String(length=160), nullable=False),
        sa.Column("name_en", sa.String(length=160), nullable=False),
        sa.Column("story_lt", sa.Text(), nullable=False),
        sa.Column("story_en", sa.Text(), nullable=False),
        sa.Column("banner_key", sa.String(length=64), nullable=True),
        sa.Column("banner_width", sa.Integer(), nullable=False),
        sa.Column("banner_height", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("theme_category_id", sa.Integer(), nullable=True),
        sa.Column("order_by", sa.Date(), nullable=True),
        sa.Column("promise_lt", sa.Text(), nullable=False),
        sa.Column("promise_en", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("closes_at > opens_at", name=op.f("ck_fairs_fair_closes_after_opening")),
        sa.ForeignKeyConstraint(
            ["theme_category_id"], ["categories.id"], name=op.f("fk_fairs_theme_category_id_categories")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fairs")),
        sa.UniqueConstraint("slug", name=op.f("uq_fairs_slug")),
    )
    op.create_index(op.f("ix_fairs_closes_at"), "fairs", ["closes_at"], unique=False)
    op.create_index(op.f("ix_fairs_opens_at"), "fairs", ["opens_at"], unique=False)

    op.create_table(
        "fair_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fair_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opted_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_fair_invitations_community_id_communities")
        ),
        sa.ForeignKeyConstraint(
            ["fair_id"], ["fairs.id"], name=op.f("fk_fair_invitations_fair_id_fairs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fair_invitations")),
        sa.UniqueConstraint("fair_id", "community_id", name=op.f("uq_fair_invitations_fair_id")),
    )
    op.create_index(
        op.f("ix_fair_invitations_community_id"), "fair_invitations", ["community_id"], unique=False
    )
    op.create_index(op.f("ix_fair_invitations_fair_id"), "fair_invitations", ["fair_id"], unique=False)

    op.create_table(
        "fair_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fair_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_featured", sa.Boolean(), nullable=False),
        sa.Column("is_fair_only", sa.Boolean(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removal_reason", sa.Text(), nullable=False),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["fair_id"], ["fairs.id"], name=op.f("fk_fair_products_fair_id_fairs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_fair_products_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_id"],
            ["users.id"],
            name=op.f("fk_fair_products_removed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fair_products")),
        sa.UniqueConstraint("fair_id", "product_id", name=op.f("uq_fair_products_fair_id")),
    )
    op.create_index(op.f("ix_fair_products_fair_id"), "fair_products", ["fair_id"], unique=False)
    op.create_index(op.f("ix_fair_products_product_id"), "fair_products", ["product_id"], unique=False)

    # In place, never a batch copy: on SQLite, dropping the old products table would take with it (by their
    # cascading keys) every variant and photo pointing at it (see 0013, 0025).
    op.add_column("products", sa.Column("on_sale_from", sa.DateTime(timezone=True), nullable=True))
    op.add_column("products", sa.Column("on_sale_until", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column("products", "on_sale_until")  # in place, as they were added
    op.drop_column("products", "on_sale_from")

    op.drop_index(op.f("ix_fair_products_product_id"), table_name="fair_products")
    op.drop_index(op.f("ix_fair_products_fair_id"), table_name="fair_products")

    op.drop_table("fair_products")
    op.drop_index(op.f("ix_fair_invitations_fair_id"), table_name="fair_invitations")
    op.drop_index(op.f("ix_fair_invitations_community_id"), table_name="fair_invitations")

    op.drop_table("fair_invitations")
    op.drop_index(op.f("ix_fairs_opens_at"), table_name="fairs")
    op.drop_index(op.f("ix_fairs_closes_at"), table_name="fairs")

    op.drop_table("fairs")
