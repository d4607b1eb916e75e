"""actors: every recorded action names the key that performed it; reviewer changes are kept

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00.000000

Records kept before this revision did not say who acted; their new columns stay empty
(NULL), and the audit trail shows no actor for them rather than inventing one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)

# (table, column): the actor columns of records that had none.
ACTOR_COLUMNS = (
    ("certificates", "recorded_by"),
    ("rulesets", "published_by"),
    ("decisions", "decided_by"),
    ("api_keys", "issued_by"),
    ("api_keys", "revoked_by"),
    ("organisations", "created_by"),
)


def upgrade() -> None:
    # Plain ALTER TABLE, not batch mode, on SQLite too (3.35+ drops columns natively): a
    # batch copy drops and recreates `organisations`, which every key and BOM refers to,
    # and SQLite with foreign keys on refuses to drop a table that rows refer to.
    for table, column in ACTOR_COLUMNS:
        op.add_column(table, sa.Column(column, sa.Text(), nullable=True))
    op.create_table(
        "reviewer_changes",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("reviewer_code", sa.String(length=128), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=True),
        sa.Column("accreditations", sa.JSON(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviewer_changes")),
    )


def downgrade() -> None:
    op.drop_table("reviewer_changes")
    for table, column in reversed(ACTOR_COLUMNS):
        op.drop_column(table, column)
