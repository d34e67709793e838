"""per-channel default bullet count, and admins-only settings

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 18:00:00

``slack_channel_settings.bullets``: key points for a request that names no count (3, 4 or 5;
NULL: the deployment's ``KEYPOINTS_BULLETS``). ``slack_channel_settings.admins_only``: only
workspace admins and owners may change the channel's settings (false: its members may).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("slack_channel_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bullets", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("admins_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("slack_channel_settings", schema=None) as batch_op:
        batch_op.drop_column("admins_only")
        batch_op.drop_column("bullets")
