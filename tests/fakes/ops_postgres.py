"""A throw-away PostgreSQL database per test (created on the local server, dropped after)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
ADMIN_URL = f"{SERVER}/test"


@asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """Yields the URL of a new, empty database; skips the test when Postgres is unreachable."""
    name = f"kp_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with asyncio.timeout(5), admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure to connect means "no server here"
        await admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: {type(exc).__name__}")
    try:
        yield f"{SERVER}/{name}"
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
