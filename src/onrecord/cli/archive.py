"""``onrecord archive``: the tamper-evident records archive, retention, legal hold and FOI/OIA export."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import closing
from datetime import datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any

import click
import msgspec
from rich.console import Console
from rich.table import Table
from rich.text import Text

from onrecord.cli._records import (
    actor,
    at_most_rows,
    by_option,
    checker,
    db_option,
    emit,
    engine,
    fail,
    format_option,
    handles_errors,
    published_hash,
    read_posts,
    when,
)
from onrecord.engine import UnknownCode
from onrecord.importers import RejectedRecord
from onrecord.model.finding import CAPACITIES, Result
from onrecord.model.post import Post
from onrecord.store import archive as arc
from onrecord.store import audit
from onrecord.store import export as exp
from onrecord.store.accounts import JURISDICTIONS, Registry
from onrecord.store.activity import activity, month_bounds


@click.group("archive")
def command() -> None:
    """Keep official-capacity posts as public records in a SHA-256 hash chain; export them for FOI/OIA."""


@command.command("add")
@click.option("--input", "input_", required=True, metavar="PATH",
              help="Posts: JSONL in the post contract, or a platform export the importers read; '-' for stdin.")
@click.option("--all", "all_", is_flag=True, help="Archive every post, not only official-capacity ones.")
@click.option("--code", default=None, help="Default code pack for posts that do not name one.")
@click.option("--batch", default=200, show_default=True, type=click.IntRange(1, 100000),
              help="Posts per transaction: a killed import loses at most the batch in flight.")
@click.option("--progress", is_flag=True, help="Print the committed head after every batch (stderr).")
@db_option
@by_option()
@format_option
@handles_errors
def add(input_: str, all_: bool, code: str | None, batch: int, progress: bool, db: str | None, by: str | None,
        fmt: str) -> None:
    """Check posts and archive the public records among them (result.archive), with their findings.

    Re-running is safe: the same post (platform, account, id, content) is stored once; a changed post
    becomes a new version, a deleted one a deletion version. Exit 2 if any input line was rejected.
    """
    eng = engine(db)
    who = actor(by)
    check = checker(code)
    registry = Registry(eng)
    counts = {"read": 0, "not_record": 0, "rejected": 0}

    def items() -> Iterator[tuple[Post, Result]]:
        for n, item in read_posts(input_):
            if isinstance(item, RejectedRecord):
                counts["rejected"] += 1
                click.echo(f"{item.source}:{item.location}: {item.reason}", err=True)
                continue
            counts["read"] += 1
            post = registry.apply(item)
            try:
                result = check.check(post)
            except UnknownCode as e:
                counts["rejected"] += 1
                click.echo(f"{input_}: item {n}: {e}", err=True)
                continue
            if result.archive or all_:
                why = arc.unstorable(post)
                if why:  # set aside with a reason; the rest of the input is still archived
                    counts["rejected"] += 1
                    click.echo(f"{input_}: item {n}: {why}", err=True)
                    continue
                yield post, result
            else:
                counts["not_record"] += 1

    def show(s: arc.AppendStats) -> None:
        if progress:
            click.echo(f"committed head={s.head_seq} written={s.written} duplicates={s.duplicates}", err=True)

    stats = arc.append(eng, items(), who, batch=batch, on_batch=show)
    data = {**counts, "added": stats.added, "edits": stats.edits, "deletes": stats.deletes,
            "duplicates": stats.duplicates, "head_seq": stats.head_seq, "head_hash": stats.head_hash}

    def human(con: Console) -> None:
        con.print(f"{counts['read']} post(s) read: {stats.added} archived, {stats.edits} edit(s), "
                  f"{stats.deletes} deletion(s), {stats.duplicates} already archived, "
                  f"{counts['not_record']} not a public record"
                  + (f", {counts['rejected']} rejected" if counts["rejected"] else ""))
        con.print(f"chain head: entry {stats.head_seq} {stats.head_hash}")

    emit(fmt, data, human)
    if counts["rejected"]:
        raise SystemExit(2)


@command.command("verify")
@click.option("--expect-head", default=None, metavar="HASH", callback=published_hash,
              help="The head hash published earlier (a prefix of 8 or more hex digits is enough): also detects a "
                   "truncated chain.")
@db_option
@format_option
@handles_errors
def verify(expect_head: str | None, db: str | None, fmt: str) -> None:
    """Re-hash the whole archive chain and the audit log. Exit 1 naming the first bad entry."""
    eng = engine(db, existing=True)
    rep = arc.verify(eng, expect_head=expect_head)
    n_audit, audit_problems = audit.verify(eng)
    ok = rep.ok and not audit_problems
    data = {"ok": ok, "entries": rep.checked, "disposed": rep.disposed, "head_seq": rep.head_seq,
            "head_hash": rep.head_hash, "first_bad": rep.first_bad, "problems": rep.problems,
            "audit_entries": n_audit, "audit_problems": audit_problems}

    def human(con: Console) -> None:
        for p in rep.problems + audit_problems:
            con.print(Text.assemble(("FAIL", "red"), f" {p}"))
        if ok:
            con.print(Text.assemble(("OK", "green"), f" {rep.checked} archive entries ({rep.disposed} disposed), "
                      f"{n_audit} audit entries; head: entry {rep.head_seq} {rep.head_hash}"))

    emit(fmt, data, human)
    if not ok:
        raise SystemExit(1)


@command.command("head")
@db_option
@format_option
@handles_errors
def head(db: str | None, fmt: str) -> None:
    """Print the chain head (seq and hash): publish it elsewhere to anchor the archive."""
    seq, h = arc.head(engine(db, existing=True))
    emit(fmt, {"head_seq": seq, "head_hash": h}, lambda con: con.print(f"{seq} {h}"))


def _entry_view(e: dict[str, Any]) -> dict[str, Any]:
    d = arc.header(e)
    d["entry_hash"] = e["entry_hash"]
    d["post"] = msgspec.json.decode(e["post_json"]) if e["post_json"] else None
    d["result"] = msgspec.json.decode(e["result_json"]) if e["result_json"] else None
    return d


TABLE_ROWS = 1000  # archive list: a Rich table for up to this many entries on a terminal, else plain lines
_COLUMNS = ("seq", "record", "v", "kind", "posted", "capacity", "findings", "text")
# Control characters (and the bidi overrides that reorder a line) shown as spaces: a post must not drive the terminal.
_UNPRINTABLE = {c: " " for c in chain(range(32), range(127, 160), range(0x202A, 0x202F), range(0x2066, 0x206A))}


class _Shown(msgspec.Struct):
    """What a listing shows of a stored post (decoding only these skips the rest of its JSON)."""

    text: str = ""


class _Counted(msgspec.Struct):
    """What a listing shows of a stored result: how many findings (each left undecoded)."""

    findings: list[msgspec.Raw] = []


_shown = msgspec.json.Decoder(_Shown)
_counted = msgspec.json.Decoder(_Counted)


def _cells(e: dict[str, Any]) -> list[str]:
    """An entry as the listing's cells, each on one line with no control character."""
    text = _shown.decode(e["post_json"]).text if e["post_json"] else "[disposed]"
    nf = len(_counted.decode(e["result_json"]).findings) if e["result_json"] else 0
    cells = [str(e["seq"]), e["record_key"], str(e["version"]), e["kind"], e["posted_at"] or "", e["capacity"], str(nf)]
    return [c.translate(_UNPRINTABLE) for c in cells] + [" ".join(text.translate(_UNPRINTABLE).split())[:60]]


def _terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stdout
        return False


def _table(rows: list[list[str]]) -> None:
    """A Rich table: for a terminal and a few entries (it measures every cell before it prints the first line)."""
    t = Table(*_COLUMNS)
    t.columns[1].overflow = "fold"  # a record key is folded, never cut: it is what --record takes
    for r in rows:
        t.add_row(*r)
    con = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
    con.print(t)
    con.print(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}")


def _plain(first: list[list[str]], rest: Iterable[list[str]], last_seq: int) -> None:
    """One line per entry, written as entries are read: seq as wide as the archive's last one, the other columns
    as wide as the first page needs (a longer value later widens its own line, never cut: a record key must stay
    whole for --record), the text's first 60 characters on the same line."""
    widths = [max(len(c[i]) for c in [list(_COLUMNS), *first]) for i in range(len(_COLUMNS) - 1)]
    widths[0] = max(widths[0], len(str(last_seq)))

    def line(cells: list[str]) -> str:
        return "  ".join([*(c.ljust(w) for c, w in zip(cells, widths, strict=False)), cells[-1]]).rstrip()

    n = 0
    try:
        click.echo(line(list(_COLUMNS)))
        page: list[str] = []
        for cells in chain(first, rest):
            n += 1
            page.append(line(cells))
            if len(page) >= 1000:
                click.echo("\n".join(page))
                page = []
        if page:
            click.echo("\n".join(page))
        click.echo(f"{n} entr{'y' if n == 1 else 'ies'}")
    except BrokenPipeError:  # `archive list | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's flush at exit must not fail again


@command.command("list")
@click.option("--from", "start", default=None, metavar="DATE", help="Posted on or after (ISO 8601).")
@click.option("--to", "end", default=None, metavar="DATE", help="Posted on or before (ISO 8601).")
@click.option("--account", default=None, help="Account handle.")
@click.option("--query", default=None, help="Text the post contains (case-insensitive).")
@click.option("--record", default=None, help="One record key: all its versions.")
@click.option("--limit", type=click.IntRange(1), default=None, callback=at_most_rows,
              help="At most this many entries (the first, by seq).")
@db_option
@format_option
@handles_errors
def list_(start: str | None, end: str | None, account: str | None, query: str | None, record: str | None,
          limit: int | None, db: str | None, fmt: str) -> None:
    """List archived entries (every version; disposal entries with --record).

    human: a table on a terminal for up to 1,000 entries; otherwise one plain line per entry, streamed."""
    kinds = tuple(arc.KINDS) if record else ("record", "edit", "delete")
    lo, hi = when(start, "--from"), when(end, "--to", True)  # a bad date is named before the database is opened
    store = engine(db, existing=True)
    last_seq = arc.head(store)[0] if fmt == "human" else 0  # read first: one connection at a time
    with closing(arc.iter_entries(store, lo, hi, account, query, kinds=kinds, record=record)) as it:
        # Limited after the text query (matched in Python); closing ends the read without fetching the rest.
        found = islice(it, limit)
        if fmt == "jsonl":  # a line per entry as it is read: an archive of millions is never held in memory
            for e in found:
                click.echo(msgspec.json.encode(_entry_view(e)).decode())
            return
        if fmt == "json":
            rows = [_entry_view(e) for e in found]
            emit(fmt, rows, lambda con: None, rows)
            return
        # human, streamed too: a Rich table of 50k entries took 33 s and 800 MB before its first line
        first = [_cells(e) for e in islice(found, TABLE_ROWS + 1)]
        if len(first) <= TABLE_ROWS and _terminal():
            _table(first)
        else:
            _plain(first, (_cells(e) for e in found), last_seq)


@command.command("export")
@click.option("--from", "start", default=None, metavar="DATE", help="Posted on or after (ISO 8601).")
@click.option("--to", "end", default=None, metavar="DATE", help="Posted on or before (ISO 8601; a date includes the day).")
@click.option("--account", default=None, help="Account handle.")
@click.option("--query", default=None, help="Text the post contains (case-insensitive).")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="New or empty directory for the bundle.")
@db_option
@by_option()
@format_option
@handles_errors
def export(start: str | None, end: str | None, account: str | None, query: str | None, out: Path, db: str | None,
           by: str | None, fmt: str) -> None:
    """Write an FOI/OIA bundle: records.jsonl, records.csv, index.html and manifest.json (SHA-256s, chain head)."""
    lo, hi = when(start, "--from"), when(end, "--to", True)
    eng = engine(db, existing=True)
    who = actor(by)
    meta = exp.export(eng, out, lo, hi, account, query)
    with eng.begin() as conn:
        audit.record(conn, who, "archive.export", f"bundle:{out}",
                     {"query": meta["query"], "count": meta["count"], "manifest_sha256": meta["manifest_sha256"]})
    data = {"out": str(out), "count": meta["count"], "head_seq": meta["chain"]["head_seq"],
            "head_hash": meta["chain"]["head_hash"], "manifest_sha256": meta["manifest_sha256"]}

    def human(con: Console) -> None:
        con.print(f"{meta['count']} entries written to {out}")
        con.print(f"manifest.json SHA-256 {meta['manifest_sha256']} (give this to the requester separately)")
        con.print(f"chain head: entry {meta['chain']['head_seq']} {meta['chain']['head_hash']}")

    emit(fmt, data, human)


@command.command("verify-bundle")
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option("--manifest-sha256", default=None, metavar="HASH", callback=published_hash,
              help="The manifest hash given with the bundle (a prefix of 8 or more hex digits is enough).")
@format_option
@handles_errors
def verify_bundle(bundle: Path, manifest_sha256: str | None, fmt: str) -> None:
    """Check an export bundle offline (no database). Exit 1 when anything does not match."""
    if not bundle.is_dir():
        fail(f"{bundle} is not a directory")
    meta, problems = exp.verify_bundle(bundle)
    if meta is not None and manifest_sha256 is not None:
        import hashlib

        got = hashlib.sha256((bundle / "manifest.json").read_bytes()).hexdigest()
        if not got.startswith(manifest_sha256.lower()):
            problems.append(f"manifest.json SHA-256 is {got}, not the expected {manifest_sha256}")
    data = {"ok": not problems, "problems": problems, "count": meta.get("count") if meta else None,
            "head_hash": meta["chain"]["head_hash"] if meta else None}

    def human(con: Console) -> None:
        for p in problems:
            con.print(Text.assemble(("FAIL", "red"), f" {p}"))
        if not problems and meta:
            con.print(Text.assemble(("OK", "green"), f" {meta['count']} entries, {len(meta['files'])} files; "
                      f"chain head at export: entry {meta['chain']['head_seq']} {meta['chain']['head_hash']}"))

    emit(fmt, data, human)
    if problems:
        raise SystemExit(1)


# --- retention and legal hold -------------------------------------------------------------------

@command.group("retention")
def retention() -> None:
    """How long records are kept, per capacity and jurisdiction."""


@retention.command("set")
@click.option("--capacity", type=click.Choice(CAPACITIES), required=True)
@click.option("--jurisdiction", type=click.Choice([*JURISDICTIONS, "*"]), default="*", show_default=True)
@click.option("--years", type=click.IntRange(0), default=None, help="Years to keep; omit with --permanent.")
@click.option("--permanent", is_flag=True, help="Keep forever.")
@click.option("--authority", default="", help="The disposal authority or schedule, e.g. 'GDA 7 class 2.1'.")
@db_option
@by_option()
@handles_errors
def retention_set(capacity: str, jurisdiction: str, years: int | None, permanent: bool, authority: str,
                  db: str | None, by: str | None) -> None:
    """Set a retention rule (the exact jurisdiction's rule wins over '*'; no rule keeps records forever)."""
    if (years is None) == (not permanent):
        fail("give either --years N or --permanent")
    arc.set_rule(engine(db), capacity, jurisdiction, None if permanent else years, authority, actor(by))
    click.echo(f"retention {capacity}/{jurisdiction}: {'permanent' if permanent else f'{years} years'}")


@retention.command("list")
@db_option
@format_option
@handles_errors
def retention_list(db: str | None, fmt: str) -> None:
    """List retention rules."""
    rules = arc.rules(engine(db, existing=True))

    def human(con: Console) -> None:
        t = Table("capacity", "jurisdiction", "years", "authority")
        for r in rules:
            t.add_row(r.capacity, r.jurisdiction, "permanent" if r.years is None else str(r.years), r.authority)
        con.print(t)

    emit(fmt, rules, human, list(rules))


@command.group("hold")
def hold() -> None:
    """Legal holds: records under hold cannot be disposed of."""


@hold.command("place")
@click.option("--record", default=None, help="A record key (see 'archive list').")
@click.option("--account", default=None, help="Every record of an account handle.")
@click.option("--reason", required=True)
@db_option
@by_option()
@handles_errors
def hold_place(record: str | None, account: str | None, reason: str, db: str | None, by: str | None) -> None:
    """Place a legal hold."""
    eng = engine(db)
    hid = arc.place_hold(eng, actor(by), reason, record, account)
    held = arc.entries_page(eng, 0, 0, account=arc.bare_handle(account) if account else None, record=record,
                            kinds=tuple(arc.KINDS))[1]
    click.echo(f"hold {hid} placed on {held:,} archive entr{'y' if held == 1 else 'ies'}")
    if not held:  # a typo protects nothing; a hold may also come before the records do, so it stays placed
        click.echo(f"onrecord: warning: no archived record matches {record or account!r} yet: check the spelling "
                   "('archive list'); the hold covers matching records archived later", err=True)


@hold.command("release")
@click.argument("hold_id", type=int)
@db_option
@by_option()
@handles_errors
def hold_release(hold_id: int, db: str | None, by: str | None) -> None:
    """Release a legal hold."""
    arc.release_hold(engine(db, existing=True), hold_id, actor(by))
    click.echo(f"hold {hold_id} released")


@hold.command("list")
@click.option("--all", "all_", is_flag=True, help="Include released holds.")
@db_option
@format_option
@handles_errors
def hold_list(all_: bool, db: str | None, fmt: str) -> None:
    """List legal holds."""
    rows = arc.holds(engine(db, existing=True), active_only=not all_)

    def human(con: Console) -> None:
        t = Table("id", "record", "account", "reason", "placed by", "placed", "released")
        for h in rows:
            t.add_row(str(h["id"]), h["record_key"] or "", h["account"] or "", h["reason"], h["placed_by"],
                      h["placed_at"], h["released_at"] or "")
        con.print(t)

    emit(fmt, rows, human, rows)


@command.command("dispose")
@click.option("--dry-run", is_flag=True, help="Only say what is due and what a hold blocks.")
@click.option("--record", default=None, help="Only this record key.")
@click.option("--now", "now_", default=None, hidden=True, help="Pretend it is this time (for testing rules).")
@db_option
@by_option()
@format_option
@handles_errors
def dispose(dry_run: bool, record: str | None, now_: str | None, db: str | None, by: str | None, fmt: str) -> None:
    """Dispose of records past their retention period, except those under legal hold.

    Disposal appends a 'dispose' entry to the chain and blanks the content; hashes stay, so verify passes.
    Exit 1 when a hold blocked a disposal that was due.
    """
    eng = engine(db, existing=True)
    now = when(now_, "--now")
    plan = arc.plan_disposal(eng, now) if dry_run else arc.dispose(eng, actor(by), now, record)
    if dry_run and record:
        plan.due = [i for i in plan.due if i["record_key"] == record]
        plan.held = [i for i in plan.held if i["record_key"] == record]
    data = {"dry_run": dry_run, "disposed" if not dry_run else "due": plan.due, "held": plan.held}

    def human(con: Console) -> None:
        verb = "due" if dry_run else "disposed"
        for i in plan.due:
            con.print(f"{verb}: {i['record_key']} ({i['years']} years, {i['authority'] or 'no authority named'})")
        for i in plan.held:
            con.print(Text.assemble((f"blocked by legal hold {i['hold']}", "yellow"), f": {i['record_key']}"))
        con.print(f"{len(plan.due)} {verb}, {len(plan.held)} blocked by a legal hold")

    emit(fmt, data, human)
    if plan.held:
        raise SystemExit(1)


@command.command("log")
@click.option("--actor", "who", default=None, help="Only this actor's actions.")
@click.option("--object", "obj", default=None, help="Only this object, e.g. 'item:3' (exactly; not 'item:30').")
@click.option("--object-prefix", "obj_prefix", default=None, metavar="PREFIX",
              help="Only objects starting with PREFIX, e.g. 'account:' or 'item:3' (item:3, item:30...).")
@click.option("--limit", type=click.IntRange(1), default=None, callback=at_most_rows)
@db_option
@format_option
@handles_errors
def log(who: str | None, obj: str | None, obj_prefix: str | None, limit: int | None, db: str | None,
        fmt: str) -> None:
    """Show the append-only audit log of every action on the records store."""
    if obj is not None and obj_prefix is not None:
        fail("give --object or --object-prefix, not both")
    rows = audit.entries(engine(db, existing=True), who, obj if obj_prefix is None else obj_prefix, limit,
                         prefix=obj_prefix is not None)

    def human(con: Console) -> None:
        t = Table("seq", "when", "who", "action", "object", "detail")
        for r in rows:
            t.add_row(str(r.seq), r.at, r.actor, r.action, r.object, msgspec.json.encode(r.detail).decode()[:80])
        con.print(t)

    emit(fmt, rows, human, list(rows))


@command.command("activity")
@click.option("--month", default=None, metavar="YYYY-MM", help="One calendar month (UTC); instead of --from/--to.")
@click.option("--from", "start", default=None, metavar="DATE", help="Archived on or after (ISO 8601).")
@click.option("--to", "end", default=None, metavar="DATE", help="Archived on or before (a bare date includes the day).")
@db_option
@format_option
@handles_errors
def activity_(month: str | None, start: str | None, end: str | None, db: str | None, fmt: str) -> None:
    """The records report for a period: per account, records, edits, deletions and disposals archived (and
    their capacities); from the audit log, bundles exported, holds, retention changes and who did them."""
    if month:
        if start or end:
            fail("give --month or --from/--to, not both")
        lo: datetime | None
        hi: datetime | None
        lo, hi = month_bounds(month)
    else:
        lo, hi = when(start, "--from"), when(end, "--to", True)
    rep = activity(engine(db, existing=True), lo, hi).as_dict()

    def human(con: Console) -> None:
        tot = rep["totals"]
        period = f"{(rep['start'] or 'the first entry')[:10]} to {(rep['end'] or 'now')[:10]}"
        con.print(f"{period}: {tot['record']} new records, {tot['edit']} edits, {tot['delete']} deletions kept, "
                  f"{tot['dispose']} disposed, across {len(rep['accounts'])} account(s)")
        t = Table("account", "records", "edits", "deletions", "disposed", "capacities")
        for a in rep["accounts"]:
            t.add_row(f"{a['platform']}:{a['account']}", str(a["record"]), str(a["edit"]), str(a["delete"]),
                      str(a["dispose"]), ", ".join(f"{k} {v}" for k, v in a["capacity"].items()))
        con.print(t)
        for who, acts in rep["by_actor"].items():
            con.print(f"{who}: " + ", ".join(f"{k} {v}" for k, v in acts.items()))
        for e in rep["exports"]:
            con.print(f"  bundle {e['bundle']} by {e['actor']} at {e['at'][:16]}: {e['count']} record(s), "
                      f"manifest {str(e['manifest_sha256'])[:16]}…")

    emit(fmt, rep, human, rep["accounts"])
