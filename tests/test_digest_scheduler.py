"""The digest loop: exactly once per (channel, local date), catch-up, crash retry, replicas.

Runs against SQLite always and against PostgreSQL on 127.0.0.1:5432 when it is reachable
(each run in its own schema, dropped afterwards).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from fakes.stores import sqlite_and_postgres_engine  # noqa: F401  (the engine fixture)
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.digest.model import Digest
from bot.digest.runner import DigestRun, RunResult
from bot.digest.schedule import Schedule
from bot.digest.scheduler import DigestScheduler
from bot.digest.settings import DigestSettings
from bot.digest.store import DigestStore, utc_naive
from bot.store.db import make_engine

SETTINGS = DigestSettings(default_feeds=())
BERLIN_0830 = Schedule(time(8, 30), "Europe/Berlin", "daily")  # 07:30 UTC in winter
DUE = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)
DAY = date(2026, 11, 30)


class FakeJob:
    """Stands in for run_digest: records posts; can crash, fail, stay quiet or be slow."""

    def __init__(
        self,
        *,
        quiet: bool = False,
        fail_times: int = 0,
        delay: float = 0,
        gate: asyncio.Event | None = None,
    ) -> None:
        self.posts: list[str] = []
        self.quiet = quiet
        self.fail_times = fail_times
        self.delay = delay
        self.gate = gate  # when given, the build waits until the test sets it

    async def __call__(self, channel_id: str, tz: str, now: datetime, run: DigestRun) -> RunResult:
        await asyncio.sleep(self.delay)
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_times:
            self.fail_times -= 1
            raise RuntimeError("feed server exploded")
        digest = Digest(channel_id, DUE, (), new_stories=0 if self.quiet else 1)
        if self.quiet:
            return RunResult(digest, None)
        ts = f"ts-{len(self.posts)}"
        self.posts.append(channel_id)
        await run.header_posted(ts)
        return RunResult(digest, ts)


async def scheduled_store(engine: AsyncEngine) -> DigestStore:
    store = DigestStore(engine)
    await store.set_schedule("C1", "T1", BERLIN_0830, DUE - timedelta(days=1))
    return store


class StepClock:
    """A digest clock that only the test moves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def claim_expiring(store: DigestStore, at: datetime) -> bool:
    """Whether C1's claim for DAY exists and its lease runs out exactly ``at``."""
    claim = await store.run_state("C1", DAY)
    return claim is not None and claim.lease_expires_at == utc_naive(at)


async def until(condition: Callable[[], bool], within: float = 30.0) -> None:
    """Wait for ``condition``, checking every 10 ms; fail after ``within`` seconds."""
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 (a recording fake; nothing to await)
            await asyncio.sleep(0.01)


async def until_async(condition: Callable[[], Awaitable[bool]], within: float = 30.0) -> None:
    """``until`` for a condition that reads the database."""
    async with asyncio.timeout(within):
        while not await condition():  # noqa: ASYNC110 (polls the database)
            await asyncio.sleep(0.01)


async def test_due_digest_posts_once_across_many_ticks(engine: AsyncEngine) -> None:
    """Ticking every minute through the window posts one digest and records it as posted."""
    store = await scheduled_store(engine)
    job = FakeJob()
    scheduler = DigestScheduler(store, job, SETTINGS)
    for minute in range(-5, 130, 7):
        await scheduler.tick(DUE + timedelta(minutes=minute))
    assert job.posts == ["C1"]
    claim = await store.run_state("C1", DAY)
    assert claim is not None and claim.state == "posted" and claim.message_ts == "ts-0"


async def test_two_schedulers_on_one_database_post_once(engine: AsyncEngine) -> None:
    """Two replicas (own engines, own pools) ticking together on one database post once."""
    store = await scheduled_store(engine)
    job = FakeJob(delay=0.05)
    # A second engine on the same database: separate connections, like a second process.
    twin = make_engine(engine.url.render_as_string(hide_password=False))
    twin = twin.execution_options(**engine.get_execution_options())
    replicas = [
        DigestScheduler(DigestStore(engine), job, SETTINGS, owner="r1"),
        DigestScheduler(DigestStore(twin), job, SETTINGS, owner="r2"),
    ]
    try:
        for minute in (0, 0, 1, 2):
            now = DUE + timedelta(minutes=minute)
            await asyncio.gather(*(r.tick(now) for r in replicas))
    finally:
        await twin.dispose()
    assert job.posts == ["C1"]
    assert (await store.run_state("C1", DAY)).state == "posted"  # type: ignore[union-attr]


async def test_crash_between_claim_and_post_is_retried_after_lease(engine: AsyncEngine) -> None:
    """A claim left behind by a dead process is taken over once its lease expires."""
    store = await scheduled_store(engine)
    # The "dead" replica claimed the run, then the process died before posting.
    assert await store.claim_run("C1", DAY, "dead", DUE, SETTINGS.claim_lease, 3)
    job = FakeJob()
    survivor = DigestScheduler(store, job, SETTINGS, owner="survivor")
    await survivor.tick(DUE + timedelta(minutes=1))
    assert job.posts == []  # lease still held by the dead one
    await survivor.tick(DUE + SETTINGS.claim_lease + timedelta(seconds=1))
    assert job.posts == ["C1"]
    claim = await store.run_state("C1", DAY)
    assert claim is not None and claim.owner == "survivor" and claim.attempts == 2


async def test_failed_run_is_retried_then_given_up(engine: AsyncEngine) -> None:
    """A run that raises is released and retried next tick, up to max_attempts."""
    store = await scheduled_store(engine)
    job = FakeJob(fail_times=1)
    scheduler = DigestScheduler(store, job, SETTINGS)
    first = await scheduler.tick(DUE)
    second = await scheduler.tick(DUE + timedelta(minutes=1))
    assert [o.state for o in first + second] == ["failed", "posted"]
    assert job.posts == ["C1"]
    hopeless = FakeJob(fail_times=99)
    other = DigestScheduler(store, hopeless, SETTINGS)
    await store.set_schedule("C2", "T1", BERLIN_0830, DUE)
    states = [o.state for m in range(6) for o in await other.tick(DUE + timedelta(minutes=m))]
    assert states == ["failed"] * SETTINGS.max_attempts


async def test_missed_run_inside_window_posts_and_outside_window_skips(engine: AsyncEngine) -> None:
    """After downtime: 1 h late still posts; 3 h late (beyond the 2 h window) does not."""
    store = await scheduled_store(engine)
    job = FakeJob()
    await DigestScheduler(store, job, SETTINGS).tick(DUE + timedelta(hours=1))
    assert job.posts == ["C1"]
    late_job = FakeJob()
    await DigestScheduler(store, late_job, SETTINGS).tick(DUE + timedelta(days=1, hours=3))
    assert late_job.posts == []
    assert await store.run_state("C1", DAY + timedelta(days=1)) is None


async def test_quiet_run_is_recorded_and_not_rerun(engine: AsyncEngine) -> None:
    """A quiet day (too few stories) posts nothing and is not retried later that day."""
    store = await scheduled_store(engine)
    job = FakeJob(quiet=True)
    scheduler = DigestScheduler(store, job, SETTINGS)
    outcomes = [o for m in (0, 5, 10) for o in await scheduler.tick(DUE + timedelta(minutes=m))]
    assert [o.state for o in outcomes] == ["quiet"]
    assert (await store.run_state("C1", DAY)).state == "quiet"  # type: ignore[union-attr]


async def test_run_forever_stops_on_event(engine: AsyncEngine) -> None:
    """The loop ticks with its clock and exits promptly when asked to stop."""
    store = await scheduled_store(engine)
    job = FakeJob()
    scheduler = DigestScheduler(store, job, SETTINGS, clock=lambda: DUE)
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run_forever(stop, interval=3600))
    await until(lambda: bool(job.posts))  # the first tick, at once
    stop.set()
    await asyncio.wait_for(task, timeout=30)  # the stop ends the hour's wait, not its end
    assert job.posts == ["C1"]


async def test_tick_prunes_seen_items_older_than_retention(engine: AsyncEngine) -> None:
    """Seen items older than keep_seen are forgotten by the daily prune; recent ones stay."""
    store = await scheduled_store(engine)
    await store.remember_digest("C1", ["old"], [], DUE - timedelta(days=40))
    await store.remember_digest("C1", ["new"], [], DUE - timedelta(days=1))
    await DigestScheduler(store, FakeJob(), SETTINGS).tick(DUE)
    assert await store.seen_keys("C1", ["old", "new"]) == {"new"}


async def test_scheduler_across_berlin_spring_forward_posts_each_day_once(
    engine: AsyncEngine,
) -> None:
    """02:30 daily in Berlin over the spring-forward weekend: one post per day, none skipped."""
    store = DigestStore(engine)
    await store.set_schedule("C1", "T1", Schedule(time(2, 30), "Europe/Berlin", "daily"), DUE)
    job = FakeJob()
    scheduler = DigestScheduler(store, job, SETTINGS)
    start = datetime(2026, 3, 27, 22, 0, tzinfo=UTC)
    days = []
    for step in range(3 * 24 * 4):  # every 15 minutes for three days
        days += [o.local_date for o in await scheduler.tick(start + timedelta(minutes=15 * step))]
    assert days == [date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)]
    assert len(job.posts) == 3


async def test_slow_build_keeps_its_claim_by_renewing_the_lease(engine: AsyncEngine) -> None:
    """A build three times longer than the lease is never taken over: the owner renews it."""
    store = await scheduled_store(engine)
    lease = timedelta(seconds=0.6)  # renewed every 0.2 s (real time), judged by the clock below
    settings = dataclasses.replace(SETTINGS, claim_lease=lease)
    clock = StepClock(DUE)  # the digest's one clock, moved only here: load cannot expire a lease
    gate = asyncio.Event()
    slow, eager = FakeJob(gate=gate), FakeJob()
    owner = DigestScheduler(store, slow, settings, clock=clock, owner="slow")
    other = DigestScheduler(store, eager, settings, clock=clock, owner="other")
    building = asyncio.create_task(owner.tick())
    try:
        await until_async(lambda: claim_expiring(store, DUE + lease))
        for _ in range(6):  # three leases of the digest's time, half a lease at a step
            clock.now += lease / 2
            # Renewed on the injected clock: the claim now runs to this step's time + lease ...
            await until_async(lambda: claim_expiring(store, clock.now + lease))
            assert await other.tick() == []  # ... so the other replica cannot take it over
    finally:
        gate.set()
    assert [o.state for o in await building] == ["posted"]
    assert slow.posts == ["C1"] and eager.posts == []
    claim = await store.run_state("C1", DAY)
    assert claim is not None and claim.owner == "slow" and claim.attempts == 1


async def test_failure_after_the_header_never_posts_a_second_one(engine: AsyncEngine) -> None:
    """A job that raises after its header went out is recorded as posted, not retried."""
    store = await scheduled_store(engine)

    class FailsAfterHeader(FakeJob):
        async def __call__(
            self, channel_id: str, tz: str, now: datetime, run: DigestRun
        ) -> RunResult:
            self.posts.append(channel_id)
            await run.header_posted(f"ts-{len(self.posts)}")
            raise RuntimeError("database trigger says no")

    job = FailsAfterHeader()
    scheduler = DigestScheduler(store, job, SETTINGS)
    states = [o.state for m in range(4) for o in await scheduler.tick(DUE + timedelta(minutes=m))]
    assert job.posts == ["C1"] and states == ["posted"]
    claim = await store.run_state("C1", DAY)
    assert claim is not None and claim.state == "posted" and claim.message_ts == "ts-1"


async def test_claims_posts_skips_and_take_overs_are_logged_at_info(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    """One INFO line each for a claim, a post, a quiet skip and a take-over."""
    store = await scheduled_store(engine)
    await store.set_schedule("C2", "T1", BERLIN_0830, DUE)
    await store.claim_run("C2", DAY, "dead", DUE, SETTINGS.claim_lease, 3)
    caplog.set_level(logging.INFO, logger="bot.digest.scheduler")
    await DigestScheduler(store, FakeJob(), SETTINGS).tick(DUE + SETTINGS.claim_lease)
    await store.set_schedule("C3", "T1", BERLIN_0830, DUE)
    await DigestScheduler(store, FakeJob(quiet=True), SETTINGS).tick(DUE + SETTINGS.claim_lease)
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert "digest claimed: C1 on 2026-11-30" in lines
    assert "digest take-over: C2 on 2026-11-30, attempt 2" in lines
    assert any(line.startswith("digest posted: C1 on 2026-11-30") for line in lines)
    assert "digest skipped, no new stories: C3 on 2026-11-30" in lines
