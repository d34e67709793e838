"""Per-channel settings: whether links are summarised automatically (on unless turned off),
whether auto mode's failures are shown to the channel (off: only the poster sees them), the
shortest article auto mode answers, the sites it never / always answers, the default number
of key points, and whether only workspace admins may change these; and the people who opted
out of auto mode (``bot.store.filters`` has those two tables).

Every write also bumps the one-row ``slack_settings_version`` in the same transaction
(``bump_version``), so each replica's in-memory copy (``bot.slack.channel_cache``) sees a
change by reading one small row, instead of reading the settings before every ack. A new
setting's writer must call ``bump_version(conn)`` too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Boolean, Float, Integer, String, delete, false, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base
from bot.store.dialect import conflict_insert
from bot.store.filters import (
    ALWAYS,
    MAX_SITES_PER_CHANNEL,
    NEVER,
    BadSite,
    ChannelSite,
    SiteRules,
    UserOptOut,
)

AUTO_DEFAULT = True
CHANNEL_BULLETS = (3, 4, 5)  # the default counts a channel may choose
MAX_MIN_WORDS = 10_000  # the largest minimum article length a channel may set


class ChannelSettings(Base):
    """Settings of one channel of one workspace."""

    __tablename__ = "slack_channel_settings"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    auto: Mapped[bool] = mapped_column(Boolean, default=AUTO_DEFAULT)
    updated_at: Mapped[float] = mapped_column(Float)
    public_failures: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Auto mode: an article with fewer words gets no key points (0: no minimum).
    min_words: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Key points when a request names no count (NULL: the deployment's KEYPOINTS_BULLETS).
    bullets: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Only workspace admins and owners may change this channel's settings (else: its members).
    admins_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


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
    min_words: int = 0  # auto mode: shorter articles get no key points (0: no minimum)
    sites: SiteRules = field(default_factory=SiteRules)  # sites never / always answered
    bullets: int | None = None  # key points when none are asked for (None: the deployment's)
    admins_only: bool = False  # only workspace admins/owners may change these settings


_COLUMNS = (
    ChannelSettings.auto,
    ChannelSettings.public_failures,
    ChannelSettings.min_words,
    ChannelSettings.bullets,
    ChannelSettings.admins_only,
)


def _choices(row: Sequence[Any]) -> ChannelChoices:
    """A row of ``_COLUMNS`` (site rules are read separately)."""
    auto, public, words, bullets, admins_only = row
    return ChannelChoices(
        auto=bool(auto),
        public_failures=bool(public),
        min_words=int(words or 0),
        bullets=None if bullets is None else int(bullets),
        admins_only=bool(admins_only),
    )


async def channel_choices(engine: AsyncEngine, team_id: str, channel_id: str) -> ChannelChoices:
    """The channel's settings (the defaults for a channel that never changed them)."""
    async with engine.connect() as conn:
        _, channels, _ = await _read_settings(conn, team_id, channel_id)
    return channels.get((team_id, channel_id), ChannelChoices())


async def team_channel_choices(engine: AsyncEngine, team_id: str) -> dict[str, ChannelChoices]:
    """The workspace's channels that changed a setting, by channel id (site rules left out:
    the App Home lists only the per-channel switches)."""
    c = ChannelSettings
    stmt = select(c.channel_id, *_COLUMNS).where(c.team_id == team_id).order_by(c.channel_id)
    async with engine.connect() as conn:
        rows = (await conn.execute(stmt)).all()
    return {r[0]: _choices(r[1:]) for r in rows}


async def all_channel_choices(
    engine: AsyncEngine,
) -> tuple[int, dict[tuple[str, str], ChannelChoices], frozenset[tuple[str, str]]]:
    """The version, every channel that changed a setting (channels not listed have the
    defaults) and the (team, user) pairs that opted out, read in one transaction so the
    version matches the rows."""
    async with engine.begin() as conn:
        return await _read_settings(conn)


async def _read_settings(
    conn: AsyncConnection, team_id: str | None = None, channel_id: str | None = None
) -> tuple[int, dict[tuple[str, str], ChannelChoices], frozenset[tuple[str, str]]]:
    """Everything (or one channel's settings, without the opt-outs)."""
    version = (
        await conn.execute(select(SettingsVersion.version).where(SettingsVersion.id == 1))
    ).scalar_one_or_none()
    settings = select(ChannelSettings.team_id, ChannelSettings.channel_id, *_COLUMNS)
    sites = select(ChannelSite.team_id, ChannelSite.channel_id, ChannelSite.host, ChannelSite.rule)
    if team_id is not None:
        settings = settings.where(
            ChannelSettings.team_id == team_id, ChannelSettings.channel_id == channel_id
        )
        sites = sites.where(ChannelSite.team_id == team_id, ChannelSite.channel_id == channel_id)
    rules: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for r in await conn.execute(sites):
        rules.setdefault((r[0], r[1]), []).append((r[2], r[3]))
    snapshot = {(r[0], r[1]): _choices(r[2:]) for r in await conn.execute(settings)}
    for key, listed in rules.items():  # a channel may have rules and no settings row
        found = snapshot.get(key, ChannelChoices())
        snapshot[key] = replace(found, sites=SiteRules(tuple(sorted(listed))))
    opted_out: frozenset[tuple[str, str]] = frozenset()
    if team_id is None:
        rows = await conn.execute(select(UserOptOut.team_id, UserOptOut.user_id))
        opted_out = frozenset((r[0], r[1]) for r in rows)
    return int(version or 0), snapshot, opted_out


async def set_public_failures(
    engine: AsyncEngine, team_id: str, channel_id: str, public: bool, *, now: float
) -> None:
    """Show auto mode's failures to the whole channel (``public``) or to the poster only."""
    await _set_channel(engine, team_id, channel_id, now, public_failures=public)


async def _set_channel(
    engine: AsyncEngine, team_id: str, channel_id: str, now: float, **values: object
) -> None:
    """Upsert ``values`` into the channel's settings row (other columns keep their value, or
    their default on a new row) and bump the settings version in the same transaction."""
    table = ChannelSettings.__table__
    async with engine.begin() as conn:
        stmt = conflict_insert(conn, table).values(  # type: ignore[arg-type]
            team_id=team_id,
            channel_id=channel_id,
            **({"auto": AUTO_DEFAULT} | values),
            updated_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["team_id", "channel_id"],
            set_={**values, "updated_at": now},
        )
        await conn.execute(stmt)
        await bump_version(conn)


async def set_bullets(
    engine: AsyncEngine, team_id: str, channel_id: str, bullets: int | None, *, now: float
) -> None:
    """Key points for requests here that name no count (one of ``CHANNEL_BULLETS``; None:
    back to the deployment's default)."""
    assert bullets is None or bullets in CHANNEL_BULLETS
    await _set_channel(engine, team_id, channel_id, now, bullets=bullets)


async def set_admins_only(
    engine: AsyncEngine, team_id: str, channel_id: str, admins_only: bool, *, now: float
) -> None:
    """Whether only workspace admins and owners may change the channel's settings (the
    caller checked that the person asking is one)."""
    await _set_channel(engine, team_id, channel_id, now, admins_only=admins_only)


async def save_channel_settings(
    engine: AsyncEngine,
    team_id: str,
    channel_id: str,
    *,
    now: float,
    auto: bool,
    public_failures: bool,
    min_words: int,
    bullets: int | None,
    admins_only: bool | None = None,
) -> None:
    """Several switches at once (the App Home's form), in one transaction with one version
    bump: the same row the single-setting writers (the slash commands) write. ``admins_only``
    None leaves it as it is."""
    assert bullets is None or bullets in CHANNEL_BULLETS
    values: dict[str, object] = {
        "auto": auto,
        "public_failures": public_failures,
        "min_words": min_words,
        "bullets": bullets,
    }
    if admins_only is not None:
        values["admins_only"] = admins_only
    await _set_channel(engine, team_id, channel_id, now, **values)


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
    await _set_channel(engine, team_id, channel_id, now, auto=auto)


async def set_min_words(
    engine: AsyncEngine, team_id: str, channel_id: str, words: int, *, now: float
) -> None:
    """Auto mode answers only articles of at least ``words`` words here (0: any length)."""
    await _set_channel(engine, team_id, channel_id, now, min_words=words)


async def set_site_rule(
    engine: AsyncEngine, team_id: str, channel_id: str, host: str, rule: str, *, now: float
) -> None:
    """Links to ``host`` (a ``site_host``) and its subdomains are ``never`` or ``always``
    summarised automatically here; replaces the site's earlier rule."""
    assert rule in (NEVER, ALWAYS)
    table = ChannelSite.__table__
    mine = (ChannelSite.team_id == team_id) & (ChannelSite.channel_id == channel_id)
    async with engine.begin() as conn:
        counted = select(func.count()).select_from(ChannelSite).where(mine)
        count = (await conn.execute(counted)).scalar_one()
        exists = (
            await conn.execute(select(ChannelSite.host).where(mine, ChannelSite.host == host))
        ).first()
        if exists is None and count >= MAX_SITES_PER_CHANNEL:
            raise BadSite(
                f"This channel already lists {MAX_SITES_PER_CHANNEL} sites; remove some first."
            )
        stmt = conflict_insert(conn, table).values(  # type: ignore[arg-type]
            team_id=team_id, channel_id=channel_id, host=host, rule=rule, updated_at=now
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["team_id", "channel_id", "host"],
            set_={"rule": rule, "updated_at": now},
        )
        await conn.execute(stmt)
        await bump_version(conn)


async def remove_site_rule(engine: AsyncEngine, team_id: str, channel_id: str, host: str) -> bool:
    """Drop the site's rule here; whether it had one."""
    async with engine.begin() as conn:
        result = await conn.execute(
            delete(ChannelSite).where(
                ChannelSite.team_id == team_id,
                ChannelSite.channel_id == channel_id,
                ChannelSite.host == host,
            )
        )
        await bump_version(conn)
    return bool(result.rowcount)


async def set_opted_out(
    engine: AsyncEngine, team_id: str, user_id: str, opted_out: bool, *, now: float
) -> None:
    """The person's links are (or are again not) left alone by auto mode in the workspace."""
    async with engine.begin() as conn:
        if opted_out:
            stmt = conflict_insert(conn, UserOptOut.__table__).values(  # type: ignore[arg-type]
                team_id=team_id, user_id=user_id, updated_at=now
            )
            await conn.execute(stmt.on_conflict_do_nothing(index_elements=["team_id", "user_id"]))
        else:
            await conn.execute(
                delete(UserOptOut).where(
                    UserOptOut.team_id == team_id, UserOptOut.user_id == user_id
                )
            )
        await bump_version(conn)


async def is_opted_out(engine: AsyncEngine, team_id: str, user_id: str) -> bool:
    """Whether the person opted out of auto mode (read from the database)."""
    stmt = select(UserOptOut.user_id).where(
        UserOptOut.team_id == team_id, UserOptOut.user_id == user_id
    )
    async with engine.connect() as conn:
        return (await conn.execute(stmt)).first() is not None
