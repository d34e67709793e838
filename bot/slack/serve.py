"""``serve``: run the bot over Socket Mode (app token set) or the HTTP Events API.

HTTP mode serves ``POST /slack/events`` (events, commands, shortcuts, interactivity; the
signature is checked before the body is parsed), and in OAuth mode ``GET /slack/install`` and
``GET /slack/oauth_redirect``. Both modes serve ``GET /healthz`` (checks the database) and
``GET /metrics`` (Prometheus) on ``PORT`` (metrics on ``KEYPOINTS_METRICS_ADDR`` instead when
set, behind ``KEYPOINTS_METRICS_TOKEN`` when set), sweep up link jobs whose replica died, and
stop on SIGINT/SIGTERM, letting replies in progress finish first.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
from collections.abc import AsyncIterator, Sequence
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from sqlalchemy import text

from bot.observability.metrics import CONTENT_TYPE, exposition
from bot.settings import Settings
from bot.slack.app import Bot, BotExtension, running_bot
from bot.slack.gate import SignatureCheck, refuse
from bot.store.cache import purge_expired
from bot.store.events import forget_older_than
from bot.store.installations import purge_expired_states
from bot.store.replies import forget_replies_before

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HOUSEKEEPING_INTERVAL = 3600.0
CLAIM_RETENTION = 86400.0  # Slack retries for minutes; a day leaves a wide margin
REPLY_RETENTION = 90 * 86400.0  # answers and votes: what `keypoints stats` can look back on
HEALTH_TIMEOUT = 2.0  # a database slower than this to answer SELECT 1 counts as down


async def serve(
    settings: Settings,
    *,
    extensions: Sequence[BotExtension] = (),
    stop: asyncio.Event | None = None,
) -> None:
    """Run until ``stop`` is set or SIGINT/SIGTERM arrives; raises ``SettingsError`` when Slack
    is not configured. ``extensions`` are awaited with the bot before it connects."""
    mode = settings.require_mode()
    stop = stop or asyncio.Event()
    signals = _stop_on_signals(stop)
    try:
        await _run(settings, mode, stop, extensions)
    finally:
        loop = asyncio.get_running_loop()
        for sig in signals:
            loop.remove_signal_handler(sig)


async def _run(
    settings: Settings, mode: str, stop: asyncio.Event, extensions: Sequence[BotExtension]
) -> None:
    async with running_bot(settings, extensions=extensions) as bot:
        housekeeping = asyncio.create_task(_housekeeping(bot))
        sweeping = asyncio.create_task(sweep_jobs(bot, settings.job_sweep_interval))
        try:
            if mode == "socket":
                assert settings.app_token is not None
                # Only /healthz on PORT, so container health checks work in both modes.
                async with (
                    serving_http(bot, "0.0.0.0", settings.port, events=False),
                    serving_metrics(bot),
                ):
                    await serve_socket_mode(bot, settings.app_token, stop)
            else:
                async with serving_http(bot, "0.0.0.0", settings.port), serving_metrics(bot):
                    log.info("listening on port %d (POST %s)", settings.port, EVENTS_PATH)
                    await stop.wait()
        finally:
            for task in (housekeeping, sweeping):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


def http_app(bot: Bot, *, events: bool = True) -> web.Application:
    """The aiohttp application: Slack's request URL and the OAuth pages (unless ``events`` is
    off), a health check and the metrics (unless they have an address of their own)."""
    secret = bot.settings.signing_secret
    check = SignatureCheck(secret) if secret else None

    async def slack_events(request: web.Request) -> web.Response:
        body = await request.read()
        reason = check.reason(body, request.headers) if check is not None else None
        if reason is not None:  # before parsing: an outsider's body is never looked at
            refuse(reason, request.remote)
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            bolt_request = await to_bolt_request(request)
        except (ValueError, TypeError, AttributeError, KeyError):  # signed, yet not Slack's shape
            refuse("malformed", request.remote)
            return web.json_response({"error": "malformed request"}, status=400)
        with bot.service.requests.serving():  # background work yields until the ack
            bolt_response = await bot.app.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def healthz(_: web.Request) -> web.Response:
        problem = await database_problem(bot)
        if problem is not None:
            return web.json_response({"ok": False, "reason": problem}, status=503)
        problems = bot.service.token_problems
        if problems and not bot.settings.oauth:
            # Still ready (events are acknowledged, so Slack keeps sending them), but nothing
            # can be posted until the token is replaced: say so to whoever watches.
            reason = f"slack token refused: {next(iter(problems.values()))}"
            return web.json_response(
                {"ok": True, "status": "degraded", "reason": reason, "pending": bot.service.pending}
            )
        return web.json_response({"ok": True, "status": "ok", "pending": bot.service.pending})

    async def livez(_: web.Request) -> web.Response:
        # Liveness only: the event loop answers. A database outage must not restart every
        # replica; readiness (/healthz) takes them out of the load balancer instead.
        return web.json_response({"ok": True})

    app = web.Application()
    if events:
        app.router.add_post(EVENTS_PATH, slack_events)
        flow = bot.app.oauth_flow
        if flow is not None:
            app.router.add_get(flow.install_path, _oauth_page(flow.handle_installation))
            app.router.add_get(flow.redirect_uri_path, _oauth_page(flow.handle_callback))
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/livez", livez)
    if bot.settings.metrics_addr is None:
        app.router.add_get("/metrics", metrics_handler(bot.settings.metrics_token))
    return app


def metrics_handler(token: str | None) -> Any:
    """``GET /metrics``; with ``token``, only for ``Authorization: Bearer <token>``."""
    expected = f"Bearer {token}".encode() if token else None

    async def metrics(request: web.Request) -> web.Response:
        given = request.headers.get("Authorization", "").encode(errors="replace")
        if expected is not None and not hmac.compare_digest(given, expected):
            return web.Response(status=401, headers={"WWW-Authenticate": "Bearer"})
        response = web.Response(body=exposition())
        response.headers["Content-Type"] = CONTENT_TYPE
        return response

    return metrics


@contextlib.asynccontextmanager
async def serving_metrics(bot: Bot) -> AsyncIterator[int | None]:
    """``/metrics`` alone on ``KEYPOINTS_METRICS_ADDR`` when it is set (yields its port)."""
    if bot.settings.metrics_addr is None:
        yield None
        return
    app = web.Application()
    app.router.add_get("/metrics", metrics_handler(bot.settings.metrics_token))
    async with _serving(app, *bot.settings.metrics_addr) as port:
        yield port


def _oauth_page(handle: Any) -> Any:
    """An aiohttp handler for one step of bolt's OAuth flow (install page, or callback)."""

    async def page(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await handle(await to_bolt_request(request)))

    return page


async def database_problem(bot: Bot) -> str | None:
    """None when the database answers ``SELECT 1`` quickly; otherwise a short reason."""
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT), bot.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except TimeoutError:
        return "database timeout"
    except Exception as exc:  # no details: the health check is unauthenticated
        log.warning("health check: database unavailable: %s", type(exc).__name__)
        return "database unavailable"
    return None


@contextlib.asynccontextmanager
async def serving_http(
    bot: Bot, host: str, port: int, *, events: bool = True
) -> AsyncIterator[int]:
    """Serve ``http_app(bot)`` on ``host:port`` (0 picks a free port); yields the port."""
    async with _serving(http_app(bot, events=events), host, port) as bound:
        yield bound


@contextlib.asynccontextmanager
async def _serving(app: web.Application, host: str, port: int) -> AsyncIterator[int]:
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()


async def serve_socket_mode(bot: Bot, app_token: str, stop: asyncio.Event) -> None:
    handler = AsyncSocketModeHandler(bot.app, app_token, web_client=bot.client)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    log.info("connected to Slack over Socket Mode")
    try:
        await stop.wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]


async def sweep_jobs(bot: Bot, interval: float) -> None:
    """Every ``interval`` seconds, finish link jobs whose replica stopped before posting."""
    while True:
        await asyncio.sleep(interval)
        try:
            await bot.service.sweep()
        except Exception:
            log.exception("job sweep failed")


async def _housekeeping(bot: Bot) -> None:
    """Drop expired cache entries, old dedupe claims and finished jobs, and abandoned OAuth
    states, hourly."""
    while True:
        try:
            now = bot.service.clock()  # one instant for the whole pass
            await purge_expired(bot.engine, now=now)
            await forget_older_than(bot.engine, CLAIM_RETENTION, now=now)
            await purge_expired_states(bot.engine, now=now)
            await forget_replies_before(bot.engine, now - REPLY_RETENTION)
        except Exception:
            log.exception("housekeeping failed")
        await asyncio.sleep(HOUSEKEEPING_INTERVAL)


def _stop_on_signals(stop: asyncio.Event) -> list[signal.Signals]:
    """Set ``stop`` on SIGINT/SIGTERM (main thread only); returns the signals handled."""
    loop = asyncio.get_running_loop()
    handled = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
            handled.append(sig)
    return handled
