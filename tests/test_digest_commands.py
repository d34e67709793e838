"""The `/keypoints feed …` and `/keypoints digest …` subcommands, without Slack."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest
from fakes.digest_slack import RecordingSlack
from fakes.stores import sqlite_and_postgres_engine  # noqa: F401  (the engine fixture)
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.digest.commands import DigestCommands, parse_schedule, slack_user_tz, unwrap_link
from bot.digest.model import Digest, DigestStory
from bot.digest.opml import parse_opml, slack_text_to_xml
from bot.digest.runner import RunResult
from bot.digest.schedule import Schedule, ScheduleError
from bot.digest.settings import DigestSettings
from bot.digest.store import DigestStore
from bot.errors import NotFound
from bot.slack.commands import CommandContext, CommandRouter

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
SETTINGS = DigestSettings(default_feeds=("https://default.test/rss",))


class Harness:
    """DigestCommands with recording fakes for the runner, preview and replies."""

    def __init__(self, store: DigestStore) -> None:
        self.replies: list[str] = []
        self.runs: list[tuple[str, str | None]] = []
        self.store = store

        async def run_now(channel: str, tz: str | None) -> RunResult:
            self.runs.append((channel, tz))
            return RunResult(Digest(channel, NOW, (), new_stories=0), None)

        async def preview(channel: str, tz: str | None) -> Digest:
            story = DigestStory("Big <news>", "https://x.test/", "X", "Point.", ("Point.",))
            return Digest(channel, NOW, (story,), new_stories=1)

        async def check_feed(url: str) -> str:
            if "missing" in url:
                raise NotFound()
            return "Some Feed"

        self.commands = DigestCommands(
            store,
            SETTINGS,
            user_tz=slack_user_tz(RecordingSlack(tz="America/New_York")),
            run_now=run_now,
            preview=preview,
            check_feed=check_feed,
            clock=lambda: NOW,
        )
        self.router = CommandRouter(on_link=self._no_link)
        self.commands.register(self.router)

    async def _no_link(self, ctx: CommandContext) -> None:
        raise AssertionError("not a link command")

    async def say(self, text: str) -> str:
        async def reply(message: str) -> None:
            self.replies.append(message)

        ctx = CommandContext("T1", "C1", "U1", text, (), reply)
        await self.router.dispatch(ctx)
        return self.replies[-1]


@pytest.fixture
def harness(engine: AsyncEngine) -> Harness:
    return Harness(DigestStore(engine))


async def test_feed_add_list_remove(harness: Harness) -> None:
    """Feeds are added (Slack's <url> form unwrapped), listed, and removed."""
    assert "default list" in await harness.say("feed list")
    assert "Added Some Feed" in await harness.say("feed add <https://ars.test/feed|ars>")
    assert "already has" in await harness.say("feed add https://ars.test/feed")
    assert "https://ars.test/feed" in await harness.say("feed list")
    assert await harness.store.list_feeds("C1") == ["https://ars.test/feed"]
    assert "Removed" in await harness.say("feed remove https://ars.test/feed")
    assert "has no feed" in await harness.say("feed remove https://ars.test/feed")


async def test_feed_add_rejects_bad_or_unreachable_feeds(harness: Harness) -> None:
    """Non-http input and feeds that fail the check are not added."""
    assert "not a feed address" in await harness.say("feed add ftp://x.test/feed")
    reply = await harness.say("feed add https://missing.test/feed")
    assert reply.startswith(":warning:") and "not found" in reply
    assert await harness.store.list_feeds("C1") == []


async def test_digest_at_defaults_to_the_users_timezone(harness: Harness) -> None:
    """`digest at 07:45` uses the caller's Slack timezone and weekdays."""
    reply = await harness.say("digest at 07:45")
    assert "07:45 America/New_York on weekdays" in reply and "Next one" in reply
    stored = await harness.store.get_schedule("C1")
    assert stored == Schedule(time(7, 45), "America/New_York", "weekdays")


async def test_digest_at_with_zone_and_daily_then_off(harness: Harness) -> None:
    """An explicit zone and `daily` are honoured; `digest off` removes the schedule."""
    await harness.say("digest at 8:30 Europe/Berlin daily")
    assert await harness.store.get_schedule("C1") == Schedule(time(8, 30), "Europe/Berlin", "daily")
    assert "08:30 Europe/Berlin every day" in await harness.say("digest")
    assert "turned off" in await harness.say("digest off")
    assert await harness.store.get_schedule("C1") is None


async def test_digest_at_reports_bad_time_or_zone(harness: Harness) -> None:
    """Malformed times and unknown zones are answered with a hint, nothing stored."""
    assert "not a time" in await harness.say("digest at 8h30")
    assert "Unknown timezone" in await harness.say("digest at 08:30 Moon/Base")
    assert await harness.store.get_schedule("C1") is None


async def test_digest_now_and_preview(harness: Harness) -> None:
    """`now` runs the digest in the user's zone; `preview` answers with escaped, multi-line text."""
    assert "No new stories" in await harness.say("digest now")
    assert harness.runs == [("C1", "America/New_York")]
    preview = await harness.say("digest preview")
    assert "Big &lt;news&gt;" in preview
    assert preview.count("\n") >= 2  # one line per story, not collapsed into one


async def test_share_hook_records_links(harness: Harness) -> None:
    """The share hook stores links posted in a channel for the next digest."""
    await harness.commands.share_hook("T1", "C1", "U1", "1.2", ["https://x.test/a"])
    links = await harness.store.shared_links("C1", NOW.replace(hour=0))
    assert [link.url for link in links] == ["https://x.test/a"]


def test_parse_schedule_and_unwrap_link() -> None:
    """Argument parsing: optional zone/days, Slack link unwrapping, empty input rejected."""
    assert parse_schedule(["09:00", "daily"], "UTC") == Schedule(time(9), "UTC", "daily")
    assert unwrap_link("<https://a.test/x|a.test>") == "https://a.test/x"
    # Slack escapes & in command text; the feed is stored as the user wrote it.
    assert unwrap_link("<https://a.test/rss?a=1&amp;b=2>") == "https://a.test/rss?a=1&b=2"
    assert unwrap_link("https://a.test/rss?q=&amp;lt;") == "https://a.test/rss?q=&lt;"
    with pytest.raises(ScheduleError):
        parse_schedule([], "UTC")


async def test_digest_at_falls_back_to_utc_when_users_info_fails(harness: Harness) -> None:
    """Without the users:read scope the schedule is set in UTC instead of failing."""

    async def no_scope(user_id: str) -> str | None:
        raise RuntimeError("missing_scope")

    harness.commands.user_tz = no_scope
    assert "07:45 UTC on weekdays" in await harness.say("digest at 07:45")


async def test_digest_at_a_time_just_passed_says_it_goes_out_now(harness: Harness) -> None:
    """Set 40 minutes after its time (inside the catch-up window): the reply says it goes out
    within a minute, which is what the scheduler does, not "tomorrow"."""
    reply = await harness.say("digest at 06:20 UTC daily")
    assert "Mon 30 Nov 06:20 digest is due, so it goes out within a minute" in reply
    assert "Next one" not in reply


async def test_digest_at_later_today_after_todays_digest_promises_tomorrow(
    harness: Harness,
) -> None:
    """Rescheduled for later today once today's digest was posted: it promises tomorrow."""
    today = NOW.date()
    assert await harness.store.claim_run("C1", today, "r1", NOW, SETTINGS.claim_lease, 3)
    await harness.store.finish_run("C1", today, "r1", "posted", NOW, "1.0")
    reply = await harness.say("digest at 09:00 UTC daily")
    assert "Next one: Tue 01 Dec 09:00 UTC (Mon 30 Nov already had its digest)." in reply


async def test_digest_include_exclude_and_filters_commands(harness: Harness) -> None:
    """`digest include/exclude` store words, `digest filters` lists them, `clear` drops them."""
    assert "Only stories naming: python, rust." in await harness.say("digest include Rust python")
    reply = await harness.say("digest exclude crypto")
    assert "Never stories naming: crypto." in reply
    assert "letters and digits only" in await harness.say("digest exclude <!channel>")
    assert "Only stories naming: python, rust." in await harness.say("digest filters")
    assert "Removed 3 keyword filters." in await harness.say("digest filters clear")
    assert "No keyword filters" in await harness.say("digest filters")


def _slack_escaped(document: str) -> str:
    """OPML as Slack delivers pasted text: <, > and & escaped, links wrapped in <…>."""
    text = document.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r'xmlUrl="(https?://[^"]+)"', r'xmlUrl="<\1>"', text)


OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>Mine</title></head><body>
  <outline text="Tech">
    <outline type="rss" text="A" xmlUrl="https://a.test/feed?x=1&amp;y=2"/>
    <outline type="rss" text="Gone" xmlUrl="https://missing.test/rss"/>
  </outline>
  <outline type="rss" text="B" xmlUrl="https://b.test/atom"/>
  <outline type="rss" text="B again" xmlUrl="https://b.test/atom"/>
  <outline type="rss" text="FTP" xmlUrl="ftp://c.test/feed"/>
  <outline text="no feed here"/>
</body></opml>"""


async def test_feed_export_is_escaped_opml_that_imports_back(harness: Harness) -> None:
    """`feed export` answers with an OPML 2.0 code block, escaped for Slack, that round-trips."""
    assert "no feeds of its own" in await harness.say("feed export")
    for url in ("https://a.test/feed?x=1&y=2", "https://b.test/<i>"):
        await harness.store.add_feed("C1", url, "U1", NOW)
    reply = await harness.say("feed export")
    assert "```" in reply and '&lt;opml version="2.0"&gt;' in reply
    assert "<" not in reply and ">" not in reply  # nothing Slack would read as markup
    # XML escapes & once, Slack once more: a raw "&y" would corrupt both layers.
    assert 'xmlUrl="https://a.test/feed?x=1&amp;amp;y=2"' in reply
    block = reply.split("```")[1]
    found = parse_opml(slack_text_to_xml(block))
    assert found.urls == ["https://a.test/feed?x=1&y=2", "https://b.test/<i>"]


async def test_feed_import_pasted_opml_adds_valid_feeds_and_counts_refusals(
    harness: Harness,
) -> None:
    """Pasted OPML (Slack-escaped) adds each checked feed once and reports refused ones."""
    await harness.say("feed add https://b.test/atom")
    reply = await harness.say("feed import " + _slack_escaped(OPML))
    assert reply.startswith("Imported 1 feed, refused 2.")
    assert "1 was already in this channel." in reply
    assert "https://missing.test/rss: " in reply and "ftp://c.test/feed: not an http" in reply
    assert await harness.store.list_feeds("C1") == [
        "https://a.test/feed?x=1&y=2",
        "https://b.test/atom",
    ]


async def test_feed_import_from_an_address_uses_the_fetcher(harness: Harness) -> None:
    """`feed import <url>` reads the OPML through the fetcher; a failed fetch is a short error."""
    asked: list[str] = []

    async def fetch_opml(url: str) -> bytes:
        asked.append(url)
        if "missing" in url:
            raise NotFound()
        return OPML.encode()

    harness.commands.fetch_opml = fetch_opml
    reply = await harness.say("feed import <https://lists.test/mine.opml>")
    assert asked == ["https://lists.test/mine.opml"]
    assert reply.startswith("Imported 2 feeds, refused 2.")
    reply = await harness.say("feed import https://missing.test/x.opml")
    assert reply.startswith(":warning:") and "not found" in reply


async def test_feed_import_refuses_entities_and_non_opml(harness: Harness) -> None:
    """Entity expansion ("billion laughs") and non-OPML input get a short error, nothing added."""
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<opml version="2.0"><body><outline xmlUrl="https://x.test/&b;"/></body></opml>'
    )
    reply = await harness.say("feed import " + _slack_escaped(bomb))
    assert reply.startswith(":warning:") and "entities" in reply
    assert "not an OPML document" in await harness.say("feed import <rss><channel/></rss>")
    assert "not an OPML document" in await harness.say("feed import hello there")
    assert "lists no feeds" in await harness.say("feed import &lt;opml/&gt;")
    assert await harness.store.list_feeds("C1") == []


async def test_feed_import_reads_at_most_100_outlines(harness: Harness) -> None:
    """An OPML with 105 feeds adds the first 100 and says how many were not read."""
    outlines = "".join(f'<outline xmlUrl="https://f{i}.test/rss"/>' for i in range(105))
    reply = await harness.say(f"feed import <opml><body>{outlines}</body></opml>")
    assert reply.startswith("Imported 100 feeds, refused 0.")
    assert "5 more past the first 100 were not read." in reply
    assert len(await harness.store.list_feeds("C1")) == 100


async def test_digest_at_weekly_on_a_day(harness: Harness) -> None:
    """`digest at 08:30 Europe/Berlin weekly fri` stores a weekly Friday schedule and says when."""
    reply = await harness.say("digest at 08:30 Europe/Berlin weekly fri")
    assert "08:30 Europe/Berlin every Friday" in reply
    assert "Next one: Fri 04 Dec 08:30 CET." in reply
    stored = await harness.store.get_schedule("C1")
    assert stored == Schedule(time(8, 30), "Europe/Berlin", "weekly", weekday=4)
    assert "every Friday" in await harness.say("digest")
    await harness.say("digest at 08:30 Europe/Berlin weekly")  # no day: Mondays
    assert await harness.store.get_schedule("C1") == Schedule(
        time(8, 30), "Europe/Berlin", "weekly", weekday=0
    )
    assert "goes with `weekly`" in await harness.say("digest at 08:30 fri")
