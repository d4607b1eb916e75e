"""packed documents

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 13:20:00.000000
"""

import zlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Documents stored before this revision are uncompressed: "identity".
    with op.batch_alter_table("boms", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "document_encoding", sa.String(length=16), server_default="identity", nullable=False
            )
        )


def downgrade() -> None:
    # Packed documents are unpacked first, so that earlier versions read them as they were.
    boms = sa.table(
        "boms",
        sa.column("id", sa.Integer()),
        sa.column("document", sa.LargeBinary()),
        sa.column("document_encoding", sa.String()),
    )
    connection = op.get_bind()
    packed = connection.execute(
        sa.select(boms.c.id).where(boms.c.document_encoding != "identity")
    ).scalars()
    for bom_id in list(packed):
        payload = connection.execute(
            sa.select(boms.c.document).where(boms.c.id == bom_id)
        ).scalar_one()
        connection.execute(
            boms.update()
            .where(boms.c.id == bom_id)
            .values(document=zlib.decompress(payload), document_encoding="identity")
        )
    with op.batch_alter_table("boms", schema=None) as batch_op:
        batch_op.drop_column("document_encoding")
