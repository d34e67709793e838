"""KeypointsService with a fake summariser and a recording replier (no Slack, no HTTP)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fakes.slack_harness import FakeSummariser, simple_canonical
from fakes.stores import sqlite_and_postgres_engine  # noqa: F401  (the engine fixture)
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.errors import BlockedAddress, FetchTimeout, InvalidURL
from bot.models import Summary
from bot.slack.pacing import ChannelPacer
from bot.slack.render import SlackMessage
from bot.slack.service import KeypointsService, LinkRequest


class RecordingReplier:
    def __init__(self, fail_posts: bool = False) -> None:
        self.sent: list[tuple[str, Any]] = []
        self.fail_posts = fail_posts

    async def post(self, channel_id: str, thread_ts: str | None, message: SlackMessage) -> None:
        if self.fail_posts:
            response = AsyncSlackResponse(
                client=None,
                http_verb="POST",
                api_url="x",
                req_args={},
                data={"ok": False, "error": "not_in_channel"},
                headers={},
                status_code=200,
            )
            raise SlackApiError("not_in_channel", response)
        self.sent.append(("post", (channel_id, thread_ts, message.text)))

    async def post_ephemeral(
        self, channel_id: str, user_id: str, thread_ts: str | None, message: SlackMessage
    ) -> None:
        self.sent.append(("ephemeral", (channel_id, user_id, message.text)))

    async def respond(self, response_url: str, message: SlackMessage, *, public: bool) -> None:
        self.sent.append(("respond", (response_url, public, message.text)))


def _service(engine: AsyncEngine, summarise: Any, replier: RecordingReplier) -> KeypointsService:
    return KeypointsService(
        engine, summarise, replier, canonicalize=simple_canonical, pacer=ChannelPacer(0)
    )


def _request(*urls: str, channel: str = "C1", ts: str = "1.0", **kw: Any) -> LinkRequest:
    return LinkRequest(
        team_id="T", channel_id=channel, user_id="U", message_ts=ts, thread_ts=ts, urls=urls, **kw
    )


async def test_cached_summary_is_reused_across_channels(engine: AsyncEngine) -> None:
    """The second request for a link (another channel) is answered from the cache."""
    summariser, replier = FakeSummariser(), RecordingReplier()
    service = _service(engine, summariser, replier)
    await service.answer(_request("https://a.example/x/"))
    await service.answer(_request("https://a.example/x#frag", channel="C2"))
    assert summariser.calls == ["https://a.example/x/"]
    assert [kind for kind, _ in replier.sent] == ["post", "post"]


async def test_concurrent_requests_share_one_summarisation(engine: AsyncEngine) -> None:
    """Five channels posting the same link at once cause one fetch, five replies."""
    calls = 0

    async def slow(url: str, *, bullets: int, method: str) -> Summary:
        nonlocal calls
        calls += 1
        # Long enough for the other requests' cache look-ups to return and join this one, on
        # a loaded machine too (a miss that returned after this ended would start another).
        await asyncio.sleep(0.5)
        return await FakeSummariser()(url, bullets=bullets, method=method)

    replier = RecordingReplier()
    service = _service(engine, slow, replier)
    await asyncio.gather(
        *(service.answer(_request("https://a.example/y", channel=f"C{i}")) for i in range(5))
    )
    assert calls == 1 and len(replier.sent) == 5


async def test_paywall_is_cached_but_timeouts_are_not(engine: AsyncEngine) -> None:
    """Lasting failures (paywalled) are cached briefly; transient ones (timeout) are retried."""
    summariser, replier = FakeSummariser(), RecordingReplier()
    service = _service(engine, summariser, replier)
    await service.answer(_request("https://a.example/paywalled"))
    await service.answer(_request("https://a.example/paywalled", ts="2.0"))
    assert summariser.calls == ["https://a.example/paywalled"]

    attempts = 0

    async def timing_out(url: str, *, bullets: int, method: str) -> Summary:
        nonlocal attempts
        attempts += 1
        raise FetchTimeout()

    service = _service(engine, timing_out, replier)
    await service.answer(_request("https://a.example/slow"))
    await service.answer(_request("https://a.example/slow", ts="2.0"))
    assert attempts == 2
    assert "took too long" in replier.sent[-1][1][2]


async def test_same_message_link_is_answered_once_unless_explicit(engine: AsyncEngine) -> None:
    """Repeated requests for one message's link post once; explicit ones (dedupe=False) always."""
    replier = RecordingReplier()
    service = _service(engine, FakeSummariser(), replier)
    await service.answer(_request("https://a.example/z"))
    await service.answer(_request("https://a.example/z/"))
    await service.answer(_request("https://a.example/z", dedupe=False))
    assert len(replier.sent) == 2


async def test_failed_post_falls_back_to_private_response(engine: AsyncEngine) -> None:
    """If posting in the channel fails (bot not invited), the requester gets it privately."""
    replier = RecordingReplier(fail_posts=True)
    service = _service(engine, FakeSummariser(), replier)
    await service.answer(_request("https://a.example/q", response_url="http://r/1", dedupe=False))
    ((kind, (url, public, text)),) = replier.sent
    assert kind == "respond" and url == "http://r/1" and public is False
    assert "Point 1." in text


async def test_share_hooks_run_and_one_failing_hook_does_not_stop_others(
    engine: AsyncEngine,
) -> None:
    """Every share hook is called with (team, channel, user, ts, urls); failures are contained."""
    seen: list[tuple[Any, ...]] = []

    async def broken(*args: Any) -> None:
        raise RuntimeError("hook bug")

    async def recorder(*args: Any) -> None:
        seen.append(args)

    service = _service(engine, FakeSummariser(), RecordingReplier())
    service.share_hooks += [broken, recorder]
    await service.notify_shared("T", "C", "U", "1.0", ["https://a.example/"])
    assert seen == [("T", "C", "U", "1.0", ["https://a.example/"])]


async def test_drain_waits_for_work_and_cancels_after_grace(engine: AsyncEngine) -> None:
    """drain() waits for spawned tasks; with a grace period it cancels the stragglers."""
    service = _service(engine, FakeSummariser(), RecordingReplier())
    finished: list[str] = []

    async def work(delay: float, name: str) -> None:
        await asyncio.sleep(delay)
        finished.append(name)

    service.spawn(work(0.01, "quick"))
    await service.drain()
    assert finished == ["quick"] and service.pending == 0
    service.spawn(work(30, "stuck"))
    await service.drain(grace=0.05)
    assert finished == ["quick"] and service.pending == 0


class _RefusedThenAllowed:
    """Refuses every link (as a deny-listed address would) until ``allowed`` is set."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.allowed = False
        self.inner = FakeSummariser()

    async def __call__(self, url: str, *, bullets: int, method: str) -> Summary:
        if not self.allowed:
            raise self.error
        return await self.inner(url, bullets=bullets, method=method)


@pytest.mark.parametrize(
    "error",
    [BlockedAddress(), FetchTimeout(), InvalidURL()],
    ids=["blocked", "timeout", "invalid_url"],
)
async def test_policy_and_network_failures_are_not_cached(
    engine: AsyncEngine, error: Exception
) -> None:
    """A refusal for policy or network reasons is asked again next time, not served from cache."""
    summariser, replier = _RefusedThenAllowed(error), RecordingReplier()
    # A new service on the same database is a restart with KEYPOINTS_ALLOW_HOSTS changed.
    await _service(engine, summariser, replier).answer(_request("https://intra.example/a"))
    summariser.allowed = True
    await _service(engine, summariser, replier).answer(_request("https://intra.example/a", ts="2"))
    assert summariser.inner.calls == ["https://intra.example/a"]
    assert "Point 1." in replier.sent[-1][1][2]


async def test_what_the_page_said_is_cached(engine: AsyncEngine) -> None:
    """A paywall is remembered: the second request for the link is not fetched again."""
    summariser, replier = FakeSummariser(), RecordingReplier()
    service = _service(engine, summariser, replier)
    await service.answer(_request("https://a.example/paywalled"))
    await service.answer(_request("https://a.example/paywalled", ts="2"))
    assert summariser.calls == ["https://a.example/paywalled"]
