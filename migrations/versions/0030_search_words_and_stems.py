"""Search terms: words apart from stems, and each text stemmed in its own language only, so that a broad
query reads about one row per product. Every product's terms are written afresh.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05 07:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

from catalogue import search


# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

_TERM = sa.String(length=search.TERM_LENGTH).with_variant(
    sa.String(length=search.TERM_LENGTH, collation="C"), "postgresql"
)


def upgrade():
    op.drop_table("search_terms")  # its rows are written afresh below
    op.create_table(
        "search_terms",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("term", _TERM, nullable=False),
        sa.Column("is_word", sa.Boolean(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_search_terms_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", "term", "is_word", name=op.f("pk_search_terms")),
    )
    op.create_index(
        "ix_search_terms_term", "search_terms", ["term", "is_word", "product_id", "weight"], unique=False
    )
    search.index_every_product(op.get_bind())


def downgrade():
    """Back to one row per (product, term), a term that was both a word and a stem with its higher weight.
    The older code also indexed the English stems of Lithuanian texts and the reverse: those are not made
    again here, so until a product is saved again, such forms of its words do not find it."""
    op.create_table(
        "search_terms_merged",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("term", _TERM, nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
    )
    op.execute(
        "INSERT INTO search_terms_merged (product_id, term, weight)"
        " SELECT product_id, term, max(weight) FROM search_terms GROUP BY product_id, term"
    )
    op.drop_table("search_terms")
    op.create_table(
        "search_terms",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("term", _TERM, nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_search_terms_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", "term", name=op.f("pk_search_terms")),
    )
    op.execute(
        "INSERT INTO search_terms (product_id, term, weight) SELECT product_id, term, weight FROM search_terms_merged"
    )
    op.drop_table("search_terms_merged")
    op.create_index("ix_search_terms_term", "search_terms", ["term", "product_id", "weight"], unique=False)
