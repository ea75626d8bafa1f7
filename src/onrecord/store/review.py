"""The review queue: routed steps with any/all approvers, no self-approval, expiry, rejections, waivers.

Routing by finding topic: personal data → privacy; non-public information, endorsement and misuse of
position → legal; every other topic → communications; official-capacity drafts always → communications.
Steps run in that order; each needs one approval (``any``) or every member but the submitter (``all``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, and_, or_, select, update

from onrecord.checks.registry import get_check
from onrecord.model.code import TOPICS
from onrecord.model.finding import Result
from onrecord.model.post import Post
from onrecord.store import audit
from onrecord.store.chain import iso, parse_time, post_hash, sha256_hex, utcnow
from onrecord.store.db import MAX_ID, StoreError, reading, write_lock
from onrecord.store.schema import (
    cannot_store,
    review_decisions,
    review_items,
    review_steps,
    review_teams,
    reviewers,
    waivers,
)

TEAMS = ("privacy", "legal", "communications")
ROUTES: dict[str, str] = {
    "personal_data": "privacy",
    "nonpublic_information": "legal",
    "endorsement": "legal",
    "misuse_of_position": "legal",
    "political_pressure": "legal",
    "personal_fundraising": "legal",
}
DEFAULT_TTL_HOURS = 72
# The longest an approval may stay valid: an expiry is a date, and a date ends at 9999 (a larger ttl was an
# OverflowError traceback when the item was approved).
MAX_TTL_HOURS = 87600
_enc = msgspec.json.Encoder()


def team_for(topic: str) -> str:
    return ROUTES.get(topic, "communications")


def route(topics: list[str], capacity: str) -> list[str]:
    """Teams an item goes to, in step order."""
    wanted = {team_for(t) for t in topics}
    if capacity == "official":
        wanted.add("communications")  # the organisation's voice: communications signs off every official post
    return [t for t in TEAMS if t in wanted]


def set_team(engine: Engine, team: str, actor: str, mode: str | None = None, members: list[str] | None = None,
             ttl_hours: int | None = None) -> None:
    """Configure a team: approval mode (any/all), members, and how long an approval stays valid."""
    if team not in TEAMS:
        raise StoreError(f"team {team!r} is not one of {', '.join(TEAMS)}")
    if mode is not None and mode not in ("any", "all"):
        raise StoreError("mode must be 'any' or 'all'")
    if ttl_hours is not None and ttl_hours <= 0:
        raise StoreError("approval expiry must be a positive number of hours")
    if ttl_hours is not None and ttl_hours > MAX_TTL_HOURS:
        raise StoreError(f"approval expiry must be at most {MAX_TTL_HOURS} hours (10 years), got {ttl_hours}")
    with engine.begin() as conn:
        cur = conn.execute(select(review_teams).where(review_teams.c.team == team)).first()
        vals = {"mode": mode or (cur.mode if cur else "any"),
                "ttl_hours": ttl_hours or (cur.ttl_hours if cur else DEFAULT_TTL_HOURS)}
        if cur is None:
            conn.execute(review_teams.insert().values(team=team, **vals))
        else:
            conn.execute(update(review_teams).where(review_teams.c.team == team).values(**vals))
        if members is not None:
            conn.execute(reviewers.delete().where(reviewers.c.team == team))
            names = sorted({m.strip() for m in members if m.strip()})
            if names:
                conn.execute(reviewers.insert(), [{"team": team, "name": n} for n in names])
        audit.record(conn, actor, "review.team", f"team:{team}", {**vals, "members": members})


def teams(engine: Engine) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {t: {"mode": "any", "ttl_hours": DEFAULT_TTL_HOURS, "members": []} for t in TEAMS}
    with reading(engine) as conn:
        for r in conn.execute(select(review_teams)):
            out[r.team].update(mode=r.mode, ttl_hours=r.ttl_hours)
        for r in conn.execute(select(reviewers).order_by(reviewers.c.name)):
            out[r.team]["members"].append(r.name)
    return out


# --- waivers ------------------------------------------------------------------------------------

def add_waiver(engine: Engine, reviewer: str, reason: str, expires: datetime, check: str | None = None,
               topic: str | None = None, platform: str = "*", handle: str = "*", now: datetime | None = None) -> int:
    """Waive a check or topic for an account ("*" for any) until ``expires``; reason and reviewer required.

    ``check`` is a code or dotted name, stored as the code findings carry; ``topic`` one of TOPICS."""
    now = now or utcnow()
    check = (check or "").strip() or None
    topic = (topic or "").strip() or None
    if not (check or topic):
        raise StoreError("a waiver needs a check or a topic")
    if check:  # a waiver that names no real check would never apply, and nobody would notice
        found = get_check(check)
        if found is None:
            raise StoreError(f"no check {check!r}: a waiver names a check code such as PD01 (see 'onrecord explain "
                             "--list'), or a topic")
        check = found.code
    if topic and topic not in TOPICS:
        raise StoreError(f"no topic {topic!r}: one of {', '.join(sorted(TOPICS))}")
    if not reason.strip():
        raise StoreError("a waiver needs a reason")
    if not reviewer.strip():
        raise StoreError("a waiver needs a reviewer")
    if expires <= now:
        raise StoreError("a waiver's expiry must be in the future")
    h = handle.strip().lstrip("@").lower() or "*"
    why = cannot_store(waivers, {"handle": h, "reviewer": reviewer, "platform": platform, "reason": reason})
    if why:
        raise StoreError(f"cannot grant this waiver: {why}")
    with engine.begin() as conn:
        wid = conn.execute(waivers.insert().values(check_code=check, topic=topic, platform=platform, handle=h,
                                                   reason=reason, reviewer=reviewer, created_at=iso(now),
                                                   expires_at=iso(expires))).inserted_primary_key[0]  # type: ignore[index]
        audit.record(conn, reviewer, "waiver.add", f"waiver:{wid}",
                     {"check": check, "topic": topic, "platform": platform, "handle": h, "reason": reason,
                      "expires_at": iso(expires)}, now)
    return int(wid)


def parse_account(value: str) -> tuple[str, str]:
    """'PLATFORM:HANDLE' or '*' (every account) as (platform, handle)."""
    v = value.strip()
    if v in ("", "*"):
        return "*", "*"
    if ":" not in v:
        raise StoreError("an account is PLATFORM:HANDLE (x:jane_doe) or '*' for every account")
    platform, handle = v.split(":", 1)
    return platform.strip().lower(), handle


def is_reviewer(engine: Engine, name: str) -> bool:
    """A member of any review team (who may grant waivers from the web UI)."""
    with reading(engine) as conn:
        return conn.execute(select(reviewers.c.name).where(reviewers.c.name == name)).first() is not None


def waiver_report(engine: Engine, now: datetime | None = None) -> list[dict[str, Any]]:
    """Every waiver with its state: ``active``, ``unused`` (never applied) or ``expired``."""
    at = iso(now or utcnow())
    out = []
    with reading(engine) as conn:
        for r in conn.execute(select(waivers).order_by(waivers.c.id)).mappings():
            d = dict(r)
            d["state"] = "expired" if d["expires_at"] <= at else ("unused" if d["uses"] == 0 else "active")
            out.append(d)
    return out


def _apply_waivers(conn: Connection, result: Result, platform: str, handle: str, at: str, submitter: str
                   ) -> tuple[list[str], list[int | None]]:
    """The finding topics still to review, and per finding the id of the waiver that let it through (None: not
    waived); counts each waiver's use. A waiver never applies to its own grantor's submissions (no self-waiver, as
    there is no self-approval)."""
    w = waivers.c
    me = person_key(submitter)
    active = [x for x in conn.execute(select(waivers).where(and_(
        w.expires_at > at, or_(w.platform == "*", w.platform == platform),
        or_(w.handle == "*", w.handle == handle)))).mappings().all() if person_key(x["reviewer"]) != me]
    keep: list[str] = []
    per: list[int | None] = []
    for f in result.findings:
        hit = next((x for x in active if (x["check_code"] and x["check_code"] == f.check)
                    or (x["topic"] and x["topic"] == f.topic)), None)
        if hit is None:
            keep.append(f.topic)
        per.append(None if hit is None else int(hit["id"]))
    for wid in {x for x in per if x is not None}:
        conn.execute(update(waivers).where(w.id == wid).values(uses=w.uses + 1, last_used_at=at))
    return sorted(set(keep)), per


def _waived_pairs(result: Result, per: list[int | None]) -> list[str]:
    """Distinct "CHECK:waiver-id" pairs in finding order (one per pair, so many findings of one check stay short)."""
    return list(dict.fromkeys(f"{f.check}:{wid}" for f, wid in zip(result.findings, per, strict=True)
                              if wid is not None))


# --- items --------------------------------------------------------------------------------------

@dataclass
class Item:
    id: int
    status: str
    submitter: str
    platform: str
    handle: str
    post_id: str | None
    capacity: str
    topics: list[str]
    waived: list[str]
    created_at: str
    decided_at: str | None
    expires_at: str | None
    steps: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""
    # what the reviewer is asked to judge (filled by get(), not by the list): check, severity, message, span, clauses
    findings: list[dict[str, Any]] = field(default_factory=list)


def display_name(raw: str) -> str:
    """A name as recorded: NFKC, invisible format characters dropped, spaces collapsed ("bob\u200b" is "bob")."""
    folded = "".join(c for c in unicodedata.normalize("NFKC", raw) if unicodedata.category(c) != "Cf")
    return " ".join(folded.split())


def person_key(name: str) -> str:
    """The name as a person, not as typed: :func:`display_name` casefolded. "Bob", "bob" and "bob\u200b" are one
    person, so none of them approves what another submitted."""
    return display_name(name).casefold()


def needs_review(result: Result) -> bool:
    return result.capacity.label == "official" or bool(result.findings)


def submit(engine: Engine, post: Post, result: Result, submitter: str, now: datetime | None = None
           ) -> tuple[int | None, bool]:
    """Queue a draft if it is official-capacity or has findings left after waivers.

    Returns (item id or None when no review is needed, True when newly queued).
    """
    if not submitter.strip():
        raise StoreError("a submission needs --by (who submits)")
    at = iso(now or utcnow())
    pj = _enc.encode(post)
    handle = post.account.handle.strip().lstrip("@").lower()
    why = cannot_store(review_items, {"handle": handle, "post_id": post.id, "submitter": submitter})
    if why:
        raise StoreError(f"cannot queue this post: {why}")
    key = sha256_hex("\x00".join((post.platform, handle, post.id or "", post_hash(pj))).encode())
    # PostgreSQL: the audit head row lock serialises review decisions (SQLite: BEGIN IMMEDIATE does).
    with engine.begin() as conn, write_lock(conn, name="audit"):
        while True:
            row = conn.execute(select(review_items.c.id, review_items.c.status, review_items.c.expires_at)
                               .where(review_items.c.idem_key == key)).first()
            if row is None:
                break
            if effective_status(row.status, row.expires_at, now) != "expired":
                return int(row.id), False
            # The approval has lapsed: the same draft is queued again, under a key that follows the old one.
            key = sha256_hex(f"{key}:renewed-after:{row.id}".encode())
        topics, per = _apply_waivers(conn, result, post.platform, handle, at, submitter)
        waived = _waived_pairs(result, per)
        steps = route(topics, result.capacity.label)
        if not steps:
            if waived:
                audit.record(conn, submitter, "review.waived", f"post:{post.platform}:{handle}:{post.id or '-'}",
                             {"waived": waived}, now)
            return None, False
        cfg = {r.team: r for r in conn.execute(select(review_teams))}
        iid = conn.execute(review_items.insert().values(
            idem_key=key, submitter=submitter, platform=post.platform, handle=handle, post_id=post.id,
            capacity=result.capacity.label, topics=";".join(topics), waived=";".join(waived),
            finding_waivers=_enc.encode(per).decode(), post_json=pj.decode(),
            result_json=_enc.encode(result).decode(), status="pending", created_at=at)).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(review_steps.insert(), [
            {"item_id": iid, "pos": i, "team": t, "mode": cfg[t].mode if t in cfg else "any", "status": "pending"}
            for i, t in enumerate(steps)])
        audit.record(conn, submitter, "review.submit", f"item:{iid}",
                     {"steps": steps, "topics": topics, "waived": waived, "capacity": result.capacity.label}, now)
    return int(iid), True


def _load(conn: Connection, item_id: int) -> Any:
    r = conn.execute(select(review_items).where(review_items.c.id == item_id)).first() if 0 < item_id <= MAX_ID else None
    if r is None:
        raise StoreError(f"no review item {item_id}")
    return r


def _current_step(conn: Connection, item_id: int) -> Any:
    return conn.execute(select(review_steps).where(and_(review_steps.c.item_id == item_id,
                                                         review_steps.c.status == "pending"))
                        .order_by(review_steps.c.pos)).first()


def _eligible(conn: Connection, team: str, submitter: str) -> list[str]:
    names = conn.execute(select(reviewers.c.name).where(reviewers.c.team == team)).scalars().all()
    return [n for n in names if person_key(n) != person_key(submitter)]


def _nobody(conn: Connection, team: str) -> str:
    """Why no one can decide a step: the team has no members, or its only members submitted the item."""
    if conn.execute(select(reviewers.c.name).where(reviewers.c.team == team)).first() is None:
        return f"(nobody configured: onrecord review team {team} --members ...)"
    return (f"(the only {team} reviewer submitted it and cannot decide it: add another member with "
            f"onrecord review team {team} --members ...)")


def approve(engine: Engine, item_id: int, reviewer: str, note: str = "", now: datetime | None = None) -> str:
    """Approve the item's current step; returns the item's status afterwards."""
    why = cannot_store(review_decisions, {"reviewer": reviewer, "note": note})
    if why:
        raise StoreError(why)
    at_dt = now or utcnow()
    at = iso(at_dt)
    # PostgreSQL: the audit head row lock serialises review decisions (SQLite: BEGIN IMMEDIATE does).
    with engine.begin() as conn, write_lock(conn, name="audit"):
        item = _load(conn, item_id)
        if item.status != "pending":
            raise StoreError(f"item {item_id} is {item.status}, not pending")
        if person_key(reviewer) == person_key(item.submitter):
            raise StoreError(f"{reviewer} submitted item {item_id} and cannot approve it (no self-approval)")
        step = _current_step(conn, item_id)
        eligible = _eligible(conn, step.team, item.submitter)
        if reviewer not in eligible:
            raise StoreError(f"{reviewer} is not a {step.team} reviewer; step {step.pos + 1} needs one of: "
                             f"{', '.join(eligible) or _nobody(conn, step.team)}")
        d = review_decisions.c
        if conn.execute(select(d.id).where(and_(d.step_id == step.id, d.reviewer == reviewer))).first():
            raise StoreError(f"{reviewer} has already approved step {step.pos + 1} of item {item_id}")
        conn.execute(review_decisions.insert().values(item_id=item_id, step_id=step.id, reviewer=reviewer,
                                                      decision="approve", note=note, at=at))
        approved = set(conn.execute(select(d.reviewer).where(and_(d.step_id == step.id, d.decision == "approve")))
                       .scalars())
        done = step.mode == "any" or set(eligible) <= approved
        status = "pending"
        if done:
            conn.execute(update(review_steps).where(review_steps.c.id == step.id).values(status="approved",
                                                                                       done_at=at))
            if _current_step(conn, item_id) is None:
                ttl = _ttl(conn, item_id)
                status = "approved"
                conn.execute(update(review_items).where(review_items.c.id == item_id).values(
                    status=status, decided_at=at, expires_at=iso(at_dt + timedelta(hours=ttl))))
        audit.record(conn, reviewer, "review.approve", f"item:{item_id}",
                     {"step": step.pos + 1, "team": step.team, "note": note, "step_done": done, "status": status},
                     now)
    return status


def _ttl(conn: Connection, item_id: int) -> int:
    teams_used = conn.execute(select(review_steps.c.team).where(review_steps.c.item_id == item_id)).scalars().all()
    cfg = {r.team: r.ttl_hours for r in conn.execute(select(review_teams))}
    # min(..., MAX_TTL_HOURS): a store configured before set_team enforced the limit
    return min([MAX_TTL_HOURS, *(cfg.get(t, DEFAULT_TTL_HOURS) for t in teams_used)])


def reject(engine: Engine, item_id: int, reviewer: str, note: str, now: datetime | None = None) -> None:
    """Reject the item at its current step; a note saying why is required."""
    if not note.strip():
        raise StoreError("a rejection needs a note saying why (--note)")
    why = cannot_store(review_decisions, {"reviewer": reviewer, "note": note})
    if why:
        raise StoreError(why)
    at = iso(now or utcnow())
    # PostgreSQL: the audit head row lock serialises review decisions (SQLite: BEGIN IMMEDIATE does).
    with engine.begin() as conn, write_lock(conn, name="audit"):
        item = _load(conn, item_id)
        if item.status != "pending":
            raise StoreError(f"item {item_id} is {item.status}, not pending")
        if person_key(reviewer) == person_key(item.submitter):
            raise StoreError(f"{reviewer} submitted item {item_id}: withdraw it instead of rejecting")
        step = _current_step(conn, item_id)
        eligible = _eligible(conn, step.team, item.submitter)
        if reviewer not in eligible:
            raise StoreError(f"{reviewer} is not a {step.team} reviewer" + ("" if eligible else f" {_nobody(conn, step.team)}"))
        conn.execute(review_decisions.insert().values(item_id=item_id, step_id=step.id, reviewer=reviewer,
                                                      decision="reject", note=note, at=at))
        conn.execute(update(review_steps).where(review_steps.c.id == step.id).values(status="rejected", done_at=at))
        conn.execute(update(review_items).where(review_items.c.id == item_id).values(status="rejected",
                                                                                   decided_at=at))
        audit.record(conn, reviewer, "review.reject", f"item:{item_id}",
                     {"step": step.pos + 1, "team": step.team, "note": note}, now)


def effective_status(status: str, expires_at: str | None, now: datetime | None = None) -> str:
    """An approval past its expiry reads as ``expired``: the draft needs approving again."""
    if status == "approved" and expires_at and expires_at <= iso(now or utcnow()):
        return "expired"
    return status


def get(engine: Engine, item_id: int, now: datetime | None = None) -> Item:
    with reading(engine) as conn:
        r = _load(conn, item_id)
        item = _item(r, now)
        item.steps = [dict(s) for s in conn.execute(select(review_steps).where(review_steps.c.item_id == item_id)
                                                    .order_by(review_steps.c.pos)).mappings()]
        item.decisions = [dict(d) for d in conn.execute(select(review_decisions).where(
            review_decisions.c.item_id == item_id).order_by(review_decisions.c.id)).mappings()]
    result = msgspec.json.decode(r.result_json, type=Result)
    per = finding_waivers(r.finding_waivers, item, result)
    item.findings = [
        {"check": f.check, "topic": f.topic, "severity": f.severity, "message": f.message,
         "span": f.span.text if f.span else None, "clauses": [c.id for c in f.clauses], "waiver": wid}
        for f, wid in zip(result.findings, per, strict=True)
    ]
    return item


def finding_waivers(stored_json: str | None, item: Item, result: Result) -> list[str | None]:
    """Per finding of ``result``, the id of the waiver that let it through (as text), or None.

    Items queued since schema 0002 stored this at submission. For older items it is worked out from the
    "CHECK:waiver-id" pairs: a finding counts as waived only when its check was waived and its topic is not
    among those still to review (when unsure, it is shown as to review)."""
    if stored_json:
        got = msgspec.json.decode(stored_json, type=list[int | None])
        if len(got) == len(result.findings):
            return [None if w is None else str(w) for w in got]
    waiver_of = {w.partition(":")[0]: w.partition(":")[2] for w in item.waived}  # check code -> waiver id
    return [waiver_of.get(f.check) if f.topic not in item.topics else None for f in result.findings]


def stored(engine: Engine, item_id: int) -> tuple[Post, Result]:
    """The post and the result it was queued with (what the reviewer is asked to judge)."""
    with reading(engine) as conn:
        r = _load(conn, item_id)
    return msgspec.json.decode(r.post_json, type=Post), msgspec.json.decode(r.result_json, type=Result)


def _item(r: Any, now: datetime | None) -> Item:
    post = msgspec.json.decode(r.post_json)
    return Item(id=r.id, status=effective_status(r.status, r.expires_at, now), submitter=r.submitter,
                platform=r.platform, handle=r.handle, post_id=r.post_id, capacity=r.capacity,
                topics=[t for t in r.topics.split(";") if t], waived=[w for w in r.waived.split(";") if w],
                created_at=r.created_at, decided_at=r.decided_at, expires_at=r.expires_at,
                text=str(post.get("text", "")))


def items(engine: Engine, status: str | None = None, now: datetime | None = None) -> list[Item]:
    with reading(engine) as conn:
        out = [_item(r, now) for r in conn.execute(select(review_items).order_by(review_items.c.id))]
    return [i for i in out if status is None or i.status == status]


def is_approved(engine: Engine, item_id: int, now: datetime | None = None) -> bool:
    """True only for an approval that has not expired: what a publishing tool should ask."""
    with reading(engine) as conn:
        r = _load(conn, item_id)
    return effective_status(r.status, r.expires_at, now) == "approved"


def parse_expiry(value: str, now: datetime | None = None) -> datetime:
    """'30d', '12h' or an ISO date/time."""
    now = now or utcnow()
    v = value.strip().lower()
    if v[:-1].isascii() and v[:-1].isdigit() and v[-1:] in ("d", "h"):  # ASCII: "²d" is a digit to isdigit, not to int
        n = int(v[:-1])
        try:
            return now + (timedelta(days=n) if v.endswith("d") else timedelta(hours=n))
        except OverflowError:
            raise StoreError(f"{value!r} is too far in the future for an expiry") from None
    dt = parse_time(value)
    if dt is None:
        raise StoreError(f"cannot read {value!r} as an expiry: use 30d, 12h or an ISO date")
    return dt
