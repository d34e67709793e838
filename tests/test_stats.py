"""`keypoints stats`: the bot records every outcome, and the report counts them right."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes.fake_slack import event_callback, link_message, send_signed
from fakes.slack_harness import SECRET, http_bot
from fakes.stores import migrated_sqlite_and_postgres_engine  # noqa: F401  (the engine fixture)
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.stats_report import stats_json, stats_text
from bot.store import replies
from bot.store.stats import gather_stats

ROOT = Path(__file__).resolve().parents[1]
DAY = 86400.0


async def answer(
    engine: AsyncEngine,
    reply_id: str,
    url: str,
    *,
    at: float,
    took: float,
    reason: str | None = None,
    cached: bool = False,
) -> None:
    """Record an answer received at ``at`` and posted ``took`` seconds later."""
    site = url.split("/")[2].removeprefix("www.")
    kind = replies.FAILURE if reason else replies.SUMMARY
    outcome = replies.Outcome(
        reply_id, "T1", "C1", f"{at:.6f}", url, site, "U1", 3, kind, reason, cached, at
    )
    await replies.record_outcome(engine, outcome, now=at)
    await replies.mark_posted(engine, reply_id, f"{at + took:.6f}", now=at + took)


async def test_stats_count_outcomes_reasons_votes_and_the_median_delay(
    engine: AsyncEngine,
) -> None:
    """Totals, reasons, per-site votes, cache rate and median come from the recorded rows."""
    now = 1_800_000_000.0
    await answer(engine, "a", "https://good.example/1", at=now - 100, took=2.0)
    await answer(engine, "b", "https://good.example/1", at=now - 90, took=0.5, cached=True)
    await answer(
        engine, "c", "https://www.bad.example/x", at=now - 80, took=1.0, reason="paywalled"
    )
    await answer(engine, "d", "https://bad.example/y", at=now - 70, took=9.0, reason="paywalled")
    await answer(engine, "e", "https://bad.example/z", at=now - 60, took=3.0, reason="timeout")
    await answer(engine, "f", "https://meh.example/1", at=now - 50, took=4.0)
    await answer(engine, "old", "https://good.example/2", at=now - 9 * DAY, took=60.0)
    await replies.set_vote(engine, "a", "U2", replies.UP, now=now)
    await replies.set_vote(engine, "f", "U2", replies.DOWN, now=now)
    await replies.set_vote(engine, "f", "U3", replies.DOWN, now=now)
    await replies.set_vote(engine, "old", "U3", replies.DOWN, now=now)  # outside the window

    stats = await gather_stats(engine, since=now - 7 * DAY)

    assert (stats.answers, stats.replies_posted, stats.failures) == (6, 3, 3)
    assert stats.failures_by_reason == {"paywalled": 2, "timeout": 1}
    assert (stats.up, stats.down) == (1, 2)
    assert stats.cache_hit_rate == pytest.approx(1 / 6)
    assert stats.median_seconds_to_reply == pytest.approx(2.5)  # of 0.5, 1, 2, 3, 4, 9
    assert [s.site for s in stats.sites] == ["bad.example", "meh.example", "good.example"]
    bad = stats.sites[0]
    assert (bad.failures, bad.failure_reasons) == (3, {"paywalled": 2, "timeout": 1})

    text = stats_text(stats, days=7, since=now - 7 * DAY)
    assert "Sites to fix first" in text and "paywalled (2)" in text
    assert text.index("bad.example") < text.index("meh.example")
    data = json.loads(stats_json(stats, days=7, since=now - 7 * DAY))
    assert data["sites"][1] == {
        "site": "meh.example",
        "answers": 1,
        "replies_posted": 1,
        "failures": 0,
        "failure_reasons": {},
        "up": 0,
        "down": 2,
    }
    assert data["median_seconds_to_reply"] == 2.5


async def test_the_bot_records_each_reply_failure_and_cache_hit(tmp_path: Path) -> None:
    """A fresh reply, the same link from the cache and a paywall: 3 answers as the bot saw them."""
    async with http_bot(tmp_path) as h:
        links = [
            ("C1", "https://news.example.com/a"),
            ("C2", "https://news.example.com/a"),
            ("C1", "https://paywall.example.org/paywalled"),
        ]
        for channel, url in links:
            event = event_callback(link_message(url, channel=channel))
            assert (await send_signed(h.session, h.events_url, SECRET, event))[0] == 200
            await h.settle()
        stats = await gather_stats(h.bot.engine, since=h.bot.service.clock() - DAY)
    assert (stats.answers, stats.replies_posted, stats.failures, stats.cached) == (3, 2, 1, 1)
    assert stats.failures_by_reason == {"paywalled": 1}
    assert stats.median_seconds_to_reply is not None and stats.median_seconds_to_reply < 10


async def test_stats_command_prints_json_and_text_from_database_url(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """`keypoints stats --json --days 1` reads DATABASE_URL; the text form names the site."""
    import time

    await answer(
        engine, "x", "https://slow.example/a", at=time.time() - 60, took=1.5, reason="timeout"
    )
    url = engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    run = [sys.executable, "-m", "bot", "stats", "--days", "1"]
    out = await asyncio.to_thread(
        subprocess.run, [*run, "--json"], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["failures_by_reason"] == {"timeout": 1} and data["days"] == 1
    text = await asyncio.to_thread(
        subprocess.run, run, capture_output=True, text=True, env=env, timeout=300
    )
    assert text.returncode == 0 and "slow.example" in text.stdout and "timeout (1)" in text.stdout


async def test_old_answers_and_their_votes_are_forgotten(engine: AsyncEngine) -> None:
    """Housekeeping drops answers older than the cut-off with their votes; newer ones stay."""
    now = 1_800_000_000.0
    await answer(engine, "old", "https://a.example/1", at=now - 100 * DAY, took=1.0)
    await answer(engine, "new", "https://a.example/2", at=now - DAY, took=1.0)
    await replies.set_vote(engine, "old", "U2", replies.UP, now=now)
    await replies.set_vote(engine, "new", "U2", replies.UP, now=now)
    assert await replies.forget_replies_before(engine, now - 90 * DAY) == 1
    stats = await gather_stats(engine, since=0.0)
    assert (stats.answers, stats.up) == (1, 1)
    assert await replies.reply_of(engine, "old") is None
