"""Schema migrations (Alembic), applied at start-up and by ``keypoints migrate``.

Several replicas may start at once against one Postgres: the upgrade runs under a
transaction-scoped advisory lock, so one process migrates and the others wait, then find
nothing left to do. SQLite serialises writers by itself.
"""

from __future__ import annotations

from importlib import import_module
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.db import Base

# Every module that defines tables; importing them registers the tables on Base.metadata.
TABLE_MODULES = (
    "bot.store.events",
    "bot.store.jobs",
    "bot.store.installations",
    "bot.store.channels",
    "bot.store.filters",
    "bot.store.cache",
    "bot.store.replies",
    "bot.digest.store",
)
_LOCK_KEY = 0x6B6579706F696E74  # "keypoint": one advisory-lock id for all replicas


def target_metadata() -> MetaData:
    """The metadata of all Keypoints tables."""
    for module in TABLE_MODULES:
        import_module(module)
    return Base.metadata


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("bot") / "migrations"))
    return config


def head_revision() -> str | None:
    """The newest migration shipped with this version of Keypoints."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def migrate(engine: AsyncEngine) -> str | None:
    """Bring the schema to the newest revision; returns it. Idempotent and replica-safe."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        await conn.run_sync(_upgrade)
        return await conn.run_sync(_current)
