"""Digest exactly-once with real crashes: two `keypoints serve` replicas on one Postgres, a
Slack stand-in that can hold its answer, local feed and article servers.

A replica killed after Slack has the header (but before it heard back), or a database error
right after posting, must never lead to a second header: the survivor finds the half-posted
digest by its message metadata and finishes its thread."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from fakes.article_site import PARAGRAPHS
from fakes.bot_process import BotProcess
from fakes.feed_server import Entry, FeedServer, article_html, rss
from fakes.ops_postgres import fresh_database
from sqlalchemy import select, text

from bot.digest.runner import DIGEST_EVENT_TYPE
from bot.digest.schedule import Schedule
from bot.digest.store import DigestStore, RunClaim
from bot.slack.standin import SlackStandIn
from bot.store.db import make_engine

STORIES = 3


@dataclass
class HoldingSlack(SlackStandIn):
    """The stand-in, able to keep a digest header (Slack has the message) but hold its answer."""

    holding: bool = False
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def _api(self, request: web.Request) -> web.Response:
        response = await super()._api(request)
        if self.holding and request.match_info["method"] == "chat.postMessage":
            body = await request.read()  # cached by aiohttp: the stand-in already read it
            if b"thread_ts" not in body:
                await self.release.wait()
        return response

    def headers(self, channel: str) -> list[dict[str, Any]]:
        return [
            c.args
            for c in self.calls_to("chat.postMessage")
            if c.args["channel"] == channel and not c.args.get("thread_ts")
        ]

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        return [
            c.args
            for c in self.calls_to("chat.postMessage")
            if c.args["channel"] == channel and c.args.get("thread_ts") == ts
        ]


@dataclass
class Cluster:
    replicas: list[BotProcess]
    slack: HoldingSlack
    database_url: str


@asynccontextmanager
async def cluster(tmp_path: Path, feed_url: str) -> AsyncIterator[Cluster]:
    """Two replicas ticking every 0.3 s with a 3 s digest lease, on a fresh database."""
    async with AsyncExitStack() as stack:
        url = await stack.enter_async_context(fresh_database())
        slack = await stack.enter_async_context(HoldingSlack())
        stack.callback(slack.release.set)  # never leave a held request behind
        session = await stack.enter_async_context(aiohttp.ClientSession())
        env = {
            "SLACK_BOT_TOKEN": "xoxb-digest-replicas",
            "SLACK_SIGNING_SECRET": "digest-replicas-secret-0123",
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": url,
            "KEYPOINTS_ALLOW_HOSTS": "127.0.0.1",
            "KEYPOINTS_POST_INTERVAL": "0",
            "KEYPOINTS_DIGEST_TICK": "0.3",
            "KEYPOINTS_DIGEST_LEASE_SECONDS": "3",
            "KEYPOINTS_DIGEST_PER_SOURCE": "0",  # one feed: every story in the digest
            "KEYPOINTS_DEFAULT_FEEDS": feed_url,
            "LOG_LEVEL": "INFO",
        }
        replicas = [BotProcess(env, tmp_path / f"replica{i}.log") for i in range(2)]
        for replica in replicas:
            await replica.start()
            stack.push_async_callback(replica.stop)
        await asyncio.gather(*(r.wait_healthy(session) for r in replicas))
        yield Cluster(replicas, slack, url)


@asynccontextmanager
async def feed_site() -> AsyncIterator[FeedServer]:
    now = datetime.now(UTC)
    async with FeedServer() as feeds:
        entries = [
            Entry(f"Story number {n} about rail", feeds.url(f"/articles/{n}"), published=now)
            for n in range(STORIES)
        ]
        feeds.routes["/feed.xml"] = rss("Tech", entries)
        for n in range(STORIES):
            feeds.routes[f"/articles/{n}"] = article_html(f"Story {n}", PARAGRAPHS)
        yield feeds


async def schedule_now(database_url: str) -> None:
    """A daily digest due a minute ago, in channel CX."""
    engine = make_engine(database_url)
    try:
        now = datetime.now(UTC)
        due = (now - timedelta(minutes=1)).time().replace(second=0, microsecond=0)
        await DigestStore(engine).set_schedule("CX", "TLOCAL", Schedule(due, "UTC", "daily"), now)
    finally:
        await engine.dispose()


async def claim(database_url: str) -> RunClaim:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(select(RunClaim))).one()  # type: ignore[return-value]
    finally:
        await engine.dispose()


async def settle(check: Any, within: float = 90.0) -> None:
    async with asyncio.timeout(within):
        while not check():  # noqa: ASYNC110 (the stand-in records calls; nothing to await)
            await asyncio.sleep(0.05)


def assert_one_complete_digest(slack: HoldingSlack) -> None:
    (header,) = slack.headers("CX")
    assert header["metadata"]["event_type"] == DIGEST_EVENT_TYPE
    ts = next(
        str(m["ts"]) for (ch, _), m in slack.messages.items() if ch == "CX" and not m["thread_ts"]
    )
    parts = [r["metadata"]["event_payload"]["part"] for r in slack.thread("CX", ts)]
    assert sorted(parts) == list(range(1, STORIES + 1))


async def test_replica_killed_after_slack_has_the_header_is_finished_not_reposted(
    tmp_path: Path,
) -> None:
    """Claim owner SIGKILLed while Slack holds its answer to the header: one digest, finished."""
    async with feed_site() as feeds, cluster(tmp_path, feeds.url("/feed.xml")) as c:
        c.slack.holding = True
        await schedule_now(c.database_url)
        await settle(lambda: len(c.slack.headers("CX")) == 1)
        owner = (await claim(c.database_url)).owner
        victim = next(r for r in c.replicas if f":{r.pid}:" in owner)
        survivor = next(r for r in c.replicas if r is not victim)
        await victim.kill()
        c.slack.holding = False
        c.slack.release.set()
        await settle(lambda: len(c.slack.calls_to("chat.postMessage")) > STORIES)
        await asyncio.sleep(1.5)  # several more ticks: nothing else is posted
        assert_one_complete_digest(c.slack)
        row = await claim(c.database_url)
        assert row.state == "posted" and row.attempts == 2
        assert "digest take-over" in survivor.log()
        assert "resuming a half-posted digest" in survivor.log()


async def test_database_error_after_posting_never_posts_a_second_header(tmp_path: Path) -> None:
    """Marking items seen fails (a trigger raises): the digest is still posted exactly once."""
    async with feed_site() as feeds, cluster(tmp_path, feeds.url("/feed.xml")) as c:
        engine = make_engine(c.database_url)
        try:
            async with engine.begin() as conn:
                await conn.execute(
                    text(
                        "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                        "RAISE EXCEPTION 'seen items are read-only today'; END $$ LANGUAGE plpgsql"
                    )
                )
                await conn.execute(
                    text(
                        "CREATE TRIGGER refuse BEFORE INSERT ON digest_seen_items "
                        "FOR EACH ROW EXECUTE FUNCTION refuse()"
                    )
                )
        finally:
            await engine.dispose()
        await schedule_now(c.database_url)
        await settle(lambda: len(c.slack.calls_to("chat.postMessage")) >= STORIES + 1)
        await asyncio.sleep(6.0)  # two leases' worth of ticks on both replicas
        assert_one_complete_digest(c.slack)
        assert (await claim(c.database_url)).state == "posted"
