"""audit chain: a hash-linked entry per audited record, in-place changes as records of their
own, and each decision's chain head

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 12:00:00.000000

Every audited row kept before enters the chain here, oldest first (app/store/chain.py,
`enter_existing`), so that `exportgate audit verify` passes on an upgraded database.
Decisions recorded before keep the head the chain had before them, as new ones do.
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from app.signing.canonical import canonical_sha256
from app.store.chain import enter_existing, note_existing_shares

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "audit_chain",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("record_id", Id, nullable=False),
        sa.Column("record_digest", sa.String(length=64), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.Column("actor", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_chain")),
        sa.UniqueConstraint("hash", name="uq_audit_chain_hash"),
    )
    op.create_index("ix_audit_chain_kind", "audit_chain", ["kind", "record_id"])
    op.create_table(
        "record_changes",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("record_kind", sa.String(length=32), nullable=False),
        sa.Column("record_id", Id, nullable=False),
        sa.Column("change", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("record_digest", sa.String(length=64), nullable=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_changes")),
    )
    op.create_index("ix_record_changes_record_kind", "record_changes", ["record_kind", "record_id"])
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("chain_head", sa.String(length=64), nullable=True))
    session = Session(bind=op.get_bind())
    now = dt.datetime.now(dt.UTC)
    note_existing_shares(session, canonical_sha256, now, "exportgate (upgrade)")
    enter_existing(session, canonical_sha256, now)


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("chain_head")
    op.drop_index("ix_record_changes_record_kind", table_name="record_changes")
    op.drop_table("record_changes")
    op.drop_index("ix_audit_chain_kind", table_name="audit_chain")
    op.drop_table("audit_chain")
