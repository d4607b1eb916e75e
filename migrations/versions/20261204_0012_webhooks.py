"""webhooks: subscriptions, the outbox written with each change, its delivery log, and the
certificate expiry notices already sent

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 12:00:00.000000

New tables only; nothing recorded before changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("organisation_id", Id, nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("created_by_key_id", Id, nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("disabled_at", When, nullable=True),
        sa.Column("disabled_reason", sa.String(length=32), nullable=True),
        sa.Column("disabled_detail", sa.Text(), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("failing_since", When, nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_webhook_subscriptions_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_key_id"],
            ["api_keys.id"],
            name=op.f("fk_webhook_subscriptions_created_by_key_id_api_keys"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscriptions")),
    )
    op.create_index(
        "ix_webhook_subscriptions_organisation_id",
        "webhook_subscriptions",
        ["organisation_id"],
    )
    op.create_table(
        "webhook_messages",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("subscription_id", Id, nullable=False),
        sa.Column("webhook_id", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", When, nullable=True),
        sa.Column("delivered_at", When, nullable=True),
        sa.Column("given_up_at", When, nullable=True),
        sa.Column("claimed_until", When, nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscriptions.id"],
            name=op.f("fk_webhook_messages_subscription_id_webhook_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_messages")),
        sa.UniqueConstraint("webhook_id", name=op.f("uq_webhook_messages_webhook_id")),
    )
    op.create_index("ix_webhook_messages_next_attempt_at", "webhook_messages", ["next_attempt_at"])
    op.create_index(
        "ix_webhook_messages_subscription_id", "webhook_messages", ["subscription_id", "id"]
    )
    op.create_table(
        "webhook_attempts",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("message_id", Id, nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["webhook_messages.id"],
            name=op.f("fk_webhook_attempts_message_id_webhook_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_attempts")),
    )
    op.create_index("ix_webhook_attempts_message_id", "webhook_attempts", ["message_id"])
    op.create_table(
        "certificate_expiry_notices",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("certificate_number", sa.String(length=128), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_expiry_notices")),
        sa.UniqueConstraint(
            "certificate_number",
            "days_before",
            name=op.f("uq_certificate_expiry_notices_certificate_number"),
        ),
    )


def downgrade() -> None:
    op.drop_table("certificate_expiry_notices")
    op.drop_index("ix_webhook_attempts_message_id", table_name="webhook_attempts")
    op.drop_table("webhook_attempts")
    op.drop_index("ix_webhook_messages_subscription_id", table_name="webhook_messages")
    op.drop_index("ix_webhook_messages_next_attempt_at", table_name="webhook_messages")
    op.drop_table("webhook_messages")
    op.drop_index("ix_webhook_subscriptions_organisation_id", table_name="webhook_subscriptions")
    op.drop_table("webhook_subscriptions")
