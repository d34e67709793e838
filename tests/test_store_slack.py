"""The Slack tables (dedupe claims, channel settings, summary cache) on SQLite and Postgres."""

from __future__ import annotations

import asyncio

from fakes.stores import (
    NOW,
    sqlite_and_postgres_engine,  # noqa: F401  (the engine fixture)
)
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.models import Article, Summary
from bot.store import cache, channels, events


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
