"""Per-channel settings: whether links are summarised automatically (on unless turned off)."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, String, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base
from bot.store.dialect import conflict_insert

AUTO_DEFAULT = True


class ChannelSettings(Base):
    """Settings of one channel of one workspace."""

    __tablename__ = "slack_channel_settings"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    auto: Mapped[bool] = mapped_column(Boolean, default=AUTO_DEFAULT)
    updated_at: Mapped[float] = mapped_column(Float)


async def auto_enabled(engine: AsyncEngine, team_id: str, channel_id: str) -> bool:
    """Whether links posted in the channel get key points without being asked."""
    stmt = select(ChannelSettings.auto).where(
        ChannelSettings.team_id == team_id, ChannelSettings.channel_id == channel_id
    )
    async with engine.connect() as conn:
        value = (await conn.execute(stmt)).scalar_one_or_none()
    return AUTO_DEFAULT if value is None else bool(value)


async def set_auto(
    engine: AsyncEngine, team_id: str, channel_id: str, auto: bool, *, now: float
) -> None:
    """Turn automatic key points on or off for the channel."""
    table = ChannelSettings.__table__
    async with engine.begin() as conn:
        stmt = conflict_insert(conn, table).values(  # type: ignore[arg-type]
            team_id=team_id, channel_id=channel_id, auto=auto, updated_at=now
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["team_id", "channel_id"],
            set_={"auto": auto, "updated_at": now},
        )
        await conn.execute(stmt)
