"""Initial records schema: accounts, review queue, waivers, audit log, archive chain, retention, holds.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Column, ForeignKey, Integer, String, Text, UniqueConstraint

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ZERO = "0" * 64

SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER archive_entries_no_delete BEFORE DELETE ON archive_entries
       BEGIN SELECT RAISE(ABORT, 'archive_entries is append-only'); END""",
    # Disposal may blank the stored JSON of an entry; nothing else may change.
    """CREATE TRIGGER archive_entries_no_update BEFORE UPDATE ON archive_entries
       WHEN NOT (NEW.post_json IS NULL AND NEW.result_json IS NULL AND NEW.seq = OLD.seq
                 AND NEW.entry_hash = OLD.entry_hash AND NEW.content_hash = OLD.content_hash)
       BEGIN SELECT RAISE(ABORT, 'archive_entries is append-only'); END""",
]

PG_TRIGGERS = [
    """CREATE FUNCTION onrecord_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$""",
    """CREATE FUNCTION onrecord_archive_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' OR NOT (NEW.post_json IS NULL AND NEW.result_json IS NULL
              AND NEW.seq = OLD.seq AND NEW.entry_hash = OLD.entry_hash
              AND NEW.content_hash = OLD.content_hash) THEN
           RAISE EXCEPTION 'archive_entries is append-only';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION onrecord_append_only()""",
    """CREATE TRIGGER archive_entries_guard BEFORE UPDATE OR DELETE ON archive_entries
       FOR EACH ROW EXECUTE FUNCTION onrecord_archive_guard()""",
]


def upgrade() -> None:

    # One row per hash chain ("archive", "audit"): the newest entry. Appends lock this row.
    op.create_table(
        "chain_head",
        Column("name", String(16), primary_key=True),
        Column("seq", Integer, nullable=False),
        Column("hash", String(64), nullable=False),
    )

    # Append-only (database triggers refuse UPDATE and DELETE); hash-chained like the archive.
    op.create_table(
        "audit_log",
        Column("seq", Integer, primary_key=True, autoincrement=False),
        Column("at", String(32), nullable=False),
        Column("actor", String(200), nullable=False),
        Column("action", String(64), nullable=False),
        Column("object", String(400), nullable=False),
        Column("detail", Text, nullable=False),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False, unique=True),
    )

    op.create_table(
        "people",
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

    op.create_table(
        "accounts",
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

    op.create_table(
        "review_teams",
        Column("team", String(64), primary_key=True),
        Column("mode", String(8), nullable=False, server_default="any"),
        Column("ttl_hours", Integer, nullable=False, server_default="72"),
    )

    op.create_table(
        "reviewers",
        Column("team", String(64), primary_key=True),
        Column("name", String(200), primary_key=True),
    )

    op.create_table(
        "review_items",
        Column("id", Integer, primary_key=True),
        Column("idem_key", String(64), nullable=False, unique=True),
        Column("submitter", String(200), nullable=False),
        Column("platform", String(32), nullable=False),
        Column("handle", String(400), nullable=False),
        Column("post_id", String(400), nullable=True),
        Column("capacity", String(16), nullable=False),
        Column("topics", String(400), nullable=False),
        Column("waived", String(400), nullable=False, server_default=""),
        Column("post_json", Text, nullable=False),
        Column("result_json", Text, nullable=False),
        Column("status", String(16), nullable=False),
        Column("created_at", String(32), nullable=False),
        Column("decided_at", String(32), nullable=True),
        Column("expires_at", String(32), nullable=True),
    )

    op.create_table(
        "review_steps",
        Column("id", Integer, primary_key=True),
        Column("item_id", Integer, ForeignKey("review_items.id"), nullable=False),
        Column("pos", Integer, nullable=False),
        Column("team", String(64), nullable=False),
        Column("mode", String(8), nullable=False),
        Column("status", String(16), nullable=False),
        Column("done_at", String(32), nullable=True),
    )

    op.create_table(
        "review_decisions",
        Column("id", Integer, primary_key=True),
        Column("item_id", Integer, ForeignKey("review_items.id"), nullable=False),
        Column("step_id", Integer, ForeignKey("review_steps.id"), nullable=False),
        Column("reviewer", String(200), nullable=False),
        Column("decision", String(16), nullable=False),
        Column("note", Text, nullable=False, server_default=""),
        Column("at", String(32), nullable=False),
    )

    op.create_table(
        "waivers",
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
    op.create_table(
        "archive_entries",
        Column("seq", Integer, primary_key=True, autoincrement=False),
        Column("entry_hash", String(64), nullable=False, unique=True),
        Column("prev_hash", String(64), nullable=False),
        Column("kind", String(16), nullable=False),
        Column("record_key", String(900), nullable=False),
        Column("version", Integer, nullable=False),
        Column("idem_key", String(64), nullable=True, unique=True),
        Column("platform", String(32), nullable=False),
        Column("account", String(400), nullable=False),
        Column("post_id", String(400), nullable=True),
        Column("capacity", String(16), nullable=False),
        Column("jurisdiction", String(8), nullable=True),
        Column("posted_at", String(32), nullable=True),
        Column("archived_at", String(32), nullable=False),
        Column("actor", String(200), nullable=False),
        Column("ref_seq", Integer, nullable=True),
        Column("content_hash", String(64), nullable=False),
        Column("post_json", Text, nullable=True),
        Column("result_json", Text, nullable=True),
    )

    op.create_table(
        "retention_rules",
        Column("id", Integer, primary_key=True),
        Column("capacity", String(16), nullable=False),
        Column("jurisdiction", String(8), nullable=False),  # "*" for any
        Column("years", Integer, nullable=True),  # NULL: keep permanently
        Column("authority", String(400), nullable=False, server_default=""),
        UniqueConstraint("capacity", "jurisdiction", name="uq_retention_capacity_jurisdiction"),
    )

    op.create_table(
        "legal_holds",
        Column("id", Integer, primary_key=True),
        Column("record_key", String(900), nullable=True),
        Column("account", String(400), nullable=True),
        Column("reason", Text, nullable=False),
        Column("placed_by", String(200), nullable=False),
        Column("placed_at", String(32), nullable=False),
        Column("released_by", String(200), nullable=True),
        Column("released_at", String(32), nullable=True),
    )

    op.create_index("ix_archive_entries_record_key", "archive_entries", ["record_key"])
    op.create_index("ix_archive_entries_posted_at", "archive_entries", ["posted_at"])
    op.create_index("ix_review_steps_item_id", "review_steps", ["item_id"])
    op.execute(f"INSERT INTO chain_head (name, seq, hash) VALUES ('archive', 0, '{ZERO}'), ('audit', 0, '{ZERO}')")
    dialect = op.get_bind().dialect.name
    for stmt in PG_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS:
        op.execute(stmt)


def downgrade() -> None:
    for name in ("legal_holds", "retention_rules", "archive_entries", "waivers", "review_decisions",
                 "review_steps", "review_items", "reviewers", "review_teams", "accounts", "people",
                 "audit_log", "chain_head"):
        op.drop_table(name)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS onrecord_append_only()")
        op.execute("DROP FUNCTION IF EXISTS onrecord_archive_guard()")
