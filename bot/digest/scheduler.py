"""The digest loop: every tick, post each channel's due digest exactly once.

``tick(now)`` is the whole algorithm and takes the time as an argument, so tests drive it with
a fake clock; ``run_forever`` only calls it on an interval. Exactly-once comes from the store's
run claim, not from this process, so any number of replicas can run the loop side by side.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.digest.parsing import FeedParse, parse_inline
from bot.digest.runner import DigestRun, RunResult, Summariser, run_digest
from bot.digest.schedule import due_run
from bot.digest.settings import DigestSettings
from bot.digest.sources import FeedFetcher
from bot.digest.store import ChannelSchedule, DigestStore
from bot.observability.metrics import DIGESTS_POSTED
from bot.slack.tenancy import team_scope

log = logging.getLogger(__name__)

OnPosted = Callable[[str], Awaitable[None]]
DigestJob = Callable[[str, str, datetime, DigestRun], Awaitable[RunResult]]
"""``job(channel_id, tz, now, run)``: build and post one channel's digest as of ``now``
(``run.save`` before posting, ``run.header_posted`` right after the header)."""

Clock = Callable[[], datetime]


def digest_job(
    *,
    client: Any,
    store: DigestStore,
    fetcher: FeedFetcher,
    summarise: Summariser,
    settings: DigestSettings,
    parse: FeedParse = parse_inline,
) -> DigestJob:
    """The production job: ``run_digest`` with its collaborators bound."""

    async def job(channel_id: str, tz: str, now: datetime, run: DigestRun) -> RunResult:
        return await run_digest(
            channel_id,
            client=client,
            store=store,
            fetcher=fetcher,
            summarise=summarise,
            settings=settings,
            now=now,
            tz=tz,
            parse=parse,
            run=run,
        )

    return job


@dataclass(frozen=True, slots=True)
class TickOutcome:
    channel_id: str
    local_date: date
    state: str  # posted | quiet | failed


class DigestScheduler:
    """Posts due digests; safe to run in several processes against one database."""

    def __init__(
        self,
        store: DigestStore,
        job: DigestJob,
        settings: DigestSettings,
        *,
        clock: Clock | None = None,
        owner: str | None = None,
    ) -> None:
        self._store = store
        self._job = job
        self._settings = settings
        self._clock = clock or (lambda: datetime.now(UTC))
        # Identifies this process in claims, so only the claimer can mark its run finished.
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._finished: set[tuple[str, date]] = set()  # skip re-claiming runs we know are done
        self._pruned_at: datetime | None = None

    async def tick(self, now: datetime | None = None) -> list[TickOutcome]:
        """Claim and run every digest due at ``now``; returns what this process did."""
        now = now or self._clock()
        limit = asyncio.Semaphore(max(1, self._settings.concurrency))

        async def one(entry: ChannelSchedule) -> TickOutcome | None:
            async with limit:
                return await self._run_if_due(entry, now)

        results = await asyncio.gather(*(one(e) for e in await self._store.all_schedules()))
        await self._prune(now)
        return [r for r in results if r is not None]

    async def _prune(self, now: datetime) -> None:
        # Once a day per process: seen items and shared links older than keep_seen go.
        if self._pruned_at and now - self._pruned_at < timedelta(days=1):
            return
        self._pruned_at = now
        await self._store.forget_before(now - self._settings.keep_seen)

    async def run_forever(self, stop: asyncio.Event, interval: float = 30.0) -> None:
        """Tick every ``interval`` seconds until ``stop`` is set; a failing tick is logged."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("digest tick failed")
            with contextlib.suppress(TimeoutError):  # the normal way to wait for the next tick
                await asyncio.wait_for(stop.wait(), timeout=interval)

    async def _run_if_due(self, entry: ChannelSchedule, now: datetime) -> TickOutcome | None:
        # Every decision in one pass (due, claim, finish, release) uses the pass's one ``now``:
        # mixing it with the real clock made a released claim unreachable to a test's next tick.
        due = due_run(entry.schedule, now, self._settings.catch_up)
        if due is None or (entry.channel_id, due.local_date) in self._finished:
            return None
        store, channel, day = self._store, entry.channel_id, due.local_date
        claimed = await store.claim_run(
            channel,
            day,
            self.owner,
            now,
            self._settings.claim_lease,
            self._settings.max_attempts,
        )
        if not claimed:
            return None
        claim = await store.run_state(channel, day)
        attempt = claim.attempts if claim else 1
        if attempt > 1:
            log.info("digest take-over: %s on %s, attempt %d", channel, day, attempt)
        else:
            log.info("digest claimed: %s on %s", channel, day)
        header: list[str] = []  # set once this run's header is out: never post another

        async def save(payload: str) -> None:
            await store.save_payload(channel, day, self.owner, payload, now)

        async def header_posted(ts: str) -> None:
            header.append(ts)
            await store.mark_header(channel, day, self.owner, ts, now)

        run = DigestRun(
            marker=f"{channel}/{day.isoformat()}",
            oldest=due.at - timedelta(minutes=1),
            payload=claim.payload if claim else None,
            header_ts=claim.message_ts if claim else None,
            save=save,
            header_posted=header_posted,
        )
        work = asyncio.create_task(self._job_in_scope(entry, now, run))
        keeper = asyncio.create_task(self._keep_lease(channel, day, work, header))
        try:
            result = await work
        except asyncio.CancelledError:
            this = asyncio.current_task()
            if this is not None and this.cancelling():
                raise  # shutdown: a take-over finishes the run (see _failed)
            return None  # the keeper stopped the work: another replica took the claim over
        except Exception as exc:
            return await self._failed(channel, day, now, header, exc)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
        state = "posted" if result.posted else "quiet"
        await store.finish_run(channel, day, self.owner, state, now, result.ts)
        self._finished.add((channel, day))
        if result.posted:
            log.info("digest posted: %s on %s (ts %s)", channel, day, result.ts)
        else:
            log.info("digest skipped, no new stories: %s on %s", channel, day)
        DIGESTS_POSTED.labels(state).inc()
        return TickOutcome(channel, day, state)

    async def _job_in_scope(
        self, entry: ChannelSchedule, now: datetime, run: DigestRun
    ) -> RunResult:
        with team_scope(entry.team_id):  # OAuth: post with this workspace's token
            return await self._job(entry.channel_id, entry.schedule.tz, now, run)

    async def _failed(
        self, channel: str, day: date, now: datetime, header: list[str], exc: Exception
    ) -> TickOutcome:
        store = self._store
        if header:
            # Something is in the channel: finishing it is the only retry allowed. Record it as
            # posted; if even that fails, the lease runs out and a take-over finds the header
            # (claim row or message metadata) and completes its thread, never a second header.
            log.error("digest for %s on %s failed after posting: %s", channel, day, exc)
            with contextlib.suppress(Exception):
                await store.finish_run(channel, day, self.owner, "posted", now, header[0])
                self._finished.add((channel, day))
            DIGESTS_POSTED.labels("posted").inc()
            return TickOutcome(channel, day, "posted")
        # Nothing posted: give the claim back at once; the next tick retries, up to max_attempts.
        log.error("digest for %s on %s failed", channel, day, exc_info=exc)
        DIGESTS_POSTED.labels("failed").inc()
        await store.release_run(channel, day, self.owner, now)
        return TickOutcome(channel, day, "failed")

    async def _keep_lease(
        self, channel: str, day: date, work: asyncio.Task[RunResult], header: list[str]
    ) -> None:
        """Renew the claim every third of its lease while the digest is built and posted, so a
        slow build is never taken over. Each renewal is its own decision, on the injected clock."""
        lease = self._settings.claim_lease
        while True:
            await asyncio.sleep(lease.total_seconds() / 3)
            try:
                renewed = await self._store.renew_run(
                    channel, day, self.owner, lease, self._clock()
                )
            except Exception:
                log.exception("could not renew the digest claim of %s on %s", channel, day)
                continue
            if not renewed:
                log.warning("digest claim of %s on %s was taken over", channel, day)
                if not header:  # the new owner posts it; stop before posting a second one
                    work.cancel()
                return
