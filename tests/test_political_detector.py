"""The Hyperscan prefilter never changes what the political detector finds."""

from __future__ import annotations

from pathlib import Path

import yaml

from onrecord.detectors.political import PoliticalDetector

CASES = Path(__file__).parent / "cases" / "checks"


def _texts() -> list[str]:
    out = []
    for f in CASES.glob("*.yaml"):
        for case in yaml.safe_load(f.read_text("utf-8"))["cases"]:
            post = case["post"]
            out += [post.get("text", ""), post.get("comment", ""), post.get("account", {}).get("profile_image", "")]
    out += ["Te Pāti Māori wins — kia ora!", "Vote Labour on 2 May", "CONFIDENTIAL — don’t share", "日本語のテキスト"]
    # links: the link gates must let through everything the link parser reports
    out += [
        "Chip in: https://secure.ActBlue.com/donate/jane-2026 today",
        "Events at sub.JaneForCongress.com/events and www.janeforcongress.com.au",
        "see example.org/donate-today or mycharity.org/give/now, https://t.co/AbC123xyz",
        "winred.com/x https://www.GOP.com/ nzlabour.org.nz/fundraising vote4smith.us",
    ]
    return [t for t in out if t]


def test_prefilter_is_exact() -> None:
    fast = PoliticalDetector()
    slow = PoliticalDetector()
    slow._prefilter.db = None
    for text in _texts():
        assert list(fast.detect(text, "text")) == list(slow.detect(text, "text")), text


def test_party_names_are_case_sensitive() -> None:
    d = PoliticalDetector()
    assert any(s.kind == "party" for s in d.detect("Labour will win", "text"))
    assert not any(s.kind == "party" for s in d.detect("the labour market is tight", "text"))
