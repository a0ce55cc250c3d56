"""Search by word forms: each product's Lithuanian and English stems in `search_terms`, indexed for whole
words and prefixes, filled here for the products already in the shop.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 01:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from catalogue import search


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

_TERM = sa.String(length=search.TERM_LENGTH).with_variant(
    sa.String(length=search.TERM_LENGTH, collation='C'), 'postgresql'
)


def upgrade():
    op.create_table('search_terms',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('term', _TERM, nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_search_terms_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'term', name=op.f('pk_search_terms'))
    )
    with op.batch_alter_table('search_terms', schema=None) as batch_op:
        batch_op.create_index('ix_search_terms_term', ['term', 'product_id', 'weight'], unique=False)
    _index_existing_products()


def _index_existing_products():
    """The same stems the application's listener writes (catalogue.models.Product.refresh_search_terms)."""
    connection = op.get_bind()
    categories = {row.id: row for row in connection.execute(sa.text('SELECT id, name_lt, name_en FROM categories'))}
    communities = {row.id: row for row in connection.execute(sa.text('SELECT id, name, city FROM communities'))}
    variants = {}
    for row in connection.execute(sa.text('SELECT product_id, name_lt, name_en FROM variants')):
        variants.setdefault(row.product_id, []).append(row)
    rows = []
    products = connection.execute(sa.text(
        'SELECT id, category_id, community_id, name_lt, name_en, description_lt, description_en FROM products'
    ))
    for product in products:
        fields = [
            (product.name_lt, search.NAME_WEIGHT), (product.name_en, search.NAME_WEIGHT),
            (product.description_lt, search.DESCRIPTION_WEIGHT), (product.description_en, search.DESCRIPTION_WEIGHT),
        ]
        category = categories.get(product.category_id)
        if category is not None:
            fields += [(category.name_lt, search.CATEGORY_WEIGHT), (category.name_en, search.CATEGORY_WEIGHT)]
        for variant in variants.get(product.id, []):
            fields += [(variant.name_lt, search.VARIANT_WEIGHT), (variant.name_en, search.VARIANT_WEIGHT)]
        community = communities.get(product.community_id)
        if community is not None:
            fields += [(community.name, search.COMMUNITY_WEIGHT), (community.city, search.COMMUNITY_WEIGHT)]
        rows += [
            {'product_id': product.id, 'term': term, 'weight': weight}
            for term, weight in search.index_terms(fields).items()
        ]
    if rows:
        table = sa.table('search_terms', sa.column('product_id'), sa.column('term'), sa.column('weight'))
        op.bulk_insert(table, rows)


def downgrade():
    with op.batch_alter_table('search_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_search_terms_term')

    op.drop_table('search_terms')
