"""Audit at scale: throughput, peak memory, and an import of every export fixture.

Measures, on deterministic synthetic posts (``random.Random(42)``; no data from /work/shared is needed):
  1. end-to-end posts/s of ``run_audit`` (JSONL import → default check set → results.jsonl, summary.csv,
     report.html) with the local runner on one worker and on all cores, and with Spark ``local[2]``;
  2. Presidio's ``BatchAnalyzerEngine`` (no_op NLP engine, all English pattern recognizers) on the same
     posts, sampled (``--presidio-sample``) and extrapolated, because it is about 1,000 posts/s per core;
  3. peak RSS (this process, and this process plus its worker processes) at 100k and at N posts;
  4. read/checked/rejected for every export fixture in tests/fixtures/exports.

Engine start-up (building the detectors) is timed on its own and kept out of the posts/s figures.
Rerun:  OMP_NUM_THREADS=1 nice -n 10 python bench/audit.py --n 1000000
Smaller: python bench/audit.py --n 20000 --skip-spark --skip-presidio
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "exports"
CMD = "OMP_NUM_THREADS=1 nice -n 10 python bench/audit.py"

# ------------------------------------------------------------------ synthetic posts
OFFICIAL = [
    "The {place} library opens late on Thursdays from {day}.",
    "Road works on {street} start {day}; expect delays near the {place} roundabout.",
    "Our team cleared the slip on {street} overnight. Thanks to the crews.",
    "Consultation on the {place} bus network closes {day}. Have your say: https://www.example.gov/consult",
    "Public notice: the {place} pool is closed for maintenance until {day}.",
]
POLITICAL = [
    "Vote for {name} on {day}! Every vote counts. Donate at https://www.{slug}forcongress.com/donate",
    "Proud to stand with the {party} team in {place}. Join us on the campaign trail {day}.",
    "The {party} plan for {place} is a disaster. Time for a change on {day}.",
]
PRIVATE = [
    "Great game at {place} park today, the kids loved it.",
    "Recipe night: lasagne again. {day} cannot come soon enough.",
    "Finally finished that book about the history of {place}.",
]
PII = [
    "Thanks {name}, we will call you back on 021 555 {num} about your complaint.",
    "Resident at {num} {street} asked about case ref CR-{num}; email {first}.{last}@example.com",
    "Please send your SSN 536-22-{num} to verify, {name}.",
]
PLACES = ["Riverside", "Hillcrest", "Northgate", "Eastbay", "Kowhai", "Millbrook"]
STREETS = ["Station Road", "Main Street", "Harbour Drive", "Coast Road", "Hill Road"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "5 March", "the weekend"]
FIRST = ["Sam", "Alex", "Jordan", "Pat", "Aroha", "Chris", "Taylor"]
LAST = ["Placeholder", "Example", "Sample", "Testperson", "Demo"]
PARTIES = ["Example Party", "Sample Alliance", "Demo Greens"]
ACCOUNTS = [(f"@Dept{i}Example", "official") for i in range(8)] + [(f"@Person{i}Example", "personal") for i in range(12)]
PLATFORMS = ["x", "mastodon", "bluesky", "linkedin", "facebook"]


def synthetic_posts(n: int, seed: int = 42) -> Any:
    """``n`` mixed posts as contract dicts: 40% official, 20% political, 25% private, 15% with personal data."""
    rng = random.Random(seed)
    for i in range(n):
        r = rng.random()
        pool = OFFICIAL if r < 0.4 else POLITICAL if r < 0.6 else PRIVATE if r < 0.85 else PII
        first, last = rng.choice(FIRST), rng.choice(LAST)
        text = rng.choice(pool).format(
            place=rng.choice(PLACES),
            street=rng.choice(STREETS),
            day=rng.choice(DAYS),
            name=f"{first} {last}",
            first=first.lower(),
            last=last.lower(),
            slug=last.lower(),
            party=rng.choice(PARTIES),
            num=f"{rng.randrange(1000, 9999)}",
        )
        handle, kind = ACCOUNTS[rng.randrange(len(ACCOUNTS))]
        action = rng.choices(["post", "reply", "share"], [0.7, 0.2, 0.1])[0]
        yield {
            "id": f"s{i}",
            "text": text,
            "action": action,
            "platform": PLATFORMS[i % len(PLATFORMS)],
            "account": {"handle": handle, "kind": kind},
            "circumstances": {"posted_at": f"20{18 + i % 7}-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00Z"},
            "metrics": {"likes": rng.randrange(0, 200), "shares": rng.randrange(0, 40)},
        }


def write_jsonl(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        for p in synthetic_posts(n):
            f.write(json.dumps(p) + "\n")


# ------------------------------------------------------------------ memory sampling
class PeakRSS:
    """Samples RSS of this process and of this process plus all its children every 50 ms."""

    def __init__(self) -> None:
        import psutil

        self.proc = psutil.Process()
        self.self_peak = 0
        self.tree_peak = 0
        self.tree_pss_peak = 0  # proportional set size: shared (copy-on-write) pages counted once
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                own = self.proc.memory_info().rss
                kids = sum(c.memory_info().rss for c in self.proc.children(recursive=True) if c.name() != "java")
            except psutil.Error:
                continue
            self.self_peak = max(self.self_peak, own)
            self.tree_peak = max(self.tree_peak, own + kids)
            try:
                procs = [self.proc, *(c for c in self.proc.children(recursive=True) if c.name() != "java")]
                pss = sum(p.memory_full_info().pss for p in procs)
                self.tree_pss_peak = max(self.tree_pss_peak, pss)
            except (psutil.Error, AttributeError):
                pass
            self._stop.wait(0.1)

    def __enter__(self) -> PeakRSS:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def mb(b: int) -> str:
    return f"{b / 2**20:,.0f} MB"


# ------------------------------------------------------------------ runs
def audit_run(src: Path, out: Path, engine: str, workers: int | None, spark: Any = None) -> tuple[float, Any, PeakRSS]:
    from onrecord.api.audit import AuditOptions, run_audit

    with PeakRSS() as mem:
        t = time.perf_counter()
        res = run_audit(AuditOptions(paths=[str(src)], out_dir=str(out), engine=engine, workers=workers), spark=spark)
        dt = time.perf_counter() - t
    c = res.counts
    assert c.read == c.checked + c.rejected, "counts must add up"
    return dt, res, mem


def presidio_rate(n_total: int, sample: int) -> tuple[float, int, float] | None:
    try:
        import tldextract  # Presidio's email recognizer would otherwise try the network

        tldextract.extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NlpEngineProvider
    except ImportError:
        print("presidio: not installed (pip install -e '.[bench]'); skipped")
        return None
    nlp = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "no_op", "models": [{"lang_code": "en", "model_name": "no_op"}]}
    ).create_engine()
    reg = RecognizerRegistry(supported_languages=["en"])
    reg.load_predefined_recognizers(nlp_engine=nlp, languages=["en"])
    batch = BatchAnalyzerEngine(AnalyzerEngine(nlp_engine=nlp, registry=reg, supported_languages=["en"]))
    texts = [p["text"] for p in synthetic_posts(min(sample, n_total))]
    t = time.perf_counter()
    res = list(batch.analyze_iterator(texts, language="en", batch_size=500))
    dt = time.perf_counter() - t
    found = sum(1 for r in res if r)
    return len(texts) / dt, len(texts), found / len(texts)


def import_fixtures() -> None:
    from onrecord.importers import RejectedRecord, UnusableInput, open_input

    print("\n## Import of each export fixture (importers only; read = imported + rejected)")
    print(f"{'fixture':34} {'importer':9} {'read':>5} {'imported':>8} {'rejected':>8}  first reject reason")
    for p in sorted(FIXTURES.iterdir()):
        if p.suffix == ".py" or p.is_dir():
            continue
        try:
            job = open_input(str(p))
        except UnusableInput as e:
            print(f"{p.name:34} {'-':9} {'-':>5} {'-':>8} {'-':>8}  unusable (exit 2): {str(e).split(': ', 1)[1][:60]}")
            continue
        posts = rejects = 0
        first = ""
        for it in job.items():
            if isinstance(it, RejectedRecord):
                rejects += 1
                first = first or it.reason[:60]
            else:
                posts += 1
        print(f"{p.name:34} {job.importer:9} {posts + rejects:>5} {posts:>8} {rejects:>8}  {first}")


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]  # progress lines reach a log at once
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="posts for the big run (default 1,000,000)")
    ap.add_argument("--small", type=int, default=100_000, help="posts for the memory comparison run (default 100,000)")
    ap.add_argument("--spark-n", type=int, default=None, help="posts for the Spark run (default: --n)")
    ap.add_argument("--presidio-sample", type=int, default=20_000, help="posts Presidio really analyses")
    ap.add_argument("--skip-spark", action="store_true")
    ap.add_argument("--skip-presidio", action="store_true")
    ap.add_argument("--skip-local", action="store_true", help="skip the local-runner runs (e.g. to time Spark alone)")
    ap.add_argument("--skip-one-core", action="store_true", help="skip the one-worker (per-core) run")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.setrecursionlimit(10_000)
    flags = [f for f in ("skip_local", "skip_one_core", "skip_spark", "skip_presidio") if getattr(args, f)]
    cmd = f"{CMD} --n {args.n}" + (f" --spark-n {args.spark_n}" if args.spark_n else "")
    cmd += "".join(f" --{f.replace('_', '-')}" for f in flags)
    print(f"# bench/audit.py  (rerun: {cmd})")
    print(
        f"machine: {os.cpu_count()} cores, shared with other engineers' jobs (numbers are noisy); python {sys.version.split()[0]}"
    )

    from onrecord.api.runners import EngineSpec, default_workers, engine_for

    t = time.perf_counter()
    engine_for(EngineSpec())
    print(f"engine start-up (default checks and detectors, once per process): {time.perf_counter() - t:.1f} s")

    import_fixtures()

    with tempfile.TemporaryDirectory(prefix="onrecord-bench-") as d:
        tmp = Path(d)
        rows: list[tuple[str, int, float, str]] = []
        mem_rows: list[tuple[str, int, PeakRSS]] = []
        for n in [] if args.skip_local else sorted({min(args.small, args.n), args.n}):
            src = tmp / f"posts-{n}.jsonl"
            t = time.perf_counter()
            write_jsonl(src, n)
            print(
                f"\nwrote {n:,} synthetic posts ({src.stat().st_size / 2**20:,.0f} MB JSONL) in {time.perf_counter() - t:.1f} s"
            )
            w = default_workers()
            dt, res, mem = audit_run(src, tmp / f"out-local-{n}", "local", None)
            c = res.counts
            rows.append((f"local runner, all cores ({w} workers)", n, dt, f"{c.breach_posts:,} breach posts"))
            mem_rows.append((f"local, {w} workers", n, mem))
            print(
                f"local x{w}: {n:,} posts in {dt:.1f} s = {n / dt:,.0f} posts/s; peak RSS main {mb(mem.self_peak)}, "
                f"main+workers {mb(mem.tree_peak)}; read {c.read:,} = checked {c.checked:,} + rejected {c.rejected:,}"
            )
        src = tmp / f"posts-{args.n}.jsonl"
        if not args.skip_one_core:
            os.sched_setaffinity(0, {0})  # one core: this process and its one worker
            one = min(args.n, 20_000)
            src1 = tmp / f"posts-{one}.jsonl"
            if not src1.exists():
                write_jsonl(src1, one)
            dt, res, mem = audit_run(src1, tmp / "out-one", "local", 1)
            rows.append(("local runner, 1 worker pinned to core 0", one, dt, ""))
            print(f"local x1 (taskset core 0): {one:,} posts in {dt:.1f} s = {one / dt:,.0f} posts/s")
            os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
        if not args.skip_spark:
            from onrecord.api.runners import RunnerUnavailable, spark_session

            try:
                t = time.perf_counter()
                spark = spark_session(2)
                warm_src = tmp / "warm.jsonl"
                write_jsonl(warm_src, 50)
                audit_run(warm_src, tmp / "out-warm", "spark", 2, spark)  # Python workers build their Engine
                print(f"\nspark local[2] start-up incl. engine in each Python worker: {time.perf_counter() - t:.1f} s")
                sn = args.spark_n or args.n
                ssrc = tmp / f"posts-{sn}.jsonl"
                if not ssrc.exists():
                    write_jsonl(ssrc, sn)
                dt, res, mem = audit_run(ssrc, tmp / "out-spark", "spark", 2, spark)
                c = res.counts
                rows.append(("Spark local[2], mapInArrow (warm)", sn, dt, ""))
                mem_rows.append(("spark local[2] (driver python + python workers; JVM not counted)", sn, mem))
                print(
                    f"spark local[2]: {sn:,} posts in {dt:.1f} s = {sn / dt:,.0f} posts/s; "
                    f"read {c.read:,} = checked {c.checked:,} + rejected {c.rejected:,}"
                )
                local_out = tmp / f"out-local-{sn}" / "results.jsonl"
                if local_out.exists():
                    same = (tmp / "out-spark" / "results.jsonl").read_bytes() == local_out.read_bytes()
                    print(f"spark results.jsonl byte-identical to the local run: {same}")
                spark.stop()
            except RunnerUnavailable as e:
                print(f"spark: skipped ({e})")
        if not args.skip_presidio:
            os.sched_setaffinity(0, {0})
            pr = presidio_rate(args.n, args.presidio_sample)
            os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
            if pr:
                rate, k, hit = pr
                rows.append(
                    (
                        f"Presidio BatchAnalyzerEngine, 1 core, {k:,} sampled",
                        args.n,
                        args.n / rate,
                        f"extrapolated from {k:,}; {hit:.0%} posts with an entity",
                    )
                )

    print(f"\n## Throughput (end to end unless noted; rerun: {cmd})")
    print(f"{'run':58} {'posts':>10} {'seconds':>9} {'posts/s':>9}  note")
    for name, n, dt, note in rows:
        print(f"{name:58} {n:>10,} {dt:>9.1f} {n / dt:>9,.0f}  {note}")
    print("\n## Peak RSS (target: flat in the number of posts, < 500 MB)")
    for name, n, mem in mem_rows:
        print(
            f"{name:58} {n:>10,} posts: main RSS {mb(mem.self_peak)}, main+workers RSS {mb(mem.tree_peak)} "
            f"(PSS {mb(mem.tree_pss_peak)})"
        )


if __name__ == "__main__":
    main()
