"""Search by word forms: each product's Lithuanian and English stems in `search_terms`, indexed for whole
words and prefixes. 0030 changed the table's shape and fills it for the products already in the shop:
that step, which needs the code of its time, is left to it.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 01:20:00.000000

"""

from alembic import op
import sqlalchemy as sa

from catalogue import search


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_TERM = sa.String(length=search.TERM_LENGTH).with_variant(
    sa.String(length=search.TERM_LENGTH, collation="C"), "postgresql"
)


def upgrade():
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
    with op.batch_alter_table("search_terms", schema=None) as batch_op:
        batch_op.create_index("ix_search_terms_term", ["term", "product_id", "weight"], unique=False)
    # the products already in the shop are indexed by 0030 (see above)


def downgrade():
    with op.batch_alter_table("search_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_search_terms_term")

    op.drop_table("search_terms")
