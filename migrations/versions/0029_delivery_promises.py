"""Delivery promises: dispatch weekdays, handling and transit days per delivery method, each parcel's
promise as made, and the VVG's Christmas date.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 04:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shipping_options", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dispatch_weekdays", sa.Integer(), server_default="31", nullable=False))
        batch_op.add_column(sa.Column("handling_days", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("transit_days_min", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("transit_days_max", sa.Integer(), server_default="3", nullable=False))
        batch_op.create_check_constraint("dispatch_weekdays_mask", "dispatch_weekdays BETWEEN 1 AND 31")
        batch_op.create_check_constraint(
            "promise_days_range",
            "handling_days BETWEEN 0 AND 30 AND transit_days_min >= 0"
            " AND transit_days_max BETWEEN transit_days_min AND 30",
        )
    # The methods' usual transit until each community sets its own: lockers 1-2, courier 1-3, pickup 0-0.
    op.execute(
        "UPDATE shipping_options SET transit_days_min = 0, transit_days_max = 0 WHERE method = 'pickup'"
    )
    op.execute(
        "UPDATE shipping_options SET transit_days_max = 2 WHERE method IN ('omniva', 'lp_express', 'dpd')"
    )

    with op.batch_alter_table("fulfilments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ship_by", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("delivery_earliest", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("delivery_latest", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_fulfilments_ship_by"), ["ship_by"], unique=False)

    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("christmas_month", sa.Integer(), server_default="12", nullable=False))
        batch_op.add_column(sa.Column("christmas_day", sa.Integer(), server_default="24", nullable=False))
        batch_op.create_check_constraint(
            "christmas_day_valid", "christmas_month BETWEEN 1 AND 12 AND christmas_day BETWEEN 1 AND 31"
        )


def downgrade():
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_operators_christmas_day_valid"), type_="check")
        batch_op.drop_column("christmas_day")
        batch_op.drop_column("christmas_month")

    with op.batch_alter_table("fulfilments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fulfilments_ship_by"))
        batch_op.drop_column("delivery_latest")
        batch_op.drop_column("delivery_earliest")
        batch_op.drop_column("ship_by")

    with op.batch_alter_table("shipping_options", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_shipping_options_promise_days_range"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_shipping_options_dispatch_weekdays_mask"), type_="check")
        batch_op.drop_column("transit_days_max")
        batch_op.drop_column("transit_days_min")
        batch_op.drop_column("handling_days")
        batch_op.drop_column("dispatch_weekdays")
