"""occurrence facts index: a change to the graph reads the facts of the components a new or
ended BOM mentions from an index alone

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 09:00:00.000000

The index on occurrences.component_id becomes one on (component_id, bom_id, type, is_ai),
which answers every lookup the old one did and covers the facts the graph keeps of each
mention, so reading them never touches the wide occurrence rows (each holds the mention's
raw JSON). A partial index finds the few mentions that carry artifacts.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CARRIES_ARTIFACTS = sa.text("artifacts IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("occurrences") as batch_op:
        batch_op.drop_index("ix_occurrences_component_id")
        batch_op.create_index(
            "ix_occurrences_component_facts", ["component_id", "bom_id", "type", "is_ai"]
        )
        batch_op.create_index(
            "ix_occurrences_component_artifacts",
            ["component_id"],
            sqlite_where=CARRIES_ARTIFACTS,
            postgresql_where=CARRIES_ARTIFACTS,
        )


def downgrade() -> None:
    with op.batch_alter_table("occurrences") as batch_op:
        batch_op.drop_index("ix_occurrences_component_artifacts")
        batch_op.drop_index("ix_occurrences_component_facts")
        batch_op.create_index("ix_occurrences_component_id", ["component_id"])
