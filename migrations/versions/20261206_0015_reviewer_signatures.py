"""reviewer signatures: the detached signature a reviewer body made over a certificate or a
status event, kept so anyone can verify it again against the reviewer's public key

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 04:00:00.000000

Two nullable columns; entries recorded before (and entries of reviewers without a public
key) have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("certificates") as batch:
        batch.add_column(sa.Column("signature", sa.String(length=128), nullable=True))
    with op.batch_alter_table("certificate_events") as batch:
        batch.add_column(sa.Column("signature", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("certificate_events") as batch:
        batch.drop_column("signature")
    with op.batch_alter_table("certificates") as batch:
        batch.drop_column("signature")
