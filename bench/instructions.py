"""Instructions a post for the whole engine, counted by valgrind's callgrind: a speed figure the machine's noise does not move.

Wall-clock posts/s (``bench/checks.py --only speed``) moves by 10-20 % between runs on a shared 2-core machine;
callgrind counts executed instructions, which are the same run after run (±1 %: garbage collection and hash
seeds aside, fixed here). It does not see cache misses, so a change that saves memory traffic shows less here
than in wall time. Use it to compare two commits, next to the wall-clock bench.

Posts: the mixed set of ``bench/checks.py --only speed`` (1,000 congress office tweets, 1,000 Presidio PII
sentences), as an official account of an elected official, or with account kind unknown (the text model
decides capacity). Each count is the difference between a run with 3 passes and one with 1 pass over the
set (batches of 500, after one warm-up pass), divided by 2 x 2,000 posts, so start-up and loading cancel out.

    python bench/instructions.py                  # both sets, about 2 minutes
    python bench/instructions.py --set official   # one set
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CMD = "python bench/instructions.py"


def _child(kind: str, passes: int) -> None:
    sys.path.insert(0, str(BENCH))
    import random

    import msgspec

    import checks as C  # bench/checks.py: the same posts as its speed part

    rows = C.office_posts()
    p = C.data("presidio_synth_pii", "dev.jsonl")
    if rows is None or p is None:
        raise SystemExit("shared data missing")
    rng = random.Random(C.SEED)
    office = [r["text"] for r in rng.sample(rows, 1000)]
    pii = [r["text"] for r in C.jsonl(p)][:1000]
    ctx = {"account": {"kind": kind}, "author": {"role": "elected_official"}, "jurisdiction": "US"}
    posts = [msgspec.convert({"text": t, **ctx}, C.Post) for t in office + pii]
    eng = C.engine_or_none()
    if eng is None:
        raise SystemExit("no engine")
    for _ in range(1 + passes):  # one warm-up pass, then the counted ones
        for i in range(0, len(posts), 500):
            eng.check_many(posts[i : i + 500])


def _count(kind: str, passes: int) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1"}
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__, "--child", kind, str(passes)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    for line in out.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split(":")[-1].strip())
    raise SystemExit(f"callgrind gave no count: {out.stderr[-500:]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", choices=["official", "unknown", "both"], default="both")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "PASSES"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        _child(a.child[0], int(a.child[1]))
        return 0
    if shutil.which("valgrind") is None:
        print("skipped: valgrind is not installed (apt-get install valgrind)")
        return 0
    sys.path.insert(0, str(BENCH))
    from _shared import shared_dir

    print(f"onrecord instructions benchmark; data: {shared_dir()}; value | command")
    kinds = ["official", "unknown"] if a.set == "both" else [a.set]
    for kind in kinds:
        one, three = _count(kind, 1), _count(kind, 3)
        per_post = (three - one) / (2 * 2000)
        label = "official account" if kind == "official" else "account kind unknown"
        print(f"  Engine.check_many (batches of 500), mixed set, {label}: {per_post:,.0f} instructions a post   {CMD} --set {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
