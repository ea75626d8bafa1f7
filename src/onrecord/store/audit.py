"""The append-only audit log: who did what, when, hash-chained so a removed or edited line shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, select, text, update

from onrecord.store.chain import ZERO, canon, iso, link, sha256_hex, utcnow
from onrecord.store.db import MAX_ROWS, reading, write_lock
from onrecord.store.schema import audit_log, chain_head


def _header(seq: int, at: str, actor: str, action: str, obj: str, detail: Any) -> dict[str, Any]:
    return {"seq": seq, "at": at, "actor": actor, "action": action, "object": obj, "detail": detail}


_OBJECT_MAX = 400  # audit_log.object


def record(conn: Connection, actor: str, action: str, obj: str, detail: Any = None,
           now: datetime | None = None) -> int:
    """Append one action inside the caller's transaction (so it commits or rolls back with it)."""
    if len(obj) > _OBJECT_MAX:  # a long handle and post id: the column keeps 400; the hash keeps it distinct
        obj = obj[: _OBJECT_MAX - 17] + "~" + sha256_hex(obj.encode())[:16]
    with write_lock(conn, name="audit"):
        head = conn.execute(select(chain_head.c.seq, chain_head.c.hash).where(chain_head.c.name == "audit")).one()
        seq = head.seq + 1
        at = iso(now or utcnow())
        detail = detail if detail is not None else {}
        h = link(head.hash, _header(seq, at, actor, action, obj, detail))
        conn.execute(audit_log.insert().values(seq=seq, at=at, actor=actor, action=action, object=obj,
                                               detail=canon(detail).decode(), prev_hash=head.hash, hash=h))
        conn.execute(update(chain_head).where(chain_head.c.name == "audit").values(seq=seq, hash=h))
    return seq


@dataclass
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    object: str
    detail: Any


def entries(engine: Engine, actor: str | None = None, obj: str | None = None, limit: int | None = None,
            prefix: bool = False) -> list[AuditEntry]:
    """Log entries in order, optionally for one actor or object: exactly ``obj``, or with ``prefix`` every
    object that starts with it (``item:3`` alone must not bring ``item:30``)."""
    q = select(audit_log).order_by(audit_log.c.seq)
    if actor:
        q = q.where(audit_log.c.actor == actor)
    if obj:
        o = audit_log.c.object
        q = q.where(o.startswith(obj, autoescape=True) if prefix else o == obj)
    if limit:
        q = q.limit(min(limit, MAX_ROWS))
    with reading(engine) as conn:
        return [AuditEntry(r.seq, r.at, r.actor, r.action, r.object, msgspec.json.decode(r.detail))
                for r in conn.execute(q)]


def verify(engine: Engine) -> tuple[int, list[str]]:
    """Check the audit chain; returns (entries checked, problems). The first problem names the first bad seq."""
    problems: list[str] = []
    prev, expect, n = ZERO, 1, 0
    with reading(engine) as conn:
        head = conn.execute(text("SELECT seq, hash FROM chain_head WHERE name = 'audit'")).one()
        for r in conn.execute(select(audit_log).order_by(audit_log.c.seq)):
            n += 1
            if r.seq != expect:
                problems.append(f"audit entry {expect} is missing or out of order (found {r.seq})")
                break
            h = link(prev, _header(r.seq, r.at, r.actor, r.action, r.object, msgspec.json.decode(r.detail)))
            if r.prev_hash != prev or h != r.hash:
                problems.append(f"audit entry {r.seq} was altered (hash does not match its content or predecessor)")
                break
            prev, expect = r.hash, expect + 1
        else:
            if (head.seq, head.hash) != (expect - 1, prev):
                problems.append(f"audit head says entry {head.seq} but the log ends at {expect - 1}: entries removed")
    return n, problems
