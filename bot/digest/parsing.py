"""Feed parsing off the event loop, within limits: bytes, items kept, seconds and memory.

feedparser is pure Python and its cost grows with whatever a feed holds: a 4.8 MB feed of 33k
items kept the loop busy for 52 s and delayed every Slack ack behind it. So the bot parses in
a worker process (not a thread: a thread would hold the GIL, and the project never runs parser
work on several threads) with a hard time budget enforced from outside the work: pebble stops
a worker that overruns and starts a fresh one, and the feed is reported as too large.

    parser = FeedParserPool(FeedLimits())       # once, at start-up; parser.close() at the end
    items = await parser(body, feed_url)         # FeedTooLarge / BrokenFeed on bad feeds
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import resource
from collections.abc import Awaitable, Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from pebble import ProcessExpired, ProcessPool

from bot.digest.feeds import FeedItem, check_feed_body, parse_feed
from bot.errors import KeypointsError

log = logging.getLogger(__name__)

FeedParse = Callable[[bytes, str], Awaitable[list[FeedItem]]]


@dataclass(frozen=True, slots=True)
class FeedLimits:
    """What one feed may cost. Real news feeds are 10-500 KB with 10-100 items and parse in
    well under 0.2 s, so these only ever stop hostile or runaway feeds."""

    max_bytes: int = 5_000_000  # the fetcher's default cap; a larger body is refused unread
    max_items: int = 200  # entries read (in feed order, newest first on real feeds)
    seconds: float = 2.0  # wall-clock budget of one parse in the worker
    memory_bytes: int = 512 << 20  # address space of a worker (it starts at ~35 MB)


class FeedTooLarge(KeypointsError):
    """The feed is over one of the ``FeedLimits``."""

    default_message = "That feed is too large or complex to read."
    reason = "feed_too_large"


def parse_within(body: bytes, feed_url: str, limits: FeedLimits) -> list[FeedItem]:
    """``parse_feed`` with the size and item caps (no time budget: that needs a process)."""
    _check_size(body, limits)
    try:
        return parse_feed(body, feed_url, limits.max_items)
    except MemoryError:
        raise FeedTooLarge() from None


def check_within(body: bytes, feed_url: str, limits: FeedLimits) -> list[FeedItem]:
    """``check_feed_body`` (``feed add``'s stricter parse) with the size and item caps."""
    _check_size(body, limits)
    try:
        return check_feed_body(body, feed_url, limits.max_items)
    except MemoryError:
        raise FeedTooLarge() from None


async def check_inline(body: bytes, feed_url: str) -> list[FeedItem]:
    """``check_within`` in this thread with default limits (CLI and tests)."""
    return check_within(body, feed_url, FeedLimits())


async def parse_inline(body: bytes, feed_url: str) -> list[FeedItem]:
    """In this thread, default limits, no time budget: for one-shot runs (CLI) and tests."""
    return parse_within(body, feed_url, FeedLimits())


class FeedParserPool:
    """Parses feeds in ``workers`` spawned processes, started on the first feed."""

    def __init__(self, limits: FeedLimits | None = None, workers: int = 1) -> None:
        self.limits = limits or FeedLimits()
        self._workers = max(1, workers)
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPool:
        return ProcessPool(
            max_workers=self._workers,
            initializer=_limit_memory,
            initargs=(self.limits.memory_bytes,),
            context=multiprocessing.get_context("spawn"),
        )

    async def __call__(self, body: bytes, feed_url: str) -> list[FeedItem]:
        return await self._run(parse_within, body, feed_url)

    async def check(self, body: bytes, feed_url: str) -> list[FeedItem]:
        """The stricter parse of ``feed add`` (``check_feed_body``), in a worker likewise."""
        return await self._run(check_within, body, feed_url)

    async def _run(
        self,
        work: Callable[[bytes, str, FeedLimits], list[FeedItem]],
        body: bytes,
        feed_url: str,
    ) -> list[FeedItem]:
        _check_size(body, self.limits)  # before copying the body to a worker
        args = (body, feed_url, self.limits)
        try:
            future = self._pool.schedule(work, args=args, timeout=self.limits.seconds)
        except RuntimeError:  # pebble's "Unexpected error within the Pool": a broken pool
            await self._replace_pool()
            future = self._pool.schedule(work, args=args, timeout=self.limits.seconds)
        try:
            # Cancelling the awaiting task cancels the future, and pebble stops its worker.
            return await asyncio.wrap_future(future)
        except TimeoutError:
            log.warning("feed parse over %gs, worker replaced: %s", self.limits.seconds, feed_url)
            raise FeedTooLarge(_too_large(self.limits)) from None
        except ProcessExpired as exc:  # killed (e.g. out of memory) or crashed
            log.warning("feed parse worker died (exit %s): %s", exc.exitcode, feed_url)
            raise FeedTooLarge() from None
        except BrokenProcessPool:  # the worker died before it started (e.g. receiving the body)
            log.warning("feed parse pool broke; starting a new one: %s", feed_url)
            await self._replace_pool()
            raise FeedTooLarge() from None

    async def _replace_pool(self) -> None:
        old, self._pool = self._pool, self._new_pool()
        old.stop()  # type: ignore[no-untyped-call]  # pebble leaves stop() unannotated
        await asyncio.to_thread(old.join)  # reaps its processes without blocking the loop

    def close(self) -> None:
        """Stop the workers (a parse in progress is abandoned) and wait for them to exit."""
        self._pool.stop()  # type: ignore[no-untyped-call]  # pebble leaves stop() unannotated
        self._pool.join()


def _check_size(body: bytes, limits: FeedLimits) -> None:
    if len(body) > limits.max_bytes:
        raise FeedTooLarge(f"That feed is too large to read (over {limits.max_bytes / 1e6:g} MB).")


def _too_large(limits: FeedLimits) -> str:
    return (
        "That feed is too large or complex to read "
        f"(it takes more than {limits.seconds:g} s to parse)."
    )


def _limit_memory(limit: int) -> None:
    """Worker initializer: past ``limit`` an allocation fails with ``MemoryError`` instead of
    the host swapping or the OOM killer picking a process."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
