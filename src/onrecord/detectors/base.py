"""Detector interface and the runner that applies every detector to every field of a post."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Protocol

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
    """Finds signals in one piece of text. Pure: no I/O after construction."""

    name: str

    def detect(self, text: str, field: str) -> Iterable[Signal]: ...


class Signals:
    """Signals found in a post, indexed by kind."""

    __slots__ = ("_by_kind", "all")

    def __init__(self, signals: Sequence[Signal]) -> None:
        self.all: list[Signal] = list(signals)
        self._by_kind: dict[str, list[Signal]] = defaultdict(list)
        for s in self.all:
            self._by_kind[s.kind].append(s)

    def of(self, *kinds: str, fields: Iterable[str] | None = None) -> list[Signal]:
        """Signals of any of ``kinds``, optionally only in ``fields``."""
        wanted = set(fields) if fields is not None else None
        out = [s for k in kinds for s in self._by_kind.get(k, ())]
        return [s for s in out if wanted is None or s.field in wanted]

    def has(self, *kinds: str, fields: Iterable[str] | None = None) -> bool:
        return bool(self.of(*kinds, fields=fields))

    def kinds(self) -> set[str]:
        return {k for k, v in self._by_kind.items() if v}


def run_detectors(post: Post, detectors: Sequence[Detector], fields: Sequence[str] = TEXT_FIELDS) -> Signals:
    """Run every detector over every non-empty text field of ``post`` (and its links)."""
    found: list[Signal] = []
    for field in fields:
        text = field_text(post, field)
        if not text:
            continue
        _detect_all(detectors, text, field, found)
    if post.links:
        _detect_all(detectors, field_text(post, "links"), "links", found)
    return Signals(found)


def _detect_all(detectors: Sequence[Detector], text: str, field: str, found: list[Signal]) -> None:
    """Run ``detectors`` on one text. Detectors with ``normalise = True`` see evasion-normalised
    text (computed once per text) and their spans are mapped back to the original."""
    norm = None
    for d in detectors:
        if getattr(d, "normalise", False):
            if norm is None:
                norm = normalise(text)
            found.extend(map_signal(s, norm) for s in d.detect(norm.text, field))
        else:
            found.extend(d.detect(text, field))
