"""product statuses: each product's standing per destination group, kept current, and every
change of it

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 10:00:00.000000

A database upgraded to this revision has no stored statuses yet: reads compute them as before
until the first settling pass (queued here for every product) has stored them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "product_statuses",
        sa.Column("product_id", Id, nullable=False),
        sa.Column("destination_group", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("ineligible", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("sector", sa.Text(), nullable=True),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("ruleset_version", sa.Text(), nullable=False),
        sa.Column("updated_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["components.id"],
            name=op.f("fk_product_statuses_product_id_components"),
        ),
        sa.PrimaryKeyConstraint(
            "product_id", "destination_group", name=op.f("pk_product_statuses")
        ),
    )
    op.create_table(
        "status_changes",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("product_id", Id, nullable=False),
        sa.Column("destination_group", sa.String(length=64), nullable=False),
        sa.Column("old_status", sa.String(length=16), nullable=True),
        sa.Column("new_status", sa.String(length=16), nullable=True),
        sa.Column("cause_kind", sa.String(length=32), nullable=False),
        sa.Column("cause_ref", sa.Text(), nullable=True),
        sa.Column("cause_bom_id", Id, nullable=True),
        sa.Column("cause_private_to", sa.Text(), nullable=True),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["components.id"], name=op.f("fk_status_changes_product_id_components")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_changes")),
    )
    op.create_index("ix_status_changes_product_id", "status_changes", ["product_id", "id"])
    op.create_index("ix_status_changes_at", "status_changes", ["at", "id"])
    op.create_table(
        "status_work",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("cause_kind", sa.String(length=32), nullable=False),
        sa.Column("cause_ref", sa.Text(), nullable=True),
        sa.Column("cause_bom_id", Id, nullable=True),
        sa.Column("cause_private_to", sa.Text(), nullable=True),
        sa.Column("seeds", sa.JSON(), nullable=True),
        sa.Column("recorded_at", When, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_work")),
    )
    op.create_table(
        "daily_runs",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", When, nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_daily_runs")),
    )
    # Every product of an existing database gets its statuses stored by the first pass.
    op.execute(
        "INSERT INTO status_work (cause_kind, cause_ref, seeds, recorded_at) "
        "SELECT 'initial', NULL, NULL, CURRENT_TIMESTAMP WHERE EXISTS (SELECT 1 FROM boms)"
    )


def downgrade() -> None:
    op.drop_table("daily_runs")
    op.drop_table("status_work")
    op.drop_index("ix_status_changes_at", table_name="status_changes")
    op.drop_index("ix_status_changes_product_id", table_name="status_changes")
    op.drop_table("status_changes")
    op.drop_table("product_statuses")
