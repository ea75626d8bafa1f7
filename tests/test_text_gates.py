"""Hyperscan gates in front of costly regexes must never change an answer."""

from __future__ import annotations

import msgspec
import pytest

from onrecord.capacity import cues
from onrecord.model.post import Post

TEXTS = [
    "As a nurse at the county hospital I see this every day.",
    "In my role as a planner I reviewed the plan. My team agrees.",
    "I'm speaking at the housing conference on Friday #hiring",
    "Paid for by Friends of Jane Doe for Congress.",
    "Ward surgery this Saturday at the library: casework welcome.",
    "Views my own. RT != endorsement.",
    "Great game last night!",
    "Tweets are personal; not speaking on behalf of my employer.",
    "On behalf of the council, thank you to everyone who came.",
    "as a teacher, I think this is wrong",
    "My research\x1fpaper is out",  # a separator Unicode \\s reads as whitespace
    "Views\u00a0my own",  # non-ASCII: the gate is not used
]


@pytest.mark.parametrize("text", TEXTS)
def test_text_cue_gate_never_changes_cues(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    post = msgspec.convert({"text": text, "account": {"kind": "unknown"}}, Post)
    gated = cues.context_cues(post, None)
    monkeypatch.setattr(cues._TEXT_CUE_GATE, "gate_kinds", lambda words: None)  # no gate: every regex runs
    assert gated == cues.context_cues(post, None)


def test_some_text_cues_fire() -> None:
    fired = {
        c.label
        for t in TEXTS
        for c in cues.context_cues(msgspec.convert({"text": t, "account": {"kind": "unknown"}}, Post), None)
    }
    assert {"professional", "political", "official", "private"} <= fired


POLITICAL_TEXTS = [
    "The Minister is a disgrace. Personally I think the budget is fine.",
    "The Government delivered supplies today.",  # 'lies' inside a word: the loose pattern still matches
    "Great news for farmers! The Senator visited.\nI believe in our county.",
    "Honestly the Administration's plan is a joke! Vote on Tuesday.",
    "The Mayor opened the library. It was a lovely day.",
    "The Prime Minister is ſcum",  # long s: IGNORECASE folds it to 's', Hyperscan does not (not gated)
    "IMO the Premier is right.MPs agree",
    "No government words here, just a joke.",
]


@pytest.mark.parametrize("text", POLITICAL_TEXTS)
def test_political_sentence_gates_never_change_signals(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from onrecord.detectors.political import PoliticalDetector

    det = PoliticalDetector()
    gated = [(s.kind, s.start, s.end) for s in det.detect(text, "text")]
    monkeypatch.setattr(det._prefilter, "db", None)  # no prefilter: every pattern and sentence test runs
    assert gated == [(s.kind, s.start, s.end) for s in det.detect(text, "text")]


def test_political_sentence_signals_fire() -> None:
    from onrecord.detectors.political import PoliticalDetector

    det = PoliticalDetector()
    kinds = {s.kind for t in POLITICAL_TEXTS for s in det.detect(t, "text")}
    assert {"gov_criticism", "political_opinion"} <= kinds
