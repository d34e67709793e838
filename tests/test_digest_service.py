"""Digest settings from the environment, JSON output, and the start-up wiring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fakes.digest_slack import RecordingSlack
from fakes.feed_server import Entry, FeedServer, LocalFetcher, rss
from fakes.stores import sqlite_and_postgres_engine  # noqa: F401  (the engine fixture)
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.digest.model import Digest, DigestStory
from bot.digest.render import render_json
from bot.digest.service import DigestService, make_digest_service
from bot.digest.settings import DEFAULT_FEEDS, DigestSettings
from bot.fetch import Fetcher, FetchSettings
from bot.models import Article, Summary
from bot.slack.commands import CommandContext, CommandRouter

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def test_settings_from_env_overrides_and_defaults() -> None:
    """KEYPOINTS_DEFAULT_FEEDS (comma or space separated) and numbers override defaults."""
    env = {
        "KEYPOINTS_DEFAULT_FEEDS": "https://a.test/rss, https://b.test/atom",
        "KEYPOINTS_DIGEST_CATCH_UP_MINUTES": "30",
        "KEYPOINTS_DIGEST_MIN_STORIES": "2",
        "KEYPOINTS_DIGEST_TOP_N": "",
    }
    settings = DigestSettings.from_env(env)
    assert settings.default_feeds == ("https://a.test/rss", "https://b.test/atom")
    assert settings.catch_up == timedelta(minutes=30) and settings.min_stories == 2
    assert settings.top_n == 5
    assert DigestSettings.from_env({}).default_feeds == DEFAULT_FEEDS
    with pytest.raises(ValueError, match="KEYPOINTS_DIGEST_TOP_N"):
        DigestSettings.from_env({"KEYPOINTS_DIGEST_TOP_N": "five"})


def test_render_json_round_trips_story_fields() -> None:
    """--json output carries every story field the text output shows."""
    story = DigestStory("T", "https://x.test/", "S", "b", ("b",), ("V",), NOW, 2.5)
    data = render_json(Digest("C1", NOW, (story,), new_stories=4, problems=("f: broken",)))
    assert data["new_stories"] == 4 and data["problems"] == ["f: broken"]
    assert data["stories"][0] == {
        "title": "T",
        "url": "https://x.test/",
        "site": "S",
        "also_in": ["V"],
        "best_line": "b",
        "bullets": ["b"],
        "published": NOW.isoformat(),
        "score": 2.5,
    }


async def test_service_wires_commands_scheduler_and_hook(engine: AsyncEngine) -> None:
    """make_digest_service: `feed add` checks the feed, `digest at` schedules, ticks post."""
    slack = RecordingSlack(tz="Europe/Berlin")

    async def summarise(url: str) -> Summary:
        return Summary(Article(("One.", "Two.")), ("One.", "Two."))

    clock = [NOW]
    async with FeedServer() as server, LocalFetcher() as fetcher:
        entry = Entry("Wired story about scheduling", "https://x.test/s", "w", NOW)
        server.routes["/f.xml"] = rss("Wire", [entry])
        service = make_digest_service(
            engine,
            slack,
            fetcher,
            settings=DigestSettings(default_feeds=()),
            summarise=summarise,
            clock=lambda: clock[0],
        )
        router = CommandRouter(on_link=lambda ctx: _unused(ctx))
        service.commands.register(router)
        replies: list[str] = []

        async def reply(text: str) -> None:
            replies.append(text)

        for text in (f"feed add {server.url('/f.xml')}", "digest at 08:30"):
            await router.dispatch(CommandContext("T1", "C1", "U1", text, (), reply))
        assert replies[0].startswith("Added Wire")
        assert "08:30 Europe/Berlin on weekdays" in replies[1]
        clock[0] = NOW + timedelta(minutes=31)  # 08:31 in Berlin
        outcomes = await service.scheduler.tick()
    assert [o.state for o in outcomes] == ["posted"]
    assert len(slack.top_level) == 1 and len(slack.replies) == 1


async def _unused(ctx: CommandContext) -> None:
    raise AssertionError("no link commands here")


async def _command(service: DigestService, text: str) -> list[str]:
    """The replies to one `/keypoints` command in channel C1."""
    router = CommandRouter(on_link=lambda ctx: _unused(ctx))
    service.commands.register(router)
    replies: list[str] = []

    async def reply(text: str) -> None:
        replies.append(text)

    await router.dispatch(CommandContext("T1", "C1", "U1", text, (), reply))
    return replies


async def test_service_imports_opml_from_an_address_through_the_fetcher(
    engine: AsyncEngine,
) -> None:
    """`feed import <url>` fetches the OPML and checks each feed through the fetcher."""
    async with FeedServer() as server, LocalFetcher() as fetcher:
        server.routes["/f.xml"] = rss("Wire", [Entry("A story", "https://x.test/s", "w", NOW)])
        server.routes["/list.opml"] = (
            '<opml version="2.0"><body>'
            f'<outline xmlUrl="{server.url("/f.xml")}"/>'
            f'<outline xmlUrl="{server.url("/gone.xml")}"/>'
            "</body></opml>"
        ).encode()
        service = make_digest_service(
            engine, RecordingSlack(), fetcher, settings=DigestSettings(default_feeds=())
        )
        replies = await _command(service, f"feed import <{server.url('/list.opml')}>")
        assert server.hits["/list.opml"] == 1 and server.hits["/gone.xml"] == 1
        assert await service.store.list_feeds("C1") == [server.url("/f.xml")]
    assert replies[0].startswith("Imported 1 feed, refused 1.")


@pytest.mark.parametrize("media_type", ["text/x-opml", "application/xml", "text/xml"])
async def test_opml_import_through_the_safe_fetcher_accepts_opml_media_types(
    engine: AsyncEngine, media_type: str
) -> None:
    """With the real fetcher, an OPML list served as text/x-opml (or XML) is imported."""
    fetch_settings = FetchSettings(allow_hosts=("127.0.0.1",), total_timeout=5.0)
    async with FeedServer() as server, Fetcher(fetch_settings) as fetcher:
        server.routes["/f.xml"] = rss("Wire", [Entry("A story", "https://x.test/s", "w", NOW)])
        server.routes["/list.opml"] = (
            f'<?xml version="1.0"?><opml version="2.0"><body>'
            f'<outline type="rss" xmlUrl="{server.url("/f.xml")}"/></body></opml>'
        ).encode()
        server.types["/list.opml"] = media_type
        service = make_digest_service(
            engine, RecordingSlack(), fetcher, settings=DigestSettings(default_feeds=())
        )
        replies = await _command(service, f"feed import <{server.url('/list.opml')}>")
        assert await service.store.list_feeds("C1") == [server.url("/f.xml")]
    assert replies[0].startswith("Imported 1 feed"), replies
