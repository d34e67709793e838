"""Per-channel pacing of posts."""

from __future__ import annotations

import asyncio
import itertools

from bot.slack.pacing import ChannelPacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


async def test_posts_in_one_channel_are_spaced_by_the_interval() -> None:
    """Three posts in one channel wait one interval each after the first."""
    clock = FakeClock()
    pacer = ChannelPacer(1.0, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        async with pacer.turn("C1"):
            pass
    assert clock.sleeps == [1.0, 1.0]


async def test_other_channels_do_not_wait() -> None:
    """A post in another channel, or after the interval has passed, does not wait."""
    clock = FakeClock()
    pacer = ChannelPacer(1.0, clock=clock, sleep=clock.sleep)
    async with pacer.turn("C1"):
        pass
    async with pacer.turn("C2"):
        pass
    clock.now += 5
    async with pacer.turn("C1"):
        pass
    assert clock.sleeps == []


async def test_concurrent_posts_queue_in_order_with_real_time() -> None:
    """Concurrent posts to one channel go out one at a time, at least `interval` apart."""
    pacer = ChannelPacer(0.05)
    loop = asyncio.get_running_loop()
    times: list[float] = []

    async def post() -> None:
        async with pacer.turn("C1"):
            times.append(loop.time())

    await asyncio.gather(*(post() for _ in range(4)))
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 4 and all(gap >= 0.045 for gap in gaps)
