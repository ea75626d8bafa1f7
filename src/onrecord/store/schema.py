"""Tables of the records store (SQLAlchemy Core). Migrations in ``migrations/`` create exactly these."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Text, UniqueConstraint

metadata = MetaData()


def overlong(table: Table, values: Mapping[str, Any]) -> tuple[str, int, int] | None:
    """(column, length, limit) of the first text value longer than its column allows, else None.

    PostgreSQL refuses such a value (SQLite keeps it), so writers ask first and say which field is too long."""
    for name, value in values.items():
        col = table.c.get(name)
        limit = getattr(col.type, "length", None) if col is not None else None
        if limit and isinstance(value, str) and len(value) > limit:
            return name, len(value), limit
    return None


_SAID = {"post_id": "post id", "account": "account handle", "handle": "account handle", "key": "person",
         "record_key": "record key"}


def cannot_store(table: Table, values: Mapping[str, Any]) -> str | None:
    """A sentence naming the first value the store cannot keep in its column, else None: too long for it (see
    :func:`overlong`), or holding a NUL character (PostgreSQL refuses NUL in text; the JSON columns escape it)."""
    for name, value in values.items():
        if isinstance(value, str) and "\x00" in value:
            return f"{_SAID.get(name, name.replace('_', ' '))} holds a NUL character (U+0000)"
    got = overlong(table, values)
    if got is None:
        return None
    name, n, limit = got
    return f"{_SAID.get(name, name.replace('_', ' '))} is {n:,} characters long; the records store keeps at most {limit:,}"


# One row per hash chain ("archive", "audit"): the newest entry. Appends lock this row.
chain_head = Table(
    "chain_head",
    metadata,
    Column("name", String(16), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

# Append-only (database triggers refuse UPDATE and DELETE); hash-chained like the archive.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),
    Column("object", String(400), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("name", String(400), nullable=False, server_default=""),
    Column("role", String(32), nullable=False, server_default="unknown"),
    Column("restriction", String(32), nullable=False, server_default="n/a"),
    Column("title", String(400), nullable=False, server_default=""),
    Column("organisation", String(400), nullable=False, server_default=""),
    Column("policy_areas", Text, nullable=False, server_default=""),
    Column("jurisdiction", String(8), nullable=True),
    Column("code", String(100), nullable=True),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id"), nullable=True),
    Column("platform", String(32), nullable=False),
    Column("handle", String(400), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("uses", String(200), nullable=False, server_default=""),
    Column("display_name", String(400), nullable=False, server_default=""),
    Column("jurisdiction", String(8), nullable=True),
    Column("code", String(100), nullable=True),
    UniqueConstraint("platform", "handle", name="uq_accounts_platform_handle"),
)

review_teams = Table(
    "review_teams",
    metadata,
    Column("team", String(64), primary_key=True),
    Column("mode", String(8), nullable=False, server_default="any"),
    Column("ttl_hours", Integer, nullable=False, server_default="72"),
)

reviewers = Table(
    "reviewers",
    metadata,
    Column("team", String(64), primary_key=True),
    Column("name", String(200), primary_key=True),
)

review_items = Table(
    "review_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("idem_key", String(64), nullable=False, unique=True),
    Column("submitter", String(200), nullable=False),
    Column("platform", String(32), nullable=False),
    Column("handle", String(400), nullable=False),
    Column("post_id", String(400), nullable=True),
    Column("capacity", String(16), nullable=False),
    Column("topics", String(400), nullable=False),
    Column("waived", String(400), nullable=False, server_default=""),  # distinct "CHECK:waiver-id" pairs
    Column("post_json", Text, nullable=False),
    Column("result_json", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("decided_at", String(32), nullable=True),
    Column("expires_at", String(32), nullable=True),
    # JSON list, one entry per finding of result_json: the id of the waiver that let it through, or null
    Column("finding_waivers", Text, nullable=True),
)

review_steps = Table(
    "review_steps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("review_items.id"), nullable=False, index=True),
    Column("pos", Integer, nullable=False),
    Column("team", String(64), nullable=False),
    Column("mode", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("done_at", String(32), nullable=True),
)

review_decisions = Table(
    "review_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("review_items.id"), nullable=False),
    Column("step_id", Integer, ForeignKey("review_steps.id"), nullable=False),
    Column("reviewer", String(200), nullable=False),
    Column("decision", String(16), nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("at", String(32), nullable=False),
)

waivers = Table(
    "waivers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("check_code", String(32), nullable=True),
    Column("topic", String(64), nullable=True),
    Column("platform", String(32), nullable=False),
    Column("handle", String(400), nullable=False),
    Column("reason", Text, nullable=False),
    Column("reviewer", String(200), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("uses", Integer, nullable=False, server_default="0"),
    Column("last_used_at", String(32), nullable=True),
)

# The hash chain. Columns other than post_json/result_json are committed by entry_hash; the JSON by
# content_hash. Disposal may only blank the JSON (triggers enforce it); everything else is write-once.
archive_entries = Table(
    "archive_entries",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("entry_hash", String(64), nullable=False, unique=True),
    Column("prev_hash", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("record_key", String(900), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("idem_key", String(64), nullable=True, unique=True),
    Column("platform", String(32), nullable=False),
    Column("account", String(400), nullable=False),
    Column("post_id", String(400), nullable=True),
    Column("capacity", String(16), nullable=False),
    Column("jurisdiction", String(8), nullable=True),
    Column("posted_at", String(32), nullable=True, index=True),
    Column("archived_at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("ref_seq", Integer, nullable=True),
    Column("content_hash", String(64), nullable=False),
    Column("post_json", Text, nullable=True),
    Column("result_json", Text, nullable=True),
)

retention_rules = Table(
    "retention_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("capacity", String(16), nullable=False),
    Column("jurisdiction", String(8), nullable=False),  # "*" for any
    Column("years", Integer, nullable=True),  # NULL: keep permanently
    Column("authority", String(400), nullable=False, server_default=""),
    UniqueConstraint("capacity", "jurisdiction", name="uq_retention_capacity_jurisdiction"),
)

legal_holds = Table(
    "legal_holds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_key", String(900), nullable=True),
    Column("account", String(400), nullable=True),
    Column("reason", Text, nullable=False),
    Column("placed_by", String(200), nullable=False),
    Column("placed_at", String(32), nullable=False),
    Column("released_by", String(200), nullable=True),
    Column("released_at", String(32), nullable=True),
)
