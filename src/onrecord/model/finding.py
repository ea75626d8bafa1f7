"""The output side of the post contract: findings and results."""

from __future__ import annotations

from typing import Literal

import msgspec

Severity = Literal["breach", "warning", "info"]
Applicability = Literal["safe", "display"]
CapacityLabel = Literal["official", "professional", "private", "political"]
CAPACITIES: tuple[CapacityLabel, ...] = ("official", "professional", "private", "political")
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "breach": 2}


class Span(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Character offsets into a field of the post (``text`` unless ``field`` says otherwise)."""

    start: int
    end: int
    text: str
    field: str = "text"


class ClauseRef(msgspec.Struct, kw_only=True):
    """A clause of the pack in use, as cited by a finding."""

    id: str
    title: str
    url: str


class Fix(msgspec.Struct, kw_only=True):
    """A suggested change. Only ``safe`` fixes are ever applied by ``--fix``."""

    applicability: Applicability
    title: str
    replacement: str | None = None


class Finding(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A check result resolved to clauses of the author's code."""

    check: str
    name: str
    topic: str
    severity: Severity
    clauses: list[ClauseRef]
    message: str
    span: Span | None = None
    entity: str | None = None
    fix: Fix | None = None


class CapacityResult(msgspec.Struct, kw_only=True):
    """The capacity a post is written in, with calibrated scores and the reasons."""

    label: CapacityLabel
    scores: dict[str, float]
    evidence: list[str]
    decided_by: Literal["context", "model", "rules"] = "rules"


class Result(msgspec.Struct, kw_only=True, omit_defaults=False):
    """The result for one post, in input order."""

    id: str | None
    code: str
    capacity: CapacityResult
    allowed: bool
    review_required: bool
    archive: bool
    findings: list[Finding]
    code_reason: str = ""
    warnings: list[str] = msgspec.field(default_factory=list)


class InputError(msgspec.Struct, kw_only=True):
    """A line of input that could not be checked, with where and why."""

    line: int
    error: str
    field: str | None = None
    id: str | None = None
