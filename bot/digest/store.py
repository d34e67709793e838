"""Digest tables and the queries on them (the store edge; everything else stays pure).

Tables: channel feeds, per-channel feed validators (ETag/Last-Modified), schedules, seen items,
links shared in channels, and run claims. A run claim is the exactly-once guard: one row per
(channel, local date), inserted with ON CONFLICT DO NOTHING before anything is posted. The row
goes ``claimed`` → ``posted`` (or ``quiet``); a claim whose lease ran out without either is
taken over by a single conditional UPDATE, so a crash between claim and post is retried, and
only one of several replicas ever wins the claim.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Integer,
    String,
    Text,
    delete,
    false,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.digest.model import FeedState
from bot.digest.schedule import Schedule, parse_time
from bot.digest.stories import KeywordFilters
from bot.slack.tenancy import CURRENT_TEAM
from bot.store.db import Base, make_sessionmaker

URL = String(2048)
ID = String(64)


class ChannelFeed(Base):
    """A feed a channel subscribed to with ``feed add``."""

    __tablename__ = "digest_channel_feeds"
    channel_id: Mapped[str] = mapped_column(ID, primary_key=True)
    url: Mapped[str] = mapped_column(URL, primary_key=True)
    added_by: Mapped[str | None] = mapped_column(ID)
    added_at: Mapped[datetime] = mapped_column(DateTime)
    team_id: Mapped[str | None] = mapped_column(ID, index=True)  # so uninstall can find it


class FeedFetchState(Base):
    """ETag/Last-Modified per (channel, feed): a 304 means "nothing new *for this channel*"."""

    __tablename__ = "digest_feed_states"
    channel_id: Mapped[str] = mapped_column(ID, primary_key=True)
    url: Mapped[str] = mapped_column(URL, primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    # Consecutive digests in which the feed could not be read, and whether the channel was told.
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    failing_since: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(512))
    told: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DigestSchedule(Base):
    """When a channel wants its digest."""

    __tablename__ = "digest_schedules"
    channel_id: Mapped[str] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str | None] = mapped_column(ID)
    at_time: Mapped[str] = mapped_column(String(5))  # "HH:MM", local wall time
    tz: Mapped[str] = mapped_column(String(64))
    days: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ChannelFilter(Base):
    """A word a channel's digest requires (``include``) or refuses (``exclude``)."""

    __tablename__ = "digest_channel_filters"
    channel_id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # include | exclude
    word: Mapped[str] = mapped_column(ID, primary_key=True)  # lower case
    team_id: Mapped[str | None] = mapped_column(ID)  # so uninstall can find it


class SeenItem(Base):
    """An item (GUID or URL key) already posted in a channel's digest."""

    __tablename__ = "digest_seen_items"
    channel_id: Mapped[str] = mapped_column(ID, primary_key=True)
    item_key: Mapped[str] = mapped_column(URL, primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class SharedLink(Base):
    """A link someone posted in a channel, recorded live from the message event."""

    __tablename__ = "digest_shared_links"
    channel_id: Mapped[str] = mapped_column(ID, primary_key=True)
    message_ts: Mapped[str] = mapped_column(ID, primary_key=True)
    url: Mapped[str] = mapped_column(URL, primary_key=True)
    team_id: Mapped[str | None] = mapped_column(ID)
    user_id: Mapped[str | None] = mapped_column(ID)
    shared_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class RunClaim(Base):
    """One digest run, (channel, local date); its existence is the exactly-once guard."""

    __tablename__ = "digest_runs"
    channel_id: Mapped[str] = mapped_column(ID, primary_key=True)
    local_date: Mapped[date] = mapped_column(Date, primary_key=True)
    state: Mapped[str] = mapped_column(String(16))  # claimed | posted | quiet | failed
    owner: Mapped[str] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    message_ts: Mapped[str | None] = mapped_column(ID)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # The rendered digest (JSON), saved before the header is posted: a take-over finishes it.
    payload: Mapped[str | None] = mapped_column(Text)
    posted_at: Mapped[datetime | None] = mapped_column(DateTime)  # when the header went out


@dataclass(frozen=True, slots=True)
class ChannelSchedule:
    channel_id: str
    team_id: str | None
    schedule: Schedule


@dataclass(frozen=True, slots=True)
class SharedLinkRecord:
    url: str
    user_id: str | None
    shared_at: datetime  # aware UTC


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """A feed's failing streak in one channel."""

    failures: int  # consecutive digests it could not be read in
    since: datetime | None
    last_error: str
    told: bool  # the channel was told about this streak


def utc_naive(instant: datetime) -> datetime:
    """Stored form of an instant: naive UTC (the same on SQLite and Postgres)."""
    return instant.astimezone(UTC).replace(tzinfo=None)


def from_naive(stored: datetime) -> datetime:
    return stored.replace(tzinfo=UTC)


class DigestStore:
    """All digest reads and writes; one short transaction per method."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = make_sessionmaker(engine)
        self._dialect = engine.dialect.name

    # -- feeds -----------------------------------------------------------------------------
    async def add_feed(self, channel_id: str, url: str, user_id: str | None, now: datetime) -> bool:
        """Subscribe the channel to ``url``; False if it already was."""
        row: dict[str, object] = {
            "channel_id": channel_id,
            "url": url,
            "added_by": user_id,
            "added_at": utc_naive(now),
            "team_id": CURRENT_TEAM.get(),  # the command's workspace (see bot.slack.tenancy)
        }
        return await self._insert_ignore(ChannelFeed, row)

    async def remove_feed(self, channel_id: str, url: str) -> bool:
        """Unsubscribe; False if the channel did not have that feed."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(ChannelFeed).where(
                    ChannelFeed.channel_id == channel_id, ChannelFeed.url == url
                )
            )
            await session.execute(
                delete(FeedFetchState).where(
                    FeedFetchState.channel_id == channel_id, FeedFetchState.url == url
                )
            )
        return bool(result.rowcount)

    async def list_feeds(self, channel_id: str) -> list[str]:
        """The channel's own feeds, oldest first (empty: it uses the default list)."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(ChannelFeed.url)
                .where(ChannelFeed.channel_id == channel_id)
                .order_by(ChannelFeed.added_at, ChannelFeed.url)
            )
            return list(rows)

    async def feed_states(self, channel_id: str) -> dict[str, FeedState]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(FeedFetchState).where(FeedFetchState.channel_id == channel_id)
            )
            return {r.url: FeedState(r.url, r.etag, r.last_modified) for r in rows}

    # -- keyword filters -------------------------------------------------------------------
    async def add_filter(self, channel_id: str, kind: str, word: str) -> bool:
        """Require (``include``) or refuse (``exclude``) ``word``; False if already set."""
        row: dict[str, object] = {
            "channel_id": channel_id,
            "kind": kind,
            "word": word.lower(),
            "team_id": CURRENT_TEAM.get(),
        }
        return await self._insert_ignore(ChannelFilter, row)

    async def clear_filters(self, channel_id: str) -> int:
        """Drop every keyword filter of the channel; how many there were."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(ChannelFilter).where(ChannelFilter.channel_id == channel_id)
            )
        return int(result.rowcount)

    async def filters(self, channel_id: str) -> KeywordFilters:
        async with self._sessions() as session:
            rows = list(
                await session.scalars(
                    select(ChannelFilter)
                    .where(ChannelFilter.channel_id == channel_id)
                    .order_by(ChannelFilter.word)
                )
            )
        return KeywordFilters(
            include=tuple(r.word for r in rows if r.kind == "include"),
            exclude=tuple(r.word for r in rows if r.kind == "exclude"),
        )

    # -- schedules -------------------------------------------------------------------------
    async def set_schedule(
        self, channel_id: str, team_id: str | None, schedule: Schedule, now: datetime
    ) -> None:
        async with self._sessions.begin() as session:
            await session.merge(
                DigestSchedule(
                    channel_id=channel_id,
                    team_id=team_id,
                    at_time=f"{schedule.at:%H:%M}",
                    tz=schedule.tz,
                    days=schedule.days_code,
                    updated_at=utc_naive(now),
                )
            )

    async def clear_schedule(self, channel_id: str) -> bool:
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(DigestSchedule).where(DigestSchedule.channel_id == channel_id)
            )
        return bool(result.rowcount)

    async def get_schedule(self, channel_id: str) -> Schedule | None:
        async with self._sessions() as session:
            row = await session.get(DigestSchedule, channel_id)
            return _schedule(row) if row else None

    async def all_schedules(self) -> list[ChannelSchedule]:
        async with self._sessions() as session:
            rows = await session.scalars(select(DigestSchedule).order_by(DigestSchedule.channel_id))
            return [ChannelSchedule(r.channel_id, r.team_id, _schedule(r)) for r in rows]

    # -- shared links ----------------------------------------------------------------------
    async def record_shared_links(
        self,
        team_id: str | None,
        channel_id: str,
        user_id: str | None,
        message_ts: str,
        urls: Iterable[str],
        now: datetime,
    ) -> int:
        """Remember links posted in a channel; repeats of the same event are ignored."""
        added = 0
        for url in dict.fromkeys(urls):
            row: dict[str, object] = {
                "channel_id": channel_id,
                "message_ts": message_ts,
                "url": url,
                "team_id": team_id,
                "user_id": user_id,
                "shared_at": utc_naive(now),
            }
            added += await self._insert_ignore(SharedLink, row)
        return added

    async def shared_links(self, channel_id: str, since: datetime) -> list[SharedLinkRecord]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(SharedLink)
                .where(
                    SharedLink.channel_id == channel_id, SharedLink.shared_at >= utc_naive(since)
                )
                .order_by(SharedLink.shared_at)
            )
            return [SharedLinkRecord(r.url, r.user_id, from_naive(r.shared_at)) for r in rows]

    # -- seen items ------------------------------------------------------------------------
    async def seen_keys(self, channel_id: str, keys: Iterable[str]) -> set[str]:
        """The subset of ``keys`` already posted in this channel."""
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        async with self._sessions() as session:
            for start in range(0, len(wanted), 500):  # stay under SQLite's bound-parameter cap
                chunk = wanted[start : start + 500]
                found.update(
                    await session.scalars(
                        select(SeenItem.item_key).where(
                            SeenItem.channel_id == channel_id, SeenItem.item_key.in_(chunk)
                        )
                    )
                )
        return found

    async def remember_digest(
        self,
        channel_id: str,
        keys: Iterable[str],
        feed_states: Sequence[FeedState],
        now: datetime,
    ) -> None:
        """After a post: mark its items seen and keep the feeds' new validators."""
        rows = [
            {"channel_id": channel_id, "item_key": key, "seen_at": utc_naive(now)}
            for key in dict.fromkeys(keys)
        ]
        async with self._sessions.begin() as session:
            for start in range(0, len(rows), 200):  # 3 parameters a row, under SQLite's cap
                await self._insert_ignore_in(session, SeenItem, rows[start : start + 200])
            for state in feed_states:
                await session.merge(
                    FeedFetchState(
                        channel_id=channel_id,
                        url=state.url,
                        etag=state.etag,
                        last_modified=state.last_modified,
                    )
                )

    async def feed_health(self, channel_id: str) -> dict[str, FeedHealth]:
        """Failing streaks of the channel's feeds (only feeds that failed last time)."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(FeedFetchState).where(
                    FeedFetchState.channel_id == channel_id, FeedFetchState.failures > 0
                )
            )
            return {
                r.url: FeedHealth(
                    r.failures,
                    from_naive(r.failing_since) if r.failing_since else None,
                    r.last_error or "",
                    r.told,
                )
                for r in rows
            }

    async def record_feed_health(
        self,
        channel_id: str,
        read: Iterable[str],
        failed: Mapping[str, str],
        told: Iterable[str],
        now: datetime,
    ) -> None:
        """After a post: reset the streak of feeds that were read, lengthen the others', and
        remember which failing feeds the channel has now been told about."""
        told_urls = set(told)
        async with self._sessions.begin() as session:
            for url in dict.fromkeys(read):
                await session.execute(
                    update(FeedFetchState)
                    .where(FeedFetchState.channel_id == channel_id, FeedFetchState.url == url)
                    .values(failures=0, failing_since=None, last_error=None, told=False)
                )
            for url, reason in failed.items():
                row = await session.get(FeedFetchState, (channel_id, url))
                if row is None:
                    row = FeedFetchState(channel_id=channel_id, url=url, failures=0, told=False)
                    session.add(row)
                row.failures = (row.failures or 0) + 1
                row.failing_since = row.failing_since or utc_naive(now)
                row.last_error = reason[:512]
                row.told = bool(row.told) or url in told_urls

    async def forget_before(self, before: datetime) -> None:
        """Drop seen items and shared links older than ``before`` (keeps the tables small)."""
        async with self._sessions.begin() as session:
            await session.execute(delete(SeenItem).where(SeenItem.seen_at < utc_naive(before)))
            await session.execute(
                delete(SharedLink).where(SharedLink.shared_at < utc_naive(before))
            )

    async def forget_team(self, team_id: str, channels: Iterable[str] = ()) -> set[str]:
        """Delete everything the digest keeps for the workspace's channels (its schedules,
        feeds, shared links, runs); ``channels`` adds channels known elsewhere. Returns them."""
        tables: tuple[type[Base], ...] = (DigestSchedule, SharedLink, ChannelFeed, ChannelFilter)
        wanted = set(channels)
        async with self._sessions.begin() as session:
            for table in tables:
                column = table.__table__.c
                wanted.update(
                    await session.scalars(
                        select(column.channel_id).where(column.team_id == team_id).distinct()
                    )
                )
            by_channel = (
                ChannelFeed,
                ChannelFilter,
                FeedFetchState,
                DigestSchedule,
                SeenItem,
                SharedLink,
                RunClaim,
            )
            for table in by_channel:
                column = table.__table__.c
                for start in range(0, len(wanted), 500):
                    chunk = sorted(wanted)[start : start + 500]
                    await session.execute(delete(table).where(column.channel_id.in_(chunk)))
        return wanted

    # -- run claims ------------------------------------------------------------------------
    async def claim_run(
        self,
        channel_id: str,
        local_date: date,
        owner: str,
        now: datetime,
        lease: timedelta,
        max_attempts: int,
    ) -> bool:
        """Take the run for (channel, local date); True for exactly one caller at a time."""
        expires = utc_naive(now + lease)
        row: dict[str, object] = {
            "channel_id": channel_id,
            "local_date": local_date,
            "state": "claimed",
            "owner": owner,
            "lease_expires_at": expires,
            "attempts": 1,
            "updated_at": utc_naive(now),
        }
        if await self._insert_ignore(RunClaim, row):
            return True
        # Someone claimed it before. Take it over only if that claim was never finished and its
        # lease has run out; the WHERE makes the check-and-take one atomic statement.
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(RunClaim)
                .where(
                    RunClaim.channel_id == channel_id,
                    RunClaim.local_date == local_date,
                    RunClaim.state == "claimed",
                    RunClaim.lease_expires_at <= utc_naive(now),
                    RunClaim.attempts < max_attempts,
                )
                .values(
                    owner=owner,
                    lease_expires_at=expires,
                    attempts=RunClaim.attempts + 1,
                    updated_at=utc_naive(now),
                )
            )
        return bool(result.rowcount)

    async def renew_run(
        self, channel_id: str, local_date: date, owner: str, lease: timedelta, now: datetime
    ) -> bool:
        """Extend the lease of a run ``owner`` still holds; False once it was taken over."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(RunClaim)
                .where(
                    RunClaim.channel_id == channel_id,
                    RunClaim.local_date == local_date,
                    RunClaim.owner == owner,
                    RunClaim.state == "claimed",
                )
                .values(lease_expires_at=utc_naive(now + lease), updated_at=utc_naive(now))
            )
        return bool(result.rowcount)

    async def save_payload(
        self, channel_id: str, local_date: date, owner: str, payload: str, now: datetime
    ) -> None:
        """Keep the rendered digest with the claim before anything of it is posted."""
        await self._set_run(channel_id, local_date, owner, now, payload=payload)

    async def mark_header(
        self, channel_id: str, local_date: date, owner: str, message_ts: str, now: datetime
    ) -> None:
        """The header is out (the thread may not be yet): from now on never post another."""
        await self._set_run(
            channel_id, local_date, owner, now, message_ts=message_ts, posted_at=utc_naive(now)
        )

    async def last_posted_at(self, channel_id: str) -> datetime | None:
        """When the channel's last scheduled digest was posted, if ever."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(RunClaim.posted_at)
                .where(RunClaim.channel_id == channel_id, RunClaim.posted_at.is_not(None))
                .order_by(RunClaim.posted_at.desc())
                .limit(1)
            )
        return from_naive(found) if found else None

    async def finished_dates(self, channel_id: str, since: date) -> set[date]:
        """Local dates from ``since`` on whose run is over (posted, quiet, or given up)."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(RunClaim.local_date).where(
                    RunClaim.channel_id == channel_id,
                    RunClaim.local_date >= since,
                    RunClaim.state != "claimed",
                )
            )
            return set(rows)

    async def finish_run(
        self,
        channel_id: str,
        local_date: date,
        owner: str,
        state: str,
        now: datetime,
        message_ts: str | None = None,
    ) -> None:
        """Record the outcome (``posted`` or ``quiet``) of a run this owner holds."""
        await self._set_run(channel_id, local_date, owner, now, state=state, message_ts=message_ts)

    async def release_run(
        self, channel_id: str, local_date: date, owner: str, now: datetime
    ) -> None:
        """Give a failed run back at once, so the next tick may retry it."""
        await self._set_run(channel_id, local_date, owner, now, lease_expires_at=utc_naive(now))

    async def run_state(self, channel_id: str, local_date: date) -> RunClaim | None:
        async with self._sessions() as session:
            claim: RunClaim | None = await session.get(RunClaim, (channel_id, local_date))
            return claim

    async def _set_run(
        self, channel_id: str, local_date: date, owner: str, now: datetime, **values: object
    ) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(RunClaim)
                .where(
                    RunClaim.channel_id == channel_id,
                    RunClaim.local_date == local_date,
                    RunClaim.owner == owner,
                )
                .values(updated_at=utc_naive(now), **values)
            )

    async def _insert_ignore(self, table: type[Base], row: dict[str, object]) -> bool:
        """INSERT … ON CONFLICT DO NOTHING in its own transaction; True if the row was new."""
        async with self._sessions.begin() as session:
            return bool(await self._insert_ignore_in(session, table, [row]))

    async def _insert_ignore_in(
        self, session: AsyncSession, table: type[Base], rows: list[dict[str, object]]
    ) -> int:
        """INSERT … ON CONFLICT DO NOTHING of ``rows``; how many were new."""
        if not rows:
            return 0
        insert = pg_insert if self._dialect == "postgresql" else sqlite_insert
        result = await session.execute(insert(table).values(rows).on_conflict_do_nothing())
        return int(result.rowcount)  # type: ignore[attr-defined]


def _schedule(row: DigestSchedule) -> Schedule:
    return Schedule.from_code(parse_time(row.at_time), row.tz, row.days)
