"""Dialect-specific INSERT with ON CONFLICT, for the two databases Keypoints supports.

Deduplication and the cache rely on the database's unique constraints rather than
check-then-insert, so two workers (or Slack's retries) racing on the same key stay correct.
"""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

ConflictInsert = postgresql.Insert | sqlite.Insert


def conflict_insert(conn: AsyncConnection, table: Table) -> ConflictInsert:
    """An INSERT for ``table`` that supports ``on_conflict_do_nothing/do_update``."""
    name = conn.dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"Keypoints supports SQLite and PostgreSQL, not {name}")
