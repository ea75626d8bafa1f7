"""The tamper-evident archive: a SHA-256 hash chain of records, versions, disposals; retention and holds.

Each entry's hash commits to the previous entry's hash and to a canonical header of its own columns,
which includes ``content_hash`` (the hash of the stored post and result JSON). Edits and deletions are
new versions of the same ``record_key``; nothing is overwritten. Disposal appends a ``dispose`` entry and
then blanks the JSON of the disposed versions: their hashes stay, so the chain still verifies.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, get_args

import msgspec
from sqlalchemy import ColumnElement, Connection, Engine, RowMapping, and_, func, or_, select, update

from onrecord.model.finding import Result
from onrecord.model.post import Platform, Post
from onrecord.store import audit
from onrecord.store.chain import (
    ZERO,
    canon,
    check_period,
    content_hash,
    iso,
    link,
    parse_time,
    post_hash,
    sha256_hex,
    utcnow,
)
from onrecord.store.db import MAX_ID, MAX_ROWS, StoreError, reading, write_lock
from onrecord.store.schema import archive_entries, cannot_store, chain_head, legal_holds, retention_rules

HEADER_FIELDS: tuple[str, ...] = (
    "seq", "kind", "record_key", "version", "idem_key", "platform", "account", "post_id", "capacity",
    "jurisdiction", "posted_at", "archived_at", "actor", "ref_seq", "content_hash",
)
KINDS = ("record", "edit", "delete", "dispose")
_enc = msgspec.json.Encoder()


def header(row: RowMapping | dict[str, Any]) -> dict[str, Any]:
    """The part of an entry its hash commits to (the JSON itself is covered through content_hash)."""
    return {k: row[k] for k in HEADER_FIELDS}


def handle_of(post: Post) -> str:
    """Account handles compare without '@' and case, as platforms treat them."""
    return post.account.handle.strip().lstrip("@").lower()


def record_key(platform: str, account: str, post_id: str | None, phash: str) -> str:
    """Which record versions belong to: platform, account and post id (the post hash when there is no id)."""
    return f"{platform}:{account or '-'}:{post_id if post_id else 'sha256:' + phash[:32]}"


def idem_key(platform: str, account: str, post_id: str | None, phash: str) -> str:
    """Idempotency key: the same post content under the same platform, account and id is stored once."""
    return sha256_hex("\x00".join((platform, account, post_id or "", phash)).encode())


@dataclass
class AppendStats:
    added: int = 0
    edits: int = 0
    deletes: int = 0
    duplicates: int = 0
    head_seq: int = 0
    head_hash: str = ZERO

    @property
    def written(self) -> int:
        return self.added + self.edits + self.deletes


@dataclass
class VerifyReport:
    checked: int = 0
    head_seq: int = 0
    head_hash: str = ZERO
    problems: list[str] = field(default_factory=list)
    first_bad: int | None = None
    disposed: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _head(conn: Connection) -> tuple[int, str]:
    r = conn.execute(select(chain_head.c.seq, chain_head.c.hash).where(chain_head.c.name == "archive")).one()
    return int(r.seq), str(r.hash)


def head(engine: Engine) -> tuple[int, str]:
    """The newest entry's (seq, hash): publish it somewhere else to anchor the chain."""
    with reading(engine) as conn:
        return _head(conn)


def _prepared(post: Post, result: Result, jurisdiction: str | None) -> dict[str, Any]:
    pj = _enc.encode(post)
    rj = _enc.encode(result)
    ph = post_hash(pj)
    account = handle_of(post)
    posted = parse_time(post.circumstances.posted_at)
    return {
        "record_key": record_key(post.platform, account, post.id, ph),
        "idem_key": idem_key(post.platform, account, post.id, ph),
        "platform": post.platform,
        "account": account,
        "post_id": post.id,
        "capacity": result.capacity.label,
        "jurisdiction": post.jurisdiction or jurisdiction,
        "posted_at": iso(posted) if posted else None,
        "deleted": post.deleted,
        "post_json": pj.decode(),
        "result_json": rj.decode(),
    }


def unstorable(post: Post) -> str | None:
    """Why the archive cannot keep ``post`` as it is (an id or handle longer than its column), else None."""
    return cannot_store(archive_entries, {"account": handle_of(post), "post_id": post.id})


def append(engine: Engine, items: Iterable[tuple[Post, Result]], actor: str, batch: int = 200,
           now: datetime | None = None, jurisdiction: str | None = None,
           on_batch: Callable[[AppendStats], None] | None = None) -> AppendStats:
    """Append posts with their results, ``batch`` per transaction; returns counts and the new head.

    A batch commits whole or not at all, so a killed import loses at most the batch in flight, and
    running it again skips what is already stored (by idempotency key).
    """
    stats = AppendStats()
    buf: list[dict[str, Any]] = []
    for post, result in items:
        why = unstorable(post)
        if why:  # before the batch is written: PostgreSQL would refuse the whole batch with a DataError
            raise StoreError(f"post {(post.id or '')[:40]!r}: {why}")
        buf.append(_prepared(post, result, jurisdiction))
        if len(buf) >= batch:
            _append_batch(engine, buf, actor, now, stats)
            buf = []
            if on_batch:
                on_batch(stats)
    if buf:
        _append_batch(engine, buf, actor, now, stats)
        if on_batch:
            on_batch(stats)
    if not stats.written and not stats.duplicates:
        stats.head_seq, stats.head_hash = head(engine)
    return stats


def _append_batch(engine: Engine, rows: list[dict[str, Any]], actor: str, now: datetime | None,
                  stats: AppendStats) -> None:
    at = iso(now or utcnow())
    with engine.begin() as conn, write_lock(conn):
        seq, prev = _head(conn)
        keys = list({r["idem_key"] for r in rows})
        seen: set[str] = set()
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            seen.update(conn.execute(select(archive_entries.c.idem_key)
                                     .where(archive_entries.c.idem_key.in_(chunk))).scalars())
        rkeys = list({r["record_key"] for r in rows})
        latest: dict[str, int] = {}
        for i in range(0, len(rkeys), 500):
            chunk = rkeys[i:i + 500]
            q = (select(archive_entries.c.record_key, func.max(archive_entries.c.version))
                 .where(archive_entries.c.record_key.in_(chunk)).group_by(archive_entries.c.record_key))
            latest.update({k: int(v) for k, v in conn.execute(q).all()})
        out: list[dict[str, Any]] = []
        for r in rows:
            if r["idem_key"] in seen:
                stats.duplicates += 1
                continue
            seen.add(r["idem_key"])
            version = latest.get(r["record_key"], 0) + 1
            latest[r["record_key"]] = version
            kind = "delete" if r["deleted"] else ("record" if version == 1 else "edit")
            seq += 1
            e = {k: v for k, v in r.items() if k != "deleted"}
            e.update(seq=seq, kind=kind, version=version, archived_at=at, actor=actor, ref_seq=None,
                     content_hash=content_hash(r["post_json"], r["result_json"]))
            e["prev_hash"] = prev
            e["entry_hash"] = prev = link(prev, header(e))
            out.append(e)
            if kind == "record":
                stats.added += 1
            elif kind == "edit":
                stats.edits += 1
            else:
                stats.deletes += 1
        if out:
            conn.execute(archive_entries.insert(), out)
            conn.execute(update(chain_head).where(chain_head.c.name == "archive").values(seq=seq, hash=prev))
            audit.record(conn, actor, "archive.append", f"archive:{out[0]['seq']}-{seq}",
                         {"entries": len(out), "head": prev}, now)  # the log's time is the entries' time
        stats.head_seq, stats.head_hash = seq, prev


def verify(engine: Engine, expect_head: str | None = None, chunk: int = 5000) -> VerifyReport:
    """Recompute every hash in order. Detects altered, removed, inserted or reordered entries."""
    rep = VerifyReport()

    def bad(seq: int | None, msg: str) -> None:
        rep.problems.append(msg)
        if rep.first_bad is None:
            rep.first_bad = seq

    with reading(engine) as conn:
        seq_head, hash_head = _head(conn)
        # Disposed content may be blank; which entries were disposed is itself on the chain.
        disposed: dict[str, int] = {}
        for rk, ref in conn.execute(select(archive_entries.c.record_key, archive_entries.c.ref_seq)
                                    .where(archive_entries.c.kind == "dispose")):
            disposed[rk] = max(disposed.get(rk, 0), int(ref or 0))
        prev, expect = ZERO, 1
        for r in _stream(conn, chunk):
            rep.checked += 1
            if r["seq"] != expect:
                bad(expect, f"entry {expect} is missing or out of order (next stored entry is {r['seq']})")
                break
            if r["prev_hash"] != prev:
                bad(expect, f"entry {expect} does not link to entry {expect - 1} (removed, inserted or reordered)")
                break
            if link(prev, header(r)) != r["entry_hash"]:
                bad(expect, f"entry {expect} was altered: its hash does not match its recorded fields")
                break
            if r["post_json"] is None and r["result_json"] is None and r["kind"] != "dispose":
                if disposed.get(r["record_key"], 0) < r["seq"]:
                    bad(expect, f"entry {expect} has lost its content without a disposal entry")
                    break
                rep.disposed += 1
            else:
                try:
                    ch = content_hash(r["post_json"], r["result_json"])
                except msgspec.DecodeError:
                    ch = ""
                if ch != r["content_hash"]:
                    bad(expect, f"entry {expect} was altered: its stored post/result JSON does not match content_hash")
                    break
            prev, expect = r["entry_hash"], expect + 1
        if rep.ok and (seq_head, hash_head) != (expect - 1, prev):
            # Head beyond the end: the first missing entry is bad; otherwise the head itself was altered.
            bad(expect if seq_head >= expect else seq_head,
                f"chain head says entry {seq_head} ({hash_head[:12]}…) but the chain ends at entry {expect - 1} "
                f"({prev[:12]}…): entries removed or head altered")
        rep.head_seq, rep.head_hash = expect - 1, prev
        if rep.ok and expect_head and not prev.startswith(expect_head.lower()):
            bad(None, f"chain head {prev} is not the expected {expect_head}")
    return rep


def _stream(conn: Connection, chunk: int) -> Iterator[RowMapping]:
    """Entries in seq order, read by keyset pages so memory stays flat at millions of rows."""
    last = 0
    while True:
        rows = conn.execute(select(archive_entries).where(archive_entries.c.seq > last)
                            .order_by(archive_entries.c.seq).limit(chunk)).mappings().all()
        if not rows:
            return
        yield from rows
        last = rows[-1]["seq"]


class _Texts(msgspec.Struct):
    """The searched fields of a stored post (decoding only these skips the rest of the JSON quickly)."""

    text: str = ""
    comment: str | None = None


_texts = msgspec.json.Decoder(_Texts)
PLATFORMS = frozenset(get_args(Platform))


def split_account(account: str) -> tuple[str | None, str]:
    """(platform or None, handle as the archive stores it): "x:@CityParks" → ("x", "cityparks"), "@CityParks" →
    (None, "cityparks")."""
    platform, sep, handle = account.strip().rpartition(":")
    if not (sep and platform in PLATFORMS):
        platform, handle = "", account.strip()
    return platform or None, handle.lstrip("@").lower()


def bare_handle(account: str) -> str:
    """The handle as the archive stores it, whatever platform prefix it was given with."""
    return split_account(account)[1]


def entries(engine: Engine, start: datetime | None = None, end: datetime | None = None,
            account: str | None = None, query: str | None = None, kinds: tuple[str, ...] = ("record", "edit", "delete"),
            record: str | None = None) -> list[dict[str, Any]]:
    """Entries matching a date range (posted_at, else archived_at), account, record and text query."""
    return list(iter_entries(engine, start, end, account, query, kinds, record))


def _matching(start: datetime | None, end: datetime | None, account: str | None, kinds: tuple[str, ...],
              record: str | None, upto: int | None = None) -> list[ColumnElement[bool]]:
    check_period(start, end)
    c = archive_entries.c
    cond: list[ColumnElement[bool]] = [c.kind.in_(kinds)]
    when = func.coalesce(c.posted_at, c.archived_at)
    if start:
        cond.append(when >= iso(start))
    if end:
        cond.append(when <= iso(end))
    if account:
        platform, handle = split_account(account)  # "x:cityparks", as archive list shows it, or a bare handle
        if platform:
            cond.append(c.platform == platform)
        cond.append(c.account == handle)
    if record:
        cond.append(c.record_key == record)
    if upto is not None:
        cond.append(c.seq <= upto)
    return cond


def iter_entries(engine: Engine, start: datetime | None = None, end: datetime | None = None,
                 account: str | None = None, query: str | None = None,
                 kinds: tuple[str, ...] = ("record", "edit", "delete"), record: str | None = None,
                 upto: int | None = None) -> Generator[dict[str, Any], None, None]:
    """As :func:`entries`, up to entry ``upto`` (None: all), read from the database a thousand at a time (an
    export of millions never holds them all). A text query matches the stored post's text and comment with
    Python's ``casefold`` (SQL case-folding differs, and a search must not miss a record over it)."""
    q = select(archive_entries).where(*_matching(start, end, account, kinds, record, upto)).order_by(
        archive_entries.c.seq)
    needle = query.casefold() if query else None
    with reading(engine) as conn:
        for r in conn.execute(q.execution_options(yield_per=1000)).mappings():
            if needle is not None:
                if r["post_json"] is None:
                    continue
                t = _texts.decode(r["post_json"])
                if needle not in f"{t.text} {t.comment or ''}".casefold():
                    continue
            yield dict(r)


def entries_page(engine: Engine, offset: int, limit: int | None, start: datetime | None = None,
                 end: datetime | None = None, account: str | None = None, query: str | None = None,
                 kinds: tuple[str, ...] = ("record", "edit", "delete"),
                 record: str | None = None) -> tuple[list[dict[str, Any]], int]:
    """``limit`` matches (None: all) after the first ``offset``, in archive order, and how many match in all.

    Without a text query the database counts and slices; with one every candidate is read and only the page kept."""
    if query:
        out: list[dict[str, Any]] = []
        total = 0
        for d in iter_entries(engine, start, end, account, query, kinds, record):
            if total >= offset and (limit is None or len(out) < limit):
                out.append(d)
            total += 1
        return out, total
    cond = _matching(start, end, account, kinds, record)
    q = select(archive_entries).where(*cond).order_by(archive_entries.c.seq).offset(offset)
    with reading(engine) as conn:
        total = int(conn.execute(select(func.count()).select_from(archive_entries).where(*cond)).scalar() or 0)
        return [dict(r) for r in conn.execute(q if limit is None else q.limit(min(limit, MAX_ROWS))).mappings()], total


# --- retention and legal hold -------------------------------------------------------------------

@dataclass
class RetentionRule:
    capacity: str
    jurisdiction: str
    years: int | None
    authority: str


# Longer than any schedule, and short enough to add to a date (99999999999 years made 'dispose' a traceback).
MAX_RETENTION_YEARS = 1000


def set_rule(engine: Engine, capacity: str, jurisdiction: str, years: int | None, authority: str,
             actor: str) -> None:
    """Set how long records of a capacity in a jurisdiction ("*" for any) are kept; None keeps them forever."""
    if years is not None and years < 0:
        raise StoreError("retention years must be 0 or more")
    if years is not None and years > MAX_RETENTION_YEARS:
        raise StoreError(f"retention years must be at most {MAX_RETENTION_YEARS}, got {years}: to keep records forever, "
                         "use --permanent")
    c = retention_rules.c
    with engine.begin() as conn:
        conn.execute(retention_rules.delete().where(and_(c.capacity == capacity, c.jurisdiction == jurisdiction)))
        conn.execute(retention_rules.insert().values(capacity=capacity, jurisdiction=jurisdiction, years=years,
                                                     authority=authority))
        audit.record(conn, actor, "retention.set", f"retention:{capacity}:{jurisdiction}",
                     {"years": years, "authority": authority})


def rules(engine: Engine) -> list[RetentionRule]:
    with reading(engine) as conn:
        return [RetentionRule(r.capacity, r.jurisdiction, r.years, r.authority)
                for r in conn.execute(select(retention_rules).order_by(retention_rules.c.capacity,
                                                                       retention_rules.c.jurisdiction))]


def rule_for(all_rules: list[RetentionRule], capacity: str, jurisdiction: str | None) -> RetentionRule | None:
    """The exact jurisdiction's rule, else the "*" rule; no rule means keep permanently."""
    exact = [r for r in all_rules if r.capacity == capacity and r.jurisdiction == (jurisdiction or "")]
    wild = [r for r in all_rules if r.capacity == capacity and r.jurisdiction == "*"]
    found = exact or wild
    return found[0] if found else None


def place_hold(engine: Engine, actor: str, reason: str, record: str | None = None, account: str | None = None,
               now: datetime | None = None) -> int:
    """Put a record (record_key) or a whole account on legal hold: nothing under hold can be disposed."""
    if not (record or account):
        raise StoreError("a legal hold needs --record or --account")
    if not reason.strip():
        raise StoreError("a legal hold needs a reason")
    acct = bare_handle(account) if account else None  # holds match records by handle, whatever the platform
    with engine.begin() as conn:
        hid = conn.execute(legal_holds.insert().values(record_key=record, account=acct, reason=reason,
                                                       placed_by=actor, placed_at=iso(now or utcnow()))
                           ).inserted_primary_key[0]  # type: ignore[index]
        audit.record(conn, actor, "hold.place", f"hold:{hid}", {"record": record, "account": acct, "reason": reason},
                     now)
    return int(hid)


def release_hold(engine: Engine, hold_id: int, actor: str, now: datetime | None = None) -> None:
    with engine.begin() as conn:
        r = conn.execute(select(legal_holds).where(legal_holds.c.id == hold_id)).first() if 0 < hold_id <= MAX_ID else None
        if r is None:
            raise StoreError(f"no legal hold {hold_id}")
        if r.released_at:
            raise StoreError(f"legal hold {hold_id} was already released")
        conn.execute(update(legal_holds).where(legal_holds.c.id == hold_id)
                     .values(released_by=actor, released_at=iso(now or utcnow())))
        audit.record(conn, actor, "hold.release", f"hold:{hold_id}", {}, now)


def holds(engine: Engine, active_only: bool = True) -> list[dict[str, Any]]:
    q = select(legal_holds).order_by(legal_holds.c.id)
    if active_only:
        q = q.where(legal_holds.c.released_at.is_(None))
    with reading(engine) as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


@dataclass
class DisposalPlan:
    due: list[dict[str, Any]] = field(default_factory=list)  # record_key, through_seq, rule, due_at
    held: list[dict[str, Any]] = field(default_factory=list)  # same plus hold id


def plan_disposal(engine: Engine, now: datetime | None = None) -> DisposalPlan:
    """Records whose retention period has run out, split into those disposable and those under hold."""
    now = now or utcnow()
    all_rules = rules(engine)
    active = holds(engine)
    c = archive_entries.c
    plan = DisposalPlan()
    with reading(engine) as conn:
        done: dict[str, int] = {}
        for rk, ref in conn.execute(select(c.record_key, c.ref_seq).where(c.kind == "dispose")):
            done[rk] = max(done.get(rk, 0), int(ref or 0))
        g = (select(c.record_key, func.min(c.seq).label("first"), func.max(c.seq).label("last"))
             .where(c.kind != "dispose").group_by(c.record_key).subquery())
        # One pass: each record's first version (capacity, jurisdiction, dates) with its newest seq.
        q = (select(c.record_key, c.capacity, c.jurisdiction, c.account, c.posted_at, c.archived_at, g.c.last)
             .join(g, c.seq == g.c.first).order_by(c.seq))
        for r in conn.execute(q):
            rk, last = r.record_key, r.last
            if done.get(rk, 0) >= last:
                continue
            rule = rule_for(all_rules, r.capacity, r.jurisdiction)
            if rule is None or rule.years is None:
                continue
            base = parse_time(r.posted_at or r.archived_at)
            assert base is not None
            try:
                due_at = base + timedelta(days=round(365.25 * rule.years))
            except OverflowError:  # due after year 9999 (a rule stored before set_rule had a limit): never due
                continue
            if due_at > now:
                continue
            item = {"record_key": rk, "through_seq": int(last), "capacity": r.capacity,
                    "jurisdiction": r.jurisdiction, "years": rule.years, "authority": rule.authority,
                    "due_at": iso(due_at)}
            hold = next((h for h in active if h["record_key"] == rk or (h["account"] and h["account"] == r.account)),
                        None)
            if hold:
                item["hold"] = hold["id"]
                plan.held.append(item)
            else:
                plan.due.append(item)
    return plan


def dispose(engine: Engine, actor: str, now: datetime | None = None, record: str | None = None) -> DisposalPlan:
    """Dispose of what is due (optionally one record): append a ``dispose`` entry, then blank the content."""
    now = now or utcnow()
    plan = plan_disposal(engine, now)
    if record:
        held = [i for i in plan.held if i["record_key"] == record]
        if held:
            raise StoreError(f"record {record} is under legal hold {held[0]['hold']}: disposal blocked")
        plan.due = [i for i in plan.due if i["record_key"] == record]
        plan.held = []
    at = iso(now)
    c = archive_entries.c
    for item in plan.due:
        with engine.begin() as conn, write_lock(conn):
            seq, prev = _head(conn)
            # Re-check the hold inside the transaction: a hold placed meanwhile still wins.
            hold = conn.execute(select(legal_holds.c.id).where(and_(
                legal_holds.c.released_at.is_(None),
                or_(legal_holds.c.record_key == item["record_key"],
                    legal_holds.c.account == item["record_key"].split(":")[1])))).first()
            if hold:
                item["hold"] = hold.id
                plan.held.append(item)
                continue
            details = {"authority": item["authority"], "years": item["years"], "due_at": item["due_at"]}
            rj = canon(details).decode()
            e = {"seq": seq + 1, "kind": "dispose", "record_key": item["record_key"], "version": 0, "idem_key": None,
                 "platform": item["record_key"].split(":")[0], "account": item["record_key"].split(":")[1],
                 "post_id": None, "capacity": item["capacity"], "jurisdiction": item["jurisdiction"],
                 "posted_at": None, "archived_at": at, "actor": actor, "ref_seq": item["through_seq"],
                 "content_hash": content_hash(None, rj), "post_json": None, "result_json": rj, "prev_hash": prev}
            e["entry_hash"] = link(prev, header(e))
            conn.execute(archive_entries.insert().values(**e))
            conn.execute(update(chain_head).where(chain_head.c.name == "archive")
                         .values(seq=e["seq"], hash=e["entry_hash"]))
            conn.execute(update(archive_entries)
                         .where(and_(c.record_key == item["record_key"], c.seq <= item["through_seq"],
                                     c.kind != "dispose"))
                         .values(post_json=None, result_json=None))
            audit.record(conn, actor, "archive.dispose", f"record:{item['record_key']}", details, now)
    plan.held = [i for i in plan.held if "hold" in i]
    plan.due = [i for i in plan.due if "hold" not in i]
    return plan
