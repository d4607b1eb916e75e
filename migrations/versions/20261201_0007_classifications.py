"""classification records: a component is, or is not, an AI component, as a person decided

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "classifications",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("component_id", Id, nullable=False),
        sa.Column("is_ai", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("decided_at", When, nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("organisation_id", Id, nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["components.id"],
            name=op.f("fk_classifications_component_id_components"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_classifications_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classifications")),
    )
    op.create_index("ix_classifications_component_id", "classifications", ["component_id"])


def downgrade() -> None:
    op.drop_index("ix_classifications_component_id", table_name="classifications")
    op.drop_table("classifications")
