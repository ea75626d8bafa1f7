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
* Engine: Hyperscan (Vectorscan) when ``hyperscan`` imports, as a prefilter: one pass over the
  text says which patterns match at all (``HS_FLAG_SINGLEMATCH``, cheap to compile, ~100 MB/s), and
  only those run through Python ``re`` for exact spans, so both engines give identical answers.
  Patterns Hyperscan cannot compile (look-around, back-references) always run through ``re``; without
  Hyperscan every pattern does (fine for tens of patterns, slow for thousands). Regexes are compiled
  with ``re.ASCII``: ``\\b`` and ``\\w`` are ASCII, as in Hyperscan.
* ``candidates(text)`` exposes the prefilter alone (pattern indexes that may match).
* Built objects are cached by ``(patterns, caseless)``: ``MultiPattern.cached(...)`` returns the same
  instance for the same arguments, so detectors can build at import time or lazily at no extra cost.
* ``share()`` makes a gate a member of :data:`SHARED_PASS`: ahead of a batch, one Hyperscan scan per text
  answers every member at once (see :class:`SharedPass`), with the same answers as the member's own scan.
* Compiled Hyperscan databases are also kept on disk (:func:`cache_dir`: ``ONRECORD_CACHE``, default
  ``~/.cache/onrecord``), keyed by the patterns, the flags and the hyperscan version: compiling the
  shipped lexicons takes about 8 s, loading them a few ms, so a one-post ``onrecord check`` and every
  audit worker start fast. An unreadable or stale file is compiled again; an unwritable directory
  only costs the compile.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

try:  # optional accelerator; the pure-Python path gives the same answers
    import hyperscan as _hs
except ImportError:  # pragma: no cover - depends on the platform
    _hs = None  # type: ignore[assignment]

HAVE_HYPERSCAN: bool = _hs is not None


def cache_dir() -> Path | None:
    """Where compiled Hyperscan databases are kept (created if missing); None when it cannot be made."""
    base = os.environ.get("ONRECORD_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "onrecord")
    try:
        Path(base).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return Path(base)


STALE_DAYS = 30  # a cached database not loaded for this long is deleted when another is written


def cached_database(name: str, key: object, build: Callable[[], tuple[Any, dict[str, Any]]]) -> tuple[Any, dict[str, Any]]:
    """A Hyperscan database and its JSON-able notes, from ``<cache_dir>/<name>-<hash of key>.hsdb`` or else from
    ``build()`` (then saved). A file that does not load is built again; an unusable folder only costs the
    build. Writing a file deletes databases not loaded for :data:`STALE_DAYS` (their patterns changed)."""
    assert _hs is not None
    digest = hashlib.sha256(repr((key, getattr(_hs, "__version__", ""))).encode()).hexdigest()[:20]
    folder = cache_dir()
    path = folder / f"{name}-{digest}.hsdb" if folder else None
    if path is not None and path.exists():
        try:
            head, _, blob = path.read_bytes().partition(b"\n")
            notes = json.loads(head)
            db = _hs.loadb(blob, _hs.HS_MODE_BLOCK) if blob else None
            if db is not None:
                db.scratch = _hs.Scratch(db)
            os.utime(path)  # marks it as used
            return db, notes
        except Exception:
            pass  # unreadable or from another build: build again
    db, notes = build()
    if path is not None:
        try:
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(json.dumps(notes).encode() + b"\n" + (_hs.dumpb(db) if db is not None else b""))
            tmp.replace(path)
            cutoff = time.time() - STALE_DAYS * 86400
            for old in path.parent.glob("*.hsdb"):
                if old.stat().st_mtime < cutoff:
                    old.unlink(missing_ok=True)
        except OSError:
            pass
    return db, notes


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=4096)
def _inert(ch: str) -> bool:
    """A non-ASCII character that Python's Unicode regexes treat as Hyperscan's ASCII classes treat every
    non-ASCII character: not a word character (``\\w`` is ``isalnum()`` or ``_``), not white space, and
    without case (so no ASCII letter folds to it under IGNORECASE). Curly quotes, dashes, emoji, bullets
    and currency signs are; letters, digits, no-break spaces and lone surrogates are not."""
    if "\ud800" <= ch <= "\udfff":  # encoded as '?' for Hyperscan: not the same character
        return False
    return not (ch.isalnum() or ch.isspace()) and ch.lower() == ch == ch.upper() and ch.casefold() == ch


def compiled_database(name: str, exprs: list[bytes], flags: list[int]) -> Any:
    """``exprs[i]`` compiled with ``flags[i]`` under id ``i`` into one block-mode database, kept on disk by
    :func:`cached_database`; None when Hyperscan rejects the set."""

    def build() -> tuple[Any, dict[str, Any]]:
        assert _hs is not None
        db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
        try:
            db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
        except Exception:
            return None, {}
        return db, {}

    return cached_database(name, (exprs, flags), build)[0]


def ascii_semantics(text: str) -> bool:
    """True when Python's Unicode regex classes read ``text`` as ASCII ones do (Hyperscan's): no separator
    U+001C-U+001F (Unicode ``\\s`` counts them as white space), and every non-ASCII character
    :func:`_inert` (a tweet's curly quotes and emoji). A Hyperscan superset gate that says "no" is exact on
    such text."""
    if "\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text:
        return False
    return text.isascii() or _all_inert(text)


@lru_cache(maxsize=1024)  # several gates ask about the same text
def _all_inert(text: str) -> bool:
    return all(map(_inert, set(_NON_ASCII.findall(text))))


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


def collect_ids(id_: int, frm: int, to: int, flags: int, found: list[int]) -> None:
    """Hyperscan match handler: adds the pattern id to the ``context`` list (no closure per scan)."""
    found.append(id_)


class MultiPattern:
    """Many regexes scanned in one pass. See the module docstring for the API and semantics."""

    _cache: ClassVar[dict[tuple[Any, ...], MultiPattern]] = {}

    def __init__(self, patterns: Sequence[tuple[str, str]], caseless: bool = True, engine: str = "auto") -> None:
        self.patterns: list[tuple[str, str]] = [(p, k) for p, k in patterns]
        self.kinds: list[str] = [k for _, k in self.patterns]
        self.caseless = caseless
        flags = re.ASCII | (re.IGNORECASE if caseless else 0)
        # Python regexes give the exact spans; Hyperscan only says which of them can match.
        self._re: list[re.Pattern[str]] = [re.compile(p, flags) for p, _ in self.patterns]
        self._always: list[int] = []  # patterns Hyperscan could not compile: always run with re
        self._db: Any = None
        self._slot: int | None = None  # member slot in SHARED_PASS (share())
        if HAVE_HYPERSCAN and engine in ("auto", "hyperscan") and self.patterns:
            self._db = self._hs_load_or_build()
        else:
            self._always = list(range(len(self.patterns)))
        self.engine = "hyperscan" if self._db is not None else "re"

    @classmethod
    def cached(cls, patterns: Sequence[tuple[str, str]], caseless: bool = True) -> MultiPattern:
        """A shared instance for these patterns (compiled on first use)."""
        key = (tuple((p, k) for p, k in patterns), caseless)
        mp = cls._cache.get(key)
        if mp is None:
            mp = cls._cache[key] = cls(patterns, caseless=caseless)
        return mp

    def _hs_load_or_build(self) -> Any:
        """The database, from the disk cache or compiled; the notes keep the patterns Hyperscan rejected."""

        def build() -> tuple[Any, dict[str, Any]]:
            db = self._hs_build(list(range(len(self.patterns))))
            return db, {"always": self._always}

        db, notes = cached_database("mp", (self.patterns, self.caseless), build)
        self._always = [int(i) for i in notes["always"]]
        return db

    def _hs_flags(self) -> int:
        """The Hyperscan flags every pattern of this set is compiled with."""
        assert _hs is not None
        f = _hs.HS_FLAG_SINGLEMATCH | _hs.HS_FLAG_UTF8 | _hs.HS_FLAG_ALLOWEMPTY
        return int(f | _hs.HS_FLAG_CASELESS if self.caseless else f)

    def _hs_compile(self, ids: list[int]) -> Any:
        assert _hs is not None
        db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
        db.compile(
            expressions=[self.patterns[i][0].encode() for i in ids],
            ids=ids,
            elements=len(ids),
            flags=[self._hs_flags()] * len(ids),
        )
        return db

    def _hs_build(self, ids: list[int]) -> Any:
        """Compile ``ids``; patterns Hyperscan rejects (look-around, back-references) go to ``_always``."""
        ok = self._hs_compilable(ids)
        return self._hs_compile(ok) if ok else None

    def _hs_compilable(self, ids: list[int]) -> list[int]:
        try:
            self._hs_compile(ids)
            return ids
        except Exception:
            if len(ids) == 1:
                self._always.append(ids[0])
                return []
        mid = len(ids) // 2
        return self._hs_compilable(ids[:mid]) + self._hs_compilable(ids[mid:])

    def share(self) -> MultiPattern:
        """Join :data:`SHARED_PASS` (for gates every post goes through); returns ``self``."""
        if self._db is not None and self._slot is None:
            ids = [i for i in range(len(self.patterns)) if i not in self._always]
            self._slot = SHARED_PASS.join([self.patterns[i][0].encode() for i in ids], [self._hs_flags()] * len(ids), ids)
        return self

    def candidates(self, text: str) -> list[int]:
        """Indexes of the patterns that may match ``text``."""
        if self._db is None or not text:
            return list(self._always)
        found: list[int] | None = None
        # SHARED_PASS.lookup, inlined: every post asks several gates this (a primed entry is sorted already)
        slot = self._slot
        per = None if slot is None else SHARED_PASS._primed.get(text)
        if per is not None and slot is not None and slot < len(per):
            got = per[slot]
            if not self._always:
                return [] if got is _NONE else list(got)
            found = list(got)
        if found is None:
            found = []  # SINGLEMATCH: each id is reported once
            self._db.scan(text.encode("utf-8", "replace"), match_event_handler=collect_ids, context=found)
        if self._always:
            found.extend(i for i in self._always if i not in found)
        if len(found) > 1:
            found.sort()
        return found

    def gate_kinds(self, text: str) -> set[str] | None:
        """Kinds whose patterns may match ``text``, as a superset gate for exact regexes elsewhere; None when
        Hyperscan cannot tell (not installed, or text it does not read as Python does: :func:`ascii_semantics`)."""
        if self._db is None or not ascii_semantics(text):
            return None
        return {self.kinds[i] for i in self.candidates(text)}

    def scan_ids(self, text: str) -> list[tuple[int, int, int]]:
        """``(start, end, pattern_index)`` matches, leftmost-longest and non-overlapping per kind."""
        hits: list[tuple[int, int, int]] = []
        for i in self.candidates(text):
            hits.extend((m.start(), m.end(), i) for m in self._re[i].finditer(text))
        if not hits:
            return []
        return select_leftmost_longest(hits, self.kinds)

    def scan(self, text: str) -> list[tuple[str, int, int]]:
        """``(kind, start, end)`` matches, leftmost-longest and non-overlapping per kind, by start."""
        return [(self.kinds[i], s, e) for s, e, i in self.scan_ids(text)]

    def search(self, text: str) -> bool:
        """True when any pattern matches ``text``."""
        return any(self._re[i].search(text) for i in self.candidates(text))


_NONE: tuple[int, ...] = ()


class SharedPass:
    """One Hyperscan scan per text for several gates at once, ahead of a batch.

    Gates that every post goes through join with their compiled expressions, flags and own pattern ids
    (:meth:`join` gives a slot; members with the same patterns share one). :meth:`prime` scans each text of
    a batch once against all members' patterns together and keeps each member's ids; the member's own scan
    of a primed text becomes a dictionary look-up (:meth:`lookup`). Each pattern keeps its own flags and
    ``HS_FLAG_SINGLEMATCH``, so the merged database reports for every member exactly what its own database
    would. Answers depend on the text alone: a text that was not primed (the evasion-normalised text, a
    text of an earlier batch, one that is not valid UTF-8) is scanned by the member as before."""

    def __init__(self) -> None:
        self._slots: dict[tuple[tuple[bytes, ...], tuple[int, ...], tuple[int, ...]], int] = {}
        self._exprs: list[bytes] = []
        self._flags: list[int] = []
        self._owner: list[int] = []  # merged id -> slot
        self._local: list[int] = []  # merged id -> the member's own pattern id
        self._db: Any = None
        self._built = 0  # number of merged patterns the database was built for
        self._primed: dict[str, list[tuple[int, ...] | list[int]]] = {}

    def join(self, exprs: list[bytes], flags: list[int], ids: list[int]) -> int:
        """The slot of a member whose pattern ``ids[k]`` is ``exprs[k]`` compiled with ``flags[k]``."""
        key = (tuple(exprs), tuple(flags), tuple(ids))
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = len(self._slots)
            self._exprs.extend(exprs)
            self._flags.extend(flags)
            self._owner.extend([slot] * len(ids))
            self._local.extend(ids)
            self._primed = {}  # primed lists have one entry per slot: a new slot waits for the next batch
        return slot

    def _database(self) -> Any:
        if self._built != len(self._exprs):
            exprs, flags = list(self._exprs), list(self._flags)  # copies: members may join later
            self._db = compiled_database("shared", exprs, flags) if _hs is not None and exprs else None
            self._built = len(exprs)
        return self._db

    # Fewer texts than this are left to the gates' own scans: a one-post check gains nothing from the pass, and
    # never pays for compiling its database (about 5 s, once per cache folder).
    MIN_BATCH: ClassVar[int] = 64

    def prime(self, texts: Sequence[str]) -> None:
        """Scan ``texts`` (the batch about to be checked) for every member; forgets the previous batch."""
        if len(texts) < self.MIN_BATCH:
            self._primed = {}
            return
        db = self._database()
        if db is None:
            return
        n = len(self._slots)
        owner, local = self._owner, self._local
        primed: dict[str, list[tuple[int, ...] | list[int]]] = {}
        for text in texts:
            if not text or text in primed:
                continue
            try:
                raw = text.encode("utf-8")
            except UnicodeEncodeError:  # lone surrogates: members encode these their own ways
                continue
            found: list[int] = []
            db.scan(raw, match_event_handler=collect_ids, context=found)
            per: list[tuple[int, ...] | list[int]] = [_NONE] * n
            if found:
                if len(found) > 1:
                    found.sort()  # each member's ids ascending, as its own scan returns them sorted
                for g in found:
                    got = per[owner[g]]
                    if got is _NONE:
                        per[owner[g]] = [local[g]]
                    else:
                        got.append(local[g])  # type: ignore[union-attr]
            primed[text] = per
        self._primed = primed

    def lookup(self, text: str, slot: int) -> list[int] | None:
        """The member's pattern ids that may match ``text`` (a new list), or None when ``text`` was not primed."""
        per = self._primed.get(text)
        # a slot that joined while the batch was being primed is not in it (another thread's join)
        return None if per is None or slot >= len(per) else list(per[slot])


SHARED_PASS = SharedPass()
"""The process's shared pass: gates join it with :meth:`MultiPattern.share`; the engine primes it per batch."""
