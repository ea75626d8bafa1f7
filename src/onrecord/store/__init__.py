"""Records store: accounts registry, review queue, audit log, hash-chained archive and FOI export.

SQLite file by default (``./onrecord.db``, or ``--db`` / ``$ONRECORD_DB``), PostgreSQL by URL.
"""

from onrecord.store.accounts import Registry, apply_context, context_for, open_registry
from onrecord.store.db import StoreError, open_engine, resolve_url

__all__ = ["Registry", "StoreError", "apply_context", "context_for", "open_engine", "open_registry", "resolve_url"]
