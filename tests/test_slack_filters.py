"""Auto mode's filters (issue 14, part 3), driven as Slack sends them: signed slash commands
and message events into the real bolt app and HTTP server, the Web API stand-in recording the
replies. Sites never / always summarised, the minimum article length, a person's opt-out, the
settings in help and ``/keypoints settings``, and a second replica honouring a change made on
the first at its next poll."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from fakes.fake_slack import BOT_USER_ID, event_callback, link_message, send_signed, slash_command
from fakes.slack_harness import SECRET, settings_for, simple_canonical
from fakes.stores import (
    NOW,
    sqlite_and_postgres_engine,  # noqa: F401  (the engine fixture)
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.models import Article, Summary
from bot.slack.app import Bot, running_bot
from bot.slack.channel_cache import ChannelSettingsCache
from bot.slack.serve import EVENTS_PATH, serving_http
from bot.slack.standin import SlackStandIn
from bot.store import channels, teams
from bot.store.filters import BadSite, SiteRules, site_host


@dataclass
class WordySummariser:
    """Articles of ``?words=N`` words (default 400); records the URLs it was asked for."""

    calls: list[str] = field(default_factory=list)

    async def __call__(self, url: str, *, bullets: int, method: str) -> Summary:
        self.calls.append(url)
        words = int(parse_qs(urlsplit(url).query).get("words", ["400"])[0])
        text = " ".join(["word"] * max(words - 1, 0) + ["end."])
        article = Article(paragraphs=(text,), title="T", url=url, canonical_url=url)
        return Summary(article=article, bullets=tuple(f"Point {i}." for i in range(bullets)))


@dataclass
class Replica:
    bot: Bot
    events_url: str


@dataclass
class Workspace:
    """One Slack stand-in and ``len(replicas)`` bots on one database."""

    slack: SlackStandIn
    replicas: list[Replica]
    summariser: WordySummariser
    session: aiohttp.ClientSession

    async def send(self, payload: dict[str, Any], *, replica: int = 0, form: bool = False) -> None:
        url = self.replicas[replica].events_url
        status, _ = await send_signed(self.session, url, SECRET, payload, form=form)
        assert status == 200

    async def command(
        self, text: str, *, channel: str = "C1", user: str = "U1", replica: int = 0
    ) -> str:
        """Run ``/keypoints text`` and return its (ephemeral) answer."""
        hook = f"h{len(self.slack.calls)}"
        payload = slash_command(text, self.slack.response_url(hook), channel=channel, user=user)
        await self.send(payload, replica=replica, form=True)
        await self.settle()
        (answer,) = [c.args for c in self.slack.calls_to("response_url") if c.args["hook"] == hook]
        return str(answer["text"])

    async def post(self, url: str, *, replica: int = 0, **fields: Any) -> dict[str, Any]:
        """Post a message with ``url`` (as Slack delivers it) and wait for the replies."""
        message = link_message(url, **fields)
        await self.send(event_callback(message), replica=replica)
        await self.settle()
        return message

    def thread_replies(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            c.args
            for c in self.slack.calls_to("chat.postMessage")
            if c.args.get("thread_ts") == message["ts"]
        ]

    def private_notes(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            c.args
            for c in self.slack.calls_to("chat.postEphemeral")
            if c.args.get("thread_ts") == message["ts"]
        ]

    async def settle(self) -> None:
        for replica in self.replicas:
            await replica.bot.service.drain(grace=10)


@asynccontextmanager
async def workspace(tmp_path: Path, replicas: int = 1) -> AsyncIterator[Workspace]:
    summariser = WordySummariser()
    async with AsyncExitStack() as stack:
        slack = await stack.enter_async_context(SlackStandIn())
        session = await stack.enter_async_context(aiohttp.ClientSession())
        running: list[Replica] = []
        for _ in range(replicas):
            settings = settings_for(slack, tmp_path / "kp.db")
            bot = await stack.enter_async_context(
                running_bot(settings, summarise=summariser, canonicalize=simple_canonical)
            )
            port = await stack.enter_async_context(serving_http(bot, "127.0.0.1", 0))
            running.append(Replica(bot, f"http://127.0.0.1:{port}{EVENTS_PATH}"))
        yield Workspace(slack, running, summariser, session)


async def test_never_sites_and_their_subdomains_get_no_auto_reply(tmp_path: Path) -> None:
    """`sites never` silences a host and its subdomains in that channel only; asking works."""
    shared: list[object] = []
    async with workspace(tmp_path) as w:

        async def record(*args: object) -> None:
            shared.append(args[-1])

        w.replicas[0].bot.service.share_hooks.append(record)
        answer = await w.command("sites never WWW.Example.com")
        assert "`example.com`" in answer and "never" in answer
        quiet = await w.post("https://example.com/a")
        sub = await w.post("https://news.example.com/b")
        other = await w.post("https://example.org/c")
        elsewhere = await w.post("https://example.com/d", channel="C2")
        assert w.thread_replies(quiet) == [] and w.thread_replies(sub) == []
        assert w.private_notes(quiet) == []  # silence: the channel chose it
        assert len(w.thread_replies(other)) == 1 and len(w.thread_replies(elsewhere)) == 1
        assert not any("example.com/a" in c or "news.example" in c for c in w.summariser.calls)
        # The channel's digest does not collect them either.
        assert shared == [["https://example.org/c"], ["https://example.com/d"]]
        mention = link_message(
            "https://example.com/e", text=f"<@{BOT_USER_ID}> <https://example.com/e>"
        )
        await w.send(event_callback({**mention, "type": "app_mention"}))
        await w.settle()
        assert len(w.thread_replies(mention)) == 1  # explicit requests are never filtered
        answer = await w.command("sites remove example.com nothere.org")
        assert "Removed: `example.com`" in answer and "Not listed here: `nothere.org`" in answer
        assert len(w.thread_replies(await w.post("https://example.com/f"))) == 1


async def test_always_sites_are_answered_with_auto_off_and_most_specific_wins(
    tmp_path: Path,
) -> None:
    """With auto off, only `always` sites are answered; a listed subdomain beats its parent."""
    async with workspace(tmp_path) as w:
        await w.command("auto off")
        await w.command("sites never example.com")
        await w.command("sites always blog.example.com arxiv.org")
        assert len(w.thread_replies(await w.post("https://blog.example.com/x"))) == 1
        assert len(w.thread_replies(await w.post("https://www.arxiv.org/abs/1"))) == 1
        assert w.thread_replies(await w.post("https://example.com/y")) == []
        assert w.thread_replies(await w.post("https://example.org/z")) == []  # auto is off
        listing = await w.command("sites list")
        assert "Never summarised automatically: `example.com`" in listing
        assert "Always: `arxiv.org`, `blog.example.com`" in listing
        await w.command("sites never blog.example.com")  # moves the site to the other list
        assert w.thread_replies(await w.post("https://blog.example.com/w")) == []


async def test_short_articles_get_a_private_note_unless_on_an_always_site(tmp_path: Path) -> None:
    """Under min-words: no key points, the poster alone is told why; `always` ignores it."""
    async with workspace(tmp_path) as w:
        assert "*150 words*" in await w.command("min-words 150")
        short = await w.post("https://example.org/s?words=120")
        long = await w.post("https://example.org/l?words=150")
        assert w.thread_replies(short) == []
        (note,) = w.private_notes(short)
        assert note["user"] == "U1" and "short (120 words)" in note["text"]
        assert "150 words or more" in note["text"]
        assert len(w.thread_replies(long)) == 1 and w.private_notes(long) == []
        await w.command("sites always example.org")
        assert len(w.thread_replies(await w.post("https://example.org/t?words=5"))) == 1
        hook = w.slack.response_url("explicit")  # asking gets the key points of a short one
        await w.send(slash_command("https://example.net/u?words=5", hook), form=True)
        await w.settle()
        assert [c.args["response_type"] for c in w.slack.calls_to("response_url")][-1] == (
            "in_channel"
        )
        assert "*none*" in await w.command("min-words off")
        assert len(w.thread_replies(await w.post("https://example.net/v?words=5"))) == 1


async def test_opted_out_people_get_no_auto_replies_anywhere_until_optin(tmp_path: Path) -> None:
    """`optout` covers every channel (not DMs to the bot); others and explicit asks still work."""
    shared: list[tuple[object, ...]] = []
    async with workspace(tmp_path) as w:

        async def record(*args: object) -> None:
            shared.append(args)

        w.replicas[0].bot.service.share_hooks.append(record)
        answer = await w.command("optout", user="U1")
        assert "no longer summarised automatically" in answer and "optin" in answer
        mine = [await w.post(f"https://example.org/{c}", channel=c) for c in ("C1", "C2")]
        assert all(w.thread_replies(m) == [] and w.private_notes(m) == [] for m in mine)
        assert shared == []  # not recorded for the digest either
        theirs = await w.post("https://example.org/x", user="U2")
        assert len(w.thread_replies(theirs)) == 1
        dm = await w.post("https://example.org/dm", channel="D1", channel_type="im")
        assert len(w.thread_replies(dm)) == 1
        reaction = {
            "type": "reaction_added",
            "user": "U1",
            "reaction": "memo",
            "item": {"type": "message", "channel": "C1", "ts": mine[0]["ts"]},
            "event_ts": "1700000300.000001",
        }
        w.slack.add_message("C1", mine[0])
        await w.send(event_callback(reaction))
        await w.settle()
        assert len(w.thread_replies(mine[0])) == 1  # asking still works
        assert "You opted out" in await w.command("settings", user="U1")
        assert "again" in await w.command("optin", user="U1")
        assert len(w.thread_replies(await w.post("https://example.org/back"))) == 1


async def test_help_and_settings_show_the_filters(tmp_path: Path) -> None:
    """`/keypoints help` lists the filter commands; `settings` shows each current value."""
    async with workspace(tmp_path) as w:
        help_text = await w.command("help")
        usages = ["sites never|always|remove <site>", "sites list", "min-words <n>|off"]
        usages += ["`/keypoints optout`", "`/keypoints optin`", "`/keypoints settings`"]
        assert [u for u in usages if u not in help_text] == []
        await w.command("sites never example.com")
        await w.command("min-words 200")
        text = await w.command("settings", user="U7")
        assert "Auto mode: *on*" in text and "*200 words*" in text
        assert "Never summarised automatically: `example.com`" in text
        assert "Your links are summarised automatically" in text


@pytest.mark.parametrize(
    "text",
    ["sites never", "sites never not_a host!", "sites sometimes example.com", "min-words lots",
     "min-words 99999", "sites never http://"],
)  # fmt: skip
async def test_bad_filter_commands_get_one_short_line(tmp_path: Path, text: str) -> None:
    """Wrong or incomplete filter commands answer with one warning line, and change nothing."""
    async with workspace(tmp_path) as w:
        answer = await w.command(text)
        assert answer.startswith(":warning:") and "\n" not in answer
        assert "Traceback" not in answer
        assert "No sites are listed" in await w.command("sites")


async def test_a_second_replica_honours_changes_at_its_next_poll(tmp_path: Path) -> None:
    """Filters and opt-outs set through replica 0 apply to messages replica 1 receives."""
    async with workspace(tmp_path, replicas=2) as w:
        other = w.replicas[1].bot.service.channel_settings
        await other.choices("TLOCAL", "C1")  # replica 1 holds a snapshot from before
        await w.command("sites never example.com", replica=0)
        await w.command("min-words 50", replica=0)
        await w.command("optout", user="U3", replica=0)
        # Nothing tells replica 1 but the version row its watch polls every second.
        async with asyncio.timeout(60):  # generous: one poll a second, on a loaded machine
            while (await other.choices("TLOCAL", "C1")).min_words != 50:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        assert w.thread_replies(await w.post("https://example.com/a", replica=1)) == []
        short = await w.post("https://example.org/b?words=10", replica=1)
        assert w.thread_replies(short) == [] and len(w.private_notes(short)) == 1
        assert w.thread_replies(await w.post("https://example.org/c", user="U3", replica=1)) == []
        assert len(w.thread_replies(await w.post("https://example.org/d", replica=1))) == 1


async def test_nothing_about_the_filters_is_read_before_the_ack(tmp_path: Path) -> None:
    """With filters set, link messages (and messages without links) read no settings table."""
    async with workspace(tmp_path) as w:
        await w.command("sites never example.com")
        await w.command("optout", user="U9")
        bot = w.replicas[0].bot
        await bot.service.channel_settings.choices("TLOCAL", "C1")  # the poll's reload
        statements: list[str] = []

        def seen(_c: object, _cur: object, sql: str, *_: object) -> None:
            statements.append(sql)

        event.listen(bot.engine.sync_engine, "before_cursor_execute", seen)
        try:
            for n in range(3):
                await w.send(event_callback(link_message(f"https://example.com/{n}")))
                await w.send(event_callback(link_message(f"https://x.org/{n}", user="U9")))
            plain = link_message("https://x.org", text="no links here", blocks=[])
            await w.send(event_callback(plain))
            await w.settle()
        finally:
            event.remove(bot.engine.sync_engine, "before_cursor_execute", seen)
        tables = ("slack_channel_sites", "slack_user_optouts", "slack_channel_settings")
        assert not [s for s in statements if any(t in s for t in tables)]
        assert not [s for s in statements if "slack_link_jobs" in s]  # nothing was accepted
        assert w.slack.calls_to("chat.postMessage") == []


def test_site_names_are_normalised_and_matched_by_the_most_specific() -> None:
    """Typed sites become one stored host; a host matches itself and its subdomains only."""
    for typed in ("Example.COM", "www.example.com", "*.example.com", "https://example.com/a",
                  "<https://example.com|example.com>", "example.com."):  # fmt: skip
        assert site_host(typed) == "example.com"
    assert site_host("bücher.de") == "xn--bcher-kva.de"
    for bad in ("", "exa mple.com", "a..b", "-x.com", "x" * 300):
        with pytest.raises(BadSite):
            site_host(bad)
    rules = SiteRules((("blog.example.com", "always"), ("example.com", "never")))
    assert rules.rule_for("example.com") == "never"
    assert rules.rule_for("a.blog.example.com") == "always"
    assert rules.rule_for("notexample.com") is None


async def test_every_filter_write_reaches_a_cache_at_its_poll(engine: AsyncEngine) -> None:
    """Site rules, minimum length and opt-outs each bump the version; uninstall clears them."""
    cache = ChannelSettingsCache(engine)
    await cache.choices("T", "C")
    writes = [
        channels.set_site_rule(engine, "T", "C", "example.com", "never", now=NOW),
        channels.set_min_words(engine, "T", "C", 120, now=NOW),
        channels.set_opted_out(engine, "T", "U", True, now=NOW),
        channels.set_site_rule(engine, "T", "C2", "arxiv.org", "always", now=NOW),
    ]
    for write in writes:
        await write
        assert await cache.refresh_if_changed() is True
    choices = await cache.choices("T", "C")
    assert choices.min_words == 120 and choices.sites.rule_for("a.example.com") == "never"
    assert (await cache.choices("T", "C2")).sites.rule_for("arxiv.org") == "always"
    assert await cache.opted_out("T", "U") and not await cache.opted_out("T2", "U")
    assert await channels.remove_site_rule(engine, "T", "C", "example.com") is True
    await channels.set_opted_out(engine, "T", "U", False, now=NOW)
    assert await cache.refresh_if_changed() is True
    assert (await cache.choices("T", "C")).sites.rules == ()
    assert not await cache.opted_out("T", "U")
    await channels.set_opted_out(engine, "T", "U", True, now=NOW)
    await teams.forget_team(engine, "T")
    assert await cache.refresh_if_changed() is True
    assert (await cache.choices("T", "C2")).sites.rules == () and not await cache.opted_out(
        "T", "U"
    )
