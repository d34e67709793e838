"""The long-running and database-backed commands: serve, console, digest, migrate.

Kept apart from ``bot.cli`` so ``summarize`` and ``batch`` start without importing Slack,
SQLAlchemy or the digest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

from bot.errors import InputError
from bot.settings import Settings


def run_service_command(args: argparse.Namespace) -> int:
    """Dispatch ``serve``/``console``/``digest``/``migrate``; errors surface as KeypointsError."""
    settings = Settings.from_env()
    # serve logs its lifecycle at INFO; the interactive console and one-shot commands stay quiet.
    _configure_logging(settings, verbose=args.verbose or args.command == "serve")
    if args.command == "serve":
        asyncio.run(_serve(settings))
    elif args.command == "console":
        asyncio.run(_console(settings))
    elif args.command == "digest":
        asyncio.run(_digest(settings, args))
    elif args.command == "migrate":
        revision = asyncio.run(_migrate(settings))
        print(f"database schema is at revision {revision}")
    return 0


def _configure_logging(settings: Settings, *, verbose: bool) -> None:
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
    configure_logging(fmt=fmt, level=level, secrets=secrets)


async def _serve(settings: Settings) -> None:
    from bot.digest.extension import digest_extension
    from bot.slack.serve import serve

    await serve(settings, extensions=[digest_extension()])


async def _console(settings: Settings) -> None:
    from bot.digest.extension import digest_extension
    from bot.slack.console import run_console

    await run_console(
        settings, sys.stdin, sys.stdout, extensions=[digest_extension(run_scheduler=False)]
    )


async def _migrate(settings: Settings) -> str | None:
    from bot.store.db import make_engine
    from bot.store.migrate import migrate

    engine = make_engine(settings.database_url)
    try:
        return await migrate(engine)
    finally:
        await engine.dispose()


async def _digest(settings: Settings, args: argparse.Namespace) -> None:
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
    engine = make_engine(settings.database_url)
    try:
        async with Fetcher(settings.fetch) as fetcher:
            summarise = pipeline_summariser(fetcher, digest_settings.bullets)
            if args.dry_run and feeds:
                store = None  # explicit feeds: nothing to read from the database
            else:
                await migrate(engine)
                store = DigestStore(engine)
            if args.dry_run:
                digest = await build_digest(
                    args.channel,
                    fetcher=fetcher,
                    summarise=summarise,
                    settings=digest_settings,
                    store=store,
                    feed_urls=feeds,
                )
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
            )
            if result.ts is None:
                print("nothing new to post (quiet rule)", file=sys.stderr)
            else:
                print(f"posted digest to {args.channel} (ts {result.ts})")
    finally:
        await engine.dispose()
