"""signed evidence: kept evidence under its digest, the secret of its salts, the service's
signing keys, and each decision record's signature

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 12:00:00.000000

Records made before this revision keep no evidence and carry no signature: their evidence
bundle is refused as predating kept evidence. The secret is drawn here, once per database,
so that every worker derives the same salts.
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_evidence")),
    )
    secret = op.create_table(
        "evidence_secret",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_secret")),
    )
    op.bulk_insert(secret, [{"id": 1, "secret": secrets.token_bytes(32)}])
    op.create_table(
        "signing_keys",
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("jwk", sa.JSON(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("retired_at", When, nullable=True),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_signing_keys")),
    )
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("signature", sa.Text(), nullable=True))
        batch.add_column(sa.Column("signing_key_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("signing_key_id")
        batch.drop_column("signature")
    op.drop_table("signing_keys")
    op.drop_table("evidence_secret")
    op.drop_table("evidence")
