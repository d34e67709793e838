"""End to end: signed Slack events → real fetch/extract/summarise pipeline → local article site."""

from __future__ import annotations

import asyncio
import contextlib
import io
import socket
from pathlib import Path

import aiohttp
from fakes.article_site import PARAGRAPHS, ArticleSite
from fakes.fake_slack import SlackStandIn, event_callback, link_message, send_signed
from fakes.slack_harness import SECRET, settings_for

from bot.fetch.settings import FetchSettings
from bot.slack.app import running_bot
from bot.slack.console import run_console
from bot.slack.serve import EVENTS_PATH, serve, serving_http

LOCAL_FETCH = FetchSettings(allow_hosts=("127.0.0.1",))


async def test_link_to_local_article_gets_verbatim_key_points(tmp_path: Path) -> None:
    """A real article gets verbatim bullets; the same link elsewhere comes from the cache."""
    async with ArticleSite() as site, SlackStandIn() as slack:
        settings = settings_for(slack, tmp_path / "kp.db", fetch=LOCAL_FETCH)
        async with (
            running_bot(settings) as bot,
            serving_http(bot, "127.0.0.1", 0) as port,
            aiohttp.ClientSession() as session,
        ):
            events_url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
            url = site.url("/article/1")
            for channel in ("C1", "C2"):
                payload = event_callback(link_message(url, channel=channel))
                status, _ = await send_signed(session, events_url, SECRET, payload)
                assert status == 200
                await bot.service.drain(grace=30)
            posts = slack.calls_to("chat.postMessage")
            assert len(posts) == 2
            assert site.hits == 1  # the second channel was answered from the cache
            args = posts[0].args
            assert "Rail plan, part 1" in args["blocks"][0]["text"]["text"]
            items = args["blocks"][1]["elements"][0]["elements"]
            bullets = [item["elements"][0]["text"] for item in items]
            assert len(bullets) == 3
            body = " ".join(PARAGRAPHS)
            assert all(bullet in body for bullet in bullets)


async def test_paywalled_local_page_gets_the_paywall_reply(tmp_path: Path) -> None:
    """HTTP 402 from the site becomes the short paywall message, shown to the poster only."""
    async with ArticleSite() as site, SlackStandIn() as slack:
        settings = settings_for(slack, tmp_path / "kp.db", fetch=LOCAL_FETCH)
        async with (
            running_bot(settings) as bot,
            serving_http(bot, "127.0.0.1", 0) as port,
            aiohttp.ClientSession() as session,
        ):
            payload = event_callback(link_message(site.url("/paywalled")))
            await send_signed(session, f"http://127.0.0.1:{port}{EVENTS_PATH}", SECRET, payload)
            await bot.service.drain(grace=30)
            # Auto mode: the failure is told to the poster alone, in the thread.
            assert slack.calls_to("chat.postMessage") == []
            (post,) = slack.calls_to("chat.postEphemeral")
            assert "paywall" in post.args["text"] and post.args["user"] == payload["event"]["user"]


async def test_console_prints_title_and_bullets_for_a_local_article(tmp_path: Path) -> None:
    """The offline console answers a typed link with the title and `• ` bullet lines."""
    async with ArticleSite() as site:
        settings = settings_for(SlackStandIn(), tmp_path / "kp.db", fetch=LOCAL_FETCH)
        out = io.StringIO()
        await run_console(settings, io.StringIO(f"see {site.url('/article/7')}\n"), out)
    text = out.getvalue()
    assert "Rail plan, part 7" in text
    assert text.count("\n• ") == 3


async def healthy(session: aiohttp.ClientSession, base: str) -> bool:
    with contextlib.suppress(aiohttp.ClientError):
        async with session.get(f"{base}/healthz") as response:
            return response.status == 200
    return False


async def test_serve_in_http_mode_answers_a_signed_event(tmp_path: Path) -> None:
    """`serve()` itself (HTTP mode, real pipeline): healthz, a signed event, one reply, stop."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with ArticleSite() as site, SlackStandIn() as slack, aiohttp.ClientSession() as session:
        settings = settings_for(slack, tmp_path / "kp.db", fetch=LOCAL_FETCH, port=port)
        stop = asyncio.Event()
        server = asyncio.create_task(serve(settings, stop=stop))
        try:
            base = f"http://127.0.0.1:{port}"
            # Until /healthz answers: start-up (the worker's imports) takes seconds, more on a
            # loaded machine; a generous deadline, not a count of tries.
            async with asyncio.timeout(120):
                while not await healthy(session, base):
                    assert not server.done(), server
                    await asyncio.sleep(0.05)
            event = link_message(site.url("/article/3"))
            status, _ = await send_signed(
                session, base + EVENTS_PATH, SECRET, event_callback(event)
            )
            assert status == 200
            (post,) = await slack.wait_for(1, "chat.postMessage", within=30)
            assert post.args["thread_ts"] == event["ts"]
            assert "Rail plan, part 3" in post.args["text"]
        finally:
            stop.set()
            await asyncio.wait_for(server, 30)
