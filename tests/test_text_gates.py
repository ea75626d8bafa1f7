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


# Non-ASCII characters that Python's Unicode regexes read as Hyperscan's ASCII ones read any non-ASCII
# character (multipattern._inert): gates stay exact on texts holding only these.
INERT = ["’", "“", "”", "—", "–", "…", "•", "€", "≠", "😀", "\u200b", "→", "✔"]
PHRASES = [
    "paid for by", "Paid for by Friends of Jane for Congress", "views my own", "tweets are personal", "as a nurse at the clinic",
    "As an engineer,", "my team", "lives at 12 Main St", "12 Main Street", "PO Box 7", "call us on", "contact the office",
    "her claim", "their case file", "complaint", "date of birth", "The Minister is a disgrace", "I believe the Government",
    "IMO the council", "on behalf of the council", "casework", "ward surgery", "RT ≠ endorsement", "we're hiring", "x",
    "idiot", "the", "of", "Flat 3, 45 Queen's Road", "Senator", "https://t.co/Ab1", "#hiring", "Mrs Jones", "0800 123 456",
]


def _inert_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 6)):
            p = rng.choice(PHRASES)
            if rng.random() < 0.5:  # an inert character inside or beside a phrase
                k = rng.randint(0, len(p))
                p = p[:k] + rng.choice(INERT) + p[k:]
            parts.append(p)
        out.append(rng.choice([" ", "", "\n", "’"]).join(parts))
    return out


def test_inert_texts_read_as_ascii() -> None:
    from onrecord.detectors.multipattern import ascii_semantics

    texts = _inert_texts(200, 1)
    assert all(ascii_semantics(t) for t in texts)
    assert not any(ascii_semantics(t) for t in ["café", "a\u00a0b", "\u212aelvin", "lone \ud800", "ⓐ", "x\x1fy"])


def test_hyperscan_reads_inert_text_as_python_does() -> None:
    """For every compiled gate: where Python's Unicode regex for a pattern matches a text of ASCII and inert
    characters, Hyperscan says that pattern may match (so a gate's "no" stays exact on such text)."""
    import re

    from onrecord.detectors import default_detectors
    from onrecord.detectors.multipattern import MultiPattern

    default_detectors()
    import onrecord.capacity.cues
    import onrecord.checks.builtin.personal_data  # noqa: F401

    texts = _inert_texts(1500, 2)
    checked = 0
    for mp in list(MultiPattern._cache.values()):
        if mp._db is None:
            continue
        py = [re.compile(p, re.IGNORECASE if mp.caseless else 0) for p, _ in mp.patterns]
        for t in texts:
            cands = set(mp.candidates(t))
            for i, rx in enumerate(py):
                if rx.search(t):
                    checked += 1
                    assert i in cands, (mp.patterns[i][0][:60], t)
    assert checked > 1000


@pytest.mark.parametrize("seed", [3, 4])
def test_gated_answers_equal_ungated_on_inert_text(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from onrecord.checks.builtin import personal_data as pd
    from onrecord.detectors import political
    from onrecord.detectors.pii import detector as pii
    from onrecord.detectors.political import PoliticalDetector

    texts = _inert_texts(400, seed)
    posts = [msgspec.convert({"text": t, "account": {"kind": "unknown"}}, Post) for t in texts]
    det, pol = pii.PiiDetector(names=False), PoliticalDetector()
    gated = (
        [cues.context_cues(p, None) for p in posts],
        [(pd._org_context(t), pd._private_context(t)) for t in texts],
        [det.detect(t, "text") for t in texts],
        [pol.detect(t, "text") for t in texts],
    )
    monkeypatch.setattr(cues._TEXT_CUE_GATE, "gate_kinds", lambda words: None)
    monkeypatch.setattr(pd._ORG_GATE, "gate_kinds", lambda t: None)
    monkeypatch.setattr(pd._PRIVATE_CONTEXT_GATE, "gate_kinds", lambda t: None)
    monkeypatch.setattr(pii._address_gate(), "gate_kinds", lambda t: None)
    monkeypatch.setattr(political, "ascii_semantics", lambda t: False)
    pii._IDENTIFIERS.clear()
    ungated = (
        [cues.context_cues(p, None) for p in posts],
        [(pd.ORG_CONTEXT.search(t) is not None, pd.PRIVATE_CONTEXT.search(t) is not None) for t in texts],
        [det.detect(t, "text") for t in texts],
        [pol.detect(t, "text") for t in texts],
    )
    for name, a, b in zip(("cues", "PD01 contexts", "PII", "political"), gated, ungated, strict=True):
        assert a == b, name
    assert any(gated[0]) and any(any(x) for x in gated[1]) and any(gated[2]) and any(gated[3])
