"""The bot under test: the Slack stand-in, the real bolt app and HTTP server, a fake summariser."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
from fakes.clock import HandClock

from bot.errors import Paywalled
from bot.models import Article, Summary
from bot.settings import Settings
from bot.slack.app import Bot, BotExtension, running_bot
from bot.slack.serve import EVENTS_PATH, serving_http
from bot.slack.standin import SlackStandIn

SECRET = "test-signing-secret"


@dataclass
class FakeSummariser:
    """Summaries made from the URL: ``?title=`` sets the title, ``?delay=`` waits that many
    seconds first, ``/paywalled`` raises ``Paywalled``, ``/boom`` raises ``RuntimeError``.
    Records every call."""

    calls: list[str] = field(default_factory=list)

    async def __call__(self, url: str, *, bullets: int, method: str) -> Summary:
        self.calls.append(url)
        parts = urlsplit(url)
        delay = parse_qs(parts.query).get("delay")
        if delay:
            await asyncio.sleep(float(delay[0]))
        if parts.path.endswith("/paywalled"):
            raise Paywalled()
        if parts.path.endswith("/boom"):
            raise RuntimeError("bug in the summariser")
        title = parse_qs(parts.query).get("title", [f"Article at {parts.path}"])[0]
        article = Article(
            paragraphs=("One. Two. Three.",),
            title=title,
            url=url,
            canonical_url=url,
            site_name="Example News",
        )
        return Summary(article=article, bullets=tuple(f"Point {i + 1}." for i in range(bullets)))


def simple_canonical(url: str) -> str:
    """Enough canonicalisation for tests: no fragment, no trailing slash."""
    return url.split("#", 1)[0].rstrip("/")


@dataclass
class Harness:
    bot: Bot
    slack: SlackStandIn
    summariser: FakeSummariser
    session: aiohttp.ClientSession
    events_url: str

    async def settle(self) -> None:
        """Wait until every reply the bot started has been posted."""
        await self.bot.service.drain(grace=10)


def settings_for(slack: SlackStandIn, db_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "bot_token": "xoxb-test",
        "signing_secret": SECRET,
        "api_url": slack.api_url,
        "database_url": f"sqlite+aiosqlite:///{db_path}",
        "post_interval": 0.0,
        # A roomy budget for a real pipeline job (the tests are about a link's path, not the
        # budget; a job of 50 ms can take seconds on a loaded machine). Budgets: test_workers.
        "job_seconds": 60.0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@asynccontextmanager
async def http_bot(
    tmp_path: Path,
    *,
    extensions: Sequence[BotExtension] = (),
    canonicalize: Callable[[str], str] = simple_canonical,
    **overrides: object,
) -> AsyncIterator[Harness]:
    """Everything started on 127.0.0.1 with free ports; stopped (and drained) on exit. The
    stand-in's trigger ids age on a ``HandClock`` (``h.slack.clock.advance``), not real time."""
    summariser = FakeSummariser()
    async with SlackStandIn(clock=HandClock()) as slack:
        settings = settings_for(slack, tmp_path / "kp.db", **overrides)
        async with (
            running_bot(
                settings,
                summarise=summariser,
                canonicalize=canonicalize,
                extensions=extensions,
            ) as bot,
            serving_http(bot, "127.0.0.1", 0) as port,
            aiohttp.ClientSession() as session,
        ):
            yield Harness(bot, slack, summariser, session, f"http://127.0.0.1:{port}{EVENTS_PATH}")
