"""Made-to-order capacity: a community's weekly cap, the weeks' bookings, and the week a line was booked into.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 03:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('made_to_order_per_week', sa.Integer(), nullable=True))
    op.create_table('production_weeks',
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.CheckConstraint('booked >= 0', name=op.f('ck_production_weeks_booked_not_negative')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_production_weeks_community_id_communities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('community_id', 'week_start', name=op.f('pk_production_weeks'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('production_week', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_column('production_week')
    op.drop_table('production_weeks')
    with op.batch_alter_table('communities', schema=None) as batch_op:
        batch_op.drop_column('made_to_order_per_week')
