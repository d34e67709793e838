"""Migrations build exactly the schema the models describe, idempotently and replica-safely."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fakes.ops_postgres import fresh_database
from fakes.stores import empty_database_url  # noqa: F401  (the database_url fixture)
from sqlalchemy import Connection, Text, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store import channels
from bot.store.db import make_engine
from bot.store.installations import TOKEN_FIELDS, bots_table
from bot.store.migrate import alembic_config, head_revision, migrate, target_metadata

ROOT = Path(__file__).resolve().parents[1]


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


def _to(connection: Connection, revision: str, *, down: bool = False) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(config, revision)


def _channel_columns(connection: Connection) -> set[str]:
    return {c["name"] for c in inspect(connection).get_columns("slack_channel_settings")}


def _column_types(connection: Connection, table: str) -> dict[str, Any]:
    return {c["name"]: c["type"] for c in inspect(connection).get_columns(table)}


def _bot_row(token: str) -> dict[str, Any]:
    return {
        "client_id": "C1",
        "app_id": "A1",
        "team_id": "T1",
        "bot_token": token,
        "bot_refresh_token": token,
        "is_enterprise_install": False,
        "installed_at": datetime(2026, 11, 30),
    }


async def test_0008_widens_token_columns_and_keeps_stored_tokens(database_url: str) -> None:
    """From 0007, the upgrade turns the token columns to Text, keeps rows, fits 600 chars."""
    long_token = "gAAAAA" + "x" * 600  # a sealed rotation refresh token is about this long
    engine = make_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_to, "0007")
            await conn.execute(insert(bots_table).values(_bot_row("xoxb-old")))
        if engine.dialect.name == "postgresql":  # what 0008 fixes: String(200) refuses it
            with pytest.raises(DBAPIError):
                async with engine.begin() as conn:
                    await conn.execute(insert(bots_table).values(_bot_row(long_token)))
        assert await migrate(engine) == head_revision()
        async with engine.begin() as conn:
            for table, fields in (
                ("slack_installations", TOKEN_FIELDS),
                ("slack_bots", ("bot_token", "bot_refresh_token")),
            ):
                types = await conn.run_sync(_column_types, table)
                assert all(isinstance(types[f], Text) for f in fields), (table, types)
            await conn.execute(insert(bots_table).values(_bot_row(long_token)))
            rows = await conn.execute(
                select(bots_table.c.bot_token, bots_table.c.bot_refresh_token).order_by(
                    bots_table.c.id
                )
            )
            assert [tuple(r) for r in rows] == [("xoxb-old", "xoxb-old"), (long_token, long_token)]
        assert await _schema_diffs(engine) == []
    finally:
        await engine.dispose()


async def test_0009_adds_bullets_and_admins_only_and_keeps_rows(database_url: str) -> None:
    """From 0008, rows keep their settings and read as "deployment default, members may"."""
    engine = make_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_to, "0008")
            assert not {"bullets", "admins_only"} & await conn.run_sync(_channel_columns)
            await conn.execute(
                text(
                    "INSERT INTO slack_channel_settings "
                    "(team_id, channel_id, auto, updated_at, public_failures, min_words) "
                    "VALUES ('T1', 'C1', false, 1.0, true, 250)"
                )
            )
        assert await migrate(engine) == head_revision()
        async with engine.connect() as conn:
            assert {"bullets", "admins_only"} <= await conn.run_sync(_channel_columns)
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
            assert not {"bullets", "admins_only"} & await conn.run_sync(_channel_columns)
            rows = (await conn.execute(text("SELECT min_words FROM slack_channel_settings"))).all()
            assert [tuple(r) for r in rows] == [(250,)]
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
