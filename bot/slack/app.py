"""Composition root: settings → store, Web API client, service and bolt ``AsyncApp``.

``running_bot`` is used by ``serve``, the console, the tests and the benchmark alike, so all of
them run the same listeners; only the summariser (real pipeline or a fake) and the transport
differ.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

import bot.store.cache
import bot.store.channels
import bot.store.events  # noqa: F401  (importing registers the tables for init_db)
from bot.fetch import Fetcher
from bot.models import Summary
from bot.settings import Settings
from bot.slack.commands import CommandRouter
from bot.slack.handlers import TriggerOptions, register_listeners
from bot.slack.pacing import ChannelPacer
from bot.slack.replier import WebApiReplier
from bot.slack.service import KeypointsService, ServiceOptions, Summariser
from bot.store.db import init_db, make_engine

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class Bot:
    """The running pieces; ``router`` takes more ``/keypoints`` subcommands."""

    settings: Settings
    app: AsyncApp
    service: KeypointsService
    router: CommandRouter
    client: AsyncWebClient
    engine: AsyncEngine
    fetcher: Fetcher  # the one safe fetcher, shared with extensions (the digest's feeds)
    stack: AsyncExitStack  # extensions push their clean-up here; unwound when the bot stops


BotExtension = Callable[[Bot], Awaitable[None]]
"""E.g. the digest: ``bot.router.register("digest", …)``, ``bot.service.share_hooks.append(…)``."""


def retry_handlers() -> list[AsyncRetryHandler]:
    """Retries for the Web API: connection resets, HTTP 429 (honouring ``Retry-After``), 5xx."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ]


def build_web_client(settings: Settings) -> AsyncWebClient:
    """The bot's Web API client, pointed at ``SLACK_API_URL`` (Slack, or a local stand-in)."""
    return AsyncWebClient(
        token=settings.bot_token, base_url=settings.api_url, retry_handlers=retry_handlers()
    )


def build_app(settings: Settings, client: AsyncWebClient) -> AsyncApp:
    """A bolt app that verifies signatures whenever a signing secret is configured.

    ``process_before_response`` is on: our listeners only *schedule* work on the service
    (microseconds), so running them before the ack costs nothing, and every piece of work is
    in the service's task set, referenced and drainable, before Slack hears back."""
    return AsyncApp(
        name="keypoints",
        client=client,
        signing_secret=settings.signing_secret or "",
        request_verification_enabled=bool(settings.signing_secret),
        process_before_response=True,
    )


@asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    summarise: Summariser | None = None,
    canonicalize: Callable[[str], str] | None = None,
    engine: AsyncEngine | None = None,
    extensions: Sequence[BotExtension] = (),
) -> AsyncIterator[Bot]:
    """Start everything; on exit, finish (or after a grace period cancel) pending replies,
    then close the fetcher and the database. Each extension is awaited with the built bot
    before any request is served (to register subcommands or share hooks)."""
    async with AsyncExitStack() as stack:
        if engine is None:
            engine = make_engine(settings.database_url)
            stack.push_async_callback(engine.dispose)
        await init_db(engine)
        fetcher = await stack.enter_async_context(Fetcher(settings.fetch))
        if summarise is None:
            summarise = _pipeline_summariser(fetcher)
        if canonicalize is None:
            from bot.fetch.urls import canonicalize_url

            canonicalize = canonicalize_url
        client = build_web_client(settings)
        service = KeypointsService(
            engine,
            summarise,
            WebApiReplier(client),
            canonicalize=canonicalize,
            pacer=ChannelPacer(settings.post_interval),
            options=ServiceOptions(
                bullets=settings.bullets,
                method=settings.method,
                cache_ttl=settings.cache_ttl,
                failure_cache_ttl=settings.failure_cache_ttl,
            ),
        )
        stack.push_async_callback(service.drain, SHUTDOWN_GRACE_SECONDS)
        app = build_app(settings, client)
        router = register_listeners(
            app, service, TriggerOptions(max_links=settings.max_links, reaction=settings.reaction)
        )
        bot = Bot(settings, app, service, router, client, engine, fetcher, stack)
        for extend in extensions:
            await extend(bot)
        yield bot


def _pipeline_summariser(fetcher: Fetcher) -> Summariser:
    """``bot.pipeline.summarize_url`` bound to the bot's shared fetcher."""
    from bot.pipeline import summarize_url

    async def summarise(url: str, *, bullets: int, method: str) -> Summary:
        return await summarize_url(url, fetcher, bullets=bullets, method=method)

    return summarise
