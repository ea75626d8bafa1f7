"""What reviewers did with each check's findings, and how long each team takes: the feedback a check's precision
and a queue's flow are tuned on.

A finding on an item that reviewers approved went out as written: the reviewers judged it acceptable there (a
false alarm, or a breach the context justified). A finding on a rejected item was upheld. Read per check, the
share upheld is the reviewers' verdict on that check's precision in this organisation.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Engine, select

from onrecord.model.finding import SEVERITY_RANK
from onrecord.store.chain import iso, parse_time, utcnow
from onrecord.store.db import reading
from onrecord.store.review import effective_status
from onrecord.store.schema import audit_log, review_items, review_steps


class _Finding(msgspec.Struct):
    check: str
    severity: str = "info"


class _Findings(msgspec.Struct):
    findings: list[_Finding] = []


_decode = msgspec.json.Decoder(_Findings)
_RANK = SEVERITY_RANK


@dataclass
class CheckOutcome:
    """Items that carried a check's finding, by what became of them."""

    check: str
    severity: str = "info"  # the most serious severity it was seen with
    items: int = 0
    approved: int = 0  # approved (or approved and since expired): the finding went out as written
    rejected: int = 0  # the finding was upheld
    pending: int = 0
    waived: int = 0  # findings a waiver set aside at submission (not reviewed)

    @property
    def upheld(self) -> float | None:
        """Share of decided items on which reviewers upheld the finding; None before any decision."""
        decided = self.approved + self.rejected
        return self.rejected / decided if decided else None


@dataclass
class TeamTiming:
    """How long a team's steps wait for a decision, from the moment the step became current."""

    team: str
    decided: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None
    waiting: int = 0
    oldest_waiting_hours: float | None = None
    _hours: list[float] = field(default_factory=list, repr=False)


@dataclass
class ReviewStats:
    since: str | None
    items: dict[str, int]
    checks: list[CheckOutcome]
    teams: list[TeamTiming]

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "items": self.items,
            "checks": [{"check": c.check, "severity": c.severity, "items": c.items, "approved": c.approved,
                        "rejected": c.rejected, "pending": c.pending, "waived": c.waived,
                        "upheld": None if c.upheld is None else round(c.upheld, 4)} for c in self.checks],
            "teams": [{"team": t.team, "decided": t.decided, "median_hours": t.median_hours, "p90_hours": t.p90_hours,
                       "waiting": t.waiting, "oldest_waiting_hours": t.oldest_waiting_hours} for t in self.teams],
        }


def _hours(a: str, b: str) -> float | None:
    ta, tb = parse_time(a), parse_time(b)
    return None if ta is None or tb is None else max(0.0, (tb - ta).total_seconds() / 3600)


def _per_finding(stored: str | None, n: int) -> list[int | None] | None:
    """The stored per-finding waiver ids, or None when the item has none (or they do not match its findings)."""
    if not stored:
        return None
    got = msgspec.json.decode(stored, type=list[int | None])
    return got if len(got) == n else None


def review_stats(engine: Engine, since: datetime | None = None, now: datetime | None = None) -> ReviewStats:
    """Every item submitted at or after ``since`` (all items when None)."""
    now_s = iso(now or utcnow())
    counts: dict[str, int] = {"pending": 0, "approved": 0, "rejected": 0, "expired": 0}
    checks: dict[str, CheckOutcome] = {}
    teams: dict[str, TeamTiming] = {}
    q = select(review_items.c.id, review_items.c.status, review_items.c.expires_at, review_items.c.created_at,
               review_items.c.result_json, review_items.c.waived, review_items.c.finding_waivers
               ).order_by(review_items.c.id)
    if since is not None:
        q = q.where(review_items.c.created_at >= iso(since))
    # A submission whose every finding was waived (and that is not official) is never queued: only the audit log has it.
    wq = select(audit_log.c.detail).where(audit_log.c.action == "review.waived")
    if since is not None:
        wq = wq.where(audit_log.c.at >= iso(since))
    with reading(engine) as conn:
        rows = conn.execute(q).all()
        unqueued = [msgspec.json.decode(d).get("waived", []) for d in conn.execute(wq).scalars()]
        ids = [r.id for r in rows]
        steps: dict[int, list[Any]] = {}
        if ids:
            sq = select(review_steps).where(review_steps.c.item_id.in_(ids)).order_by(review_steps.c.item_id,
                                                                                     review_steps.c.pos)
            for s in conn.execute(sq):
                steps.setdefault(s.item_id, []).append(s)
    for r in rows:
        status = effective_status(r.status, r.expires_at, now)
        counts[status] = counts.get(status, 0) + 1
        seen: dict[str, str] = {}
        findings = _decode.decode(r.result_json).findings
        for f in findings:
            if _RANK.get(f.severity, 0) >= _RANK.get(seen.get(f.check, "info"), 0):
                seen[f.check] = f.severity
        per = _per_finding(r.finding_waivers, len(findings))
        if per is None:  # queued before schema 0002: a check with a waived finding counts as waived
            waived = {w.split(":", 1)[0] for w in r.waived.split(";") if w}
        else:  # a check counts as waived only when every finding of it was
            left = {f.check for f, wid in zip(findings, per, strict=True) if wid is None}
            waived = {f.check for f in findings} - left
        for code, sev in seen.items():
            c = checks.setdefault(code, CheckOutcome(code))
            if _RANK.get(sev, 0) > _RANK.get(c.severity, 0):
                c.severity = sev
            if code in waived:
                c.waived += 1
                continue
            c.items += 1
            if status in ("approved", "expired"):
                c.approved += 1
            elif status == "rejected":
                c.rejected += 1
            else:
                c.pending += 1
        began = r.created_at
        for s in steps.get(r.id, []):
            t = teams.setdefault(s.team, TeamTiming(s.team))
            if s.status == "pending":
                if status == "pending":  # the step the item waits on (later steps have not begun)
                    t.waiting += 1
                    h = _hours(began, now_s)
                    if h is not None:
                        t.oldest_waiting_hours = round(max(t.oldest_waiting_hours or 0.0, h), 1)
                break
            if s.done_at:
                h = _hours(began, s.done_at)
                if h is not None:
                    t.decided += 1
                    t._hours.append(h)
                began = s.done_at
    for waived_list in unqueued:
        for code in {str(w).split(":", 1)[0] for w in waived_list}:
            checks.setdefault(code, CheckOutcome(code)).waived += 1
    for t in teams.values():
        if t._hours:
            hs = sorted(t._hours)
            t.median_hours = round(statistics.median(hs), 1)
            t.p90_hours = round(hs[-(-9 * len(hs) // 10) - 1], 1)  # nearest rank: the ceil(0.9 n)-th smallest
    order = sorted(checks.values(), key=lambda c: (-_RANK.get(c.severity, 0), -c.items, c.check))
    return ReviewStats(since=iso(since) if since else None, items=counts, checks=order,
                       teams=sorted(teams.values(), key=lambda t: t.team))
