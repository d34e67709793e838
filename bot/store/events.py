"""Which Slack deliveries and which (message, link) pairs were already handled.

Slack retries deliveries (``X-Slack-Retry-Num``), echoes a message as ``message_changed`` after
an unfurl, and sends a mention both as ``message`` and ``app_mention``. Each handled thing is
claimed with an INSERT that a unique key makes succeed once, so exactly one reply goes out even
with several workers. (Links are claimed as durable jobs, in ``bot.store.jobs``.)
"""

from __future__ import annotations

from sqlalchemy import Float, String, delete
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base
from bot.store.dialect import conflict_insert
from bot.store.jobs import JobSpec, create_job, forget_finished_before


class ProcessedEvent(Base):
    """One Slack delivery (event id, or a trigger id for commands and shortcuts)."""

    __tablename__ = "slack_processed_events"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[float] = mapped_column(Float, index=True)


async def claim_event(engine: AsyncEngine, event_id: str, *, now: float) -> bool:
    """True the first time ``event_id`` is seen, False for every repeat."""
    table = ProcessedEvent.__table__
    async with engine.begin() as conn:
        stmt = (
            conflict_insert(conn, table)  # type: ignore[arg-type]
            .values(event_id=event_id, received_at=now)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(table.c.event_id)
        )
        return (await conn.execute(stmt)).first() is not None


async def claim_link(
    engine: AsyncEngine, team_id: str, channel_id: str, message_ts: str, url: str, *, now: float
) -> bool:
    """True the first time this link of this message is claimed, False afterwards (a bare
    ``create_job``: the job table's unique key is the claim)."""
    spec = JobSpec(team_id, channel_id, message_ts, url, url, None, "", None)
    return await create_job(engine, spec, owner="claim", lease=0.0, now=now) is not None


async def forget_older_than(engine: AsyncEngine, seconds: float, *, now: float) -> int:
    """Drop claims older than ``seconds`` (Slack stops retrying after minutes); rows removed."""
    cutoff = now - seconds
    async with engine.begin() as conn:
        a = await conn.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff))
    return int(a.rowcount or 0) + await forget_finished_before(engine, cutoff)
