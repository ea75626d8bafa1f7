"""Political signals benchmark: how often electoral and donation-ask signals fire, and how often an
office account's post gets a PO03 / PO09 finding.

    python bench/signals.py                  # everything (about a minute)
    python bench/signals.py --only signals   # signal shares per source
    python bench/signals.py --only office    # PO03 / PO09 on congress office-account posts
    python bench/signals.py --only foreign   # PO09 on the congress posts as NZ/UK/AU employees' personal posts
    python bench/signals.py --show PO03      # also print each office post with a PO03 warning (terminal only)

Every number is printed next to the command that reproduces it. Reads $ONRECORD_SHARED/data
(default ../shared beside the repo) and skips a part with a message when its data is absent.

* Signals: ``PoliticalDetector`` on the text of each post (field ``text``); a post counts once per
  kind. Sources: congress_capacity campaign-account posts (``capacity == political_campaign``),
  congress_capacity office-account posts (``capacity == official``), candidates2020_campaign posts.
  On campaign accounts and candidates' posts the signals are wanted (recall); on office accounts
  they are mostly wrong (these accounts keep campaign content off by House/Senate rules).
* Office: the congress_capacity office-account posts checked exactly as ``bench/checks.py --only
  alarms`` checks them (official account, elected official, jurisdiction US, code us-congress, the
  full engine), so the numbers are comparable. Shares of posts with a PO03 warning, with a PO03 or
  PO09 finding of any severity, and with a PO03 breach. The office posts are also split by account
  (crc32 of the screen name, even = tuning half, odd = report half): the PO03 patterns were read and
  corrected on the tuning half only (``--show`` prints the tuning half), so the report half is the
  more honest figure. The data labels accounts, not posts: a few office posts may really be partisan.

* Foreign: all 20,000 congress_capacity posts (about the US government) checked as personal posts of
  an employee in NZ, UK and AU under that jurisdiction's code: PO09 (harsh criticism of the
  government) should concern the author's own government, so it should almost never fire here.

The ``--show`` output holds tweet text: read it in a terminal, never copy it into the repository.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from _shared import shared_dir  # noqa: E402
from checks import as_post, data, engine_or_none, jsonl, row  # noqa: E402  - same posts and output as bench/checks.py
from onrecord.detectors.political import PoliticalDetector  # noqa: E402

CMD = "python bench/signals.py --only"
KINDS = ("electoral", "donation_ask")


def jsonl_or_none(*parts: str) -> list[dict[str, Any]] | None:
    p = data(*parts)
    return None if p is None else jsonl(p)


def share(n: int, total: int) -> str:
    return f"{n / max(1, total):.2%} ({n}/{total})"


def tuning_half(r: dict[str, Any]) -> bool:
    """The account half the PO03 patterns were corrected on (even crc32 of the screen name)."""
    return zlib.crc32(str(r.get("screen_name", "")).lower().encode()) % 2 == 0


# ---------------------------------------------------------------------------------------------------- signals
def bench_signals() -> None:
    print("\n== electoral and donation-ask signals (PoliticalDetector on the post text) ==")
    congress = jsonl_or_none("congress_capacity", "dev.jsonl")
    cands = jsonl_or_none("candidates2020_campaign", "dev.jsonl")
    sources: dict[str, list[dict[str, Any]]] = {}
    if congress is not None:
        sources["congress campaign-account posts"] = [r for r in congress if r["capacity"] == "political_campaign"]
        sources["congress office-account posts"] = [r for r in congress if r["capacity"] == "official"]
    if cands is not None:
        sources["candidates2020 posts"] = cands
    det = PoliticalDetector()
    for name, rows in sources.items():
        counts: Counter[str] = Counter()
        for r in rows:
            counts.update({s.kind for s in det.detect(r["text"], "text")} & set(KINDS))
        for kind in KINDS:
            row(f"{name}: with a {kind} signal", share(counts[kind], len(rows)), f"{CMD} signals")


# ---------------------------------------------------------------------------------------------------- office
def bench_office(show: str | None = None) -> None:
    print("\n== congress office-account posts, engine as official/elected_official/US/us-congress (as the alarms bench) ==")
    congress = jsonl_or_none("congress_capacity", "dev.jsonl")
    eng = engine_or_none()
    if congress is None or eng is None:
        return
    rows = [r for r in congress if r["capacity"] == "official"]
    halves = {
        "all": rows,
        "tuning half": [r for r in rows if tuning_half(r)],
        "report half": [r for r in rows if not tuning_half(r)],
    }
    flags: dict[str, dict[str, bool]] = {}
    for r in rows:
        res = eng.check(as_post(r))
        f = res.findings
        flags[str(r["id"])] = {
            "po03_warning": any(x.check == "PO03" and x.severity == "warning" for x in f),
            "po03_breach": any(x.check == "PO03" and x.severity == "breach" for x in f),
            "po03_po09_any": any(x.check in ("PO03", "PO09") for x in f),
            "po09_any": any(x.check == "PO09" for x in f),
            "po03_party": any(x.check == "PO03" and "names a political party" in x.message for x in f),
            "po03_views": any(x.check == "PO03" and x.message.startswith("Personal political views") for x in f),
        }
        if show and tuning_half(r):
            for x in f:
                if x.check == show:
                    span = x.span.text if x.span else ""
                    print(f"    [{x.check} {x.severity}] {x.message} | span: {span!r}\n        {r['text']!r}")
    for half, rs in halves.items():
        ids = [str(r["id"]) for r in rs]
        for key, label in (
            ("po03_warning", "with a PO03 warning"),
            ("po03_po09_any", "with a PO03 or PO09 finding (any severity)"),
            ("po03_breach", "with a PO03 breach"),
            ("po09_any", "with a PO09 finding"),
            ("po03_party", "   PO03 because it names a party"),
            ("po03_views", "   PO03 for personal views (opinion or criticism words)"),
        ):
            n = sum(flags[i][key] for i in ids)
            row(f"{half} ({len(rs)} posts): {label}", share(n, len(rs)), f"{CMD} office")


# ---------------------------------------------------------------------------------------------------- foreign
FOREIGN_CONTEXTS = (("NZ", "nz-public-sector"), ("UK", "uk-civil-service"), ("AU", "au-aps"))


def bench_foreign() -> None:
    print("\n== PO09 on congress posts (about the US government) checked as personal posts of NZ/UK/AU employees ==")
    congress = jsonl_or_none("congress_capacity", "dev.jsonl")
    if congress is None:
        return
    import msgspec

    from onrecord.engine import Engine
    from onrecord.model.post import Post

    for jurisdiction, code in FOREIGN_CONTEXTS:
        eng = Engine(default_code=code)
        n = 0
        for r in congress:
            post = msgspec.convert(
                {
                    "text": r["text"],
                    "account": {"kind": "personal"},
                    "author": {"role": "employee"},
                    "jurisdiction": jurisdiction,
                },
                Post,
            )
            n += any(f.check == "PO09" for f in eng.check(post).findings)
        row(
            f"{len(congress)} congress posts as an {jurisdiction} employee's personal post ({code}): PO09",
            share(n, len(congress)),
            f"{CMD} foreign",
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--only", choices=["signals", "office", "foreign"])
    ap.add_argument("--show", metavar="CHECK", help="print the tuning-half office posts with a finding of CHECK (terminal only)")
    a = ap.parse_args()
    print(f"onrecord political signals benchmark; data: {shared_dir()}; value | command")
    parts: dict[str, Callable[[], None]] = {
        "signals": bench_signals,
        "office": lambda: bench_office(a.show),
        "foreign": bench_foreign,
    }
    for name, fn in parts.items():
        if a.only in (None, name):
            fn()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
