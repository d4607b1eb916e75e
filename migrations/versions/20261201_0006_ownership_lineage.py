"""subject ownership, BOM lineage endings, BOM-Links, per-organisation idempotency

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "subject_owners",
        sa.Column("subject_id", Id, nullable=False),
        sa.Column("organisation_id", Id, nullable=False),
        sa.Column("since", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["components.id"], name=op.f("fk_subject_owners_subject_id_components")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_subject_owners_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_subject_owners")),
    )
    op.create_table(
        "subject_delegates",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("subject_id", Id, nullable=False),
        sa.Column("organisation_id", Id, nullable=False),
        sa.Column("granted_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["components.id"],
            name=op.f("fk_subject_delegates_subject_id_components"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_subject_delegates_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_delegates")),
        sa.UniqueConstraint(
            "subject_id", "organisation_id", name="uq_subject_delegates_subject_id"
        ),
    )
    op.create_table(
        "ownership_events",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("subject_id", Id, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("organisation_id", Id, nullable=False),
        sa.Column("previous_organisation_id", Id, nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ownership_events")),
    )
    op.create_index("ix_ownership_events_subject_id", "ownership_events", ["subject_id"])
    op.create_table(
        "bom_endings",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("bom_id", Id, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("by_bom_id", Id, nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.ForeignKeyConstraint(["bom_id"], ["boms.id"], name=op.f("fk_bom_endings_bom_id_boms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bom_endings")),
        sa.UniqueConstraint("bom_id", name=op.f("uq_bom_endings_bom_id")),
    )
    op.create_table(
        "bom_links",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("bom_id", Id, nullable=False),
        sa.Column("source_id", Id, nullable=False),
        sa.Column("serial_number", sa.Text(), nullable=False),
        sa.Column("linked_version", sa.BigInteger(), nullable=True),
        sa.Column("target_ref", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bom_id"], ["boms.id"], name=op.f("fk_bom_links_bom_id_boms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bom_links")),
    )
    op.create_index("ix_bom_links_bom_id", "bom_links", ["bom_id"])
    with op.batch_alter_table("boms", schema=None) as batch_op:
        # The same bytes are one BOM per organisation: another organisation uploading them
        # gets its own record, and learns nothing of the first.
        batch_op.drop_constraint("uq_boms_sha256", type_="unique")
        batch_op.create_unique_constraint("uq_boms_sha256", ["sha256", "organisation_id"])
        batch_op.create_index("ix_boms_serial_number", ["serial_number"])
        batch_op.create_index(
            "uq_boms_sha256_unowned",
            ["sha256"],
            unique=True,
            sqlite_where=sa.text("organisation_id IS NULL"),
            postgresql_where=sa.text("organisation_id IS NULL"),
        )
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("artifacts", sa.JSON(), nullable=True))
    # Every subject published so far is owned by the organisation of its first BOM.
    op.execute(
        """
        INSERT INTO subject_owners (subject_id, organisation_id, since)
        SELECT b.subject_id, b.organisation_id, b.uploaded_at FROM boms b
        WHERE b.organisation_id IS NOT NULL AND b.id = (
            SELECT MIN(f.id) FROM boms f
            WHERE f.subject_id = b.subject_id AND f.organisation_id IS NOT NULL)
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.drop_column("artifacts")
    with op.batch_alter_table("boms", schema=None) as batch_op:
        batch_op.drop_index("uq_boms_sha256_unowned")
        batch_op.drop_index("ix_boms_serial_number")
        batch_op.drop_constraint("uq_boms_sha256", type_="unique")
        batch_op.create_unique_constraint("uq_boms_sha256", ["sha256"])
    op.drop_index("ix_bom_links_bom_id", table_name="bom_links")
    op.drop_table("bom_links")
    op.drop_table("bom_endings")
    op.drop_index("ix_ownership_events_subject_id", table_name="ownership_events")
    op.drop_table("ownership_events")
    op.drop_table("subject_delegates")
    op.drop_table("subject_owners")
