"""Engine, session factory and the declarative base every table module shares.

Table modules (``bot/store/*.py``, ``bot/digest/store.py``) subclass ``Base``; importing them
registers their tables. The bot creates and upgrades them through migrations
(``bot.store.migrate``); ``init_db`` is the quick ``create_all`` that unit tests use, and
``tests/test_migrations_schema.py`` checks that both give the same schema.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///keypoints.db"


class Base(DeclarativeBase):
    """Declarative base for all Keypoints tables."""


def normalise_url(url: str) -> str:
    """Map ``postgres://``, ``postgresql://`` and ``sqlite://`` URLs to the async drivers."""
    for prefix, driver in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(prefix):
            return driver + url[len(prefix) :]
    return url


def make_engine(url: str = DEFAULT_DATABASE_URL) -> AsyncEngine:
    """An async engine for ``url``; SQLite gets a busy timeout so concurrent writers wait."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers run beside the one writer, and synchronous=NORMAL (safe with WAL: a
    power cut can lose the last commits, never corrupt the file) makes each commit cheap.
    Both matter because the bot writes before it acknowledges Slack."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:  # type: ignore[type-arg]
    return async_sessionmaker(engine, expire_on_commit=False)


async def init_db(engine: AsyncEngine) -> None:
    """Create the tables of the modules imported so far (tests; the bot runs ``migrate``)."""
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
