"""The Slack tables (dedupe claims, channel settings, summary cache) on SQLite and Postgres."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.models import Article, Summary
from bot.store import cache, channels, events
from bot.store.db import init_db, make_engine

NOW = 1_900_000_000.0  # a fixed instant: stored times never depend on the date of the run

POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


async def _postgres_engine() -> AsyncIterator[AsyncEngine]:
    """An engine whose tables live in a fresh schema, dropped afterwards."""
    schema = f"kp_slack_{uuid.uuid4().hex[:10]}"
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


@pytest.fixture(params=["sqlite", "postgres"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    if request.param == "sqlite":
        sqlite = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
        await init_db(sqlite)
        yield sqlite
        await sqlite.dispose()
        return
    async for pg in _postgres_engine():
        await init_db(pg)
        yield pg


def _summary(url: str) -> Summary:
    article = Article(
        paragraphs=("A. B.", "C."),
        title="T & <b>",
        url=url,
        canonical_url=url,
        site_name="Site",
        is_preview=True,
    )
    return Summary(article=article, bullets=("A.", "B."), method="default", extras={"k": "v"})


async def test_event_is_claimed_once(engine: AsyncEngine) -> None:
    """claim_event is True for the first delivery of an event id and False for repeats."""
    assert await events.claim_event(engine, "Ev1", now=NOW) is True
    assert await events.claim_event(engine, "Ev1", now=NOW) is False
    assert await events.claim_event(engine, "Ev2", now=NOW) is True


async def test_concurrent_link_claims_have_one_winner(engine: AsyncEngine) -> None:
    """Ten concurrent claims of the same (team, channel, ts, url) produce exactly one winner."""
    results = await asyncio.gather(
        *(
            events.claim_link(engine, "T", "C", "1.0", "https://a.example/x", now=NOW)
            for _ in range(10)
        )
    )
    assert results.count(True) == 1
    assert await events.claim_link(engine, "T", "C", "1.0", "https://a.example/y", now=NOW) is True
    assert await events.claim_link(engine, "T", "C2", "1.0", "https://a.example/x", now=NOW) is True


async def test_old_claims_are_forgotten(engine: AsyncEngine) -> None:
    """forget_older_than drops claims past the retention only, so the key can be claimed again."""
    await events.claim_event(engine, "EvOld", now=NOW)
    assert await events.forget_older_than(engine, 60, now=NOW + 30) == 0  # still retryable
    assert await events.forget_older_than(engine, 60, now=NOW + 61) >= 1
    assert await events.claim_event(engine, "EvOld", now=NOW + 61) is True


async def test_channel_auto_defaults_on_and_can_be_switched(engine: AsyncEngine) -> None:
    """Auto mode is on for unknown channels, and set_auto turns it off and on again."""
    assert await channels.auto_enabled(engine, "T", "C") is True
    await channels.set_auto(engine, "T", "C", False, now=NOW)
    assert await channels.auto_enabled(engine, "T", "C") is False
    assert await channels.auto_enabled(engine, "T", "OTHER") is True
    await channels.set_auto(engine, "T", "C", True, now=NOW)
    assert await channels.auto_enabled(engine, "T", "C") is True


async def test_cache_round_trips_summaries_and_failures(engine: AsyncEngine) -> None:
    """A cached summary comes back equal; a failure comes back as CachedFailure; both expire."""
    url = "https://a.example/story"
    summary = _summary(url)
    await cache.put_cached(engine, [url, url + "?amp"], 3, "default", summary, ttl=60, now=NOW)
    assert await cache.get_cached(engine, url, 3, "default", now=NOW + 59) == summary
    assert await cache.get_cached(engine, url + "?amp", 3, "default", now=NOW + 59) == summary
    assert await cache.get_cached(engine, url, 2, "default", now=NOW + 59) is None
    failure = cache.CachedFailure("paywalled", "Behind a paywall.")
    await cache.put_cached(engine, [url], 3, "default", failure, ttl=60, now=NOW)  # overwrite
    assert await cache.get_cached(engine, url, 3, "default", now=NOW + 59) == failure
    later = NOW + 120
    assert await cache.get_cached(engine, url, 3, "default", now=later) is None
    assert await cache.purge_expired(engine, now=later) == 2
