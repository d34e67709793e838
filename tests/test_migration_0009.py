"""Migration 0009 (a channel's default bullet count and admins-only) on SQLite and Postgres."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fakes.ops_postgres import fresh_database
from sqlalchemy import Connection, inspect, text

from bot.store import channels
from bot.store.db import make_engine
from bot.store.migrate import alembic_config, head_revision, migrate, target_metadata


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}"
        return
    async with fresh_database() as url:
        yield url


def _to(connection: Connection, revision: str, *, down: bool = False) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(config, revision)


def _columns(connection: Connection) -> set[str]:
    return {c["name"] for c in inspect(connection).get_columns("slack_channel_settings")}


def _diffs(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, target_metadata()))


async def test_0009_adds_bullets_and_admins_only_and_keeps_rows(database_url: str) -> None:
    """From 0008, rows keep their settings and read as "deployment default, members may"."""
    engine = make_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_to, "0008")
            assert not {"bullets", "admins_only"} & await conn.run_sync(_columns)
            await conn.execute(
                text(
                    "INSERT INTO slack_channel_settings "
                    "(team_id, channel_id, auto, updated_at, public_failures, min_words) "
                    "VALUES ('T1', 'C1', false, 1.0, true, 250)"
                )
            )
        assert await migrate(engine) == head_revision()
        async with engine.connect() as conn:
            assert {"bullets", "admins_only"} <= await conn.run_sync(_columns)
            assert await conn.run_sync(_diffs) == []
        kept = await channels.channel_choices(engine, "T1", "C1")
        assert (kept.auto, kept.public_failures, kept.min_words) == (False, True, 250)
        assert (kept.bullets, kept.admins_only) == (None, False)
        await channels.set_bullets(engine, "T1", "C1", 5, now=2.0)
        await channels.set_admins_only(engine, "T1", "C1", True, now=2.0)
        changed = await channels.channel_choices(engine, "T1", "C1")
        assert (changed.bullets, changed.admins_only, changed.min_words) == (5, True, 250)
        async with engine.begin() as conn:  # and back: the columns go, the row stays
            await conn.run_sync(_to, "0008", down=True)
            assert not {"bullets", "admins_only"} & await conn.run_sync(_columns)
            rows = (await conn.execute(text("SELECT min_words FROM slack_channel_settings"))).all()
            assert [tuple(r) for r in rows] == [(250,)]
    finally:
        await engine.dispose()
