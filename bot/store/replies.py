"""What became of each answered link, and what people said about the reply.

One ``slack_replies`` row per answer (a summary or a failure), keyed by the reply id the
buttons carry (the job marker, or a random id for explicit requests): the link, who asked, how
many bullets the message shows now, whether it came from the cache, and when the request
arrived and the reply was posted (both on the service's clock). ``slack_reply_votes`` holds one
vote per person per reply. Every write sets a state (never increments), so a click Slack
delivers twice, or two replicas handling one click, end in the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    String,
    case,
    delete,
    false,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base
from bot.store.dialect import conflict_insert

SUMMARY, FAILURE = "summary", "failure"
UP, DOWN = 1, -1


class ReplyRecord(Base):
    """One answer to one link."""

    __tablename__ = "slack_replies"

    reply_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(64))  # the request (a trigger id for /keypoints)
    url: Mapped[str] = mapped_column(String(2048))  # canonical: the cache key
    site: Mapped[str] = mapped_column(String(255), index=True)
    requester_id: Mapped[str] = mapped_column(String(32))
    base_bullets: Mapped[int] = mapped_column(Integer)  # asked for, or the default
    bullets: Mapped[int] = mapped_column(Integer)  # shown now (More / Fewer change it)
    kind: Mapped[str] = mapped_column(String(16))  # summary | failure
    reason: Mapped[str | None] = mapped_column(String(32))  # a failure's KeypointsError reason
    cached: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    received_at: Mapped[float] = mapped_column(Float)  # when the request was accepted
    created_at: Mapped[float] = mapped_column(Float, index=True)
    posted_at: Mapped[float | None] = mapped_column(Float)
    reply_ts: Mapped[str | None] = mapped_column(String(32))  # None: via response_url/ephemeral
    removed_at: Mapped[float | None] = mapped_column(Float)


class ReplyVote(Base):
    """One person's 👍 (+1) or 👎 (-1) on one reply."""

    __tablename__ = "slack_reply_votes"

    reply_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    vote: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[float] = mapped_column(Float)


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply as the buttons need it."""

    reply_id: str
    team_id: str
    channel_id: str
    message_ts: str
    url: str
    requester_id: str
    base_bullets: int
    bullets: int
    kind: str
    reply_ts: str | None
    removed: bool


@dataclass(frozen=True, slots=True)
class ReplyState:
    """What the message shows: bullets and vote counts (compared to see if it moved)."""

    bullets: int
    up: int
    down: int
    removed: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """A new answer to record (before it is posted)."""

    reply_id: str
    team_id: str
    channel_id: str
    message_ts: str
    url: str
    site: str
    requester_id: str
    bullets: int
    kind: str
    reason: str | None
    cached: bool
    received_at: float


async def record_outcome(engine: AsyncEngine, outcome: Outcome, *, now: float) -> None:
    """Remember the answer; a job re-taken after a crash keeps its first row."""
    table = ReplyRecord.__table__
    async with engine.begin() as conn:
        insert = conflict_insert(conn, table)  # type: ignore[arg-type]
        stmt = insert.values(
            reply_id=outcome.reply_id,
            team_id=outcome.team_id,
            channel_id=outcome.channel_id,
            message_ts=outcome.message_ts,
            url=outcome.url,
            site=outcome.site[:255],
            requester_id=outcome.requester_id,
            base_bullets=outcome.bullets,
            bullets=outcome.bullets,
            kind=outcome.kind,
            reason=outcome.reason,
            cached=outcome.cached,
            received_at=outcome.received_at,
            created_at=now,
        )
        await conn.execute(stmt.on_conflict_do_nothing(index_elements=["reply_id"]))


async def mark_posted(
    engine: AsyncEngine, reply_id: str, reply_ts: str | None, *, now: float
) -> None:
    """The answer reached Slack (``reply_ts`` of a visible post, else None)."""
    async with engine.begin() as conn:
        await conn.execute(
            update(ReplyRecord)
            .where(ReplyRecord.reply_id == reply_id)
            .values(posted_at=now, reply_ts=reply_ts)
        )


async def reply_of(engine: AsyncEngine, reply_id: str) -> Reply | None:
    """The reply a button belongs to, or None (unknown id)."""
    r = ReplyRecord
    stmt = select(
        r.reply_id, r.team_id, r.channel_id, r.message_ts, r.url, r.requester_id,
        r.base_bullets, r.bullets, r.kind, r.reply_ts, r.removed_at,
    ).where(r.reply_id == reply_id)  # fmt: skip
    async with engine.connect() as conn:
        row = (await conn.execute(stmt)).first()
    if row is None:
        return None
    return Reply(*row[:10], removed=row[10] is not None)


async def reply_state(engine: AsyncEngine, reply_id: str) -> ReplyState | None:
    """Bullets shown and the 👍/👎 counts, read in one go."""
    v = ReplyVote
    counts = select(
        func.coalesce(func.sum(case((v.vote == UP, 1), else_=0)), 0),
        func.coalesce(func.sum(case((v.vote == DOWN, 1), else_=0)), 0),
    ).where(v.reply_id == reply_id)
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(ReplyRecord.bullets, ReplyRecord.removed_at).where(
                    ReplyRecord.reply_id == reply_id
                )
            )
        ).first()
        if row is None:
            return None
        up, down = (await conn.execute(counts)).one()
    return ReplyState(int(row[0]), int(up), int(down), row[1] is not None)


@dataclass(frozen=True, slots=True)
class RecentSummary:
    """A summary as the App Home lists it."""

    url: str
    channel_id: str
    bullets: int
    posted_at: float


async def recent_summaries(
    engine: AsyncEngine, team_id: str, requester_id: str, *, limit: int = 10
) -> list[RecentSummary]:
    """The newest summaries ``requester_id`` asked for (or whose link they posted) in the
    workspace that reached Slack and were not removed, newest first."""
    r = ReplyRecord
    stmt = (
        select(r.url, r.channel_id, r.bullets, r.posted_at)
        .where(
            r.team_id == team_id,
            r.requester_id == requester_id,
            r.kind == SUMMARY,
            r.posted_at.is_not(None),
            r.removed_at.is_(None),
        )
        .order_by(r.posted_at.desc(), r.reply_id)
        .limit(limit)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(stmt)).all()
    return [RecentSummary(row[0], row[1], int(row[2]), float(row[3] or 0.0)) for row in rows]


async def set_bullets(engine: AsyncEngine, reply_id: str, bullets: int) -> None:
    """The message now shows ``bullets`` key points."""
    async with engine.begin() as conn:
        await conn.execute(
            update(ReplyRecord).where(ReplyRecord.reply_id == reply_id).values(bullets=bullets)
        )


async def set_vote(
    engine: AsyncEngine, reply_id: str, user_id: str, vote: int, *, now: float
) -> None:
    """``user_id``'s vote on the reply is now ``vote`` (replacing an earlier one)."""
    table = ReplyVote.__table__
    async with engine.begin() as conn:
        stmt = conflict_insert(conn, table).values(  # type: ignore[arg-type]
            reply_id=reply_id, user_id=user_id, vote=vote, updated_at=now
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["reply_id", "user_id"], set_={"vote": vote, "updated_at": now}
        )
        await conn.execute(stmt)


async def mark_removed(engine: AsyncEngine, reply_id: str, *, now: float) -> bool:
    """Mark the reply removed; False when it already was (a repeated click)."""
    async with engine.begin() as conn:
        result = await conn.execute(
            update(ReplyRecord)
            .where(ReplyRecord.reply_id == reply_id, ReplyRecord.removed_at.is_(None))
            .values(removed_at=now)
        )
    return bool(result.rowcount)


async def forget_replies_before(engine: AsyncEngine, cutoff: float) -> int:
    """Drop answers recorded before ``cutoff`` and their votes (the stats' horizon)."""
    old = select(ReplyRecord.reply_id).where(ReplyRecord.created_at < cutoff)
    async with engine.begin() as conn:
        await conn.execute(delete(ReplyVote).where(ReplyVote.reply_id.in_(old)))
        result = await conn.execute(delete(ReplyRecord).where(ReplyRecord.created_at < cutoff))
    return int(result.rowcount or 0)


async def forget_team_replies(engine: AsyncEngine, team_id: str) -> None:
    """A workspace uninstalled the app: its answers and votes go too."""
    ours = select(ReplyRecord.reply_id).where(ReplyRecord.team_id == team_id)
    async with engine.begin() as conn:
        await conn.execute(delete(ReplyVote).where(ReplyVote.reply_id.in_(ours)))
        await conn.execute(delete(ReplyRecord).where(ReplyRecord.team_id == team_id))
