"""The Hyperscan gate over the exposure patterns changes no answer: every case text, and variants of it,
gives the same facts with the gate as with every pattern run through ``re``."""

from __future__ import annotations

from pathlib import Path

import yaml

from onrecord.detectors.multipattern import MultiPattern
from onrecord.exposure.facts import FactFinder
from onrecord.exposure.rules import shipped_rules

CASES = Path(__file__).parent / "cases" / "exposure"


def _texts() -> list[str]:
    out: list[str] = []
    for f in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            posts = case["posts"]
            rows = [posts["post"]] if isinstance(posts, dict) else posts
            for r in rows:
                out += [r.get("text", ""), r.get("comment", ""), r.get("account", {}).get("bio", "")]
    extra = [
        "Based in Wellington. Working at the Ministry for Primary Industries",
        "I LIVE IN WELLINGTON AND WORK AT MBIE",
        "📍 Lower Hutt\nEvery Monday at 6pm I coach at the club",
        "my son's school run at 8.15am, then my morning swim",
        "I hold a TS/SCI clearance and work at the Department of Defense",
    ]
    texts = [t for t in out + extra if t]
    # Variants: upper and lower case, a curly apostrophe, a non-ASCII letter in front.
    return texts + [t.upper() for t in texts] + [t.lower() for t in texts] + [t.replace("'", "’") for t in texts] + ["é " + t for t in texts]


def test_gate_gives_the_answers_of_plain_re() -> None:
    rules = shipped_rules()
    gated = FactFinder(rules)
    assert gated._gate.engine == "hyperscan"
    plain = FactFinder(rules)
    plain._gate = MultiPattern([(rx.pattern, kind) for kind, rx, _ in plain._patterns], caseless=False, engine="re")
    for text in _texts():
        for field in ("text", "bio"):
            assert gated.find(text, field) == plain.find(text, field), (field, text)
