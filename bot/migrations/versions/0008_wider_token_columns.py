"""wider Slack token columns: encrypted rotation-enabled tokens do not fit String(200)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 16:00:00

slack-sdk's stores declare ``bot_token``, ``bot_refresh_token``, ``user_token`` and
``user_refresh_token`` as String(200). A Fernet-sealed token (``KEYPOINTS_TOKEN_KEYS``) is about
4/3 of the token plus 76 characters, so a token rotation refresh token (``xoxe-1-…``) or a long
user token no longer fits, and Postgres refuses the install. The columns become Text on
``slack_installations`` and ``slack_bots`` (batch mode rebuilds the tables on SQLite).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKEN_COLUMNS = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


def upgrade() -> None:
    _retype(sa.String(length=200), sa.Text())


def downgrade() -> None:
    # a stored value longer than 200 characters makes Postgres refuse this (nothing is cut)
    _retype(sa.Text(), sa.String(length=200))


def _retype(old: sa.types.TypeEngine[str], new: sa.types.TypeEngine[str]) -> None:
    for table, columns in TOKEN_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=old, type_=new, existing_nullable=True)
