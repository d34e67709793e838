"""Composition root: settings → store, Web API client, service and bolt ``AsyncApp``.

``running_bot`` is used by ``serve``, the console, the tests and the benchmark alike, so all of
them run the same listeners; only the summariser (real pipeline or a fake) and the transport
differ. With ``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET`` the app serves any number of
workspaces installed through OAuth, their tokens kept in the same database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import Executor
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.fetch import Fetcher
from bot.models import Summary
from bot.settings import Settings
from bot.slack.actions import register_actions
from bot.slack.channel_commands import register_channel_commands
from bot.slack.commands import CommandRouter
from bot.slack.gate import own_workspace_only
from bot.slack.handlers import TriggerOptions, register_listeners, register_uninstall
from bot.slack.home import register_home
from bot.slack.pacing import ChannelPacer
from bot.slack.permissions import SettingsPermissions
from bot.slack.replier import WebApiReplier, thread_has_marker
from bot.slack.service import KeypointsService, ServiceOptions, Summariser
from bot.slack.settings_editor import SettingsEditor, register_settings_editor
from bot.slack.tenancy import TeamScopedClient, installed_workspaces, single_workspace
from bot.store.db import make_engine
from bot.store.installations import installation_store, oauth_state_store
from bot.store.migrate import migrate
from bot.workers import WorkerBudget, make_executor, warm_up

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 20.0
WEB_API_TIMEOUT = 30.0  # slack_sdk's own default per call
# What the app asks for when installed (keep in step with deploy/slack-manifest.yml).
BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "groups:history",
    "groups:read",
    "im:history",
    "mpim:history",
    "reactions:read",
    "reactions:write",
    "users:read",
)


@dataclass(frozen=True, slots=True)
class Bot:
    """The running pieces; ``router`` takes more ``/keypoints`` subcommands."""

    settings: Settings
    app: AsyncApp
    service: KeypointsService
    router: CommandRouter
    client: AsyncWebClient  # no token in OAuth mode: use ``team_client`` to post
    engine: AsyncEngine
    fetcher: Fetcher  # the one safe fetcher, shared with extensions (the digest's feeds)
    executor: Executor | None  # worker processes for extract → summarise (None: threads)
    stack: AsyncExitStack  # extensions push their clean-up here; unwound when the bot stops
    team_client: TeamScopedClient  # posts with the token of the team in ``team_scope``
    installations: AsyncInstallationStore | None = None  # OAuth mode only
    # The App Home's settings form; the digest sets ``settings_editor.digest`` to add its fields.
    settings_editor: SettingsEditor | None = None


BotExtension = Callable[[Bot], Awaitable[None]]
"""E.g. the digest: ``bot.router.register("digest", …)``, ``bot.service.share_hooks.append(…)``."""


def retry_handlers() -> list[AsyncRetryHandler]:
    """Retries for the Web API: connection resets, HTTP 429 (honouring ``Retry-After``), 5xx."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ]


def build_web_client(
    settings: Settings, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """The bot's Web API client, pointed at ``SLACK_API_URL`` (Slack, or a local stand-in).
    Given ``session``, every call reuses its connections (without one, slack_sdk opens and
    closes a connection per call: a burst of replies then costs the acks a TCP set-up each)."""
    return AsyncWebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        retry_handlers=retry_handlers(),
        session=session,
    )


def build_app(
    settings: Settings, client: AsyncWebClient, engine: AsyncEngine | None = None
) -> AsyncApp:
    """A bolt app that verifies signatures whenever a signing secret is configured.

    ``process_before_response`` is on: our listeners only record jobs and *schedule* work on
    the service (milliseconds), so running them before the ack costs little, and every piece
    of work is durable, or in the service's task set, before Slack hears back. In OAuth mode
    (``engine`` given) bolt authorises each request with the token its workspace installed;
    with one workspace's token, requests from any other workspace are ignored."""
    oauth_settings = None
    if settings.oauth:
        assert engine is not None and settings.client_id and settings.client_secret
        oauth_settings = AsyncOAuthSettings(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            scopes=list(BOT_SCOPES),
            installation_store=installation_store(settings.client_id, engine),
            state_store=oauth_state_store(engine),
        )
    app = AsyncApp(
        name="keypoints",
        client=client,  # oauth.v2.access goes through it, so to SLACK_API_URL
        signing_secret=settings.signing_secret or "",
        request_verification_enabled=bool(settings.signing_secret),
        process_before_response=True,
        oauth_settings=oauth_settings,
    )
    if oauth_settings is None:
        own_workspace_only(app)
    return app


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
        await migrate(engine)
        fetcher = await stack.enter_async_context(Fetcher(settings.fetch))
        # Worker processes serve the real pipeline only (an injected summariser needs none).
        budget = WorkerBudget(seconds=settings.job_seconds)
        executor = make_executor(settings.workers, budget) if summarise is None else None
        if executor is not None:
            stack.callback(executor.shutdown, wait=False, cancel_futures=True)
            await warm_up(executor)
        if summarise is None:
            summarise = _pipeline_summariser(fetcher, executor)
        if canonicalize is None:
            from bot.fetch.urls import canonicalize_url

            canonicalize = canonicalize_url
        session = await stack.enter_async_context(
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WEB_API_TIMEOUT))
        )
        client = build_web_client(settings, session)
        app = build_app(settings, client, engine)
        installations = app.installation_store if settings.oauth else None
        clients = (
            installed_workspaces(installations, client)
            if installations is not None
            else single_workspace(client)
        )
        team_client = TeamScopedClient(clients, client)

        async def find_reply(channel_id: str, thread_ts: str, marker: str) -> bool:
            return await thread_has_marker(team_client, channel_id, thread_ts, marker)

        replier = WebApiReplier(team_client)
        service = KeypointsService(
            engine,
            summarise,
            replier,
            canonicalize=canonicalize,
            pacer=ChannelPacer(settings.post_interval),
            options=ServiceOptions(
                bullets=settings.bullets,
                method=settings.method,
                cache_ttl=settings.cache_ttl,
                failure_cache_ttl=settings.failure_cache_ttl,
                job_lease=settings.job_lease,
                job_max_attempts=settings.job_max_attempts,
                retry_base=settings.reply_retry_base,
                retry_max=settings.reply_retry_max,
                retry_window=settings.reply_retry_window,
            ),
            find_reply=find_reply,
            editor=replier,
        )
        stack.push_async_callback(service.drain, SHUTDOWN_GRACE_SECONDS)
        await service.channel_settings.reload()  # acks read the settings from memory
        stack.push_async_callback(_stopped, asyncio.create_task(service.channel_settings.watch()))
        router = register_listeners(
            app, service, TriggerOptions(max_links=settings.max_links, reaction=settings.reaction)
        )
        register_uninstall(app, service, installations)  # every mode: Slack must hear 200
        register_actions(app, service)  # the buttons under each reply
        register_home(app, service)  # the App Home tab
        # Who may change a channel's settings: the same rule for slash commands and the form.
        permissions = SettingsPermissions(service.channel_settings)
        register_channel_commands(router, service, permissions, team_client)
        editor = register_settings_editor(app, service, permissions)
        bot = Bot(
            settings,
            app,
            service,
            router,
            client,
            engine,
            fetcher,
            executor,
            stack,
            team_client,
            installations,
            settings_editor=editor,
        )
        for extend in extensions:
            await extend(bot)
        yield bot


async def _stopped(task: asyncio.Task[None]) -> None:
    """Cancel a background loop of the bot and wait for it to end."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _pipeline_summariser(fetcher: Fetcher, executor: Executor | None) -> Summariser:
    """``bot.pipeline.summarize_url`` bound to the bot's shared fetcher and workers."""
    from bot.pipeline import summarize_url

    async def summarise(url: str, *, bullets: int, method: str) -> Summary:
        return await summarize_url(url, fetcher, bullets=bullets, method=method, executor=executor)

    return summarise
