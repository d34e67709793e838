"""Per-channel post pacing: Slack allows about one message per second per channel.

Posts to different channels go out in parallel; posts to one channel queue up behind each
other, each waiting until ``interval`` seconds have passed since the previous one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

_MAX_TRACKED_CHANNELS = 10_000


class ChannelPacer:
    """Spaces out posts per channel; use ``async with pacer.turn(channel_id): post(...)``."""

    def __init__(
        self,
        interval: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._locks: dict[str, asyncio.Lock] = {}
        self._last_post: dict[str, float] = {}

    @asynccontextmanager
    async def turn(self, channel_id: str) -> AsyncIterator[None]:
        """Wait for this channel's next slot, then hold it while the caller posts."""
        lock = self._locks.setdefault(channel_id, asyncio.Lock())
        async with lock:
            last = self._last_post.get(channel_id)
            if last is not None:
                wait = last + self.interval - self._clock()
                if wait > 0:
                    await self._sleep(wait)
            try:
                yield
            finally:
                self._last_post[channel_id] = self._clock()
            self._forget_idle()

    def _forget_idle(self) -> None:
        # Keep the maps bounded in a large workspace: a channel whose interval has passed and
        # that nobody waits on needs neither its lock nor its timestamp.
        if len(self._last_post) <= _MAX_TRACKED_CHANNELS:
            return
        now = self._clock()
        for channel, last in list(self._last_post.items()):
            lock = self._locks.get(channel)
            if now - last > self.interval and (lock is None or not lock.locked()):
                self._last_post.pop(channel, None)
                self._locks.pop(channel, None)
