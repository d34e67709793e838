"""The long-running and database-backed commands: serve, console, digest, stats, migrate.

Kept apart from ``bot.cli`` so ``summarize`` and ``batch`` start without importing Slack,
SQLAlchemy or the digest.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sqlite3
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from bot.errors import FetchError, InputError, SettingsError
from bot.settings import Settings

if TYPE_CHECKING:  # imported by the digest command itself, to keep start-up light
    from bot.digest.model import Digest

DATABASE_CHECK_TIMEOUT = 10.0  # seconds to connect and answer SELECT 1 before we give up
# The console's logs go here, not between the dialogue lines on the terminal.
CONSOLE_LOG = Path(tempfile.gettempdir()) / "keypoints-console.log"


def run_service_command(args: argparse.Namespace) -> int:
    """Dispatch ``serve``/``console``/``digest``/``migrate``; errors surface as KeypointsError."""
    settings = Settings.from_env()
    if args.command == "serve":
        settings.require_mode()  # before any import, log line or database file
    log_stream = _open_console_log() if args.command == "console" else None
    # serve logs its lifecycle at INFO; the interactive console and one-shot commands stay quiet.
    _configure_logging(settings, verbose=args.verbose or args.command == "serve", stream=log_stream)
    if args.command == "serve":
        asyncio.run(_serve(settings))
    elif args.command == "console":
        _exit_soon_after_ctrl_c()
        asyncio.run(_console(settings, str(CONSOLE_LOG) if log_stream else None))
    elif args.command == "digest":
        asyncio.run(_digest(settings, args))
    elif args.command == "stats":
        print(asyncio.run(_stats(settings, args.days, as_json=args.json)))
    elif args.command == "migrate":
        revision = asyncio.run(_migrate(settings))
        print(f"database schema is at revision {revision}")
    return 0


CTRL_C_GRACE = 2.0  # seconds the console may take to wind down after Ctrl-C


def _exit_soon_after_ctrl_c(grace: float = CTRL_C_GRACE) -> None:
    """Ctrl-C in the console raises KeyboardInterrupt as usual (``main`` exits 130), and also
    starts a timer that ends the process with 130 after ``grace`` seconds: winding down waits
    on threads and worker pools, and a person at the terminal must never be left waiting."""

    def interrupted(signum: int, frame: FrameType | None) -> None:
        timer = threading.Timer(grace, os._exit, args=(130,))
        timer.daemon = True  # a clean exit before the grace runs out does not wait for it
        timer.start()
        signal.default_int_handler(signum, frame)

    signal.signal(signal.SIGINT, interrupted)


def _open_console_log() -> TextIO | None:
    """The console's log file, or None (logs stay on stderr) when it cannot be opened."""
    try:
        # Open for the life of the process: the log handler writes to it until exit.
        return CONSOLE_LOG.open("a", encoding="utf-8")
    except OSError:
        return None


def _configure_logging(settings: Settings, *, verbose: bool, stream: TextIO | None = None) -> None:
    from bot.observability.logs import configure_logging

    secrets = [
        s
        for s in (
            settings.bot_token,
            settings.app_token,
            settings.signing_secret,
            settings.client_secret,
        )
        if s
    ]
    fmt = os.environ.get("LOG_FORMAT", "text").lower()
    if fmt not in ("text", "json"):
        raise InputError(f"LOG_FORMAT must be 'text' or 'json', got {fmt!r}")
    level = os.environ.get("LOG_LEVEL", "INFO" if verbose else "WARNING").upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise SettingsError(
            f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {level!r}"
        )
    configure_logging(fmt=fmt, level=level, secrets=secrets, stream=stream)


async def check_database(url: str) -> None:
    """Connect once and run ``SELECT 1``; any failure is one ``SettingsError`` line naming
    DATABASE_URL (password hidden), instead of a driver traceback later on."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.db import make_engine

    try:
        shown = make_url(url).render_as_string(hide_password=True)
        engine = make_engine(url)
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        raise SettingsError(
            f"DATABASE_URL is not a usable database URL ({_reason(exc)}); expected e.g. "
            "sqlite+aiosqlite:///keypoints.db or postgresql+asyncpg://user:password@host/db"
        ) from None
    try:
        if engine.url.get_backend_name() == "sqlite":
            # aiosqlite's thread outlives a failed connect and prints a traceback once the
            # loop is closed; the standard library's driver gives the same answer cleanly.
            await asyncio.to_thread(_check_sqlite, engine.url.database)
        else:
            async with asyncio.timeout(DATABASE_CHECK_TIMEOUT), engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, sqlite3.Error, OSError, TimeoutError) as exc:
        raise SettingsError(f"cannot open the database {shown}: {_reason(exc)}") from None
    finally:
        await engine.dispose()


def _check_sqlite(database: str | None) -> None:
    """Open the file as the bot will (created if missing) and read its schema version."""
    if not database or database == ":memory:":
        return
    with contextlib.closing(sqlite3.connect(database, timeout=DATABASE_CHECK_TIMEOUT)) as db:
        db.execute("PRAGMA schema_version").fetchone()


def _reason(exc: BaseException) -> str:
    """The driver's own words, one line: sqlalchemy wraps them with SQL and a docs link."""
    if isinstance(exc, TimeoutError):
        return "no answer (check DATABASE_URL, and that the server is running)"
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


async def _serve(settings: Settings) -> None:
    await check_database(settings.database_url)  # one clear line, before the slow imports
    from bot.digest.extension import digest_extension
    from bot.slack.serve import serve

    await serve(settings, extensions=[digest_extension()])


async def _console(settings: Settings, log_file: str | None) -> None:
    await check_database(settings.database_url)  # one clear line, before the slow imports
    from bot.digest.extension import digest_extension
    from bot.slack.console import run_console

    await run_console(
        settings,
        sys.stdin,
        sys.stdout,
        extensions=[digest_extension(run_scheduler=False)],
        log_file=log_file,
    )


async def _migrate(settings: Settings) -> str | None:
    from bot.store.db import make_engine
    from bot.store.migrate import migrate

    await check_database(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        return await migrate(engine)
    finally:
        await engine.dispose()


async def _stats(settings: Settings, days: int, *, as_json: bool) -> str:
    """The report of the last ``days`` days (on this machine's clock, as the bot stores)."""
    import time

    from bot.stats_report import stats_json, stats_text
    from bot.store.db import make_engine
    from bot.store.migrate import migrate
    from bot.store.stats import gather_stats

    await check_database(settings.database_url)
    since = time.time() - days * 86400.0
    engine = make_engine(settings.database_url)
    try:
        await migrate(engine)  # a database the bot never ran on: empty tables, not an error
        stats = await gather_stats(engine, since=since)
    finally:
        await engine.dispose()
    render = stats_json if as_json else stats_text
    return render(stats, days=days, since=since)


async def _digest(settings: Settings, args: argparse.Namespace) -> None:
    from bot.digest.parsing import FeedLimits, FeedParserPool
    from bot.digest.render import render_message, render_text
    from bot.digest.runner import build_digest, pipeline_summariser, run_digest
    from bot.digest.settings import DigestSettings
    from bot.digest.store import DigestStore
    from bot.fetch import Fetcher
    from bot.slack.app import build_web_client
    from bot.store.db import make_engine
    from bot.store.migrate import migrate

    if args.now and not settings.bot_token:
        raise InputError("digest --now posts to Slack: set SLACK_BOT_TOKEN (or use --dry-run).")
    if args.json and not args.dry_run:
        raise InputError("--json goes with --dry-run.")
    digest_settings = DigestSettings.from_env()
    feeds = args.feed or None
    if not (args.dry_run and feeds):  # the database is needed: one clear line if it is not there
        await check_database(settings.database_url)
    engine = make_engine(settings.database_url)
    now = datetime.now(UTC)  # the command's one instant: digest window and seen-items stamps
    # Feeds are parsed in a worker process with the bot's limits, so a pathological feed costs
    # at most the parse budget here too.
    parse = FeedParserPool(
        FeedLimits(
            max_bytes=settings.fetch.max_bytes,
            max_items=digest_settings.feed_max_items,
            seconds=digest_settings.feed_parse_seconds,
        )
    )
    try:
        async with Fetcher(settings.fetch) as fetcher:
            summarise = pipeline_summariser(fetcher, digest_settings.bullets)
            if args.dry_run and feeds:
                store = None  # explicit feeds: nothing to read from the database
            else:
                await migrate(engine)
                store = DigestStore(engine)
            if args.dry_run:
                if not args.verbose:  # skipped feeds get one line each below, not a log line too
                    logging.getLogger("bot.digest.sources").setLevel(logging.ERROR)
                digest = await build_digest(
                    args.channel,
                    fetcher=fetcher,
                    summarise=summarise,
                    settings=digest_settings,
                    store=store,
                    feed_urls=feeds,
                    now=now,
                    parse=parse,
                )
                _report_feed_problems(digest)
                shown = render_message(digest) if args.json else None
                print(json.dumps(shown, indent=2) if shown else render_text(digest))
                return
            assert store is not None
            result = await run_digest(
                args.channel,
                client=build_web_client(settings),
                store=store,
                fetcher=fetcher,
                summarise=summarise,
                settings=digest_settings,
                feed_urls=feeds,
                now=now,
                parse=parse,
            )
            if result.ts is None:
                print("nothing new to post (quiet rule)", file=sys.stderr)
            else:
                print(f"posted digest to {args.channel} (ts {result.ts})")
    finally:
        parse.close()
        await engine.dispose()


def _report_feed_problems(digest: Digest) -> None:
    """``--dry-run``: nothing read at all is a failure (one line, exit 2); a few broken feeds
    among working ones are one stderr line each, and the digest is still printed."""
    problems = digest.feed_problems
    if digest.nothing_read:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise FetchError(
            f"none of the {digest.feeds} feeds could be read: {problems[0]}{more}"
            if digest.feeds > 1
            else f"the feed could not be read: {problems[0]}"
        )
    for problem in problems:
        print(f"keypoints: feed skipped: {problem}", file=sys.stderr)
