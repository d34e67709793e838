"""Per-channel settings: whether links are summarised automatically (on unless turned off),
and whether auto mode's failures are shown to the channel (off: only the poster sees them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, Float, String, false, select
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
    public_failures: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


@dataclass(frozen=True, slots=True)
class ChannelChoices:
    auto: bool = AUTO_DEFAULT
    public_failures: bool = False  # auto mode's failures in the thread for all, not ephemeral


async def channel_choices(engine: AsyncEngine, team_id: str, channel_id: str) -> ChannelChoices:
    """The channel's settings (the defaults for a channel that never changed them)."""
    stmt = select(ChannelSettings.auto, ChannelSettings.public_failures).where(
        ChannelSettings.team_id == team_id, ChannelSettings.channel_id == channel_id
    )
    async with engine.connect() as conn:
        row = (await conn.execute(stmt)).first()
    return ChannelChoices() if row is None else ChannelChoices(bool(row[0]), bool(row[1]))


async def set_public_failures(
    engine: AsyncEngine, team_id: str, channel_id: str, public: bool, *, now: float
) -> None:
    """Show auto mode's failures to the whole channel (``public``) or to the poster only."""
    table = ChannelSettings.__table__
    async with engine.begin() as conn:
        stmt = conflict_insert(conn, table).values(  # type: ignore[arg-type]
            team_id=team_id,
            channel_id=channel_id,
            auto=AUTO_DEFAULT,
            public_failures=public,
            updated_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["team_id", "channel_id"],
            set_={"public_failures": public, "updated_at": now},
        )
        await conn.execute(stmt)


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
