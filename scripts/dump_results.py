"""Write engine results for a fixed sample of shared posts in five contexts, one JSON line each.

Used to check that a speed change leaves every verdict as it was:

    python scripts/dump_results.py /tmp/after.jsonl
    git worktree add /tmp/before <ref> && (cd /tmp && PYTHONPATH=/tmp/before/src python /work/main/scripts/dump_results.py /tmp/before.jsonl)
    cmp /tmp/before.jsonl /tmp/after.jsonl

Reads $ONRECORD_SHARED/data (default ../shared beside the repo); skips with a message when absent.
The output holds post text only inside results' spans: keep it out of the repository.
"""

from __future__ import annotations

import glob
import json
import os
import random
import sys
from pathlib import Path

import msgspec

from onrecord.engine import Engine, UnknownCode
from onrecord.model.post import Post

CONTEXTS: list[dict[str, object]] = [
    {"account": {"kind": "official"}, "author": {"role": "elected_official"}, "jurisdiction": "US"},
    {"account": {"kind": "personal"}, "author": {"role": "employee", "name": "Pat Doe"}, "jurisdiction": "US"},
    {"account": {"kind": "campaign"}, "author": {"role": "elected_official"}, "jurisdiction": "US"},
    {"account": {"kind": "personal"}, "author": {"role": "employee"}, "jurisdiction": "NZ"},
    {"author": {"role": "unknown"}, "jurisdiction": "UK"},
]


def main(out: str, per_source: int = 4000, seed: int = 7) -> int:
    root = Path(os.environ.get("ONRECORD_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "data"
    files = sorted(glob.glob(str(root / "*" / "dev.jsonl")))
    if not files:
        print(f"skipped: no shared data under {root}")
        return 0
    rng = random.Random(seed)
    texts: list[str] = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            rows = [r for r in map(json.loads, fh) if isinstance(r.get("text"), str)]
        texts += [r["text"] for r in rng.sample(rows, min(len(rows), per_source))]
    posts = [msgspec.convert({**CONTEXTS[i % len(CONTEXTS)], "text": t, "id": str(i)}, Post) for i, t in enumerate(texts)]
    results = Engine().check_many(posts)
    with open(out, "wb") as fh:
        for r in results:
            fh.write(msgspec.json.encode(str(r) if isinstance(r, UnknownCode) else r) + b"\n")
    print(f"{len(posts)} posts -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "results.jsonl"))
