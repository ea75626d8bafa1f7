"""Detector interface and the runner that applies every detector to every field of a post."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from onrecord.detectors.multipattern import SHARED_PASS
from onrecord.detectors.normalise import map_signal, normalise
from onrecord.model.post import Post
from onrecord.model.signal import Signal

# Fields of a post that carry free text, in the order detectors see them.
TEXT_FIELDS: tuple[str, ...] = ("text", "comment", "bio", "display_name", "profile_image", "header_image")


def field_text(post: Post, field: str) -> str:
    """The text of one field of ``post`` (``bio`` etc. come from the account)."""
    if field == "text":
        return post.text
    if field == "comment":
        return post.comment
    if field == "links":
        return " ".join(post.links)
    return str(getattr(post.account, field, "") or "")


class Detector(Protocol):
    """Finds signals in one piece of text. Pure: no I/O after construction.

    A detector with a ``lazy_kinds`` attribute (a tuple of signal kinds) is run on demand: only when
    a check asks :class:`Signals` for one of those kinds. Costly detectors whose output few posts
    need (the person-name tagger) are declared that way."""

    name: str

    def detect(self, text: str, field: str) -> Iterable[Signal]: ...


class Signals:
    """Signals found in a post, indexed by kind. Lazy detectors run on the first request for their kinds."""

    __slots__ = ("_all", "_by_kind", "_lazy_kinds", "_pending", "_possible")

    def __init__(
        self,
        signals: Sequence[Signal],
        pending: Sequence[tuple[Detector, list[tuple[str, str]]]] = (),
        lazy_kinds: frozenset[str] | None = None,
    ) -> None:
        """``lazy_kinds``: the kinds the ``pending`` detectors declare, when the caller already has them."""
        self._all: list[Signal] = list(signals)
        self._by_kind: dict[str, list[Signal]] = {}
        for s in self._all:
            self._by_kind.setdefault(s.kind, []).append(s)
        # (lazy detector, [(field, text), ...]) not run yet
        self._pending: list[tuple[Detector, list[tuple[str, str]]]] = list(pending)
        self._possible: frozenset[str] | None = None
        self._lazy_kinds: frozenset[str] = (
            lazy_kinds if lazy_kinds is not None else frozenset(k for d, _ in self._pending for k in getattr(d, "lazy_kinds", ()))
        )

    def _resolve(self, kinds: Iterable[str] | None = None) -> None:
        wanted = None if kinds is None else set(kinds)
        keep: list[tuple[Detector, list[tuple[str, str]]]] = []
        for det, texts in self._pending:
            if wanted is not None and not wanted.intersection(getattr(det, "lazy_kinds", ())):
                keep.append((det, texts))
                continue
            found: list[Signal] = []
            pair = (_with_input(det),)
            for field, text in texts:
                _detect_all(pair, text, field, found)
            self._all.extend(found)
            for x in found:
                self._by_kind.setdefault(x.kind, []).append(x)
        self._pending = keep
        self._possible = None
        self._lazy_kinds = frozenset(k for d, _ in keep for k in getattr(d, "lazy_kinds", ()))

    @property
    def all(self) -> list[Signal]:
        """Every signal (runs any lazy detector still pending)."""
        if self._pending:
            self._resolve()
        return self._all

    def of(self, *kinds: str, fields: Iterable[str] | None = None) -> list[Signal]:
        """Signals of any of ``kinds``, optionally only in ``fields`` (a new list)."""
        if self._pending and not self._lazy_kinds.isdisjoint(kinds):
            self._resolve(kinds)
        bk = self._by_kind
        if len(kinds) == 1:
            one = bk.get(kinds[0])
            if not one:
                return []
            out = list(one)
        else:
            out = [s for k in kinds if (got := bk.get(k)) for s in got]
            if not out:
                return out
        if fields is None:
            return out
        wanted = fields if isinstance(fields, (tuple, frozenset, set)) else tuple(fields)
        return [s for s in out if s.field in wanted]

    def has(self, *kinds: str, fields: Iterable[str] | None = None) -> bool:
        return bool(self.of(*kinds, fields=fields))

    def kinds(self) -> set[str]:
        """Kinds present (runs any lazy detector still pending)."""
        if self._pending:
            self._resolve()
        return self.found_kinds()

    def possible_kinds(self) -> frozenset[str]:
        """Kinds found so far plus those a pending lazy detector may add (runs nothing)."""
        got = self._possible
        if got is None:  # kept until a lazy detector runs (the engine and PD01 both ask)
            found = frozenset(self._by_kind)
            got = self._possible = found | self._lazy_kinds if self._pending else found
        return got

    def found_kinds(self) -> set[str]:
        """Kinds found so far, without running lazy detectors (enough for kinds no lazy detector makes)."""
        return {k for k, v in self._by_kind.items() if v}


def _with_input(d: Detector) -> tuple[Detector, bool]:
    """``(d, whether it reads evasion-normalised text)``: what :func:`_detect_all` takes."""
    return d, bool(getattr(d, "normalise", False))


class _Plan:
    """A detector list split once: eager detectors on the original text, eager ones on normalised text, lazy ones."""

    __slots__ = ("detectors", "eager", "lazy", "lazy_kinds", "size")

    def __init__(self, detectors: Sequence[Detector]) -> None:
        self.detectors = detectors  # held so that its id is not reused while the plan is cached
        self.size = len(detectors)
        # (detector, sees normalised text), in the given order: signals come out in detector order
        self.eager = [_with_input(d) for d in detectors if not getattr(d, "lazy_kinds", None)]
        self.lazy = [d for d in detectors if getattr(d, "lazy_kinds", None)]
        self.lazy_kinds: frozenset[str] = frozenset(k for d in self.lazy for k in getattr(d, "lazy_kinds", ()))


_PLANS: dict[int, _Plan] = {}


def _plan(detectors: Sequence[Detector]) -> _Plan:
    plan = _PLANS.get(id(detectors))
    # The same list object with other contents (a caller appended a detector) gets a new plan.
    if plan is None or plan.detectors is not detectors or plan.size != len(detectors):
        if len(_PLANS) > 64:
            _PLANS.clear()
        plan = _PLANS[id(detectors)] = _Plan(detectors)
    return plan


def post_texts(post: Post, fields: Sequence[str] = TEXT_FIELDS) -> list[tuple[str, str]]:
    """``(field, text)`` for every non-empty text field of ``post``, then its links (as one ``links`` text)."""
    if fields is TEXT_FIELDS:  # the engine's case: the six fields read directly (a call per field costs more)
        a = post.account
        texts = [
            (f, t if type(t) is str and "\r" not in t else fold_cr(str(t)))
            for f, t in (
                ("text", post.text),
                ("comment", post.comment),
                ("bio", a.bio),
                ("display_name", a.display_name),
                ("profile_image", a.profile_image),
                ("header_image", a.header_image),
            )
            if t
        ]
    else:
        texts = [(f, fold_cr(t) if "\r" in t else t) for f in fields if (t := field_text(post, f))]
    if post.links:
        texts.append(("links", field_text(post, "links")))
    return texts


def fold_cr(text: str) -> str:
    """CRLF (browsers, Windows CSV exports) read as LF: each "\\r\\n" becomes " \\n" and a lone "\\r" a "\\n",
    so the length and every offset stay those of the text as written, and patterns that expect LF match."""
    return text.replace("\r\n", " \n").replace("\r", "\n")


def run_detectors(post: Post, detectors: Sequence[Detector], fields: Sequence[str] = TEXT_FIELDS) -> Signals:
    """Run every eager detector over every non-empty text field of ``post`` (and its links); lazy
    detectors (``lazy_kinds``) are handed to :class:`Signals` and run when asked for."""
    return _run(_plan(detectors), post_texts(post, fields))


def run_detectors_many(posts: Sequence[Post], detectors: Sequence[Detector], fields: Sequence[str] = TEXT_FIELDS) -> list[Signals]:
    """:func:`run_detectors` for a batch: the gates in :data:`SHARED_PASS` first scan every text of the batch
    in one pass each (same signals, less scanning)."""
    plan = _plan(detectors)
    texts = [post_texts(post, fields) for post in posts]
    SHARED_PASS.prime([t for post in texts for f, t in post if f != "links"])  # the links text goes to a link parser
    return [_run(plan, t) for t in texts]


def _run(plan: _Plan, texts: list[tuple[str, str]]) -> Signals:
    found: list[Signal] = []
    for field, text in texts:
        _detect_all(plan.eager, text, field, found)
    return Signals(found, [(d, texts) for d in plan.lazy], plan.lazy_kinds)


def _detect_all(detectors: Sequence[tuple[Detector, bool]], text: str, field: str, found: list[Signal]) -> None:
    """Run ``(detector, sees normalised text)`` pairs on one text. The evasion-normalised text is computed
    once per text, and spans found on it are mapped back to the original."""
    norm = None
    for d, normalised in detectors:
        if not normalised:
            found.extend(d.detect(text, field))
            continue
        if norm is None:
            norm = normalise(text)
        if norm.text is text:  # nothing to undo: spans are the original's
            found.extend(d.detect(text, field))
        else:
            found.extend(map_signal(s, norm) for s in d.detect(norm.text, field))
