"""Benchmark: archive append and verify rates (entries/s) for the hash-chained records archive.

Synthetic posts and results written for the benchmark (no shared data is needed, so it never skips).
Measures, on whatever database you point it at (default: a fresh SQLite file in a temp dir):
  * append: posts+results → canonical JSON, SHA-256 content and chain hashes, batched inserts;
  * re-append of a sample (idempotency look-ups, nothing written);
  * verify: re-hash every entry in order;
  * search: one page (500) of the records officer's search, with its total, as the web archive page asks for it
    (everything; one account; a text query, which is matched in Python over every candidate), and its peak memory;
  * export: an FOI/OIA bundle of every entry (timed, then again under tracemalloc for its peak Python memory).

    taskset -c 0 python bench/archive.py --n 1000000
    taskset -c 0 python bench/archive.py --n 100000 --db postgresql://app@127.0.0.1:54331/onrecord_test
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from onrecord.model.finding import CapacityResult, ClauseRef, Finding, Result
from onrecord.model.post import Account, Author, Circumstances, Post
from onrecord.store import archive
from onrecord.store import export as bundle
from onrecord.store.db import open_engine, resolve_url

WORDS = ("council", "park", "library", "road", "works", "notice", "meeting", "budget", "consultation", "open",
         "closed", "update", "service", "river", "path", "community", "hours", "weekend", "public", "plan")
CAP = CapacityResult(label="official", scores={"official": 0.91, "professional": 0.04, "private": 0.03,
                                               "political": 0.02}, evidence=["account kind: official"],
                     decided_by="context")
FINDING = Finding(check="PD01", name="personal_data.third_party", topic="personal_data", severity="warning",
                  clauses=[ClauseRef(id="bench:pd", title="Personal data", url="https://example.org/code#pd")],
                  message="synthetic finding for the benchmark")


def items(n: int, start: int = 0) -> Iterator[tuple[Post, Result]]:
    """~300-byte posts from 50 accounts; one in ten results carries a finding."""
    for i in range(start, start + n):
        words = " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(30))
        post = Post(text=f"Update {i}: {words}.", id=str(i), platform="x",
                    account=Account(kind="official", handle=f"agency{i % 50}"),
                    author=Author(role="employee", organisation="Bench City Council"),
                    circumstances=Circumstances(posted_at=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00Z"),
                    jurisdiction="NZ")
        yield post, Result(id=post.id, code="bench", capacity=CAP, allowed=True, review_required=True, archive=True,
                           findings=[FINDING] if i % 10 == 0 else [])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="entries to append (default 1,000,000)")
    ap.add_argument("--batch", type=int, default=1000, help="entries per transaction")
    ap.add_argument("--db", default=None, help="database URL or SQLite path (default: fresh temp SQLite file)")
    ap.add_argument("--sample", type=int, default=10_000, help="entries re-appended to time the duplicate path")
    args = ap.parse_args()
    cmd = "python bench/archive.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    tmp = None
    if args.db is None:
        tmp = tempfile.mkdtemp(prefix="onrecord-bench-")
        args.db = str(Path(tmp) / "archive.db")
    url = resolve_url(args.db)
    eng = open_engine(url)
    if archive.head(eng)[0]:
        print(f"error: {url} already holds an archive; use an empty database", file=sys.stderr)
        return 2
    print(f"# command: {cmd}")
    print(f"# database: {eng.url.render_as_string(hide_password=True)} ({eng.dialect.name}); "
          f"CPU affinity: {sorted(os.sched_getaffinity(0))}; the machine was shared with other jobs")
    last = [time.perf_counter()]
    t0 = last[0]

    def progress(s: archive.AppendStats) -> None:
        now = time.perf_counter()
        if now - last[0] > 30:
            print(f"  ... {s.head_seq:,} entries, {s.head_seq / (now - t0):,.0f}/s", file=sys.stderr, flush=True)
            last[0] = now

    stats = archive.append(eng, items(args.n), "bench", batch=args.batch, on_batch=progress)
    t_append = time.perf_counter() - t0
    assert stats.written == args.n
    print(f"append: {args.n:,} entries in {t_append:.1f} s = {args.n / t_append:,.0f} entries/s (batch {args.batch})")

    k = min(args.sample, args.n)
    t0 = time.perf_counter()
    dup = archive.append(eng, items(k), "bench", batch=args.batch)
    t_dup = time.perf_counter() - t0
    assert dup.duplicates == k and dup.written == 0
    print(f"re-append (all duplicates): {k:,} entries in {t_dup:.1f} s = {k / t_dup:,.0f} entries/s")

    t0 = time.perf_counter()
    rep = archive.verify(eng)
    t_verify = time.perf_counter() - t0
    assert rep.ok and rep.checked == args.n, rep.problems
    print(f"verify: {rep.checked:,} entries in {t_verify:.1f} s = {rep.checked / t_verify:,.0f} entries/s")
    for label, q in (("everything", {}), ("one account", {"account": "agency7"}),
                     ("text query 'update 12'", {"query": "update 12"})):
        tracemalloc.start()
        t0 = time.perf_counter()
        rows, total = archive.entries_page(eng, 0, 500, **q)  # type: ignore[arg-type]
        t_page = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"search page, {label}: {len(rows)} of {total:,} matches in {t_page:.2f} s, peak Python memory "
              f"{peak / 1e6:,.1f} MB (tracemalloc, which slows the text query)")
    for traced in (False, True):
        out = Path(tempfile.mkdtemp(prefix="onrecord-bench-bundle-"))
        if traced:
            tracemalloc.start()
        t0 = time.perf_counter()
        meta = bundle.export(eng, out / "b")
        t_export = time.perf_counter() - t0
        size = sum(f.stat().st_size for f in (out / "b").iterdir())
        if traced:
            print(f"export, peak Python memory: {tracemalloc.get_traced_memory()[1] / 1e6:,.1f} MB (tracemalloc)")
            tracemalloc.stop()
        else:
            print(f"export: {meta['count']:,} entries, {size / 1e6:,.0f} MB of files, in {t_export:.1f} s = "
                  f"{meta['count'] / t_export:,.0f} entries/s")
        for f in (out / "b").iterdir():
            f.unlink()
        (out / "b").rmdir()
        out.rmdir()
    if eng.dialect.name == "sqlite" and eng.url.database:
        size = sum(p.stat().st_size for p in Path(eng.url.database).parent.glob(Path(eng.url.database).name + "*"))
        print(f"database size: {size / 1e6:,.0f} MB ({size / args.n:,.0f} bytes/entry)")
    print(f"head: entry {rep.head_seq} {rep.head_hash}")
    eng.dispose()
    if tmp:
        for p in Path(tmp).iterdir():
            p.unlink()
        os.rmdir(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
