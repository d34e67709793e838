"""Per-channel settings: whether links are summarised automatically (on unless turned off),
and whether auto mode's failures are shown to the channel (off: only the poster sees them).

Every write also bumps the one-row ``slack_settings_version`` in the same transaction
(``bump_version``), so each replica's in-memory copy (``bot.slack.channel_cache``) sees a
change by reading one small row, instead of reading the settings before every ack. A new
setting's writer must call ``bump_version(conn)`` too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, Float, Integer, String, false, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
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


class SettingsVersion(Base):
    """One row: a counter every settings write increments (replicas poll it)."""

    __tablename__ = "slack_settings_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer)


async def bump_version(conn: AsyncConnection) -> None:
    """In the writer's transaction: tell every replica the channel settings changed."""
    table = SettingsVersion.__table__
    stmt = conflict_insert(conn, table).values(id=1, version=1)  # type: ignore[arg-type]
    stmt = stmt.on_conflict_do_update(
        index_elements=["id"], set_={"version": SettingsVersion.version + 1}
    )
    await conn.execute(stmt)


async def settings_version(engine: AsyncEngine) -> int:
    """The current counter (0 before the first write)."""
    async with engine.connect() as conn:
        value = (
            await conn.execute(select(SettingsVersion.version).where(SettingsVersion.id == 1))
        ).scalar_one_or_none()
    return int(value or 0)


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


async def all_channel_choices(
    engine: AsyncEngine,
) -> tuple[int, dict[tuple[str, str], ChannelChoices]]:
    """The version and every channel that changed a setting, read in one transaction so the
    version matches the rows (channels not listed have the defaults)."""
    async with engine.begin() as conn:
        version = (
            await conn.execute(select(SettingsVersion.version).where(SettingsVersion.id == 1))
        ).scalar_one_or_none()
        rows = await conn.execute(
            select(
                ChannelSettings.team_id,
                ChannelSettings.channel_id,
                ChannelSettings.auto,
                ChannelSettings.public_failures,
            )
        )
        snapshot = {(r[0], r[1]): ChannelChoices(bool(r[2]), bool(r[3])) for r in rows}
    return int(version or 0), snapshot


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
        await bump_version(conn)


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
        await bump_version(conn)
