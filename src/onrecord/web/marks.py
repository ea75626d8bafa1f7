"""Cut a post's text into plain and highlighted pieces, one mark per finding span."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from onrecord.model.finding import Finding


@dataclass
class Piece:
    """A stretch of text; ``findings`` are the 1-based numbers of the findings whose span covers it."""

    text: str
    findings: list[int] = field(default_factory=list)
    severity: str = ""


_RANK = {"breach": 3, "warning": 2, "info": 1}


def pieces(text: str, findings: list[Finding], fld: str = "text") -> list[Piece]:
    """``text`` cut at every span boundary of the findings on ``fld``; overlapping spans share a piece.

    One sweep over the sorted boundaries (a post with thousands of findings stays linear in them). Spans
    outside the text (a stale result) are clipped, never raised on."""
    n = len(text)
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    sev: dict[int, str] = {}
    for i, f in enumerate(findings, start=1):
        if f.span is None or f.span.field != fld:
            continue
        a, b = max(0, min(f.span.start, n)), max(0, min(f.span.end, n))
        if b > a:
            starts.setdefault(a, []).append(i)
            ends.setdefault(b, []).append(i)
            sev[i] = f.severity
    cuts = sorted({0, n, *starts, *ends})
    active: set[int] = set()
    out: list[Piece] = []
    for a, b in pairwise(cuts):
        active.difference_update(ends.get(a, ()))
        active.update(starts.get(a, ()))
        ids = sorted(active)
        worst = max((sev[i] for i in ids), key=lambda v: _RANK.get(v, 0), default="")
        out.append(Piece(text[a:b], ids, worst))
    return out or [Piece(text)]
