"""Migrations build exactly the schema the models describe, idempotently and replica-safely."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fakes.ops_postgres import fresh_database
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.db import make_engine
from bot.store.migrate import head_revision, migrate, target_metadata

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}"
        return
    async with fresh_database() as url:
        yield url


def _diffs(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, target_metadata()))


async def _schema_diffs(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        return await conn.run_sync(_diffs)


async def test_migrated_database_matches_the_models_exactly(database_url: str) -> None:
    """After migrate, alembic's compare_metadata finds no difference from the models."""
    engine = make_engine(database_url)
    try:
        assert await migrate(engine) == head_revision()
        assert await _schema_diffs(engine) == []
        async with engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        expected = {"slack_link_jobs", "slack_installations", "slack_bots", "slack_oauth_states"}
        assert expected <= tables
    finally:
        await engine.dispose()


async def test_migrate_is_idempotent(database_url: str) -> None:
    """Running migrate again on an up-to-date database changes nothing and reports head."""
    engine = make_engine(database_url)
    try:
        first = await migrate(engine)
        second = await migrate(engine)
        assert first == second == head_revision()
        assert await _schema_diffs(engine) == []
    finally:
        await engine.dispose()


async def test_two_processes_migrating_postgres_at_once_both_succeed() -> None:
    """Two `keypoints migrate` processes started together on one fresh Postgres both exit 0."""
    async with fresh_database() as url:
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "migrate",
                cwd=ROOT,
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            for _ in range(2)
        ]
        results = await asyncio.gather(*(p.communicate() for p in procs))
        for proc, (out, err) in zip(procs, results, strict=True):
            assert proc.returncode == 0, err.decode()
            assert f"revision {head_revision()}" in out.decode()
        engine = make_engine(url)
        try:
            assert await _schema_diffs(engine) == []
        finally:
            await engine.dispose()
