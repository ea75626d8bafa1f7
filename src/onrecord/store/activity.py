"""The records officer's periodic report: what the archive took in and gave out over a period.

Per account, the entries archived in the period (new records, edits, deletions kept, disposals) and the
capacities they were written in; from the audit log, the actions on the records in the same period (bundles
exported, holds placed and released, retention changed, disposals run), with who did them. Times are when the
archive acted (``archived_at``, the log's ``at``), not when the post was written.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import Engine, select

from onrecord.store.chain import check_period, iso
from onrecord.store.db import StoreError, reading
from onrecord.store.schema import archive_entries, audit_log

RECORD_ACTIONS = ("archive.append", "archive.export", "archive.dispose", "hold.place", "hold.release", "retention.set")


@dataclass
class AccountActivity:
    platform: str
    account: str
    record: int = 0
    edit: int = 0
    delete: int = 0
    dispose: int = 0
    capacity: Counter[str] = field(default_factory=Counter)


@dataclass
class Activity:
    start: str | None
    end: str | None
    accounts: list[AccountActivity]
    actions: dict[str, int]  # audit-log action -> count
    by_actor: dict[str, dict[str, int]]  # actor -> action -> count
    exports: list[dict[str, Any]]  # each bundle: when, who, how many records, manifest hash

    def totals(self) -> dict[str, int]:
        return {k: sum(getattr(a, k) for a in self.accounts) for k in ("record", "edit", "delete", "dispose")}

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start, "end": self.end, "totals": self.totals(),
            "accounts": [{"platform": a.platform, "account": a.account, "record": a.record, "edit": a.edit,
                          "delete": a.delete, "dispose": a.dispose, "capacity": dict(sorted(a.capacity.items()))}
                         for a in self.accounts],
            "actions": self.actions, "by_actor": self.by_actor, "exports": self.exports,
        }


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """``YYYY-MM`` as its first and last instants (UTC)."""
    try:
        y, m = (int(x) for x in month.strip().split("-"))
        lo = datetime(y, m, 1, tzinfo=UTC)
    except ValueError:
        raise StoreError(f"cannot read month {month!r}: use YYYY-MM") from None
    # The month's last day, not the next month's first: after 9999-12 there is no month (a ValueError traceback).
    hi = datetime(y, m, calendar.monthrange(y, m)[1], 23, 59, 59, 999999, tzinfo=UTC)
    return lo, hi


def activity(engine: Engine, start: datetime | None = None, end: datetime | None = None) -> Activity:
    """The period's report; ``None`` bounds mean from the first or to the last entry."""
    check_period(start, end)
    c, lg = archive_entries.c, audit_log.c
    q = select(c.kind, c.platform, c.account, c.capacity)
    aq = select(lg.at, lg.actor, lg.action, lg.object, lg.detail).where(lg.action.in_(RECORD_ACTIONS)).order_by(lg.seq)
    if start is not None:
        q, aq = q.where(c.archived_at >= iso(start)), aq.where(lg.at >= iso(start))
    if end is not None:
        q, aq = q.where(c.archived_at <= iso(end)), aq.where(lg.at <= iso(end))
    accounts: dict[tuple[str, str], AccountActivity] = {}
    actions: Counter[str] = Counter()
    by_actor: dict[str, Counter[str]] = {}
    exports: list[dict[str, Any]] = []
    with reading(engine) as conn:
        for r in conn.execute(q):
            a = accounts.get((r.platform, r.account))
            if a is None:
                a = accounts[(r.platform, r.account)] = AccountActivity(r.platform, r.account)
            if r.kind in ("record", "edit", "delete", "dispose"):
                setattr(a, r.kind, getattr(a, r.kind) + 1)
            if r.kind != "dispose":
                a.capacity[r.capacity] += 1
        for e in conn.execute(aq):
            actions[e.action] += 1
            by_actor.setdefault(e.actor, Counter())[e.action] += 1
            if e.action == "archive.export":
                d = msgspec.json.decode(e.detail) if e.detail else {}
                exports.append({"at": e.at, "actor": e.actor, "bundle": e.object, "count": d.get("count"),
                                "query": d.get("query"), "manifest_sha256": d.get("manifest_sha256")})
    return Activity(start=iso(start) if start else None, end=iso(end) if end else None,
                    accounts=sorted(accounts.values(), key=lambda a: (a.platform, a.account)),
                    actions=dict(sorted(actions.items())), by_actor={k: dict(sorted(v.items())) for k, v in sorted(by_actor.items())},
                    exports=exports)
