"""Replies survive Slack failing for longer than the SDK's retries (and a restart meanwhile);
errors that will not go away end the job with one warning line.

The outage is measured on the service's injected clock, so half an hour takes a second. The
SDK's own retry handlers are switched off here: they sleep in real time, and what is under test
is what happens once they have given up.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from fakes.clock import HandClock
from fakes.fake_slack import BOT_ID, TEAM_ID, event_callback, link_message, send_signed
from fakes.slack_harness import SECRET, FakeSummariser, settings_for, simple_canonical

from bot.slack.app import Bot, running_bot
from bot.slack.serve import EVENTS_PATH, serving_http
from bot.slack.standin import SlackStandIn
from bot.store import jobs

URL = "https://news.example.com/story/outage"


@asynccontextmanager
async def bot_on(
    slack: SlackStandIn, db: Path, clock: HandClock, **overrides: Any
) -> AsyncIterator[tuple[Bot, str]]:
    """The bot over HTTP on ``db``, with the test's clock and without the SDK's retries."""
    values: dict[str, Any] = {"reply_retry_base": 30.0, "reply_retry_max": 300.0}
    values.update(overrides)
    settings = settings_for(slack, db, **values)
    async with (
        running_bot(settings, summarise=FakeSummariser(), canonicalize=simple_canonical) as bot,
        serving_http(bot, "127.0.0.1", 0) as port,
    ):
        bot.service.clock = clock
        bot.client.retry_handlers = []
        yield bot, f"http://127.0.0.1:{port}{EVENTS_PATH}"


def bot_posts(slack: SlackStandIn) -> list[dict[str, Any]]:
    """Messages the bot really posted (failed calls leave nothing behind)."""
    return [m for m in slack.messages.values() if m.get("bot_id") == BOT_ID]


async def job_states(bot: Bot, message: dict[str, Any]) -> list[str]:
    found = await jobs.jobs_of_message(bot.engine, TEAM_ID, "C1", message["ts"])
    return [j.state for j in found]


async def live_through(bot: Bot, clock: HandClock, seconds: float, step: float = 10.0) -> None:
    """Let ``seconds`` pass on the clock, sweeping every ``step`` as ``serve`` does."""
    end = clock.now + seconds
    while clock.now < end:
        clock.now += step
        await bot.service.sweep()
        await bot.service.drain(grace=5)


async def test_reply_survives_a_30_minute_outage_and_a_restart(tmp_path: Path) -> None:
    """Slack answering 503 for 30 minutes, with a restart in the middle: one reply, after."""
    clock, db = HandClock(1_800_000_000.0), tmp_path / "kp.db"
    message = link_message(URL)
    async with SlackStandIn() as slack, aiohttp.ClientSession() as session:
        slack.add_message("C1", message)
        slack.fail_next("chat.postMessage", 503, times=100_000)
        async with bot_on(slack, db, clock) as (bot, events):
            assert (await send_signed(session, events, SECRET, event_callback(message)))[0] == 200
            await bot.service.drain(grace=5)
            await live_through(bot, clock, 15 * 60)
            assert await job_states(bot, message) == [jobs.PENDING]
        async with bot_on(slack, db, clock) as (bot, _):  # a new process, same database
            await live_through(bot, clock, 15 * 60)
            tries = len(slack.calls_to("chat.postMessage"))
            assert bot_posts(slack) == [] and await job_states(bot, message) == [jobs.PENDING]
            slack.recover()
            await live_through(bot, clock, 300)
            assert await job_states(bot, message) == [jobs.DONE]
        (reply,) = bot_posts(slack)
        assert reply["thread_ts"] == message["ts"]
        # Backing off: far fewer tries than the 180 sweeps of the half hour, yet several.
        assert 5 <= tries <= 30


async def test_retry_after_is_honoured_before_trying_again(tmp_path: Path) -> None:
    """A 429 with Retry-After: 120 keeps the job waiting 120 s, then it is posted once."""
    clock = HandClock(1_800_000_000.0)
    message = link_message(URL)
    async with SlackStandIn() as slack, aiohttp.ClientSession() as session:
        slack.add_message("C1", message)
        slack.fail_next("chat.postMessage", 429, headers={"Retry-After": "120"})
        async with bot_on(slack, tmp_path / "kp.db", clock, reply_retry_base=1.0) as (bot, events):
            await send_signed(session, events, SECRET, event_callback(message))
            await bot.service.drain(grace=5)
            clock.now += 100
            assert await bot.service.sweep() == 0
            clock.now += 21
            assert await bot.service.sweep() == 1
            await bot.service.drain(grace=5)
        assert len(bot_posts(slack)) == 1 and len(slack.calls_to("chat.postMessage")) == 2


async def test_links_keep_their_order_when_slack_fails_one_reply(tmp_path: Path) -> None:
    """Slack fails the first of three replies: the other two wait, all post in link order."""
    clock = HandClock(1_800_000_000.0)
    urls = [f"https://news.example.com/{n}" for n in "abc"]
    message = link_message(urls[0], text=" ".join(f"<{u}>" for u in urls))
    message["blocks"][0]["elements"][0]["elements"] = [{"type": "link", "url": u} for u in urls]
    async with SlackStandIn() as slack, aiohttp.ClientSession() as session:
        slack.add_message("C1", message)
        slack.fail_next("chat.postMessage", 503)
        async with bot_on(slack, tmp_path / "kp.db", clock) as (bot, events):
            await send_signed(session, events, SECRET, event_callback(message))
            await bot.service.drain(grace=5)
            assert bot_posts(slack) == []
            await live_through(bot, clock, 120)
            assert await job_states(bot, message) == [jobs.DONE] * 3
        titles = [m["text"].splitlines()[0] for m in bot_posts(slack)]
        assert titles == [f"Key points: Article at /{n}" for n in "abc"]


async def test_a_reply_is_given_up_after_the_retry_window(tmp_path: Path) -> None:
    """Slack down longer than KEYPOINTS_REPLY_RETRY_WINDOW: the job fails, it does not loop."""
    clock = HandClock(1_800_000_000.0)
    message = link_message(URL)
    async with SlackStandIn() as slack, aiohttp.ClientSession() as session:
        slack.add_message("C1", message)
        slack.fail_next("chat.postMessage", 503, times=100_000)
        async with bot_on(slack, tmp_path / "kp.db", clock, reply_retry_window=600.0) as (
            bot,
            events,
        ):
            await send_signed(session, events, SECRET, event_callback(message))
            await bot.service.drain(grace=5)
            await live_through(bot, clock, 1200)
            assert await job_states(bot, message) == [jobs.FAILED]


@pytest.mark.parametrize(
    "error", ["not_in_channel", "channel_not_found", "invalid_auth", "account_inactive"]
)
async def test_permanent_errors_end_the_job_with_one_warning(
    tmp_path: Path, error: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A permanent Slack error fails the job at once: one WARNING line, no traceback."""
    clock = HandClock(1_800_000_000.0)
    message = link_message(URL)
    async with SlackStandIn() as slack, aiohttp.ClientSession() as session:
        slack.add_message("C1", message)
        slack.error_next("chat.postMessage", error)
        async with bot_on(slack, tmp_path / "kp.db", clock) as (bot, events):
            with caplog.at_level(logging.INFO):
                await send_signed(session, events, SECRET, event_callback(message))
                await bot.service.drain(grace=5)
                await live_through(bot, clock, 600)
            assert await job_states(bot, message) == [jobs.FAILED]
    assert len(slack.calls_to("chat.postMessage")) == 1
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING and error in r.getMessage()]
    assert len(loud) == 1 and loud[0].levelno == logging.WARNING
    assert not any(r.exc_info for r in caplog.records)


async def test_healthz_is_degraded_while_the_token_is_refused(tmp_path: Path) -> None:
    """After invalid_auth /healthz says degraded (still 200); a later good post clears it."""
    clock = HandClock(1_800_000_000.0)
    async with SlackStandIn() as slack, aiohttp.ClientSession() as session:
        slack.error_next("chat.postMessage", "invalid_auth")
        async with bot_on(slack, tmp_path / "kp.db", clock) as (bot, events):
            health = events.replace(EVENTS_PATH, "/healthz")
            for expected in ("degraded", "ok"):
                message = link_message(URL)
                slack.add_message("C1", message)
                await send_signed(session, events, SECRET, event_callback(message))
                await bot.service.drain(grace=5)
                async with session.get(health) as response:
                    body = await response.json()
                assert response.status == 200 and body["status"] == expected
                if expected == "degraded":
                    assert "invalid_auth" in body["reason"]
