"""Exposure analysis on real posts nobody here wrote.

1. Place and organisation values against human entity labels (``ner_social``: Broad Twitter Corpus and
   WNUT-17, train and dev parts; their test parts are kept back): of the location/travel values the
   patterns report, the share that overlap a labelled place; of the employer values, the share that overlap
   a labelled organisation. This measures the value spans, not whether the post is a self-disclosure.
2. Throughput and facts per kind on ``congress_capacity`` (20,000 tweets by US members of Congress):
   fact extraction alone, and the whole analysis (facts, the political judgement, links, combinations).

Run: python bench/exposure.py [--only ner|speed] [--show N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import data_file
from onrecord.detectors.multipattern import MultiPattern
from onrecord.exposure.analyse import ExposureAnalyser
from onrecord.exposure.facts import FactFinder
from onrecord.exposure.rules import shipped_rules
from onrecord.model.post import Account, Circumstances, Post

PLACE = {"LOC", "location"}
ORG = {"ORG", "corporation", "group"}
CLITICS = {"'m", "'s", "'re", "'ve", "'ll", "'d", "n't", "’m", "’s", "’re", "’ve", "’ll", "’d"}


def read_conll(path: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Posts as (text with tokens joined by spaces, [(start, end, entity type)])."""
    posts: list[tuple[str, list[tuple[int, int, str]]]] = []
    toks: list[tuple[str, str]] = []

    def flush() -> None:
        if not toks:
            return
        text, spans, pos = "", [], 0
        cur: list[int | str] | None = None
        for tok, lab in toks:
            # The corpora split "I'm" into "I" + "'m": join clitics back so first-person patterns can match.
            if text and tok.lower() in CLITICS:
                text, pos = text[:-1], pos - 1
            start = pos
            text += tok + " "
            pos += len(tok) + 1
            if lab.startswith("B-") or (lab.startswith("I-") and cur is None):
                if cur:
                    spans.append((int(cur[0]), int(cur[1]), str(cur[2])))
                cur = [start, start + len(tok), lab[2:]]
            elif lab.startswith("I-") and cur is not None:
                cur[1] = start + len(tok)
            else:
                if cur:
                    spans.append((int(cur[0]), int(cur[1]), str(cur[2])))
                cur = None
        if cur:
            spans.append((int(cur[0]), int(cur[1]), str(cur[2])))
        posts.append((text.rstrip(), spans))
        toks.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            flush()
            continue
        parts = line.split("\t")
        toks.append((parts[0], parts[-1].strip() if len(parts) > 1 else "O"))
    flush()
    return posts


def bench_ner(show: int) -> None:
    finder = FactFinder(shipped_rules())
    files = ["btc.train.conll", "btc.dev.conll", "wnut17.train.conll", "wnut17.dev.conll"]
    posts = [p for f in files for p in read_conll(data_file("ner_social", f))]
    n_place = sum(1 for _, sp in posts for *_, t in sp if t in PLACE)
    print(f"ner_social: {len(posts):,} posts, {n_place:,} labelled places   python bench/exposure.py --only ner")
    # As posts (first-person patterns only), then as if each tweet were a bio (the profile-only patterns
    # too): more values, so a wider test of the value spans.
    for field, heading in (("text", "read as posts"), ("bio", "read as profiles")):
        _ner_scores(finder, posts, field, heading, show)


def _ner_scores(
    finder: FactFinder, posts: list[tuple[str, list[tuple[int, int, str]]]], field: str, heading: str, show: int
) -> None:
    tally: dict[str, Counter[str]] = {"place": Counter(), "org": Counter()}
    wrong: dict[str, list[str]] = {"place": [], "org": []}
    for text, spans in posts:
        for kind, value, s, e in finder.find(text, field):
            group = "place" if kind in ("location", "travel") else "org" if kind == "employer" else None
            if group is None:
                continue
            want = PLACE if group == "place" else ORG
            hit = any(t in want and s < te and ts < e for ts, te, t in spans)
            tally[group]["hit" if hit else "miss"] += 1
            if not hit:
                wrong[group].append(f"{value!r} in …{text[max(0, s - 40) : e + 20]}…")
    print(f"  {heading}:")
    for group, label in (
        ("place", "location/travel values on a labelled place"),
        ("org", "employer values on a labelled organisation"),
    ):
        c = tally[group]
        n = c["hit"] + c["miss"]
        share = f"{c['hit'] / n:.1%}" if n else "n/a"
        print(f"    {label:<46} {share:>6} ({c['hit']} of {n})")
        for w in wrong[group][:show]:
            print(f"        not labelled: {w}")


def congress_posts() -> list[tuple[int, Post]]:
    out = []
    with data_file("congress_capacity", "dev.jsonl").open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            r = json.loads(line)
            # As an auditor sees them: account kind unknown, handle and time as the platform gives them.
            out.append(
                (
                    n,
                    Post(
                        text=r["text"],
                        id=str(r["id"]),
                        platform="x",
                        account=Account(handle=r["screen_name"]),
                        circumstances=Circumstances(posted_at=r.get("created_at") or None),
                        jurisdiction="US",
                    ),
                )
            )
    return out


def bench_speed(show: int) -> None:
    posts = congress_posts()
    rules = shipped_rules()
    finder = FactFinder(rules)
    counts: Counter[str] = Counter()
    t0 = time.perf_counter()
    for _, p in posts:
        for kind, *_ in finder.find(p.text):
            counts[kind] += 1
    t_find = time.perf_counter() - t0
    # The same patterns without the Hyperscan gate: every pattern through re on every post.
    plain = FactFinder(rules)
    plain._gate = MultiPattern([(rx.pattern, kind) for kind, rx, _ in plain._patterns], caseless=False, engine="re")
    t0 = time.perf_counter()
    for _, p in posts:
        plain.find(p.text)
    t_plain = time.perf_counter() - t0
    analyser = ExposureAnalyser(rules)
    analyser.analyse(posts)  # builds the detectors and compiles the gates once, as a long-running audit would
    t0 = time.perf_counter()
    report = analyser.analyse(posts)
    t_all = time.perf_counter() - t0
    n = len(posts)
    print(f"congress_capacity: {n:,} posts, {report.accounts} accounts   python bench/exposure.py --only speed")
    print(f"  fact patterns alone                 {n / t_find:>10,.0f} posts/s")
    print(f"  fact patterns without the gate      {n / t_plain:>10,.0f} posts/s")
    print(f"  whole analysis (warm analyser)      {n / t_all:>10,.0f} posts/s")
    print("  facts per 1,000 posts: " + ", ".join(f"{k} {1000 * v / n:.1f}" for k, v in sorted(counts.items())))
    risks = Counter(r.code for p in report.persons for r in p.risks)
    advice = Counter(r.code for p in report.persons for r in p.advice)
    print(f"  accounts with each combination: as risks citing a clause {dict(sorted(risks.items()))}, "
          f"as advice (no clause governs) {dict(sorted(advice.items()))}")
    if show:
        import random

        rng = random.Random(7)
        sample = rng.sample(posts, min(len(posts), 4000))
        by_kind: dict[str, list[str]] = {}
        for _, p in sample:
            for kind, value, s, e in finder.find(p.text):
                by_kind.setdefault(kind, []).append(f"{value!r}: …{p.text[max(0, s - 30) : e + 15]}…")
        for kind, rows in sorted(by_kind.items()):
            for row in rows[:show]:
                print(f"      {kind}: {row}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=["ner", "speed"])
    ap.add_argument("--show", type=int, default=0, help="print N examples per group (for reading, not for scores)")
    a = ap.parse_args()
    if a.only in (None, "ner"):
        bench_ner(a.show)
    if a.only in (None, "speed"):
        bench_speed(a.show)


if __name__ == "__main__":
    main()
