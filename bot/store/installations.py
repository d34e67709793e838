"""Multi-workspace installs: slack-sdk's SQLAlchemy installation and OAuth-state stores.

The stores define their own tables; we build the very same tables on our ``Base.metadata``
(with the stores' own classmethods, so the columns cannot drift) so that our migrations create
them, and the stores, given our engine, find them there.
"""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.db import Base

INSTALLATIONS_TABLE = AsyncSQLAlchemyInstallationStore.default_installations_table_name
BOTS_TABLE = AsyncSQLAlchemyInstallationStore.default_bots_table_name
OAUTH_STATES_TABLE = AsyncSQLAlchemyOAuthStateStore.default_table_name
STATE_EXPIRATION_SECONDS = 600

installations_table = AsyncSQLAlchemyInstallationStore.build_installations_table(
    Base.metadata, INSTALLATIONS_TABLE
)
bots_table = AsyncSQLAlchemyInstallationStore.build_bots_table(Base.metadata, BOTS_TABLE)
oauth_states_table = AsyncSQLAlchemyOAuthStateStore.build_oauth_states_table(
    Base.metadata, OAUTH_STATES_TABLE
)


def installation_store(client_id: str, engine: AsyncEngine) -> AsyncSQLAlchemyInstallationStore:
    """Bot and user tokens of every workspace that installed the app."""
    return AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine)


def oauth_state_store(engine: AsyncEngine) -> AsyncSQLAlchemyOAuthStateStore:
    """One-time ``state`` values of installs in progress (shared by all replicas)."""
    return AsyncSQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine
    )


async def purge_expired_states(engine: AsyncEngine, *, now: float) -> int:
    """Delete install ``state`` values nobody came back with (the store only removes used ones).

    ``now`` is a Unix time; bolt's state store writes naive UTC datetimes."""
    cutoff = datetime.fromtimestamp(now, UTC).replace(tzinfo=None)
    async with engine.begin() as conn:
        result = await conn.execute(
            delete(oauth_states_table).where(oauth_states_table.c.expire_at < cutoff)
        )
    return int(result.rowcount or 0)
