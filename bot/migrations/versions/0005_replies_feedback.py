"""replies remember their link, requester, bullets shown and outcome; votes on replies

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00

``slack_replies``: one row per answer (summary or failure), keyed by the id its buttons carry;
the More / Fewer, 👍 / 👎 and Remove buttons and ``keypoints stats`` read it.
``slack_reply_votes``: one vote per person per reply.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_replies",
        sa.Column("reply_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("message_ts", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("site", sa.String(length=255), nullable=False),
        sa.Column("requester_id", sa.String(length=32), nullable=False),
        sa.Column("base_bullets", sa.Integer(), nullable=False),
        sa.Column("bullets", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("cached", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("received_at", sa.Float(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("posted_at", sa.Float(), nullable=True),
        sa.Column("reply_ts", sa.String(length=32), nullable=True),
        sa.Column("removed_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("reply_id"),
    )
    with op.batch_alter_table("slack_replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slack_replies_site"), ["site"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_slack_replies_created_at"), ["created_at"], unique=False
        )
    op.create_table(
        "slack_reply_votes",
        sa.Column("reply_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("vote", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("reply_id", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("slack_reply_votes")
    with op.batch_alter_table("slack_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_replies_created_at"))
        batch_op.drop_index(batch_op.f("ix_slack_replies_site"))
    op.drop_table("slack_replies")
