"""Durable link jobs: "reply to this link of this message", written before Slack gets its ack.

A job is created ``pending`` with a lease owned by the replica that accepted it; the unique key
(team, channel, message, canonical URL) makes the creation succeed once, however many times
Slack delivers the message and however many replicas receive it. The owner marks it ``done``
after posting. If the owner dies first, the lease runs out and a periodic sweep in any replica
re-takes the job with one conditional UPDATE (so exactly one replica wins), up to a bounded
number of attempts; a job that used them all becomes ``failed``. A live owner renews its lease
while it works, so a slow page is never mistaken for a dead replica.

When Slack itself fails (rate limits, 5xx, a network outage) the owner ``postpone``s the job:
it stays pending, unowned, until a later time, and the sweep takes it again then. Such a retry
is not a crashed attempt, so it does not count towards ``max_attempts``; the caller bounds the
retries by the job's age instead. A finished job keeps the ``reply_ts`` of the bot's reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    String,
    UniqueConstraint,
    delete,
    false,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base
from bot.store.dialect import conflict_insert

PENDING, DONE, FAILED = "pending", "done", "failed"
CANCELLED = "cancelled"  # the message was deleted before its reply was posted


class LinkJob(Base):
    """One link of one message, to be answered once."""

    __tablename__ = "slack_link_jobs"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "message_ts", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(String(2048))  # canonical: the dedupe key
    posted_url: Mapped[str] = mapped_column(String(2048))  # as the user wrote it
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    bullets: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), index=True)
    owner: Mapped[str] = mapped_column(String(128))
    lease_expires_at: Mapped[float] = mapped_column(Float, index=True)
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[float] = mapped_column(Float, index=True)
    updated_at: Mapped[float] = mapped_column(Float)
    reply_ts: Mapped[str | None] = mapped_column(String(32))  # the bot's reply, once posted
    # An auto-mode job: failures go to the poster alone (ephemeral), not to the thread.
    quiet: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Auto mode: the channel's minimum article length when the link was posted (None: none).
    min_words: Mapped[int | None] = mapped_column(Integer)


@dataclass(frozen=True, slots=True)
class JobSpec:
    """What a job needs to be finished by any replica."""

    team_id: str
    channel_id: str
    message_ts: str
    url: str  # canonical
    posted_url: str
    thread_ts: str | None
    user_id: str
    bullets: int | None
    quiet: bool = False  # auto mode: failures are told only to the poster
    min_words: int | None = None  # auto mode: a shorter article gets no key points


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    spec: JobSpec
    attempts: int
    created_at: float = 0.0


@dataclass(frozen=True, slots=True)
class JobState:
    """What became of a link of a message: its state and the bot's reply, if posted."""

    id: int
    url: str
    state: str
    bullets: int | None
    reply_ts: str | None


async def create_job(
    engine: AsyncEngine, spec: JobSpec, *, owner: str, lease: float, now: float
) -> Job | None:
    """The new job, leased to ``owner``; None when this link of this message already has one."""
    created = await create_jobs(engine, [spec], owner=owner, lease=lease, now=now)
    return created[0] if created else None


async def create_jobs(
    engine: AsyncEngine, specs: Sequence[JobSpec], *, owner: str, lease: float, now: float
) -> list[Job]:
    """``create_job`` for all the links of one message in one transaction (one commit before
    Slack's ack, however many links): the jobs that were new, in the order of ``specs``."""
    table = LinkJob.__table__
    created: list[Job] = []
    if not specs:
        return created
    async with engine.begin() as conn:
        for spec in specs:  # one statement each: RETURNING tells which rows were new
            stmt = (
                conflict_insert(conn, table)  # type: ignore[arg-type]
                .values(
                    team_id=spec.team_id,
                    channel_id=spec.channel_id,
                    message_ts=spec.message_ts,
                    url=spec.url,
                    posted_url=spec.posted_url,
                    thread_ts=spec.thread_ts,
                    user_id=spec.user_id,
                    bullets=spec.bullets,
                    quiet=spec.quiet,
                    min_words=spec.min_words,
                    state=PENDING,
                    owner=owner,
                    lease_expires_at=now + lease,
                    attempts=1,
                    created_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing(
                    index_elements=["team_id", "channel_id", "message_ts", "url"]
                )
                .returning(table.c.id)
            )
            job_id = (await conn.execute(stmt)).scalar_one_or_none()
            if job_id is not None:
                created.append(Job(int(job_id), spec, 1, now))
    return created


async def finish_job(
    engine: AsyncEngine,
    job_id: int,
    owner: str,
    *,
    state: str = DONE,
    reply_ts: str | None = None,
    now: float,
) -> bool:
    """Mark the job finished if ``owner`` still holds it; False if another replica took it."""
    return await _update_if_owned(
        engine, job_id, owner, state=state, reply_ts=reply_ts, updated_at=now
    )


async def postpone(
    engine: AsyncEngine, job_id: int, owner: str, *, until: float, now: float
) -> bool:
    """Slack failed for a while: leave the job pending, unowned, for a sweep after ``until``.
    The attempt is given back (``take_expired`` counts it again): an outage is no crash."""
    return await _update_if_owned(
        engine,
        job_id,
        owner,
        owner="",
        lease_expires_at=until,
        attempts=LinkJob.attempts - 1,
        updated_at=now,
    )


async def jobs_of_message(
    engine: AsyncEngine, team_id: str, channel_id: str, message_ts: str
) -> list[JobState]:
    """Every link job of one message, in the order they were accepted."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(LinkJob.id, LinkJob.url, LinkJob.state, LinkJob.bullets, LinkJob.reply_ts)
            .where(
                LinkJob.team_id == team_id,
                LinkJob.channel_id == channel_id,
                LinkJob.message_ts == message_ts,
            )
            .order_by(LinkJob.id)
        )
        return [JobState(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows]


async def cancel_pending(
    engine: AsyncEngine, team_id: str, channel_id: str, message_ts: str, *, now: float
) -> int:
    """The message was deleted: its jobs not yet answered are dropped; how many."""
    async with engine.begin() as conn:
        result = await conn.execute(
            update(LinkJob)
            .where(
                LinkJob.team_id == team_id,
                LinkJob.channel_id == channel_id,
                LinkJob.message_ts == message_ts,
                LinkJob.state == PENDING,
            )
            .values(state=CANCELLED, updated_at=now)
        )
    return int(result.rowcount or 0)


async def is_pending(engine: AsyncEngine, job_id: int) -> bool:
    """Still to be answered (not finished, failed or cancelled by a deletion)?"""
    async with engine.connect() as conn:
        state = (
            await conn.execute(select(LinkJob.state).where(LinkJob.id == job_id))
        ).scalar_one_or_none()
    return state == PENDING


async def renew_lease(
    engine: AsyncEngine, job_id: int, owner: str, lease: float, *, now: float
) -> bool:
    """Extend the lease of a job ``owner`` is still working on; False if it lost the job."""
    return await _update_if_owned(
        engine, job_id, owner, lease_expires_at=now + lease, updated_at=now
    )


async def _update_if_owned(engine: AsyncEngine, job_id: int, holder: str, **values: Any) -> bool:
    """Update a pending job only while ``holder`` owns it; False once another replica took it."""
    async with engine.begin() as conn:
        result = await conn.execute(
            update(LinkJob)
            .where(LinkJob.id == job_id, LinkJob.owner == holder, LinkJob.state == PENDING)
            .values(**values)
        )
    return bool(result.rowcount)


async def take_expired(
    engine: AsyncEngine,
    *,
    owner: str,
    lease: float,
    max_attempts: int,
    limit: int = 20,
    now: float,
) -> list[Job]:
    """Re-take pending jobs whose lease ran out (their replica died); each goes to one caller.

    Jobs that already used ``max_attempts`` are marked ``failed`` instead: a link that crashes
    every replica that tries it must not take them all down in turn, forever."""
    expired = (LinkJob.state == PENDING) & (LinkJob.lease_expires_at <= now)
    async with engine.begin() as conn:
        await conn.execute(
            update(LinkJob)
            .where(expired, LinkJob.attempts >= max_attempts)
            .values(state=FAILED, updated_at=now)
        )
    taken: list[Job] = []
    # One job per statement: the WHERE re-checks the lease, so of several replicas sweeping at
    # once exactly one updates the row (the others match nothing) without explicit locks.
    for _ in range(limit):
        async with engine.begin() as conn:
            candidate = (
                await conn.execute(
                    LinkJob.__table__.select()
                    .with_only_columns(LinkJob.id)
                    .where(expired, LinkJob.attempts < max_attempts)
                    .order_by(LinkJob.lease_expires_at, LinkJob.id)
                    .limit(1)
                )
            ).scalar_one_or_none()
            if candidate is None:
                break
            row = (
                (
                    await conn.execute(
                        update(LinkJob)
                        .where(LinkJob.id == candidate, expired, LinkJob.attempts < max_attempts)
                        .values(
                            owner=owner,
                            lease_expires_at=now + lease,
                            attempts=LinkJob.attempts + 1,
                            updated_at=now,
                        )
                        .returning(*LinkJob.__table__.c)
                    )
                )
                .mappings()
                .first()
            )
        if row is not None:
            taken.append(_job(row))
    return taken


async def forget_finished_before(engine: AsyncEngine, cutoff: float) -> int:
    """Drop jobs created before ``cutoff`` that are no longer pending; rows removed."""
    async with engine.begin() as conn:
        result = await conn.execute(
            delete(LinkJob).where(LinkJob.created_at < cutoff, LinkJob.state != PENDING)
        )
    return int(result.rowcount or 0)


def _job(row: object) -> Job:
    r = dict(row)  # type: ignore[call-overload]
    spec = JobSpec(
        team_id=r["team_id"],
        channel_id=r["channel_id"],
        message_ts=r["message_ts"],
        url=r["url"],
        posted_url=r["posted_url"],
        thread_ts=r["thread_ts"],
        user_id=r["user_id"],
        bullets=r["bullets"],
        quiet=bool(r["quiet"]),
        min_words=r["min_words"],
    )
    return Job(int(r["id"]), spec, int(r["attempts"]), float(r["created_at"]))
