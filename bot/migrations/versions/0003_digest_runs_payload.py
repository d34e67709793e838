"""digest runs keep what they post; feeds remember their failures

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 23:30:00

``digest_runs.payload``: the rendered digest (message and thread), saved before the header is
posted, so a replica that takes over a half-posted run finishes that very digest.
``digest_runs.posted_at``: when the header went out ("since the last digest" looks back to it).
``digest_feed_states.failures/failing_since/last_error/told``: a feed that keeps failing is
told to the channel once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("digest_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payload", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("posted_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("digest_feed_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("failing_since", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.String(length=512), nullable=True))
        batch_op.add_column(
            sa.Column("told", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("digest_feed_states", schema=None) as batch_op:
        batch_op.drop_column("told")
        batch_op.drop_column("last_error")
        batch_op.drop_column("failing_since")
        batch_op.drop_column("failures")
    with op.batch_alter_table("digest_runs", schema=None) as batch_op:
        batch_op.drop_column("posted_at")
        batch_op.drop_column("payload")
