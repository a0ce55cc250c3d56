"""A parcel's locker: the row it was chosen from and the carrier's own id, beside the one-line snapshot.

The key has no ON DELETE rule: lockers are deactivated, never deleted, and SQLite would not report a rule
written into an added column, so the schema could not be checked against the models.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 03:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    # ALTER TABLE … ADD COLUMN in place, never a batch copy of fulfilments (which lines and events point
    # at); SQLite cannot add a constraint to a table, so the key is written into the new column.
    if op.get_bind().dialect.name == "sqlite":
        if "locker_id" in {column["name"] for column in sa.inspect(op.get_bind()).get_columns("fulfilments")}:
            return  # kept by a downgrade (see below): nothing to add
        op.add_column(
            "fulfilments", sa.Column("locker_code", sa.String(length=40), server_default="", nullable=False)
        )
        op.execute(
            "ALTER TABLE fulfilments ADD COLUMN locker_id INTEGER"
            " CONSTRAINT fk_fulfilments_locker_id_lockers REFERENCES lockers (id)"
        )
    else:
        op.add_column(
            "fulfilments", sa.Column("locker_code", sa.String(length=40), server_default="", nullable=False)
        )
        op.add_column("fulfilments", sa.Column("locker_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_fulfilments_locker_id_lockers"), "fulfilments", "lockers", ["locker_id"], ["id"]
        )
    op.create_index(op.f("ix_fulfilments_locker_id"), "fulfilments", ["locker_id"], unique=False)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot drop a column a foreign key names, and copying fulfilments to drop it would delete
        # the lines that point at them: the two columns and their index stay, unused by the older code, and
        # the upgrade finds them there.
        return
    op.drop_index(op.f("ix_fulfilments_locker_id"), table_name="fulfilments")
    op.drop_constraint(op.f("fk_fulfilments_locker_id_lockers"), "fulfilments", type_="foreignkey")
    op.drop_column("fulfilments", "locker_id")
    op.drop_column("fulfilments", "locker_code")
