"""a settings version row replicas poll to refresh their cached channel settings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 23:50:00

``slack_settings_version``: one row whose counter every channel-settings write increments in
the same transaction; each replica keeps the settings in memory and re-reads them when the
counter moves, so no settings read stands between a Slack delivery and its ack.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_settings_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("slack_settings_version")
