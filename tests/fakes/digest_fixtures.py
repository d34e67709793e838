"""Fixtures of the digest tests: a fresh SQLite ``store``, the local feed ``server`` and the
``fetcher`` that talks to it. Test modules use them by importing them (pytest registers each
under its ``name``)::

    from fakes.digest_fixtures import digest_store, feed_server, local_fetcher  # noqa: F401
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fakes.feed_server import FeedServer, LocalFetcher

from bot.digest.store import DigestStore
from bot.store.db import init_db, make_engine


@pytest.fixture(name="store")
async def digest_store(tmp_path: Path) -> AsyncIterator[DigestStore]:
    """A digest store on a fresh SQLite file with every table."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'digest.db'}")
    await init_db(engine)
    yield DigestStore(engine)
    await engine.dispose()


@pytest.fixture(name="server")
async def feed_server() -> AsyncIterator[FeedServer]:
    """The local RSS/Atom and article server (routes set by the test)."""
    async with FeedServer() as srv:
        yield srv


@pytest.fixture(name="fetcher")
async def local_fetcher() -> AsyncIterator[LocalFetcher]:
    """A fetcher for the local server (the safe fetcher refuses loopback)."""
    async with LocalFetcher() as f:
        yield f
