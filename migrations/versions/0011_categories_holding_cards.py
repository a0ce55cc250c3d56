"""Categories that hold greeting cards: a gift message is written into a card, for anything else on a note.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    # ALTER TABLE … ADD/DROP COLUMN, never a batch copy: on SQLite, copying categories would break (or, were
    # the keys cascading, empty) the products pointing at it.
    op.add_column(
        "categories", sa.Column("holds_cards", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    # The shop's one card shelf so far (the demo's, which installs so far were seeded with) holds cards.
    categories = sa.table("categories", sa.column("slug", sa.String), sa.column("holds_cards", sa.Boolean))
    op.execute(categories.update().where(categories.c.slug == "kaledinai-atvirukai").values(holds_cards=True))


def downgrade():
    op.drop_column("categories", "holds_cards")
