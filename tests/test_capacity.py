"""Capacity: data-driven cases (tests/cases/capacity/*.yaml) plus properties of the model and featuriser."""

from __future__ import annotations

import functools
import itertools
import time
from typing import Any

import msgspec
import numpy as np
import pytest

from onrecord.capacity import assess, assess_many
from onrecord.capacity.features import hashed_ngrams, normalise
from onrecord.capacity.model import ARTEFACT, CLASSES, CapacityModel, default_model
from onrecord.detectors import default_detectors
from onrecord.detectors.base import Signals, run_detectors
from onrecord.model.finding import CAPACITIES
from onrecord.model.post import Post
from onrecord.model.signal import Signal
from yaml_cases import case_params


@functools.cache
def _detectors() -> list[Any]:
    return list(default_detectors())


@pytest.mark.parametrize("case", case_params("capacity"))
def test_case(case: dict[str, Any]) -> None:
    """Each case runs the real detectors (as the engine does) plus any extra ``signals`` it lists."""
    post = msgspec.convert(case["post"], Post)
    found = run_detectors(post, _detectors()).all
    signals = Signals(found + [msgspec.convert(s, Signal) for s in case.get("signals", [])])
    res = assess(post, signals)
    exp = case["expect"]
    assert res.label == exp["label"], (res.label, res.scores, res.evidence)
    if "decided_by" in exp:
        assert res.decided_by == exp["decided_by"]
    if "evidence_has" in exp:
        assert any(exp["evidence_has"] in e for e in res.evidence), res.evidence
    if "evidence_lacks" in exp:
        assert not any(exp["evidence_lacks"] in e for e in res.evidence), res.evidence
    for label, floor in exp.get("min", {}).items():
        assert res.scores[label] >= floor, (label, res.scores)
    assert abs(sum(res.scores.values()) - 1.0) < 1e-3
    assert set(res.scores) == set(CAPACITIES)


def test_artefact_is_shipped_small_and_loads_fast() -> None:
    assert ARTEFACT.exists()
    size = sum(p.stat().st_size for p in ARTEFACT.parent.iterdir())
    assert size < 15e6
    t0 = time.perf_counter()
    CapacityModel.load()
    assert time.perf_counter() - t0 < 1.0


def test_batch_equals_single_and_probabilities_sum_to_one() -> None:
    posts = [
        Post(text="Join our campaign today and vote on Tuesday!"),
        Post(text="The county office will be closed on Monday for the holiday."),
        Post(text="Had the best tacos of my life last night"),
    ]
    many = assess_many(posts)
    for p, r in zip(posts, many, strict=True):
        one = assess(p, Signals([]))
        assert one.label == r.label
        assert one.scores == pytest.approx(r.scores, abs=1e-4)
    m = default_model()
    assert m is not None
    proba = m.predict_proba([p.text for p in posts])
    assert np.allclose(proba.sum(axis=1), 1.0)


def test_text_view_ignores_account_kind() -> None:
    post = msgspec.convert(
        {"text": "Chip in $10 now to help us win this race and defeat our opponent!", "account": {"kind": "official"}}, Post
    )
    ctx, text = assess_many([post, post], use_context=True)[0], assess_many([post], use_context=False)[0]
    assert ctx.label == "official" and ctx.decided_by == "context"
    assert text.label == "political"


def test_text_view_ignores_the_handle() -> None:
    post = msgspec.convert({"text": "Thank you to everyone who came out tonight.", "account": {"handle": "RepJaneDoe"}}, Post)
    ctx, text = assess_many([post])[0], assess_many([post], use_context=False)[0]
    assert any("handle reads as an office account" in e for e in ctx.evidence)
    assert not any("handle" in e for e in text.evidence)
    assert ctx.scores["official"] > text.scores["official"]


def test_detector_signals_count_as_evidence() -> None:
    post = Post(text="See you at the event this weekend.")
    sig = Signals([Signal(kind="paid_for_by", start=0, end=3, text="See")])
    res = assess(post, sig)
    assert res.label == "political"
    assert any("paid for by" in e for e in res.evidence)


def test_hashing_is_position_independent_and_stable() -> None:
    a = hashed_ngrams(["we are proud", "x", "we are proud"], 18)
    rows, buckets, _ = a
    assert sorted(buckets[rows == 0]) == sorted(buckets[rows == 2])
    # Same bucket ids across calls (no per-process hash seed).
    assert list(hashed_ngrams(["hello"], 18)[1]) == list(hashed_ngrams(["hello"], 18)[1])
    assert normalise("Vote NOW: https://t.co/abc &amp; 2024!") == "vote now : _url_ & 0000 !"


def test_empty_batch_and_empty_text() -> None:
    assert assess_many([]) == []
    res = assess(Post(text=""), Signals([]))
    assert abs(sum(res.scores.values()) - 1.0) < 1e-3


def test_fast_scoring_matches_the_training_featuriser() -> None:
    from onrecord.capacity.features import linear_scores, with_zero_row

    texts = ["We are proud to announce 12 new grants!", "", "a", "é😀 #tag @someone https://example.org/x", "ok ok ok"]
    rng = np.random.default_rng(0)
    w = rng.standard_normal((2**12, 3)).astype(np.float32)
    row, bucket, value = hashed_ngrams(texts, 12)
    ref = np.zeros((len(texts), 3), dtype=np.float64)
    np.add.at(ref, row, w[bucket] * value[:, None])
    fast = linear_scores(texts, with_zero_row(w), 12)
    assert np.allclose(ref, fast, atol=1e-4)


def test_a_text_scores_the_same_whatever_follows_it_in_the_batch() -> None:
    # A batch ending in texts without word pairs ("a", "", "_url_") dropped the last word pair of the text before
    # them: a post's capacity depended on its neighbours (found by streaming `onrecord capacity` in batches).
    from onrecord.capacity.features import linear_scores, with_zero_row

    texts = ["please honor that and go vote", "thank you all", "a", "", "_url_", "ok ok", "x y"]
    w = with_zero_row(np.random.default_rng(1).standard_normal((2**12, 3)).astype(np.float32))
    alone = np.vstack([linear_scores([t], w, 12) for t in texts])
    for order in itertools.permutations(range(len(texts)), 4):
        batch = [texts[i] for i in order]
        assert np.allclose(linear_scores(batch, w, 12), alone[list(order)], atol=1e-5), batch


def test_evidence_words_survive_the_token_table_filling_up(monkeypatch: pytest.MonkeyPatch) -> None:
    from onrecord.capacity import model as model_module

    texts = [
        "Proud to vote for the infrastructure bill today with my colleagues",
        "Chip in before midnight to keep our campaign strong",
        "Great barbecue with the family this weekend",
    ]
    labels = ["official", "political", "private"]
    roomy = CapacityModel.load()
    expected = roomy.token_pulls(texts, labels)
    assert any(expected)
    # Room for one post's tokens, not two: the table is cleared while a batch still needs tokens it
    # held before ("the", "to" are shared), which must then be scored again.
    monkeypatch.setattr(model_module, "_TOKEN_ROWS_LIMIT", 14)
    tight = CapacityModel.load()
    for _ in range(2):
        assert tight.token_pulls(texts[:1], labels[:1]) == expected[:1]
        assert tight.token_pulls(texts, labels) == expected
        assert tight.token_pulls(texts[2:], labels[2:]) == expected[2:]


def test_evidence_words_follow_their_definition() -> None:
    """token_pulls against the definition worked out token by token: score for the label minus the best
    other class (professional aside), in float32; the three highest above 0.05, ties in token order."""
    model = CapacityModel.load()
    texts = [
        "Proud to vote for the infrastructure bill today with my colleagues!! #infrastructure",
        "Chip in before midnight to keep our campaign strong https://t.co/x1 a a a",
        "Great barbecue with the family this weekend, the family loved it",
        "",
        "We're hiring a policy analyst: join my team",
    ]
    classes = list(CLASSES)
    prof = classes.index("professional")
    for label in classes:
        got = model.token_pulls(texts, [label] * len(texts))
        for text, words in zip(texts, got, strict=True):
            toks = [x for x in dict.fromkeys(normalise(text).split()) if len(x) > 1 and x != "_url_"]
            pulls = []
            for k, tok in enumerate(toks):
                s = (model.logits([tok]) - model.bias)[0]
                j = classes.index(label)
                others = max(s[c] for c in range(len(classes)) if c not in (j, prof))
                pull = np.float32(s[j] - others)
                if pull > np.float32(0.05):
                    pulls.append((-float(pull), k, tok))
            assert words == [tok for _, _, tok in sorted(pulls)[:3]], (label, text)
