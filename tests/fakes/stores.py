"""Databases for store tests: a fresh SQLite file, or a throw-away schema or database on the
local Postgres (the Postgres variants skip, saying why, when there is no server).

``engine`` runs a test on both, every table created by ``init_db``. Test modules use it by
importing it (pytest registers it under its ``name``)::

    from fakes.stores import sqlite_and_postgres_engine  # noqa: F401  (the engine fixture)

``migrated_sqlite_and_postgres_engine`` is the same ``engine`` with the schema built by the
Alembic migrations, as ``serve`` does; ``sqlite_engine`` is ``engine`` on SQLite alone, for a
slow test where the database is incidental (import one of the three, not two). A module with
its own set-up builds its fixture on ``initialised_engine`` or ``migrated_engine``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import pytest
from fakes.ops_postgres import fresh_database
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.db import init_db, make_engine
from bot.store.migrate import migrate

NOW = 1_900_000_000.0  # a fixed instant: stored times never depend on the date of the run

POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", "postgres"]  # fixture params: request.param is the ``backend`` below


async def postgres_schema_engine(prefix: str = "kp_slack") -> AsyncIterator[AsyncEngine]:
    """An engine whose tables live in a fresh schema, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL)
    try:
        async with asyncio.timeout(5), admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # any connection failure means "no server here"
        await admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}")
    engine = admin.execution_options(schema_translate_map={None: schema})
    try:
        yield engine
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@asynccontextmanager
async def _sqlite_engine(sqlite_file: Path) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(f"sqlite+aiosqlite:///{sqlite_file}")
    try:
        yield engine
    finally:
        await engine.dispose()


async def initialised_engine(
    backend: str, sqlite_file: Path, schema_prefix: str = "kp_slack"
) -> AsyncIterator[AsyncEngine]:
    """Every table created by ``init_db``: in ``sqlite_file``, or in a fresh Postgres schema."""
    if backend == "sqlite":
        async with _sqlite_engine(sqlite_file) as engine:
            await init_db(engine)
            yield engine
        return
    async for engine in postgres_schema_engine(schema_prefix):
        await init_db(engine)
        yield engine


async def migrated_engine(backend: str, sqlite_file: Path) -> AsyncIterator[AsyncEngine]:
    """The schema built by the migrations: in ``sqlite_file``, or in a fresh Postgres database."""
    async with AsyncExitStack() as stack:
        if backend == "sqlite":
            engine = await stack.enter_async_context(_sqlite_engine(sqlite_file))
        else:
            url = await stack.enter_async_context(fresh_database())
            engine = make_engine(url)
            stack.push_async_callback(engine.dispose)
        await migrate(engine)
        yield engine


@pytest.fixture(name="database_url", params=BACKENDS)
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database for the migrations to build: a SQLite file, then a fresh Postgres
    database (skipped, saying why, without a server)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}"
        return
    async with fresh_database() as url:
        yield url


@pytest.fixture(name="engine", params=BACKENDS)
async def sqlite_and_postgres_engine(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[AsyncEngine]:
    """Every table (``init_db``) on SQLite, then on a Postgres schema."""
    async for engine in initialised_engine(request.param, tmp_path / "store.db"):
        yield engine


@pytest.fixture(name="engine", params=BACKENDS)
async def migrated_sqlite_and_postgres_engine(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[AsyncEngine]:
    """The migrations' schema on SQLite, then on a fresh Postgres database."""
    async for engine in migrated_engine(request.param, tmp_path / "migrated.db"):
        yield engine


@pytest.fixture(name="engine")
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """Every table (``init_db``) on SQLite alone: the database is incidental to the test."""
    async for engine in initialised_engine("sqlite", tmp_path / "store.db"):
        yield engine
