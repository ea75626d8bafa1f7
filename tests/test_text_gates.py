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
