"""The check plugin interface: checks compute topics, the engine resolves them to clauses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import msgspec

from onrecord.detectors.base import Signals
from onrecord.model.code import Pack
from onrecord.model.finding import CapacityResult, Fix, Span
from onrecord.model.post import Post


class Hit(msgspec.Struct, frozen=True, kw_only=True):
    """What a check found: a topic (never a clause), a message, and optionally where and a fix.

    ``capacity`` overrides the post's capacity for clause resolution, e.g. partisan content shared
    from an official account is judged as an official-capacity act whatever the text says.
    ``fallback`` is the topic cited when no clause of the pack governs ``topic`` in that capacity.
    (A frozen msgspec Struct rather than a frozen dataclass: built ten times faster, once per hit.)
    """

    topic: str
    message: str
    span: Span | None = None
    entity: str | None = None
    fix: Fix | None = None
    capacity: str | None = None
    # The broader topic to cite when the pack governs ``topic`` with no clause here: packs that name the
    # Hatch Act's political-pressure rules apart cite them, the others their general misuse-of-position clause.
    fallback: str | None = None


class CheckContext(msgspec.Struct, frozen=True, kw_only=True):
    """Everything a check may look at. Checks are pure functions of this. (Built once per post.)"""

    post: Post
    capacity: CapacityResult
    signals: Signals
    pack: Pack
    # Judgements several checks share (partisan content, parsed facts), computed once per post.
    memo: dict[object, object] = msgspec.field(default_factory=dict)


class Check:
    """Base class for checks. The class docstring is the check's documentation (``onrecord explain``).

    Subclasses set ``code`` (two letters + two digits, stable forever), a dotted ``name``, ``groups``,
    the ``topics`` they may emit, optionally ``jurisdictions`` (empty: every jurisdiction), and
    optionally ``needs``: signal kinds of which the post must hold at least one (found, or pending
    from a lazy detector) for the check to find anything, unless the post carries
    ``circumstances.facts`` (facts can stand in for signals). The engine skips the check otherwise;
    ``None`` (the default) always runs it. An empty set means "only with facts".
    """

    code: ClassVar[str]
    name: ClassVar[str]
    groups: ClassVar[tuple[str, ...]] = ()
    topics: ClassVar[tuple[str, ...]] = ()
    jurisdictions: ClassVar[tuple[str, ...]] = ()
    needs: ClassVar[frozenset[str] | None] = None

    def evaluate(self, ctx: CheckContext) -> Iterable[Hit]:
        raise NotImplementedError
