"""graph changes: an ordered log of the BOMs that started or stopped counting in the graph

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 10:00:00.000000

The log starts empty, on a new database and on one upgraded from an earlier revision alike:
an empty log is a usable one, since a process builds its graph from the tables as they are
and then applies the rows after the newest id it saw (0 when there are none). Decision
record 15.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "graph_changes",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("bom_id", Id, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.ForeignKeyConstraint(["bom_id"], ["boms.id"], name=op.f("fk_graph_changes_bom_id_boms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graph_changes")),
    )


def downgrade() -> None:
    op.drop_table("graph_changes")
