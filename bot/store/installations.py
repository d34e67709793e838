"""Multi-workspace installs: slack-sdk's SQLAlchemy installation and OAuth-state stores.

The stores define their own tables; we build the very same tables on our ``Base.metadata``
(with the stores' own classmethods, so the columns cannot drift) so that our migrations create
them, and the stores, given our engine, find them there.

Tokens are encrypted at rest when ``KEYPOINTS_TOKEN_KEYS`` is set (``bot.store.tokens``): the
installation store seals them on every write and opens them on every read.
"""

from __future__ import annotations

import copy
import logging
from datetime import UTC, datetime
from typing import TypeVar

from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import Text, delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.db import Base
from bot.store.tokens import ENV_VAR, TokenCipher, UnreadableToken

log = logging.getLogger(__name__)

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


# Columns holding a secret, per table (a Bot has no user token).
TOKEN_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")

# slack-sdk declares them String(200); sealed, a token rotation refresh token (``xoxe-1-…``) or
# a long user token is longer than that, so ours are Text (migration 0008). The store's own copy
# of the tables only builds statements, where a String's length plays no part.
for _table in (installations_table, bots_table):
    for _field in TOKEN_FIELDS:
        if _field in _table.c:
            _table.c[_field].type = Text()
Entity = TypeVar("Entity", Installation, Bot)


class EncryptedInstallationStore(AsyncSQLAlchemyInstallationStore):
    """slack-sdk's store with the token fields sealed on write and opened on read.

    A token none of the keys opens is logged in one line and the workspace treated as not
    installed (bolt then answers nothing for it), instead of a traceback on every event."""

    def __init__(self, client_id: str, engine: AsyncEngine, cipher: TokenCipher) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self.cipher = cipher

    def _sealed(self, entity: Entity) -> Entity:
        sealed = copy.copy(entity)  # the caller's object keeps its plain tokens
        for field in TOKEN_FIELDS:
            if hasattr(sealed, field):
                setattr(sealed, field, self.cipher.seal(getattr(sealed, field)))
        return sealed

    def _opened(self, entity: Entity | None, team_id: str | None) -> Entity | None:
        if entity is None:
            return None
        try:
            for field in TOKEN_FIELDS:
                if hasattr(entity, field):
                    setattr(entity, field, self.cipher.open(getattr(entity, field)))
        except UnreadableToken as exc:
            log.error("slack install of team %s unusable: %s", team_id, exc.message)
            return None
        return entity

    async def async_save(self, installation: Installation) -> None:
        # the parent also saves installation.to_bot() through async_save_bot: sealing is
        # idempotent, so that second pass leaves the already sealed tokens alone
        await super().async_save(self._sealed(installation))

    async def async_save_bot(self, bot: Bot) -> None:
        await super().async_save_bot(self._sealed(bot))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = await super().async_find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return self._opened(found, team_id)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = await super().async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return self._opened(found, team_id)


def installation_store(
    client_id: str, engine: AsyncEngine, cipher: TokenCipher | None = None
) -> EncryptedInstallationStore:
    """Bot and user tokens of every workspace that installed the app, encrypted with the keys
    in ``KEYPOINTS_TOKEN_KEYS`` (``cipher`` overrides; a bad key raises ``SettingsError``)."""
    cipher = cipher or TokenCipher.from_env()
    if not cipher.enabled:
        log.warning("%s is not set: Slack tokens are stored in plain text", ENV_VAR)
    return EncryptedInstallationStore(client_id, engine, cipher)


async def reseal_tokens(engine: AsyncEngine, cipher: TokenCipher) -> int:
    """Re-encrypt every stored token with the first key (plain ones included); rows rewritten.

    Run after putting a new key first, then drop the old key. Raises ``UnreadableToken``
    before writing anything if a token opens with none of the keys."""
    changes = []
    async with engine.connect() as conn:
        for table in (installations_table, bots_table):
            fields = [f for f in TOKEN_FIELDS if f in table.c]
            rows = await conn.execute(select(table.c.id, *(table.c[f] for f in fields)))
            for row in rows.mappings():
                new = {f: cipher.reseal(row[f]) for f in fields}
                if any(new[f] != row[f] for f in fields):
                    changes.append((table, row["id"], new))
    async with engine.begin() as conn:
        for table, row_id, values in changes:
            await conn.execute(update(table).where(table.c.id == row_id).values(**values))
    return len(changes)


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
