"""visibility

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 09:12:17.816236
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "bom_shares",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("bom_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "organisation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["bom_id"], ["boms.id"], name=op.f("fk_bom_shares_bom_id_boms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_bom_shares_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bom_shares")),
        sa.UniqueConstraint("bom_id", "organisation_id", name="uq_bom_shares_bom_id"),
    )
    with op.batch_alter_table("boms", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "organisation_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("visibility", sa.String(length=16), server_default="private", nullable=False)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_boms_organisation_id_organisations"),
            "organisations",
            ["organisation_id"],
            ["id"],
        )


def downgrade() -> None:

    with op.batch_alter_table("boms", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_boms_organisation_id_organisations"), type_="foreignkey"
        )
        batch_op.drop_column("visibility")
        batch_op.drop_column("organisation_id")

    op.drop_table("bom_shares")
