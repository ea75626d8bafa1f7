"""Compiled-once multi-pattern matcher for lexicons and pattern sets.

Usage::

    mp = MultiPattern([(r"\\bidiot\\w*", "insult"), (r"\\bkill (?:you|him|her)\\b", "threat")], caseless=True)
    mp.scan("You idiots, I will kill you")   # -> [("insult", 4, 10), ("threat", 19, 27)]

* ``patterns`` is a sequence of ``(regex, kind)``; many patterns may share a kind.
* ``scan(text)`` returns ``(kind, start, end)`` character offsets into ``text``, sorted by start.
  Matches are **leftmost-longest and non-overlapping per kind**: among overlapping matches of one
  kind the one that starts first wins, and of those the longest. Different kinds may overlap.
* ``scan_ids(text)`` is the same but reports the index of the pattern instead of its kind (so the
  caller can keep per-pattern data such as a subtype or a weight).
* Engine: Hyperscan (Vectorscan) when ``hyperscan`` imports, with ``HS_FLAG_SOM_LEFTMOST`` so start
  offsets are exact. Patterns Hyperscan cannot compile (look-around, back-references) and every
  pattern when Hyperscan is missing run through Python ``re`` (one compiled regex per pattern: fine
  for tens of patterns, slow for thousands). ``\\b`` and ``\\w`` are ASCII in both engines.
* Built objects are cached by ``(patterns, caseless)``: ``MultiPattern.cached(...)`` returns the same
  instance for the same arguments, so detectors can build at import time or lazily at no extra cost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

try:  # optional accelerator; the pure-Python path gives the same answers
    import hyperscan as _hs
except ImportError:  # pragma: no cover - depends on the platform
    _hs = None

HAVE_HYPERSCAN: bool = _hs is not None


def _byte_to_char(text: str) -> list[int] | None:
    """Map UTF-8 byte offsets of ``text`` to character offsets (``None`` when ASCII)."""
    if text.isascii():
        return None
    out: list[int] = []
    for i, ch in enumerate(text):
        out.extend([i] * len(ch.encode("utf-8")))
    out.append(len(text))
    return out


def select_leftmost_longest(hits: list[tuple[int, int, int]], kinds: Sequence[str]) -> list[tuple[int, int, int]]:
    """Greedy leftmost-longest non-overlapping selection of ``(start, end, id)`` hits, per kind of id."""
    hits.sort(key=lambda h: (h[0], -h[1]))
    last_end: dict[str, int] = {}
    out: list[tuple[int, int, int]] = []
    for s, e, i in hits:
        k = kinds[i]
        if s < last_end.get(k, -1) or e <= s:
            continue
        last_end[k] = e
        out.append((s, e, i))
    return out


class MultiPattern:
    """Many regexes scanned in one pass. See the module docstring for the API and semantics."""

    _cache: ClassVar[dict[tuple[Any, ...], MultiPattern]] = {}

    def __init__(self, patterns: Sequence[tuple[str, str]], caseless: bool = True, engine: str = "auto") -> None:
        self.patterns: list[tuple[str, str]] = [(p, k) for p, k in patterns]
        self.kinds: list[str] = [k for _, k in self.patterns]
        self.caseless = caseless
        flags = re.ASCII | (re.IGNORECASE if caseless else 0)
        self._re_fallback: list[tuple[int, re.Pattern[str]]] = []
        self._db: Any = None
        use_hs = HAVE_HYPERSCAN and engine in ("auto", "hyperscan") and bool(self.patterns)
        hs_ids: list[int] = []
        if use_hs:
            for i, (p, _) in enumerate(self.patterns):
                if self._hs_ok(p):
                    hs_ids.append(i)
                else:
                    self._re_fallback.append((i, re.compile(p, flags)))
            if hs_ids:
                self._db = self._hs_compile(hs_ids)
        else:
            self._re_fallback = [(i, re.compile(p, flags)) for i, (p, _) in enumerate(self.patterns)]
        self.engine = "hyperscan" if self._db is not None else "re"

    @classmethod
    def cached(cls, patterns: Sequence[tuple[str, str]], caseless: bool = True) -> MultiPattern:
        """A shared instance for these patterns (compiled on first use)."""
        key = (tuple((p, k) for p, k in patterns), caseless)
        mp = cls._cache.get(key)
        if mp is None:
            mp = cls._cache[key] = cls(patterns, caseless=caseless)
        return mp

    def _flags(self) -> int:
        assert _hs is not None
        f = _hs.HS_FLAG_SOM_LEFTMOST | _hs.HS_FLAG_UTF8
        if self.caseless:
            f |= _hs.HS_FLAG_CASELESS
        return int(f)

    def _hs_ok(self, pattern: str) -> bool:
        """True when Hyperscan compiles ``pattern`` with our flags (no look-around etc.)."""
        assert _hs is not None
        try:
            db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
            db.compile(expressions=[pattern.encode()], ids=[0], elements=1, flags=[self._flags()])
        except Exception:
            return False
        return True

    def _hs_compile(self, ids: list[int]) -> Any:
        assert _hs is not None
        db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
        db.compile(
            expressions=[self.patterns[i][0].encode() for i in ids],
            ids=ids,
            elements=len(ids),
            flags=[self._flags()] * len(ids),
        )
        return db

    def scan_ids(self, text: str) -> list[tuple[int, int, int]]:
        """``(start, end, pattern_index)`` matches, leftmost-longest and non-overlapping per kind."""
        hits: list[tuple[int, int, int]] = []
        if self._db is not None and text:
            raw: list[tuple[int, int, int]] = []

            def on_match(id_: int, frm: int, to: int, flags: int, ctx: Any) -> None:
                raw.append((frm, to, id_))

            self._db.scan(text.encode("utf-8"), match_event_handler=on_match)
            if raw:
                b2c = _byte_to_char(text)
                if b2c is None:
                    hits.extend(raw)
                else:
                    hits.extend((b2c[s], b2c[e], i) for s, e, i in raw)
        for i, rx in self._re_fallback:
            hits.extend((m.start(), m.end(), i) for m in rx.finditer(text))
        if not hits:
            return []
        return select_leftmost_longest(hits, self.kinds)

    def scan(self, text: str) -> list[tuple[str, int, int]]:
        """``(kind, start, end)`` matches, leftmost-longest and non-overlapping per kind, by start."""
        return [(self.kinds[i], s, e) for s, e, i in self.scan_ids(text)]

    def search(self, text: str) -> bool:
        """True when any pattern matches ``text``."""
        return bool(self.scan_ids(text))
