"""End-to-end verdicts on the authority cases: runs ``onrecord check`` and scores it.

Prints verdict accuracy (allowed vs not), capacity accuracy and recall of the expected breach
topics, per jurisdiction, and lists every miss. Rerun: ``python bench/authority.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from _shared import data_file

INPUT_FIELDS = (
    "id",
    "jurisdiction",
    "code",
    "action",
    "text",
    "comment",
    "links",
    "platform",
    "account",
    "author",
    "circumstances",
)


def main() -> None:
    src = data_file("authority_cases", "dev.jsonl")
    cases = [json.loads(line) for line in src.read_text("utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp, "in.jsonl")
        inp.write_text("".join(json.dumps({k: c[k] for k in INPUT_FIELDS if k in c}) + "\n" for c in cases), "utf-8")
        cmd = [sys.executable, "-m", "onrecord", "check", "--input", str(inp), "--format", "jsonl"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        print(f"onrecord check exited {proc.returncode}; unchecked cases count as wrong:\n{proc.stderr}")
    results = {r["id"]: r for r in map(json.loads, proc.stdout.splitlines())}
    verdict = capacity = 0
    topic_hit = topic_total = 0
    per_j: dict[str, Counter[str]] = defaultdict(Counter)
    misses = []
    for c in cases:
        r = results.get(c["id"]) or {"allowed": None, "capacity": {"label": None}, "findings": []}
        exp = c["expected"]
        ok_v = r["allowed"] == exp["allowed"]
        ok_c = r["capacity"]["label"] == exp["capacity"]
        verdict += ok_v
        capacity += ok_c
        got_topics = {f["topic"] for f in r["findings"] if f["severity"] == "breach"}
        for t in exp["breach_topics"]:
            topic_total += 1
            topic_hit += t in got_topics
        j = per_j[c["jurisdiction"]]
        j["n"] += 1
        j["verdict"] += ok_v
        j["capacity"] += ok_c
        if not (ok_v and ok_c):
            misses.append(
                (
                    c["id"],
                    exp["allowed"],
                    r["allowed"],
                    exp["capacity"],
                    r["capacity"]["label"],
                    sorted(exp["breach_topics"]),
                    sorted(got_topics),
                )
            )
    n = len(cases)
    print(f"authority cases: {n} ({src})")
    print(f"verdict accuracy (allowed vs not): {verdict / n:.3f} ({verdict}/{n})   target >= 0.90")
    print(f"capacity accuracy:                 {capacity / n:.3f} ({capacity}/{n})")
    print(f"breach-topic recall:               {topic_hit / max(topic_total, 1):.3f} ({topic_hit}/{topic_total})")
    print(f"time: {elapsed:.2f} s for the whole `onrecord check` run (start-up included)")
    for jur, cnt in sorted(per_j.items()):
        print(f"  {jur}: n={cnt['n']} verdict {cnt['verdict']}/{cnt['n']} capacity {cnt['capacity']}/{cnt['n']}")
    if misses:
        print("misses (id, expected allowed, got allowed, expected capacity, got capacity, expected topics, got breach topics):")
        for m in misses:
            print("  ", *m)
    print("rerun: python bench/authority.py   (ONRECORD_SHARED=/path/to/shared to point at the data)")


if __name__ == "__main__":
    main()
