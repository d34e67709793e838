"""Alembic environment: runs on the connection handed over by ``bot.store.migrate``.

No alembic.ini: the configuration is built in code, so the migrations ship inside the package
and `keypoints migrate` (or start-up) works from any working directory.
"""

from __future__ import annotations

from alembic import context

from bot.store.migrate import target_metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata(),
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch ALTERs
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
