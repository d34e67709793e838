"""Everything the digest needs, built once at start-up (``serve`` and the CLI call this).

service = make_digest_service(engine, slack_client, fetcher)
service.commands.register(router)                         # /keypoints feed … | digest …
slack_service.share_hooks.append(service.commands.share_hook)  # links shared in channels
task = asyncio.create_task(service.scheduler.run_forever(stop_event))
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.digest.commands import DigestCommands, slack_user_tz
from bot.digest.model import Digest
from bot.digest.parsing import FeedParse, FeedParserPool, check_inline, parse_inline
from bot.digest.runner import RunResult, Summariser, build_digest, pipeline_summariser, run_digest
from bot.digest.scheduler import DigestScheduler, digest_job
from bot.digest.settings import DigestSettings
from bot.digest.sources import FeedFetcher, check_feed
from bot.digest.store import DigestStore


@dataclass(frozen=True, slots=True)
class DigestService:
    store: DigestStore
    scheduler: DigestScheduler
    commands: DigestCommands


def make_digest_service(
    engine: AsyncEngine,
    client: Any,
    fetcher: FeedFetcher,
    *,
    settings: DigestSettings | None = None,
    summarise: Summariser | None = None,
    clock: Callable[[], datetime] | None = None,
    executor: Executor | None = None,
    feed_parser: FeedParse | None = None,
) -> DigestService:
    """Wire store, scheduler and commands; ``client`` is the bot's ``AsyncWebClient`` (or its
    ``TeamScopedClient``, which posts with the token of the workspace in ``team_scope``).

    ``bot.store.migrate.migrate(engine)`` must have run (it creates the digest tables).
    ``feed_parser`` reads feed bodies: the bot passes a ``FeedParserPool`` (worker processes
    with a time budget); without one, feeds are parsed in this thread (tests).
    """
    settings = settings or DigestSettings.from_env()
    summarise = summarise or pipeline_summariser(fetcher, settings.bullets, executor)
    now = clock or (lambda: datetime.now(UTC))
    store = DigestStore(engine)
    common: dict[str, Any] = {
        "store": store,
        "fetcher": fetcher,
        "summarise": summarise,
        "settings": settings,
        "parse": feed_parser or parse_inline,
    }

    async def run_now(channel_id: str, tz: str | None) -> RunResult:
        return await run_digest(channel_id, client=client, now=now(), tz=tz, **common)

    async def preview(channel_id: str, tz: str | None) -> Digest:
        return await build_digest(channel_id, now=now(), tz=tz, **common)

    # ``feed add`` parses strictly (well-formed, with usable entries), in the pool when there
    # is one, so its time budget applies too.
    checker = feed_parser.check if isinstance(feed_parser, FeedParserPool) else check_inline

    async def check(url: str) -> str:
        return await check_feed(fetcher, url, checker)

    async def fetch_opml(url: str) -> bytes:
        # The same safe fetcher as feeds (address guard, size cap), with OPML's content types
        # (text/x-opml, or XML) accepted for this fetch only.
        return (await fetcher.fetch(url, kind="opml")).body

    job = digest_job(client=client, **common)
    return DigestService(
        store=store,
        scheduler=DigestScheduler(store, job, settings, clock=now),
        commands=DigestCommands(
            store,
            settings,
            user_tz=slack_user_tz(client),
            run_now=run_now,
            preview=preview,
            check_feed=check,
            fetch_opml=fetch_opml,
            clock=now,
        ),
    )
