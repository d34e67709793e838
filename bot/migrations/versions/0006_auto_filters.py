"""auto-mode filters: sites never / always answered, a minimum article length, opt-outs

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 14:00:00

``slack_channel_sites``: a channel's site rules (a host and its subdomains: never / always).
``slack_user_optouts``: people whose links auto mode never answers in their workspace.
``slack_channel_settings.min_words``: auto mode's shortest article (0: any length).
``slack_link_jobs.min_words``: that minimum as it was when the link was posted (NULL: none),
so whichever replica finishes the job applies it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_channel_sites",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("rule", sa.String(length=8), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "channel_id", "host"),
    )
    op.create_table(
        "slack_user_optouts",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id"),
    )
    with op.batch_alter_table("slack_channel_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("min_words", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("slack_link_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_words", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("slack_link_jobs", schema=None) as batch_op:
        batch_op.drop_column("min_words")
    with op.batch_alter_table("slack_channel_settings", schema=None) as batch_op:
        batch_op.drop_column("min_words")
    op.drop_table("slack_user_optouts")
    op.drop_table("slack_channel_sites")
