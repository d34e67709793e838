"""GET /metrics (Prometheus text, parsed back) after real traffic, and GET /healthz's
database check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from fakes.article_site import ArticleSite
from fakes.fake_slack import event_callback, link_message, send_signed
from fakes.ops_postgres import ADMIN_URL, fresh_database
from fakes.slack_harness import SECRET, settings_for
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.fetch.settings import FetchSettings
from bot.slack.app import Bot, running_bot
from bot.slack.serve import EVENTS_PATH, serving_http
from bot.slack.standin import SlackStandIn

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(session: aiohttp.ClientSession, base: str) -> Samples:
    """Every sample of /metrics, keyed by (name, sorted labels)."""
    async with session.get(f"{base}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        body = await response.text()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


@asynccontextmanager
async def real_pipeline_bot(database_url: str) -> AsyncIterator[tuple[str, SlackStandIn, Bot]]:
    """The bot with the real fetcher and pipeline, allowed to read the local article site."""
    async with SlackStandIn() as slack:
        settings = settings_for(
            slack,
            Path("unused"),
            database_url=database_url,
            fetch=FetchSettings(allow_hosts=("127.0.0.1",)),
        )
        async with running_bot(settings) as bot, serving_http(bot, "127.0.0.1", 0) as port:
            yield f"http://127.0.0.1:{port}", slack, bot


async def test_metrics_count_events_replies_summaries_failures_and_latency(
    tmp_path: Path,
) -> None:
    """After an article, a repeat (cache) and a paywalled link, /metrics shows each of them."""
    async with (
        ArticleSite() as site,
        real_pipeline_bot(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}") as (base, slack, bot),
        aiohttp.ClientSession() as session,
    ):
        before = await scrape(session, base)
        urls = (site.url("/article/1"), site.url("/article/1"), site.url("/paywalled"))
        for sent, url in enumerate(urls, 1):  # one at a time, so the repeat hits the cache
            payload = event_callback(link_message(url))
            status, _ = await send_signed(session, f"{base}{EVENTS_PATH}", SECRET, payload)
            assert status == 200
            # The paywall failure goes to the poster alone (auto mode): an ephemeral.
            await slack.wait_for(sent, "chat.postMessage", "chat.postEphemeral", within=20)
        await bot.service.drain(grace=10)  # the counters move after Slack answers
        after = await scrape(session, base)

    total = "keypoints_events_received_total"
    assert delta(before, after, total, kind="message") == 3
    assert delta(before, after, "keypoints_replies_posted_total", kind="summary", outcome="ok") == 2
    assert delta(before, after, "keypoints_replies_posted_total", kind="failure", outcome="ok") == 1
    assert delta(before, after, "keypoints_summaries_total", outcome="ok") == 1
    assert delta(before, after, "keypoints_summaries_total", outcome="cached") == 1
    assert delta(before, after, "keypoints_summaries_total", outcome="paywalled") == 1
    failures = "keypoints_fetch_failures_total"
    assert delta(before, after, failures, reason="paywalled", domain="127.0.0.1") == 1
    for stage in ("fetch", "extract", "summarise", "end_to_end"):
        assert delta(before, after, "keypoints_stage_seconds_count", stage=stage) >= 1


async def test_healthz_answers_503_when_the_database_is_gone() -> None:
    """/healthz is 200 while Postgres answers and 503 once it is dropped; /livez stays 200."""
    async with (
        fresh_database() as url,
        real_pipeline_bot(url) as (base, _, _),
        aiohttp.ClientSession() as session,
    ):
        async with session.get(f"{base}/healthz") as response:
            assert response.status == 200 and (await response.json())["ok"] is True
        admin = create_async_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
        await admin.dispose()
        async with session.get(f"{base}/healthz") as response:
            assert response.status == 503
            body = await response.json()
        assert body["ok"] is False and body["reason"] == "database unavailable"
        async with session.get(f"{base}/livez") as response:
            assert response.status == 200  # no restart loop while the database is down
