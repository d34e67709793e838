"""link jobs remember their reply and whether failures are told privately; channels choose

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 22:50:00

``reply_ts``: the bot's reply, so deleting the original message can delete it and the message
shortcut can point to it. ``quiet``: an auto-mode job, whose failures go only to the poster.
``slack_channel_settings.public_failures``: a channel that wants those failures shown to all.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("slack_link_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_ts", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("quiet", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("slack_channel_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("public_failures", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("slack_channel_settings", schema=None) as batch_op:
        batch_op.drop_column("public_failures")
    with op.batch_alter_table("slack_link_jobs", schema=None) as batch_op:
        batch_op.drop_column("quiet")
        batch_op.drop_column("reply_ts")
