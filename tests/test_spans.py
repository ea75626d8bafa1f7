"""The span look-ups agree with the plain loops they replace, on random spans."""

from __future__ import annotations

import random

from onrecord.detectors.spans import DisjointSpans, EndIndex, SpanIndex


def _spans(rng: random.Random, n: int) -> list[tuple[int, int]]:
    out = []
    for _ in range(n):
        a = rng.randrange(0, 500)
        out.append((a, a + rng.randrange(1, 40)))
    return out


def test_span_index_answers_as_the_loop() -> None:
    rng = random.Random(3)
    for n in (0, 1, 5, 50, 400):
        spans = _spans(rng, n)
        idx = SpanIndex(spans)
        for a, b in _spans(rng, 300):
            assert idx.overlaps(a, b) == any(a < te and ts < b for ts, te in spans)


def test_disjoint_spans_keep_what_the_loop_keeps() -> None:
    rng = random.Random(5)
    for n in (1, 10, 300):
        kept_loop: list[tuple[int, int]] = []
        kept: DisjointSpans[tuple[int, int]] = DisjointSpans()
        for s in _spans(rng, n):
            clash = [k for k in kept_loop if k[0] < s[1] and s[0] < k[1]]
            assert kept.clashing(*s) == sorted(clash)
            if not clash:
                kept_loop.append(s)
                kept.add(*s, s)
            elif rng.random() < 0.3:  # replace what it clashes with (the street-address rule)
                kept_loop = [k for k in kept_loop if k not in clash] + [s]
                kept.remove_clashing(*s)
                kept.add(*s, s)
            assert kept.items == sorted(kept_loop)


def test_end_index_answers_as_the_loop() -> None:
    rng = random.Random(9)
    ends = [rng.randrange(0, 1000) for _ in range(200)]
    idx = EndIndex(ends)
    for _ in range(500):
        x = rng.randrange(-50, 1100)
        assert idx.any_between(x - 40, x) == any(0 <= x - e <= 40 for e in ends)
