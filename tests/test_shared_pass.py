"""The shared Hyperscan pass (one scan per text for every member gate) gives each gate its own answers."""

from __future__ import annotations

import random
from pathlib import Path

import msgspec
import pytest
import yaml

from onrecord.detectors import default_detectors, run_detectors, run_detectors_many
from onrecord.detectors.multipattern import HAVE_HYPERSCAN, SHARED_PASS, MultiPattern
from onrecord.model.post import Post

pytestmark = pytest.mark.skipif(not HAVE_HYPERSCAN, reason="the shared pass needs hyperscan")

CASES = Path(__file__).parent / "cases" / "checks"


def _case_texts() -> list[str]:
    out = []
    for f in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        for case in doc.get("cases", []) if isinstance(doc, dict) else doc:
            text = (case.get("post") or {}).get("text")
            if isinstance(text, str) and text:
                out.append(text)
    return out


def _texts() -> list[str]:
    """The check cases' post texts, and random splices of their words with look-alikes and odd characters."""
    base = _case_texts()
    words = [w for t in base for w in t.split()]
    rng = random.Random(5)
    extra = ["\u200bidiot", "1d10t", "s t u p i d", "ſcum", "Å", "\u00a0", "\x1f", "www.", "http://t.co/Ab1", "123 Main St", "+64 21 555 0123"]
    spliced = [" ".join(rng.choice(words + extra) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    return base + spliced + ["", "lone \ud800 surrogate"]


def _members() -> list[MultiPattern]:
    default_detectors()  # builds (and shares) every default gate
    return [m for m in MultiPattern._cache.values() if m._slot is not None]


def test_default_gates_join_the_shared_pass() -> None:
    assert len(_members()) >= 4  # PII triggers, abuse, normalisation, sensitive, private context


def test_primed_answers_are_each_gates_own() -> None:
    from onrecord.detectors.political import PoliticalDetector

    members = _members()
    prefilter = PoliticalDetector()._prefilter
    texts = _texts()
    SHARED_PASS.prime(texts)

    def answers(t: str) -> tuple[list[list[int]], list[int] | None]:
        # political's own scan takes valid UTF-8 only (the shared pass leaves other texts to it)
        return [m.candidates(t) for m in members], prefilter.candidates(t, 10**6) if t.isascii() or "\ud800" not in t else None

    primed = {t: answers(t) for t in texts}
    SHARED_PASS.prime([])  # forget the batch: every gate scans on its own
    hits = 0
    for t in texts:
        own = answers(t)
        assert primed[t] == own, t
        hits += any(own[0]) or bool(own[1])
    assert hits > len(texts) // 2  # the texts do fire the gates


def test_batch_signals_equal_one_post_at_a_time() -> None:
    dets = default_detectors()
    posts = [msgspec.convert({"text": t, "comment": t[::-1]}, Post) for t in _texts()[:400] if t]
    many = run_detectors_many(posts, dets)
    SHARED_PASS.prime([])
    for post, got in zip(posts, many, strict=True):
        one = run_detectors(post, dets)
        assert sorted(got.kinds()) == sorted(one.kinds())
        assert got._all == one._all


def test_small_batches_are_left_to_the_gates() -> None:
    """A one-post check neither compiles the shared database nor primes it: each gate scans on its own."""
    _members()
    SHARED_PASS.prime(["paid for by"] * (SHARED_PASS.MIN_BATCH - 1))
    assert SHARED_PASS.lookup("paid for by", 0) is None
    SHARED_PASS.prime(["paid for by"] * SHARED_PASS.MIN_BATCH)
    assert SHARED_PASS.lookup("paid for by", 0) is not None
