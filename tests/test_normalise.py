"""Evasion normalisation and the multi-pattern matcher (synthetic strings)."""

from __future__ import annotations

import msgspec
import pytest

from onrecord.detectors.base import run_detectors
from onrecord.detectors.multipattern import MultiPattern
from onrecord.detectors.normalise import normalise
from onrecord.model.post import Post
from onrecord.model.signal import Signal
from yaml_cases import case_params


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("you are an i d i o t", "you are an idiot"),
        ("i.d.i.o.t", "idiot"),
        ("stuuuupid", "stuupid"),
        ("1d10t", "idiot"),
        ("sh!t happens", "shit happens"),
        ("so $hit", "so shit"),
        ("y\u200bou m\u043eron", "you moron"),
        ("ｉｄｉｏｔ", "idiot"),
        ("Café", "Cafe"),
    ],
)
def test_normalise_undoes_tricks(text: str, expected: str) -> None:
    assert normalise(text).text == expected


@pytest.mark.parametrize("case", case_params("normalise"))
def test_normalise_cases(case: dict[str, str]) -> None:
    """tests/cases/normalise/*.yaml: identifiers stay as written, evasions are undone."""
    expected = case["text"] if case["expect"] == "same" else case["expect"]
    assert normalise(case["text"]).text == expected


@pytest.mark.parametrize("text", ["Call 021 555 0123 today", "Room 4B at 10am", "Plain words only.", ""])
def test_plain_text_is_untouched(text: str) -> None:
    n = normalise(text)
    assert n.text == text
    assert n.starts is None


@pytest.mark.parametrize(
    ("text", "word", "original"),
    [
        ("he is an i d i o t ok", "idiot", "i d i o t"),
        ("so stuuuupid", "stuupid", "stuuuupid"),
        ("a m\u043er\u200bon here", "moron", "m\u043er\u200bon"),
        ("what a 1d10t!", "idiot", "1d10t"),
    ],
)
def test_spans_map_back_to_the_original(text: str, word: str, original: str) -> None:
    n = normalise(text)
    i = n.text.index(word)
    s, e = n.span(i, i + len(word))
    assert text[s:e] == original


class _Spy:
    """A detector that reports every occurrence of 'idiot' in what it is given."""

    name = "spy"
    normalise = True

    def detect(self, text: str, field: str) -> list[Signal]:
        i = text.find("idiot")
        return [] if i < 0 else [Signal(kind="x", start=i, end=i + 5, text=text[i : i + 5], field=field)]


def test_run_detectors_maps_normalised_spans() -> None:
    post = msgspec.convert({"text": "what an i d i o t", "comment": "1d10t"}, Post)
    sigs = run_detectors(post, [_Spy()]).of("x")
    assert [(s.field, s.text) for s in sigs] == [("text", "i d i o t"), ("comment", "1d10t")]


@pytest.mark.parametrize("engine", ["auto", "re"])
def test_multipattern_leftmost_longest_per_kind(engine: str) -> None:
    mp = MultiPattern(
        [(r"\bidiot\w*", "insult"), (r"\bidiots\b", "insult"), (r"\bkill (?:you|him)\b", "threat"), (r"(?<!x)foo", "x")],
        caseless=True,
        engine=engine,
    )
    assert mp.scan("You IDIOTS, I will kill you. foo xfoo") == [("insult", 4, 10), ("threat", 19, 27), ("x", 29, 32)]
    assert mp.scan("nothing here") == []
    assert mp.scan("Café idiot") == [("insult", 5, 10)]


def test_multipattern_is_cached() -> None:
    pats = [(r"\bcat\b", "pet")]
    assert MultiPattern.cached(pats) is MultiPattern.cached(list(pats))


def test_leet_near_is_leet_pair_regrouped() -> None:
    """_LEET_NEAR is _LEET_PAIR with its branches grouped: the same matches on every string of leet-ish characters."""
    import random
    import re

    from onrecord.detectors import normalise as n

    pair = re.compile(n._LEET_PAIR)
    rng = random.Random(3)
    alphabet = "aZb0$|+€£!@ .x9"
    for _ in range(5000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert [m.span() for m in pair.finditer(t)] == [m.span() for m in n._LEET_NEAR.finditer(t)], t
