"""Hyperscan gates in front of costly regexes must never change an answer."""

from __future__ import annotations

import random

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


def _disguise(term: str, rng: random.Random) -> str:
    """``term`` as an evader might write it: letters repeated 1-5 times, any case, inner letters masked, a suffix."""
    stem = term.lstrip("=").rstrip("*")
    out = []
    for i, ch in enumerate(stem):
        if ch.isalpha() and 0 < i < len(stem) - 1 and rng.random() < 0.15:
            out.append("*" * rng.randint(1, 3))
            continue
        n = rng.choice((1, 1, 1, 2, 2, 3, 5)) if ch.isalpha() else 1
        c = ch.upper() if rng.random() < 0.3 else ch
        out.append(c * n)
    word = "".join(out) + rng.choice(("", "", "s", "sss", "es", "ing", "y"))
    before = rng.choice(("", "you ", "what a ", "www.", "http://x.co/", "#", "@", "wwww "))
    after = rng.choice(("", "!", ".", " and more", "www.", "...", "tt"))
    return before + word + after


def test_bounded_abuse_gate_is_a_superset_of_the_loose_one() -> None:
    """The fast lexicon gate (bounded regexes, falling back to the loose ones on RUN3) never says no where the
    loose regexes match, for every term written in many disguises."""
    from onrecord.detectors import abuse

    rng = random.Random(7)
    loose = abuse._loose_matcher()
    texts = [_disguise(t, rng) for _, t in abuse.lexicon() for _ in range(40)]
    passed = 0
    for text in texts:
        if loose.candidates(text):
            passed += 1
            assert abuse._lexicon_gate(text), text
    assert passed > len(texts) // 2  # the disguises mostly still read as the term


def test_abuse_detector_gate_matches_loose_gate() -> None:
    """The detector's one-pass gate gives the loose gate's lexicon / hot-word answer wherever that one matches."""
    from onrecord.detectors.abuse import AbuseDetector, lexicon

    det = AbuseDetector()
    rng = random.Random(8)
    for _, t in lexicon():
        text = _disguise(t, rng)
        want = det._loose_gate.candidates(text)
        got = det._candidates(text)
        if want and want[0] < det._n_lex:
            assert got and got[0] < det._n_lex, text
        assert bool(want and want[-1] >= det._n_lex) == bool(got and got[-1] >= det._n_lex), text


def test_professional_regex_matches_its_alternatives_as_written() -> None:
    """cues._PROFESSIONAL (the alternatives behind a look-ahead for their first characters) finds what the plain
    alternation finds, at the same places, on cue phrases mixed with Unicode look-alikes and noise."""
    import re

    plain = re.compile("|".join(cues._PROFESSIONAL_ALTS), re.I)
    rng = random.Random(11)
    pieces = [
        "as a", "As An engineer,", "  as a teacher,", "nurse", "at", "in my role", "my team", "I'm speaking", "conference",
        "we're hiring", "#hiring", "job opening", "open to work", "#OpenToWork", "excited to share", "I've joined",
        "KEYNOTE", "\u212aeynote", "\u0130n my role", "x", "\n", "\u00e9", "_", "\u2019", "#", "a", "I",
    ]
    for _ in range(20000):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        assert [m.span() for m in plain.finditer(text)] == [m.span() for m in cues._PROFESSIONAL.finditer(text)], text
        m = plain.search(text)
        if m is not None:
            again = plain.search(text, m.end())
            other = cues._PROFESSIONAL.search(text, m.end())
            assert (again.span() if again else None) == (other.span() if other else None), text


def test_link_regexes_with_a_look_ahead_match_as_before() -> None:
    """The look-ahead put in front of two link regexes (for speed) changes no match."""
    import re

    from onrecord.detectors import normalise

    pairs = [
        (re.compile(r"(?:https?://|\bwww\.)([^/\s:?#]+)", re.I), cues._URL_HOST),
        (re.compile(r"(?<!\S)https?://\S+"), normalise._TOKEN_LINK),
    ]
    rng = random.Random(12)
    pieces = ["http://", "https://", "HTTPS://", "www.", "WWW.", "x.gov/a", "t.co/Ab1", " ", "\n", "a", "(", "hwww.", "#", "?", ":"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        for old, new in pairs:
            assert old.findall(text) == new.findall(text), text
