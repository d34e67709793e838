"""Durable link jobs: created once, re-taken by exactly one sweeper after the lease, bounded."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fakes.clock import HandClock
from fakes.slack_harness import FakeSummariser, http_bot, simple_canonical
from fakes.stores import migrated_sqlite_and_postgres_engine  # noqa: F401  (the engine fixture)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from test_slack_service import RecordingReplier

from bot.slack.pacing import ChannelPacer
from bot.slack.replier import WebApiReplier
from bot.slack.service import KeypointsService, LinkRequest, ServiceOptions, job_marker
from bot.store import jobs

NOW = 1_900_000_000.0  # a fixed instant: stored times never depend on the date of the run
LEASE = 30.0
SPEC = jobs.JobSpec("T", "C", "1.0", "https://a.example/x", "https://a.example/x/", "1.0", "U", 2)


async def _state(engine: AsyncEngine, job_id: int) -> tuple[str, str, int]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(jobs.LinkJob.state, jobs.LinkJob.owner, jobs.LinkJob.attempts).where(
                    jobs.LinkJob.id == job_id
                )
            )
        ).one()
    return row[0], row[1], row[2]


async def test_job_is_created_once_per_message_link(engine: AsyncEngine) -> None:
    """Concurrent creations of the same (team, channel, message, url) yield one job."""
    results = await asyncio.gather(
        *(jobs.create_job(engine, SPEC, owner=f"r{i}", lease=60, now=NOW) for i in range(8))
    )
    created = [job for job in results if job is not None]
    assert len(created) == 1 and created[0].spec == SPEC and created[0].attempts == 1


async def test_live_lease_is_not_taken_and_expired_one_goes_to_one_sweeper(
    engine: AsyncEngine,
) -> None:
    """A job is re-taken only after its lease ran out, and then by exactly one of the sweepers."""
    job = await jobs.create_job(engine, SPEC, owner="dead", lease=30, now=NOW)
    assert job is not None
    args = {"lease": 30.0, "max_attempts": 3}
    assert await jobs.take_expired(engine, owner="a", now=NOW + 29, **args) == []
    later = NOW + 31
    taken = await asyncio.gather(
        *(jobs.take_expired(engine, owner=f"s{i}", now=later, **args) for i in range(6))
    )
    winners = [batch for batch in taken if batch]
    assert len(winners) == 1 and winners[0][0].id == job.id and winners[0][0].attempts == 2
    state, owner, attempts = await _state(engine, job.id)
    assert state == jobs.PENDING and owner.startswith("s") and attempts == 2
    assert (
        await jobs.finish_job(engine, job.id, "dead", now=later) is False
    )  # the old owner lost it
    assert await jobs.finish_job(engine, job.id, owner, now=later) is True
    assert (await _state(engine, job.id))[0] == jobs.DONE


async def test_job_that_keeps_dying_is_given_up_after_max_attempts(engine: AsyncEngine) -> None:
    """After max_attempts expired leases the job is marked failed and never taken again."""
    job = await jobs.create_job(engine, SPEC, owner="r0", lease=1, now=NOW)
    assert job is not None
    now = NOW
    for attempt in range(2, 4):
        now += 2
        (taken,) = await jobs.take_expired(engine, owner="r", lease=1, max_attempts=3, now=now)
        assert taken.attempts == attempt
    assert await jobs.take_expired(engine, owner="r", lease=1, max_attempts=3, now=now + 2) == []
    assert (await _state(engine, job.id))[0] == jobs.FAILED


async def test_sweep_finishes_a_dead_replicas_job_once(engine: AsyncEngine) -> None:
    """A job accepted by a replica that died is answered by another replica's sweep, once."""
    options, clock = ServiceOptions(job_lease=LEASE), HandClock(NOW)
    dead_replier, live_replier = RecordingReplier(), RecordingReplier()
    dead = KeypointsService(
        engine,
        FakeSummariser(),
        dead_replier,
        canonicalize=simple_canonical,
        pacer=ChannelPacer(0),
        options=options,
        owner="dead",
        clock=clock,
    )
    live = KeypointsService(
        engine,
        FakeSummariser(),
        live_replier,
        canonicalize=simple_canonical,
        pacer=ChannelPacer(0),
        options=options,
        owner="live",
        clock=clock,
    )
    request = LinkRequest("T", "C", "U", "5.0", "5.0", ("https://a.example/y",))
    (accepted,) = await dead.accept(request)  # accepted, then the replica "dies"
    clock.now += LEASE - 1
    assert await live.sweep() == 0  # lease still running
    clock.now += 2
    assert await live.sweep() == 1
    await live.drain(grace=5)
    assert [kind for kind, _ in live_replier.sent] == ["post"] and dead_replier.sent == []
    assert await live.sweep() == 0
    await live.answer(request)  # a late duplicate delivery creates nothing new
    assert len(live_replier.sent) == 1
    assert (await _state(engine, accepted.id))[:2] == (jobs.DONE, "live")


async def test_retaken_job_does_not_repost_a_reply_the_dead_replica_already_sent(
    tmp_path: Path,
) -> None:
    """A job whose reply was posted before its replica died is not posted again on retake."""
    clock = HandClock(NOW)
    async with http_bot(tmp_path, job_lease=LEASE) as h:
        live = h.bot.service
        live.clock = clock
        dead = KeypointsService(
            h.bot.engine, FakeSummariser(), WebApiReplier(h.bot.team_client),
            canonicalize=simple_canonical, pacer=ChannelPacer(0),
            options=ServiceOptions(job_lease=LEASE), owner="dead", clock=clock,
        )  # fmt: skip
        request = LinkRequest("TLOCAL", "C1", "U1", "7.0", "7.0", ("https://a.example/z",))
        h.slack.add_message("C1", {"type": "message", "ts": "7.0", "user": "U1", "text": "z"})
        (job,) = await dead.accept(request)
        await dead._answer_once(request, job.spec.posted_url, job_marker(job.spec))
        (first,) = h.slack.calls_to("chat.postMessage")
        assert first.args["metadata"]["event_payload"]["job"] == job_marker(job.spec)
        clock.now += LEASE + 1
        assert await live.sweep() == 1
        await h.settle()
        assert len(h.slack.calls_to("chat.postMessage")) == 1
        assert h.slack.calls_to("conversations.replies")
        assert (await _state(h.bot.engine, job.id))[0] == jobs.DONE
