"""Two real `keypoints serve` processes on one Postgres, behind an imaginary load balancer:
duplicates and retries on both give one reply per link, a digest due on both is posted once,
and a replica killed mid-work loses nothing (the other finishes after the lease)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from fakes.article_site import PARAGRAPHS, ArticleSite
from fakes.bot_process import BotProcess
from fakes.fake_slack import event_callback, link_message, send_signed
from fakes.feed_server import Entry, FeedServer, article_html, rss
from fakes.ops_postgres import fresh_database
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from bot.digest.schedule import Schedule
from bot.digest.store import DigestStore, RunClaim
from bot.slack.standin import SlackStandIn
from bot.store import jobs
from bot.store.db import make_engine

SECRET = "replica-signing-secret-0123"
TOKEN = f"xoxb-replica-{uuid.uuid4().hex}"


@dataclass
class Cluster:
    replicas: list[BotProcess]
    slack: SlackStandIn
    session: aiohttp.ClientSession
    database_url: str

    async def send(self, replica: int, payload: dict[str, Any], retry: int | None = None) -> int:
        url = f"{self.replicas[replica].base}/slack/events"
        status, _ = await send_signed(self.session, url, SECRET, payload, retry_num=retry)
        return status

    def posts(self, channel: str) -> list[dict[str, Any]]:
        return [
            c.args for c in self.slack.calls_to("chat.postMessage") if c.args["channel"] == channel
        ]


@asynccontextmanager
async def cluster(tmp_path: Path, count: int = 2, **env: str) -> AsyncIterator[Cluster]:
    """``count`` replicas on a fresh Postgres database, all pointed at one Slack stand-in."""
    async with AsyncExitStack() as stack:
        url = await stack.enter_async_context(fresh_database())
        slack = await stack.enter_async_context(SlackStandIn())
        session = await stack.enter_async_context(aiohttp.ClientSession())
        common = {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": url,
            "KEYPOINTS_ALLOW_HOSTS": "127.0.0.1",
            "KEYPOINTS_POST_INTERVAL": "0",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            **env,
        }
        replicas = [BotProcess(common, tmp_path / f"replica{i}.log") for i in range(count)]
        for replica in replicas:
            await replica.start()
            stack.push_async_callback(replica.stop)
        await asyncio.gather(*(r.wait_healthy(session) for r in replicas))
        yield Cluster(replicas, slack, session, url)


async def settle(check: Any, within: float = 90.0) -> None:
    """Wait until ``check()`` is true (generous: real pipelines on a possibly loaded machine)."""
    async with asyncio.timeout(within):
        while not check():  # noqa: ASYNC110 (the stand-in records calls; nothing to await)
            await asyncio.sleep(0.05)


async def test_duplicate_and_retried_deliveries_on_both_replicas_reply_once(
    tmp_path: Path,
) -> None:
    """Each link message sent to both replicas, then retried on both, gets exactly one reply."""
    async with (
        ArticleSite() as site,
        # A lease long enough that a loaded machine cannot delay a renewal (every third of it)
        # past its end, which would rightly let the other replica answer too.
        cluster(tmp_path, KEYPOINTS_JOB_LEASE="6", KEYPOINTS_JOB_SWEEP_INTERVAL="0.3") as c,
    ):
        messages = [link_message(site.url(f"/article/{n}"), channel="CR") for n in range(6)]
        payloads = [event_callback(m) for m in messages]
        mention = {**messages[0], "type": "app_mention"}
        sends = [c.send(r, p) for p in payloads for r in (0, 1)]
        sends.append(c.send(1, event_callback(mention)))
        assert set(await asyncio.gather(*sends)) == {200}
        retries = [c.send(r, p, retry=1) for p in payloads for r in (0, 1)]
        assert set(await asyncio.gather(*retries)) == {200}
        await settle(lambda: len(c.posts("CR")) >= len(messages))
        await asyncio.sleep(7.0)  # longer than a lease plus sweeps: no late duplicate appears
        threads = sorted(p["thread_ts"] for p in c.posts("CR"))
        assert threads == sorted(m["ts"] for m in messages)
        assert all("Rail plan" in p["text"] for p in c.posts("CR"))
        assert site.hits <= len(messages) * 2  # the summary cache is shared, mostly


async def test_digest_due_on_both_replicas_is_posted_once(tmp_path: Path) -> None:
    """A digest due now, with both replicas ticking every 0.3 s, is posted exactly once."""
    now = datetime.now(UTC)
    async with FeedServer() as feeds:
        entries = [
            Entry(f"Story {n}", feeds.url(f"/articles/{n}"), published=now - timedelta(hours=1))
            for n in range(3)
        ]
        feeds.routes["/feed.xml"] = rss("Tech", entries)
        for n in range(3):
            feeds.routes[f"/articles/{n}"] = article_html(f"Story {n}", PARAGRAPHS)
        async with cluster(
            tmp_path, KEYPOINTS_DIGEST_TICK="0.3", KEYPOINTS_DEFAULT_FEEDS=feeds.url("/feed.xml")
        ) as c:
            engine = make_engine(c.database_url)
            try:
                due = (now - timedelta(minutes=1)).time().replace(second=0, microsecond=0)
                schedule = Schedule(due, "UTC", "daily")
                await DigestStore(engine).set_schedule("CD", "TLOCAL", schedule, now)
                await settle(lambda: any(not p.get("thread_ts") for p in c.posts("CD")))
                await asyncio.sleep(2.0)  # several more ticks on both replicas
                main_posts = [p for p in c.posts("CD") if not p.get("thread_ts")]
                assert len(main_posts) == 1
                async with engine.connect() as conn:
                    states = (await conn.execute(select(RunClaim.state))).scalars().all()
                assert states == ["posted"]
            finally:
                await engine.dispose()
            posted = [
                await _counter(
                    c.session, r.base, "keypoints_digests_posted_total", outcome="posted"
                )
                for r in c.replicas
            ]
            assert sorted(posted) == [0.0, 1.0]


async def test_killed_replica_loses_nothing(tmp_path: Path) -> None:
    """A replica SIGKILLed after accepting a link: the other one replies after the lease."""
    async with (
        ArticleSite(delay=1.5) as site,
        cluster(tmp_path, KEYPOINTS_JOB_LEASE="3", KEYPOINTS_JOB_SWEEP_INTERVAL="0.3") as c,
    ):
        message = link_message(site.url("/article/9"), channel="CK")
        assert await c.send(0, event_callback(message)) == 200  # acked: the job is durable
        await c.replicas[0].kill()  # mid-fetch: the page takes 1.5 s
        assert c.posts("CK") == []
        await settle(lambda: len(c.posts("CK")) >= 1)
        await asyncio.sleep(1.0)
        (post,) = c.posts("CK")
        assert post["thread_ts"] == message["ts"] and "Rail plan" in post["text"]
        engine = make_engine(c.database_url)
        try:
            async with engine.connect() as conn:
                row = (await conn.execute(select(jobs.LinkJob.state, jobs.LinkJob.attempts))).one()
        finally:
            await engine.dispose()
        assert tuple(row) == (jobs.DONE, 2)
        assert "finishing job" in c.replicas[1].log()


async def _counter(session: aiohttp.ClientSession, base: str, name: str, **labels: str) -> float:
    async with session.get(f"{base}/metrics") as response:
        body = await response.text()
    return sum(
        s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )
