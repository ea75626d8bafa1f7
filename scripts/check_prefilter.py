"""Dev check: the Hyperscan prefilter gives exactly what plain ``re`` gives, on the shared corpora.

Vectorscan has mis-compiled at least one of our patterns before (a bug, not a prefilter
approximation), so run this after changing the political lexicon: ``python scripts/check_prefilter.py``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from onrecord.detectors.political import PoliticalDetector

SHARED = Path(os.environ.get("ONRECORD_SHARED", Path(__file__).resolve().parents[2] / "shared"))
FILES = ["congress_capacity", "candidates2020_campaign", "davidson_offensive", "congress_selfpromotion", "presidio_synth_pii"]


def main() -> None:
    fast, slow = PoliticalDetector(), PoliticalDetector()
    slow._prefilter.db = None
    n = bad = 0
    for name in FILES:
        p = SHARED / "data" / name / "dev.jsonl"
        if not p.exists():
            print(f"skipped: {p} missing")
            continue
        for line in p.open(encoding="utf-8"):
            text = json.loads(line)["text"]
            n += 1
            a, b = list(fast.detect(text, "text")), list(slow.detect(text, "text"))
            if a != b:
                bad += 1
                missing = {(s.kind, s.text) for s in b} - {(s.kind, s.text) for s in a}
                print(f"{name}: prefilter missed {sorted(missing)}")
    print(f"{n} texts, {bad} differences")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
