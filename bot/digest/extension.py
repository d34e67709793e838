"""Plugs the morning digest into a running bot: subcommands, the shared-links and uninstall
hooks, and the scheduler loop (as a task the bot keeps a reference to and stops on shutdown).

The digest posts through ``bot.team_client``: with OAuth installs each channel's digest goes
out with its own workspace's token (schedules carry their team)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from bot.digest.parsing import FeedLimits, FeedParserPool
from bot.digest.service import make_digest_service
from bot.digest.settings import DigestSettings
from bot.slack.settings_editor import DigestHooks

if TYPE_CHECKING:
    from bot.slack.app import Bot, BotExtension

SCHEDULER_STOP_TIMEOUT = 30.0  # a digest being posted gets this long to finish on shutdown


def digest_extension(
    settings: DigestSettings | None = None, *, run_scheduler: bool = True
) -> BotExtension:
    """An extension for ``running_bot``; the console passes ``run_scheduler=False``."""

    async def extend(bot: Bot) -> None:
        digest_settings = settings or DigestSettings.from_env()
        # Feeds are parsed in a worker process of their own, with a hard time budget: a huge
        # or pathological feed costs at most that, never the event loop's responsiveness.
        parser = FeedParserPool(
            FeedLimits(
                max_bytes=bot.fetcher.settings.max_bytes,
                max_items=digest_settings.feed_max_items,
                seconds=digest_settings.feed_parse_seconds,
            )
        )
        bot.stack.callback(parser.close)
        service = make_digest_service(
            bot.engine,
            bot.team_client,
            bot.fetcher,
            settings=digest_settings,
            executor=bot.executor,
            feed_parser=parser,
        )
        service.commands.register(bot.router)
        if bot.settings_editor is not None and service.commands.check_feed is not None:
            # The App Home's form edits the schedule and feeds too, with `feed add`'s check.
            bot.settings_editor.digest = DigestHooks(
                service.store, service.commands.check_feed, service.commands.clock
            )
        bot.service.share_hooks.append(service.commands.share_hook)

        async def forget_team(team_id: str, channels: set[str]) -> None:
            await service.store.forget_team(team_id, channels)

        bot.service.uninstall_hooks.append(forget_team)
        if not run_scheduler:
            return
        stop = asyncio.Event()
        task = asyncio.create_task(
            service.scheduler.run_forever(stop, bot.settings.digest_tick), name="digest-scheduler"
        )

        async def shutdown() -> None:
            stop.set()
            try:
                await asyncio.wait_for(task, SCHEDULER_STOP_TIMEOUT)
            except TimeoutError:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

        bot.stack.push_async_callback(shutdown)

    return extend
