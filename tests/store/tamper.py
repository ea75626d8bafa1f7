"""Raw-SQL tampering used by the tests: what someone with write access to the database could do."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text

from onrecord.store.archive import header
from onrecord.store.chain import content_hash, link


def drop_guards(eng: Engine) -> None:
    """Remove the append-only triggers (they stop accidents; the hash chain catches the rest)."""
    with eng.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER IF EXISTS archive_entries_guard ON archive_entries"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log"))
        else:
            for t in ("archive_entries_no_update", "archive_entries_no_delete", "audit_log_no_update",
                      "audit_log_no_delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {t}"))


def _flip(s: str) -> str:
    """Change one character inside the first string value after "text" (keeps the JSON valid)."""
    i = s.index('"', s.index(":") + 1) + 1 if '"text"' not in s else s.index('"text":"') + 8
    c = s[i]
    return s[:i] + ("X" if c != "X" else "Y") + s[i + 1:]


def apply(eng: Engine, op: dict[str, Any]) -> None:
    drop_guards(eng)
    (name, arg), = op.items()
    with eng.begin() as conn:
        def row(seq: int) -> Any:
            return conn.execute(text("SELECT * FROM archive_entries WHERE seq = :s"), {"s": seq}).mappings().one()

        if name == "flip_json":
            r = row(arg)
            conn.execute(text("UPDATE archive_entries SET post_json = :v WHERE seq = :s"),
                         {"v": _flip(r["post_json"]), "s": arg})
        elif name == "flip_result":
            r = row(arg)
            conn.execute(text("UPDATE archive_entries SET result_json = :v WHERE seq = :s"),
                         {"v": r["result_json"].replace('"official"', '"private"', 1), "s": arg})
        elif name == "set_field":
            conn.execute(text(f"UPDATE archive_entries SET {arg['column']} = :v WHERE seq = :s"),
                         {"v": arg["value"], "s": arg["seq"]})
        elif name == "delete":
            conn.execute(text("DELETE FROM archive_entries WHERE seq = :s"), {"s": arg})
        elif name == "swap":
            a, b = arg
            for src, dst in ((a, -1), (b, a), (-1, b)):
                conn.execute(text("UPDATE archive_entries SET seq = :d WHERE seq = :s"), {"d": dst, "s": src})
        elif name == "blank":
            conn.execute(text("UPDATE archive_entries SET post_json = NULL, result_json = NULL WHERE seq = :s"),
                         {"s": arg})
        elif name == "rehash_edit":
            r = dict(row(arg))
            r["post_json"] = _flip(r["post_json"])
            r["content_hash"] = content_hash(r["post_json"], r["result_json"])
            r["entry_hash"] = link(r["prev_hash"], header(r))
            conn.execute(text("UPDATE archive_entries SET post_json = :p, content_hash = :c, entry_hash = :e "
                              "WHERE seq = :s"),
                         {"p": r["post_json"], "c": r["content_hash"], "e": r["entry_hash"], "s": arg})
        elif name == "truncate":
            prev = row(arg)["prev_hash"]
            conn.execute(text("DELETE FROM archive_entries WHERE seq = :s"), {"s": arg})
            conn.execute(text("UPDATE chain_head SET seq = :q, hash = :h WHERE name = 'archive'"),
                         {"q": arg - 1, "h": prev})
        else:
            raise ValueError(f"unknown tamper op {name}")
