"""Acks first: background work waits (briefly) while Slack requests are being handled.

Everything runs on one event loop, so a reply being rendered, posted and recorded takes turns
with the requests Slack is waiting on. In a burst, the requests should win: ``serving()``
marks a request in flight, and background work calls ``wait_idle`` between its steps, which
returns once no request is in flight, or after ``limit`` seconds so a steady stream of
requests cannot starve the replies.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

MAX_YIELD_SECONDS = 0.5


class RequestPriority:
    """Counts the requests in flight; background work yields to them."""

    def __init__(self) -> None:
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @contextlib.contextmanager
    def serving(self) -> Iterator[None]:
        """Around the handling of one Slack request, up to its ack."""
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def wait_idle(self, limit: float = MAX_YIELD_SECONDS) -> None:
        """Return when no request is in flight, or after ``limit`` seconds at most."""
        if self._in_flight:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(limit):
                    await self._idle.wait()
