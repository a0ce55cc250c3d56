"""Search terms re-stemmed: a word's stems are now also taken before its diacritics are dropped, so
"žvaigždžių" meets "žvaigždė". Every product's terms were written afresh here; 0030 does it now, in the
table's newer shape.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 04:15:00.000000

"""

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    pass  # see above: 0030 writes every product's terms


def downgrade():
    pass  # the richer terms serve the older code as well
