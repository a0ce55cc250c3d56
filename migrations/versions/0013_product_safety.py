"""Product safety (GPSR): product types with their warning templates, each listing's type and its warning
in English too; the VVG's starting list of types.

Listings already in the database get no type: they stay as they are (on sale if they were) and are flagged
to their community and to staff until a member chooses their type (see catalogue/safety.py).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


#: The VVG's starting list (staff change it at /backoffice/product-types): name lt, name en, whether a
#: listing of the type needs a warning, the warning's template lt and en.
PRODUCT_TYPES = [
    (
        "Popieriniai gaminiai (atvirukai, vokai)",
        "Paper goods (cards, envelopes)",
        False,
        "",
        "",
    ),
    (
        "Tekstilės papuošalai be užpildo",
        "Textile decorations without filling",
        False,
        "Dekoracija, ne žaislas.",
        "A decoration, not a toy.",
    ),
    (
        "Tekstilės gaminiai su užpildu",
        "Textiles with fillings",
        True,
        "Dekoracija, ne žaislas: netinka vaikams iki 3 metų. Viduje yra užpildo (pvz., džiovintų augalų), "
        "kurį galima praryti. Laikykite sausai, neskalbkite.",
        "A decoration, not a toy: not suitable for children under 3 years. Contains a filling (e.g. dried "
        "plants) that could be swallowed. Keep dry; do not wash.",
    ),
    (
        "Šiaudiniai ir kiti degūs papuošalai",
        "Straw and other flammable decorations",
        True,
        "Degus gaminys: nekabinkite arti žvakių, židinio ar šildytuvų. Dekoracija, ne žaislas; netinka vaikams "
        "iki 3 metų.",
        "Flammable: do not hang near candles, fireplaces or heaters. A decoration, not a toy; not suitable "
        "for children under 3 years.",
    ),
    (
        "Mediniai papuošalai",
        "Wooden decorations",
        True,
        "Dekoracija, ne žaislas. Netinka vaikams iki 3 metų: yra smulkių dalių. Saugokite nuo drėgmės ir "
        "ugnies.",
        "A decoration, not a toy. Not suitable for children under 3 years: contains small parts. Keep away "
        "from damp and fire.",
    ),
    (
        "Stikliniai papuošalai",
        "Glass ornaments",
        True,
        "Stiklinis, dūžtantis gaminys: sudužęs turi aštrių šukių. Kabinkite vaikams nepasiekiamoje vietoje. "
        "Dekoracija, ne žaislas.",
        "Made of glass and fragile: sharp when broken. Hang out of children's reach. A decoration, not a toy.",
    ),
    (
        "Gaminiai su smulkiomis dalimis",
        "Items with small parts",
        True,
        "Netinka vaikams iki 3 metų. Yra smulkių dalių, kurias galima praryti.",
        "Not suitable for children under 3 years. Contains small parts.",
    ),
    (
        "Žvakės",
        "Candles",
        True,
        "Degančios žvakės nepalikite be priežiūros. Statykite ją ant nedegaus pagrindo, toliau nuo užuolaidų, "
        "eglišakių ir kitų degių daiktų, vaikams ir gyvūnams nepasiekiamoje vietoje.",
        "Never leave a burning candle unattended. Stand it on a heat-resistant surface, away from curtains, "
        "fir branches and anything else that burns, out of the reach of children and pets.",
    ),
]


def upgrade():
    product_types = op.create_table(
        "product_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_lt", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("is_warning_required", sa.Boolean(), nullable=False),
        sa.Column("warning_lt", sa.Text(), nullable=False),
        sa.Column("warning_en", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_types")),
        sa.UniqueConstraint("name_lt", name=op.f("uq_product_types_name_lt")),
    )
    # ALTER TABLE … ADD COLUMN in place, never a batch copy: on SQLite, dropping the old products table would
    # take with it (by their cascading keys) every variant and photo pointing at it.
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot add a constraint to a table: the key is written into the new column itself.
        op.execute(
            "ALTER TABLE products ADD COLUMN product_type_id INTEGER"
            " CONSTRAINT fk_products_product_type_id_product_types REFERENCES product_types (id)"
        )
    else:
        op.add_column("products", sa.Column("product_type_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_products_product_type_id_product_types"),
            "products",
            "product_types",
            ["product_type_id"],
            ["id"],
        )
    op.add_column("products", sa.Column("safety_notes_en", sa.Text(), server_default="", nullable=False))
    op.create_index(op.f("ix_products_product_type_id"), "products", ["product_type_id"], unique=False)

    op.bulk_insert(
        product_types,
        [
            {
                "name_lt": name_lt,
                "name_en": name_en,
                "is_warning_required": required,
                "warning_lt": warning_lt,
                "warning_en": warning_en,
                "position": position,
            }
            for position, (name_lt, name_en, required, warning_lt, warning_en) in enumerate(PRODUCT_TYPES, 1)
        ],
    )


def downgrade():
    op.drop_index(op.f("ix_products_product_type_id"), table_name="products")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_products_product_type_id_product_types"), "products", type_="foreignkey")
    # ALTER TABLE … DROP COLUMN in place (on SQLite the column's key goes with it), never a batch copy.
    op.drop_column("products", "safety_notes_en")
    op.drop_column("products", "product_type_id")

    op.drop_table("product_types")
