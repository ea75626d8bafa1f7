"""Alembic environment: runs on the connection handed over by ``onrecord.store.db.upgrade``."""

from __future__ import annotations

from alembic import context

from onrecord.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the store's upgrade() drives migrations
    raise RuntimeError("run migrations through onrecord.store.db.upgrade()")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
