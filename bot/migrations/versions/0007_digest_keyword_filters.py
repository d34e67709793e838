"""digest keyword filters per channel

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 23:45:00

``digest_channel_filters``: words a channel's digest requires (include) or refuses (exclude)
in a story's title or feed description.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digest_channel_filters",
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("word", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("channel_id", "kind", "word"),
    )


def downgrade() -> None:
    op.drop_table("digest_channel_filters")
