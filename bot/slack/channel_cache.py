"""Channel settings (and who opted out of auto mode) in memory, so a Slack delivery is
acknowledged without reading them.

The whole settings table is small (only channels that changed a setting have a row) and is
kept here as one snapshot. A background task (``watch``) reads the one-row settings version
every ``poll`` seconds and reloads the snapshot when it moved, so a change made on any replica
is seen everywhere within ``poll`` seconds (1 s by default) plus one query; whatever happens to
the polling, a snapshot older than ``ttl`` (30 s) is reloaded before it is used. A write made
through this replica (``changed``) is seen here at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.channels import ChannelChoices, all_channel_choices, settings_version

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
TTL_SECONDS = 30.0


class ChannelSettingsCache:
    """``await choices(team, channel)``: from memory while the snapshot is fresh."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        poll: float = POLL_SECONDS,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,  # ages only; nothing stored uses it
    ) -> None:
        self.engine = engine
        self.poll = poll
        self.ttl = ttl
        self._clock = clock
        self._version = -1
        self._snapshot: dict[tuple[str, str], ChannelChoices] = {}
        self._opted_out: frozenset[tuple[str, str]] = frozenset()
        self._loaded_at: float | None = None
        self._loading: asyncio.Lock | None = None
        self._generation = 0  # bumped by ``changed``: a read begun before it is stale

    async def choices(self, team_id: str, channel_id: str) -> ChannelChoices:
        """The channel's settings (defaults when it never changed one)."""
        if not self._fresh():
            await self.reload()
        return self._snapshot.get((team_id, channel_id), ChannelChoices())

    async def opted_out(self, team_id: str, user_id: str) -> bool:
        """Whether the person's links are left alone by auto mode (``/keypoints optout``)."""
        if not self._fresh():
            await self.reload()
        return (team_id, user_id) in self._opted_out

    def changed(self) -> None:
        """A setting was written through this replica: reload before the next use."""
        self._generation += 1
        self._loaded_at = None

    async def reload(self) -> None:
        """Read the snapshot (once, however many callers wait for it)."""
        if self._loading is None:
            self._loading = asyncio.Lock()
        async with self._loading:
            if self._fresh():  # another caller reloaded it meanwhile
                return
            started, generation = self._clock(), self._generation
            self._version, self._snapshot, self._opted_out = await all_channel_choices(self.engine)
            # A write through this replica during the read may be missing from it.
            self._loaded_at = started if generation == self._generation else None

    async def refresh_if_changed(self) -> bool:
        """One poll: reload when the version moved or the snapshot is too old; reloaded?"""
        # Reloaded at half the TTL anyway, so a request never finds the snapshot expired
        # while polling works (and a writer that forgot to bump the version is seen too).
        young = self._loaded_at is not None and self._clock() - self._loaded_at < self.ttl / 2
        if young and await settings_version(self.engine) == self._version:
            return False
        self._loaded_at = None
        await self.reload()
        return True

    async def watch(self) -> None:
        """Poll until cancelled (a failing database only delays the next poll)."""
        while True:
            try:
                await self.refresh_if_changed()
            except Exception as exc:
                log.warning("could not refresh the channel settings: %s", type(exc).__name__)
            await asyncio.sleep(self.poll)

    def _fresh(self) -> bool:
        return self._loaded_at is not None and self._clock() - self._loaded_at < self.ttl
