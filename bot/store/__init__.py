"""Persistence: SQLAlchemy 2 async, SQLite by default, Postgres for several replicas."""
