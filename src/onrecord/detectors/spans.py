"""Span look-ups in logarithmic time, so a long text (an article, a pasted document) is not quadratic to check."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class SpanIndex:
    """Fixed spans ``[start, end)`` that answer "does any of them overlap ``[a, b)``?"."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        s = sorted(spans)
        self.starts = [a for a, _ in s]
        self.max_end = list(accumulate((b for _, b in s), max))  # the furthest end among the first i spans

    def overlaps(self, a: int, b: int) -> bool:
        i = bisect_left(self.starts, b)  # the spans that start before b are the first i
        return i > 0 and self.max_end[i - 1] > a


class DisjointSpans(Generic[T]):
    """Items on pairwise non-overlapping spans, kept in order of start (so their ends are in order too)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.items: list[T] = []

    def clashing(self, a: int, b: int) -> list[T]:
        """The items whose span overlaps ``[a, b)``."""
        return self.items[bisect_right(self.ends, a) : bisect_left(self.starts, b)]

    def add(self, a: int, b: int, item: T) -> None:
        """Add an item; its span must overlap none held (remove the clashing ones first)."""
        i = bisect_right(self.starts, a)
        self.starts.insert(i, a)
        self.ends.insert(i, b)
        self.items.insert(i, item)

    def remove_clashing(self, a: int, b: int) -> None:
        lo, hi = bisect_right(self.ends, a), bisect_left(self.starts, b)
        del self.starts[lo:hi], self.ends[lo:hi], self.items[lo:hi]


class EndIndex:
    """Span ends, answering "does one end in ``[lo, hi]``?"."""

    def __init__(self, ends: Iterable[int]) -> None:
        self.ends = sorted(ends)

    def any_between(self, lo: int, hi: int) -> bool:
        i = bisect_left(self.ends, lo)
        return i < len(self.ends) and self.ends[i] <= hi
